"""`make demo`: start the bundled sandbox, audit a demo shop against it over real HTTP, stop the sandbox.

The sandbox accepts any key starting with "sandbox-", so the demo sets such keys for the key-gated providers
(unless the environment already has keys) and keeps its cache in a throwaway folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from auditor.sandbox.process import SandboxProcess

DEMO_KEYS = {
    "SOLOMO_GOOGLE_PLACES_KEY": "sandbox-demo-google",
    "SOLOMO_YELP_KEY": "sandbox-demo-yelp",
    "SOLOMO_FOURSQUARE_KEY": "sandbox-demo-foursquare",
    "SOLOMO_TRIPADVISOR_KEY": "sandbox-demo-tripadvisor",
    "SOLOMO_HERE_KEY": "sandbox-demo-here",
    "SOLOMO_TOMTOM_KEY": "sandbox-demo-tomtom",
    "SOLOMO_AZURE_MAPS_KEY": "sandbox-demo-azure",
    "SOLOMO_FACEBOOK_KEY": "sandbox-demo-facebook",
    "SOLOMO_APPLE_MAPS_KEY": "sandbox-demo-apple",
}
DEMO_AUDIT = [
    "Boulangerie Dupont",
    "--address",
    "12 rue de la République, 69002 Lyon",
    "--phone",
    "04 78 42 10 10",
    "--website",
    "https://www.boulangerie-dupont.fr",
    "--hours",
    "Mo-Fr 07:00-19:30; Sa 07:00-13:00",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="sandbox port (0: any free port)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="solomo-demo-") as scratch, SandboxProcess(args.port) as sandbox:
        env = {**os.environ, "SOLOMO_DATA_DIR": scratch, "SOLOMO_CONFIG_DIR": scratch}
        for name, value in DEMO_KEYS.items():
            env.setdefault(name, value)
        command = [sys.executable, "-m", "auditor", "--sandbox", sandbox.url, *DEMO_AUDIT]
        print(
            f"$ audit --sandbox {sandbox.url} " + " ".join(f'"{a}"' if " " in a else a for a in DEMO_AUDIT),
            flush=True,
        )
        started = time.perf_counter()
        code = subprocess.call(command, env=env)
        print(f"\n(audit took {time.perf_counter() - started:.2f} s against the sandbox, exit code {code})")
        print('Try discovery too:  SOLOMO_SANDBOX=<sandbox url> audit "Boulangerie Dupont" --city Lyon')
        return 0 if code in (0, 1) else code


if __name__ == "__main__":
    sys.exit(main())
