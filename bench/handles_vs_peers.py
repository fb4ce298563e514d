"""Our handle scan beside Sherlock and Maigret, in the same run, against one loopback server.

    unshare -rn .venv/bin/python bench/handles_vs_peers.py --sizes 50 200 1000 --delays 0 100 --reps 3

Why an empty network namespace (`unshare -rn`): both peers call home at start (GitHub, for their site
lists); inside it only 127.0.0.1 exists, so every tool sees exactly the generated sites and nothing else.

What runs:
- `bench/peers/loopserver.py` (the shared peers harness's server, vendored): `/{kind}/{N}/{user}`, the user
  exists on site N iff N % 3 == 0; `--delay-ms` delays every answer; `/__stats` counts requests and the
  peak number in flight.
- Site files generated for each tool from one list of sites: Sherlock's data.json format, Maigret's db format
  and our platform definitions (config/platforms.schema.json). Our file gives every site its own host name
  (`siteNNNN.bench.test`), reached through the sandbox routing (`--sandbox`, which keeps the Host header), so
  our per-host limits apply per site as they would on the real web; the peers address 127.0.0.1 directly.
- Each tool under `/usr/bin/time -v` (wall, CPU user+system, max RSS), its answers scored against the truth:
  status-code sites are claimed/available; `waf`, `ratelimit` and `hang` sites must be reported unknown.
- `--mixed` adds a correctness set of 140 sites over every kind (message, soft redirects, 403 challenge pages,
  429s), and `--hang` a set of 30 sites where one in five never answers within the 2 s timeout.

The peers (sherlock-project 0.16.2, maigret 0.6.6) are installed by this script in a scratch venv under
`--work` (default /tmp/solomo-peers) the first time, or taken from `$PEERS_VENV` (a bin dir).
Prints one JSON line per run and a Markdown table (median over reps) at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
USER = "boulangeriedupont"
ABSENT_USER = "noonewouldeverusethis7"
EVERY = 3
PEER_PACKAGES = ("sherlock-project==0.16.2", "maigret==0.6.6")
MIXED_KINDS = ("status", "message", "redirect", "waf", "ratelimit", "wafmsg", "rlmsg")
HANG_KINDS = ("status", "status", "status", "status", "hang")
BLOCKED_KINDS = {"waf", "ratelimit", "hang", "wafmsg", "rlmsg"}


@dataclass(frozen=True)
class SiteSet:
    tag: str
    truth: dict[str, str]  # site name -> CLAIMED | AVAILABLE | UNKNOWN
    files: dict[str, Path]  # tool -> its site file
    timeout: int


def generate(work: Path, port: int, n: int, kinds: tuple[str, ...], tag: str, timeout: int) -> SiteSet:
    """One list of sites, written as each tool's own site file."""
    base = f"http://127.0.0.1:{port}"
    sherlock: dict[str, Any] = {}
    maigret: dict[str, Any] = {}
    ours: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for i in range(n):
        kind = kinds[i % len(kinds)]
        name = f"{kind}{i:04d}"
        host = f"https://site{i:04d}.bench.test"
        s: dict[str, Any] = {
            "urlMain": base + "/",
            "url": f"{base}/{kind}/{i}/{{}}",
            "username_claimed": USER,
        }
        m: dict[str, Any] = {
            "urlMain": base + "/",
            "url": f"{base}/{kind}/{i}/{{username}}",
            "usernameClaimed": USER,
            "usernameUnclaimed": ABSENT_USER,
            "alexaRank": i + 1,
            "tags": ["test"],
        }
        o: dict[str, Any] = {
            "id": name,
            "label": name,
            "profile_url": f"{host}/{kind}/{i}/{{handle}}",
            "probe": {"url": f"{host}/{kind}/{i}/{{handle}}", "method": "GET"},
            "handle_rules": {"pattern": "^[a-z0-9_.]+$", "min_length": 1, "max_length": 64},
            "self_test": {"existing": USER, "absent": ABSENT_USER},
        }
        if kind in ("message", "wafmsg", "rlmsg"):
            s.update(errorType="message", errorMsg="Sorry, user not found")
            m.update(
                checkType="message", absenceStrs=["Sorry, user not found"], presenseStrs=['class="profile"']
            )
            o.update(
                exists={"status": [200], "body_contains": ['class="profile"']},
                absent={"status": [200], "body_contains": ["Sorry, user not found"]},
            )
        elif kind == "redirect":
            s.update(errorType="response_url", errorUrl=base + "/login")
            m.update(checkType="response_url")
            o.update(exists={"status": [200]}, absent={"status": [302], "redirect_to": ["/login"]})
        else:  # status, waf, ratelimit, hang
            s.update(errorType="status_code")
            m.update(checkType="status_code")
            o.update(exists={"status": [200]}, absent={"status": [404]})
        sherlock[name], maigret[name] = s, m
        ours.append(o)
        truth[name] = "UNKNOWN" if kind in BLOCKED_KINDS else ("CLAIMED" if i % EVERY == 0 else "AVAILABLE")
    sites = work / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    files = {
        "sherlock": sites / f"sherlock_{tag}.json",
        "maigret": sites / f"maigret_{tag}.json",
        "ours": sites / f"ours_{tag}.json",
    }
    files["sherlock"].write_text(json.dumps(sherlock, indent=1))
    files["maigret"].write_text(json.dumps({"sites": maigret, "engines": {}, "tags": ["test"]}, indent=1))
    files["ours"].write_text(
        json.dumps({"schema_version": 1, "block_signatures": [], "platforms": ours}, indent=1)
    )
    return SiteSet(tag, truth, files, timeout)


