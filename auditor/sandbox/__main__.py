"""`python -m auditor.sandbox [--host 127.0.0.1] [--port 8765] [--latency-ms 0]`."""

from __future__ import annotations

import argparse

from auditor.sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m auditor.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every emulated request")
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.latency_ms)


if __name__ == "__main__":
    main()
