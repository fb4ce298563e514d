"""Queued batches: the embedded queue (SQLite), and two workers on a real Redis queue with a real PostgreSQL
store splitting one batch with no shop audited twice."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.batch.state import BatchState
from auditor.cli_batch import batch_id
from tests.test_audit_cli import FAST_CONFIG, KEYS
from tests.test_batch import shops_csv


def _redis_url() -> str | None:
    url = os.environ.get("SOLOMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:
        return None
    return url


def _postgres_url() -> str | None:
    url = os.environ.get("SOLOMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return None
    return url


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A schema of its own for the test (dropped after it): the URL's search_path points there, so tables
    left by other runs cannot interfere."""
    import psycopg

    base = _postgres_url()
    assert base is not None
    schema = f"solomo_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


def audit(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    argv = [sys.executable, "-m", "auditor", "--config", str(config), "--no-cache", *args]
    return subprocess.run(
        argv, env={**os.environ, **KEYS, **(env or {})}, capture_output=True, text=True, timeout=300
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_embedded_queue_runs_a_batch_with_the_same_outputs(sandbox: Any, tmp_path: Path) -> None:
    csv_file = shops_csv(tmp_path / "shops.csv", 6)
    out = tmp_path / "out"
    queued = audit(
        tmp_path,
        "--sandbox",
        sandbox.url,
        "batch",
        str(csv_file),
        "-o",
        str(out),
        "--enqueue",
        "--chunk",
        "4",
    )
    assert queued.returncode == 0, queued.stderr
    assert "2 tasks on the embedded queue" in queued.stderr
    waiting = audit(tmp_path, "batch", str(csv_file), "-o", str(out), "--collect")
    assert waiting.returncode == 5 and "0 done, 6 waiting" in waiting.stderr
    worker = audit(tmp_path, "worker", "--burst")
    assert worker.returncode == 0 and "2 tasks run" in worker.stderr, worker.stderr
    collected = audit(tmp_path, "batch", str(csv_file), "-o", str(out), "--collect")
    assert collected.returncode == 0, collected.stderr
    summary = read_csv(out / "summary.csv")
    assert sorted(row["id"] for row in summary) == [f"R{i:03d}" for i in range(6)]
    assert all((out / row["report"]).is_file() for row in summary)


@pytest.mark.skipif(_redis_url() is None, reason="no Redis at SOLOMO_TEST_REDIS_URL or 127.0.0.1:6379")
@pytest.mark.skipif(
    _postgres_url() is None, reason="no PostgreSQL at SOLOMO_TEST_POSTGRES_URL or 127.0.0.1:5432"
)
def test_two_redis_workers_split_a_batch_and_audit_no_shop_twice(
    sandbox: Any, tmp_path: Path, postgres_schema: str
) -> None:
    import redis

    redis_url, postgres_url = _redis_url(), postgres_schema
    assert redis_url
    redis.Redis.from_url(redis_url).flushdb()
    total = 16
    csv_file = shops_csv(tmp_path / f"shops-{uuid.uuid4().hex[:8]}.csv", total)  # a batch of its own
    out = tmp_path / "out"
    common = ["batch", str(csv_file), "-o", str(out), "--store", postgres_url]
    queued = audit(
        tmp_path, "--sandbox", sandbox.url, *common, "--enqueue", "--queue", redis_url, "--chunk", "2"
    )
    assert queued.returncode == 0, queued.stderr
    sandbox.configure(latency_ms=100)  # each chunk takes a while: both workers get some
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "auditor", "worker", "--queue", redis_url, "--burst"],
            env={**os.environ, **KEYS},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    collected = audit(tmp_path, *common, "--collect")
    assert collected.returncode == 0, collected.stderr
    assert len(read_csv(out / "summary.csv")) == total

    store = BatchState.open(postgres_url, batch_id(csv_file, out))
    try:
        attempts = store.attempts()
    finally:
        store.close()
    keys = [key for key, _ in attempts]
    assert len(keys) == total and len(set(keys)) == total  # every shop once, none twice
    assert len({worker for _, worker in attempts}) == 2, "both workers took a share"


@pytest.mark.skipif(
    _postgres_url() is None, reason="no PostgreSQL at SOLOMO_TEST_POSTGRES_URL or 127.0.0.1:5432"
)
def test_forgetting_a_batch_in_a_shared_store_leaves_the_others(postgres_schema: str) -> None:
    mine, other = BatchState.open(postgres_schema, "mine"), BatchState.open(postgres_schema, "other")
    try:
        for state in (mine, other):
            state.seen("k1", 2)
            state.done("k1", 2, "R1", "Dupont", {"score": 80}, "R1-k1")
        mine.forget()
        assert mine.counts() == (0, 0) and not mine.is_done("k1") and mine.attempts() == []
        assert other.counts() == (1, 0) and other.is_done("k1")
    finally:
        mine.close()
        other.close()