def peers_venv(work: Path) -> Path:
    given = os.environ.get("PEERS_VENV")
    if given:
        return Path(given)
    venv = work / "venv"
    if not (venv / "bin" / "sherlock").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PEER_PACKAGES], check=True)
    return venv / "bin"


def control(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.loads(response.read()) if path == "/__stats" else response.read()


def start_server(port: int, delay_ms: int, log: Path) -> subprocess.Popen[bytes]:
    """The loopback server, its stderr to `log` (a client hanging up on a `hang` site prints a traceback)."""
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "peers" / "loopserver.py"),
                "--port",
                str(port),
                "--delay-ms",
                str(delay_ms),
            ],
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    for _ in range(200):
        try:
            control(port, "/__reset")
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the loopback server did not start")


def command(
    tool: str, sites: SiteSet, out: Path, venv: Path, port: int, in_flight: int | None
) -> tuple[list[str], Path]:
    timeout = str(sites.timeout)
    if tool == "sherlock":
        return [
            str(venv / "sherlock"), "--json", str(sites.files["sherlock"]), "--ignore-exclusions",
            "--print-all", "--csv", "--no-color", "--timeout", timeout, "--folderoutput", str(out), USER,
        ], out / f"{USER}.csv"  # fmt: skip
    if tool == "maigret":
        return [
            str(venv / "maigret"), "--db", str(sites.files["maigret"]), "-a", "--no-autoupdate", "--no-color",
            "--no-progressbar", "--no-recursion", "--no-extracting", "--print-not-found", "--print-errors",
            "--timeout", timeout, "--csv", "-fo", str(out), USER,
        ], out / f"report_{USER}.csv"  # fmt: skip
    config = out / "config.toml"
    in_flight_line = f"max_in_flight = {in_flight}\n" if in_flight else ""
    config.write_text(f"[handles]\ntimeout = {sites.timeout}\n{in_flight_line}")
    audit = Path(sys.executable).parent / "audit"
    # Results streamed to stdout as each check completes, as the peers print theirs.
    return [
        str(audit), "--sandbox", f"http://127.0.0.1:{port}", "--no-cache", "--config", str(config),
        "handles", "--handle", USER, "--platforms", str(sites.files["ours"]), "--no-domains",
        "--format", "jsonl",
    ], out / "stdout.txt"  # fmt: skip


_OURS = {"owned": "CLAIMED", "taken": "CLAIMED", "available": "AVAILABLE", "unknown": "UNKNOWN"}


def answers(tool: str, path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    if tool == "ours":
        rows = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
        return {r["platform"]: _OURS[r["status"]] for r in rows if r.get("type") == "handle"}
    with path.open(newline="") as f:
        return {row["name"]: row["exists"].upper() for row in csv.DictReader(f)}


def run_one(
    tool: str, sites: SiteSet, delay: int, rep: int, work: Path, venv: Path, port: int, in_flight: int | None
) -> dict[str, Any]:
    out = work / "runs" / f"{tool}_{sites.tag}_d{delay}_r{rep}"
    out.mkdir(parents=True, exist_ok=True)
    argv, result_path = command(tool, sites, out, venv, port, in_flight)
    result_path.unlink(missing_ok=True)
    (out / "stdout.txt").unlink(missing_ok=True)
    env = dict(
        os.environ,
        HOME=str(work / "home"),
        PYTHONDONTWRITEBYTECODE="1",
        SOLOMO_DATA_DIR=str(work / "solomo-data"),
        SOLOMO_CONFIG_DIR=str(work / "solomo-config"),
    )
    control(port, "/__reset")
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *argv], cwd=out, env=env, capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - started
    (out / "stdout.txt").write_text(done.stdout)
    (out / "stderr.txt").write_text(done.stderr)
    stats = control(port, "/__stats")

    def number(label: str) -> float:
        found = re.search(rf"{label}: ([\d.]+)", done.stderr)
        return float(found.group(1)) if found else float("nan")

    got = answers(tool, result_path)
    wrong = {name: got.get(name, "MISSING") for name, want in sites.truth.items() if got.get(name) != want}
    return {
        "tool": tool,
        "sites": sites.tag,
        "delay_ms": delay,
        "rep": rep,
        "rc": done.returncode,
        "wall_s": round(wall, 3),
        "cpu_s": round(number(r"User time \(seconds\)") + number(r"System time \(seconds\)"), 2),
        "maxrss_mb": round(number(r"Maximum resident set size \(kbytes\)") / 1024, 1),
        "requests": stats["total"],
        "peak_inflight": stats["peak_inflight"],
        "correct": len(sites.truth) - len(wrong),
        "of": len(sites.truth),
        "wrong_examples": dict(list(wrong.items())[:4]),
        "cmd": " ".join(shlex.quote(a) for a in argv),
    }


