"""Per-host rates shared on Redis: several processes together keep a host's rate, over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_worker import _redis_url

PROBE = """
import asyncio, json, sys, time
from pathlib import Path
from auditor.config import load_settings
from auditor.http import HttpClient

async def main():
    settings = load_settings(Path(sys.argv[1]), sandbox=sys.argv[2], no_cache=True)
    sent = []
    async with HttpClient(settings.http, sandbox=settings.sandbox, no_cache=True) as http:
        for i in range(int(sys.argv[3])):
            await http.get("https://nominatim.openstreetmap.org/search?q=Lyon&format=jsonv2", cache=False)
            sent.append(time.time())  # answered: it was sent once its slot came
    print(json.dumps(sent))

asyncio.run(main())
"""
RATE = 20.0
PROCESSES = 4
EACH = 10


def _send_times(sandbox_url: str, config: Path) -> list[float]:
    go_at = time.time()
    probes = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(config), sandbox_url, str(EACH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    times: list[float] = []
    for probe in probes:
        out, err = probe.communicate(timeout=120)
        assert probe.returncode == 0, err
        times += json.loads(out)
    assert min(times) >= go_at
    return sorted(times)  # when each request was answered


@pytest.mark.skipif(_redis_url() is None, reason="no Redis at SOLOMO_TEST_REDIS_URL or 127.0.0.1:6379")
def test_four_processes_share_one_hosts_rate_through_redis(sandbox: Any, tmp_path: Path) -> None:
    import redis

    url = _redis_url()
    assert url
    redis.Redis.from_url(url).flushdb()
    limits = f'[hosts."nominatim.openstreetmap.org"]\nrate = {RATE}\nconcurrency = 4\n'
    shared = tmp_path / "shared.toml"
    shared.write_text(limits + f'[http]\nshared_limits = "{url}"\n', encoding="utf-8")
    alone = tmp_path / "alone.toml"
    alone.write_text(limits, encoding="utf-8")

    together = _send_times(sandbox.url, shared)
    span = together[-1] - together[0]
    # 40 requests evenly spaced at 20/s: 39 intervals of 50 ms between the first answer and the last.
    assert span >= (PROCESSES * EACH - 1) / RATE * 0.9, f"{span:.2f} s for {len(together)} requests"

    separate = _send_times(sandbox.url, alone)
    # Without the shared limit, each process keeps 20/s on its own: four times faster together.
    assert separate[-1] - separate[0] < span / 2
