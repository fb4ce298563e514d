"""Watched shops: re-audited on a schedule, each audit kept, and what changed sent where the owner looks.

The worker runs due watches every minute (a Huey periodic task); `audit watch run` does the same by hand
or from cron. Each run audits the shop, stores the report in the history, compares it with the previous
one (auditor.drift) and, when something changed, POSTs the drift as JSON to the watch's webhook (retried
on connection errors and 5xx). The store is SQLite in the data dir, or PostgreSQL (`SOLOMO_STORE`) when
workers on several machines share the watches.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.drift import drift
from auditor.store import Database, now

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS watches (
        name TEXT PRIMARY KEY, business TEXT NOT NULL, every_s INTEGER NOT NULL, webhook TEXT,
        next_due TEXT NOT NULL, created TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS history (
        name TEXT NOT NULL, at TEXT NOT NULL, score INTEGER, report TEXT NOT NULL, drift TEXT NOT NULL,
        webhook_status TEXT
    );
    """,
)
STORE_ENV = "SOLOMO_STORE"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MIN_EVERY_S = 60
WEBHOOK_RETRIES = 3


class WatchError(ValueError):
    """Bad watch input (an interval, a name): exit code 2."""


def parse_every(text: str) -> int:
    """'7d', '12h', '30m', '2w' -> seconds (at least a minute: the worker looks once a minute)."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text.lower())
    if not match:
        raise WatchError(f"--every {text!r}: give a number and a unit, e.g. 7d, 12h, 30m, 2w")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds < MIN_EVERY_S:
        raise WatchError(f"--every {text!r}: at least 1m (the worker looks for due watches once a minute)")
    return seconds


def store_target(given: str | None, data_dir: Path) -> str | Path:
    return given or os.environ.get(STORE_ENV) or data_dir / "watches.sqlite"


@dataclass(frozen=True)
class Watch:
    name: str
    business: dict[str, Any]
    every_s: int
    webhook: str | None
    next_due: str


class WatchStore:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._run = database.run
        database.migrate("watch", MIGRATIONS)

    @classmethod
    def open(cls, target: str | Path) -> WatchStore:
        return cls(Database.open(target))

    def close(self) -> None:
        self._database.close()

    def add(self, name: str, business: Mapping[str, Any], every_s: int, webhook: str | None) -> None:
        """A new watch, due at once; the same name replaces the earlier watch (its history stays)."""
        self._run(
            "INSERT INTO watches VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "business = excluded.business, every_s = excluded.every_s, webhook = excluded.webhook, "
            "next_due = excluded.next_due",
            (name, json.dumps(dict(business)), every_s, webhook, now(), now()),
        )

    def remove(self, name: str) -> bool:
        found = self._run("SELECT 1 FROM watches WHERE name = ?", (name,)).fetchone() is not None
        self._run("DELETE FROM watches WHERE name = ?", (name,))
        return found

    def watches(self, *, due_at: str | None = None) -> list[Watch]:
        sql = "SELECT name, business, every_s, webhook, next_due FROM watches"
        params: tuple[Any, ...] = ()
        if due_at is not None:
            sql += " WHERE next_due <= ?"
            params = (due_at,)
        rows = self._run(sql + " ORDER BY name", params).fetchall()
        return [Watch(n, json.loads(b), int(e), w, d) for n, b, e, w, d in rows]

    def claim(self, watch: Watch, next_due: str) -> bool:
        """Move the watch's next run forward; False if another worker did first (so it runs once)."""
        cursor = self._run(
            "UPDATE watches SET next_due = ? WHERE name = ? AND next_due = ?",
            (next_due, watch.name, watch.next_due),
        )
        return bool(cursor.rowcount)

    def last_report(self, name: str) -> dict[str, Any] | None:
        row = self._run(
            "SELECT report FROM history WHERE name = ? ORDER BY at DESC LIMIT 1", (name,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def record(self, name: str, report: Mapping[str, Any], changes: list[dict[str, Any]]) -> str:
        at = now()
        score = report.get("score", {}).get("overall")
        self._run(
            "INSERT INTO history VALUES (?, ?, ?, ?, ?, NULL)",
            (name, at, score, json.dumps(report), json.dumps(changes)),
        )
        return at

    def delivered(self, name: str, at: str, status: str) -> None:
        self._run("UPDATE history SET webhook_status = ? WHERE name = ? AND at = ?", (status, name, at))

    def history(self, name: str) -> list[dict[str, Any]]:
        rows = self._run(
            "SELECT at, score, drift, webhook_status FROM history WHERE name = ? ORDER BY at", (name,)
        ).fetchall()
        return [{"at": at, "score": score, "drift": json.loads(d), "webhook": w} for at, score, d, w in rows]


async def run_due(settings: Any, store: WatchStore, *, everything: bool = False) -> list[dict[str, Any]]:
    """Audit the watches that are due (all of them with `everything`); one summary per watch run."""
    from auditor.business import business_from_mapping
    from auditor.engine import make_client, run_audit
    from reports.json_report import report_to_dict

    # A re-audit is for seeing today's listings: no answer from the HTTP cache.
    settings = replace(settings, cache_enabled=False)
    moment = datetime.now(UTC)
    due = store.watches(due_at=None if everything else moment.isoformat())
    ran: list[dict[str, Any]] = []
    if not due:
        return ran
    async with make_client(settings) as http:
        for watch in due:
            if not store.claim(watch, (moment + timedelta(seconds=watch.every_s)).isoformat()):
                continue
            report = report_to_dict(
                await run_audit(business_from_mapping(watch.business), settings, http=http, skip=("handles",))
            )
            previous = store.last_report(watch.name)
            changes = drift(previous, report) if previous is not None else []
            at = store.record(watch.name, report, changes)
            summary: dict[str, Any] = {
                "watch": watch.name,
                "at": at,
                "score": report["score"]["overall"],
                "drift": changes,
            }
            if changes and watch.webhook:
                status = await send_webhook(settings, watch, previous, report, changes)
                store.delivered(watch.name, at, status)
                summary["webhook"] = status
            ran.append(summary)
    return ran


async def send_webhook(
    settings: Any,
    watch: Watch,
    previous: Mapping[str, Any] | None,
    report: Mapping[str, Any],
    changes: list[dict[str, Any]],
) -> str:
    """POST the drift; retried by the HTTP client on connection errors, 429 and 5xx. Never sandboxed: the
    owner's own endpoint. Returns "200", or the failure's reason."""
    from auditor.http import FetchError, HttpClient

    payload = {
        "event": "drift",
        "watch": watch.name,
        "business": report.get("business", {}).get("name"),
        "generated_at": report.get("generated_at"),
        "score": {
            "before": (previous or {}).get("score", {}).get("overall"),
            "after": report["score"]["overall"],
        },
        "changes": changes,
    }
    async with HttpClient(settings.http, sandbox=None, no_cache=True) as http:
        try:
            response = await http.post(
                watch.webhook or "", json=payload, cache=False, retries=WEBHOOK_RETRIES
            )
        except FetchError as exc:
            return exc.reason
    return str(response.status)