def table(records: list[dict[str, Any]]) -> str:
    lines = [
        "| sites | delay | tool | wall s (median) | min–max | CPU s | CPU ms/check | max RSS MB"
        " | peak in flight | requests | correct |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = {"ours": 0, "sherlock": 1, "maigret": 2}
    keys = sorted(
        {(r["delay_ms"], r["sites"], r["tool"]) for r in records},
        key=lambda k: (k[0], int(re.sub(r"\D", "", k[1]) or 0), k[1], order.get(k[2], 9)),
    )
    for delay, tag, tool in keys:
        runs = [r for r in records if (r["delay_ms"], r["sites"], r["tool"]) == (delay, tag, tool)]
        walls = [r["wall_s"] for r in runs]
        cpu = statistics.median(r["cpu_s"] for r in runs)
        checks = runs[0]["of"]
        correct = min(r["correct"] for r in runs)
        rss = statistics.median(r["maxrss_mb"] for r in runs)
        lines.append(
            f"| {tag} | {delay} ms | {tool} | {statistics.median(walls):.2f}"
            f" | {min(walls):.2f}–{max(walls):.2f} | {cpu:.2f} | {1000 * cpu / checks:.2f} | {rss:.0f}"
            f" | {max(r['peak_inflight'] for r in runs)} | {runs[0]['requests']} | {correct}/{checks} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=[50, 200, 1000])
    parser.add_argument("--delays", nargs="+", type=int, default=[0, 100])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tools", nargs="+", default=["ours", "sherlock", "maigret"])
    parser.add_argument("--mixed", action="store_true", help="add the 140-site correctness set (every kind)")
    parser.add_argument(
        "--hang", action="store_true", help="add the 30-site set with hanging sites (2 s timeout)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--max-in-flight", type=int, help="our [handles] max_in_flight (default: the shipped config's)"
    )
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("PEERS_WORK", "/tmp/solomo-peers")))
    parser.add_argument("--jsonl", type=Path, help="append every run's record to this file")
    args = parser.parse_args()

    subprocess.run(["ip", "link", "set", "lo", "up"], check=False, capture_output=True)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "home").mkdir(exist_ok=True)
    peers = [t for t in args.tools if t != "ours"]
    venv = peers_venv(args.work) if peers else Path()
    sets = [generate(args.work, args.port, n, ("status",), str(n), 10) for n in args.sizes]
    if args.mixed:
        sets.append(generate(args.work, args.port, 140, MIXED_KINDS, "140mixed", 10))
    if args.hang:
        sets.append(generate(args.work, args.port, 30, HANG_KINDS, "30hang", 2))
    records: list[dict[str, Any]] = []
    for delay in args.delays:
        server = start_server(args.port, delay, args.work / "loopserver.log")
        try:
            for sites in sets:
                for rep in range(args.reps):
                    # Rotate the order so that no tool always runs on a cold (or warm) machine.
                    tools = args.tools[rep % len(args.tools) :] + args.tools[: rep % len(args.tools)]
                    for tool in tools:
                        record = run_one(
                            tool, sites, delay, rep, args.work, venv, args.port, args.max_in_flight
                        )
                        records.append(record)
                        print(json.dumps({k: v for k, v in record.items() if k != "cmd"}), flush=True)
                        if args.jsonl:
                            with args.jsonl.open("a") as f:
                                f.write(json.dumps(record) + "\n")
        finally:
            server.terminate()
            server.wait()
    print()
    print(table(records))
    print()
    for tool in args.tools:
        example = next(r["cmd"] for r in records if r["tool"] == tool)
        print(f"- {tool}: `{example}`")


if __name__ == "__main__":
    main()
