"""Per-host request spacing shared by every process on one Redis: ten workers still send Nominatim one
request per second in total, not ten.

The rule is the one the in-process limiter applies (requests evenly spaced at 1/rate, never in a burst),
kept in Redis as each host's next free slot and taken atomically by a Lua script (the generic cell rate
algorithm with a burst of one): a caller gets the time to wait for its slot, waits, and sends. Redis's own
clock is used, so the workers' clocks need not agree.
"""

from __future__ import annotations

import asyncio
from typing import Any

# KEYS[1]: the host's key; ARGV[1]: the interval in microseconds. Returns the wait in microseconds.
_TAKE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(free, now)
redis.call('SET', KEYS[1], slot + interval, 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
return slot - now
"""
KEY_PREFIX = "solomo-auditor:rate:"


class SharedSpacing:
    """`await acquire()` returns when this host may be sent the next request, across all processes."""

    def __init__(self, client: Any, host: str, rate: float) -> None:
        self._client = client
        self._key = KEY_PREFIX + host.lower()
        self._interval_us = max(1, round(1_000_000 / rate))
        self._script = client.register_script(_TAKE_SLOT)

    async def acquire(self) -> None:
        wait_us = int(await self._script(keys=[self._key], args=[self._interval_us]))
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1_000_000)


def redis_client(url: str) -> Any:
    """One asyncio Redis client (a connection pool) for a process's limiters."""
    import redis.asyncio

    return redis.asyncio.Redis.from_url(url)
