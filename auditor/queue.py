"""The work queue: the one module that knows Huey (enqueue, run a worker), so the engine could be swapped.

Embedded by default: `SqliteHuey` in the user data dir — nothing to install or start. Distributed with
`redis://host:6379/0` (`--queue`, `[queue] url` or `SOLOMO_QUEUE`): `RedisHuey`, the same task code, and
workers on several machines drain the same queue. A task audits a chunk of shops on one asyncio pipeline
with one HTTP client (Huey tasks are synchronous; auditing shops one by one would lose the concurrency) and
records each shop in the batch's store as it finishes — the store, not Huey's result store, is where
results live, so a worker killed mid-chunk leaves the finished shops recorded and the rest to a retry.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper

QUEUE_NAME = "solomo-auditor"
ENV_VAR = "SOLOMO_QUEUE"
CHUNK_RETRIES = 2
CHUNK_RETRY_DELAY_S = 10


def queue_url(given: str | None, settings_raw: Mapping[str, Any]) -> str | None:
    """--queue, else SOLOMO_QUEUE, else the config's [queue] url; None = embedded."""
    configured = (
        settings_raw.get("queue", {}).get("url") if isinstance(settings_raw.get("queue"), Mapping) else None
    )
    return given or os.environ.get(ENV_VAR) or configured or None


@dataclass(frozen=True)
class Queue:
    huey: Huey
    audit_chunk: TaskWrapper
    run_due_watches: TaskWrapper


def make_queue(url: str | None, data_dir: Path) -> Queue:
    """The queue for `url` (None: SQLite in the data dir), with the auditor's tasks registered on it."""
    if url is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        huey: Huey = SqliteHuey(QUEUE_NAME, filename=str(data_dir / "queue.sqlite"), results=False)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(QUEUE_NAME, url=url, results=False)
    else:
        raise ValueError(f"queue URL must be redis://... (or none for the embedded queue), not {url!r}")
    task = huey.task(name="audit_chunk", retries=CHUNK_RETRIES, retry_delay=CHUNK_RETRY_DELAY_S)(_audit_chunk)
    watches = huey.periodic_task(crontab(minute="*"), name="run_due_watches")(_run_due_watches)
    return Queue(huey, task, watches)


def enqueue_chunks(
    queue: Queue, job: Mapping[str, Any], shops: Iterable[Mapping[str, Any]], size: int
) -> int:
    """Put the shops on the queue `size` at a time; the number of tasks enqueued."""
    count = 0
    chunk: list[Mapping[str, Any]] = []
    for shop in shops:
        chunk.append(shop)
        if len(chunk) >= size:
            queue.audit_chunk(dict(job), chunk)
            count += 1
            chunk = []
    if chunk:
        queue.audit_chunk(dict(job), chunk)
        count += 1
    return count


def run_worker(queue: Queue, *, workers: int = 1, burst: bool = False) -> int:
    """Run tasks until stopped (SIGINT/SIGTERM); with `burst`, until the queue is empty. Tasks run."""
    huey = queue.huey
    if burst:
        done = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            done += 1
        return done
    consumer = huey.create_consumer(workers=workers, worker_type="thread" if workers == 1 else "process")
    consumer.run()
    return 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _audit_chunk(job: dict[str, Any], shops: list[dict[str, Any]]) -> int:
    """Huey's entry point: audit these shops (already validated rows) and record them in the store."""
    from auditor.batch.distributed import audit_chunk

    return audit_chunk(job, shops, worker=worker_name())


def _run_due_watches() -> int:
    """Huey's periodic entry point (every minute): the due watches, with the worker's own settings."""
    from auditor.config import load_settings
    from auditor.loop import run
    from auditor.watch import WatchStore, run_due, store_target

    settings = load_settings(None)
    store = WatchStore.open(store_target(None, settings.data_dir))
    try:
        return len(run(run_due(settings, store)))
    finally:
        store.close()
