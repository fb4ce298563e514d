"""A batch's memory: which shops are done, their summary, the rows refused — in SQLite or PostgreSQL.

One row per shop keyed on (batch, the CSV row's content), written only once the shop's report is safe
(a file written atomically, or the report itself in the row when workers on other machines audit it): a
batch killed at any point and run again re-audits exactly the shops not here, and never one that is.
Summaries live here rather than in memory, so a 50,000-row file costs the same memory as a 50-row one, and
the outputs are rebuilt from here in the file's order.

SQLite (a file in the data dir, WAL) is the default; `postgresql://...` is the same schema for workers on
several machines (auditor.store).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.store import Database, now

MIGRATIONS: tuple[str, ...] = (
    # 1: shops, refusals, the rows of the current run, and every audit attempt (who ran it).
    """
    CREATE TABLE IF NOT EXISTS shops (
        batch TEXT NOT NULL, key TEXT NOT NULL, line INTEGER NOT NULL, ident TEXT NOT NULL,
        name TEXT NOT NULL, score INTEGER, summary TEXT NOT NULL, report TEXT NOT NULL, report_json TEXT,
        finished_at TEXT NOT NULL, PRIMARY KEY (batch, key)
    );
    CREATE TABLE IF NOT EXISTS refused (
        batch TEXT NOT NULL, key TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
        cells TEXT NOT NULL, PRIMARY KEY (batch, key)
    );
    CREATE TABLE IF NOT EXISTS seen (
        batch TEXT NOT NULL, key TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (batch, key)
    );
    CREATE TABLE IF NOT EXISTS attempts (
        batch TEXT NOT NULL, key TEXT NOT NULL, worker TEXT NOT NULL, at TEXT NOT NULL
    );
    """,
)


class BatchState:
    """One batch's rows in a store; `open("postgresql://...")` or `open(Path)` for SQLite."""

    def __init__(self, database: Database, batch: str = "default") -> None:
        self._database = database
        self._run = database.run
        self.batch = batch
        database.migrate("batch", MIGRATIONS)

    @classmethod
    def open(cls, target: str | Path, batch: str = "default") -> BatchState:
        return cls(Database.open(target), batch)

    def close(self) -> None:
        self._database.close()

    # -- a run ----------------------------------------------------------------------------------------

    def start_run(self) -> None:
        """Refusals and the rows seen are the current file's: both are rebuilt by each run (a fixed row is
        no longer refused; a deleted row leaves the summary), while audits done stay done."""
        self._run("DELETE FROM refused WHERE batch = ?", (self.batch,))
        self._run("DELETE FROM seen WHERE batch = ?", (self.batch,))

    def forget(self) -> None:
        """Every row of this batch (`--fresh` on a shared store)."""
        for table in ("shops", "refused", "seen", "attempts"):
            self._run(f"DELETE FROM {table} WHERE batch = ?", (self.batch,))

    def seen(self, key: str, line: int) -> None:
        self._run(
            "INSERT INTO seen VALUES (?, ?, ?) ON CONFLICT (batch, key) DO NOTHING", (self.batch, key, line)
        )

    def is_done(self, key: str) -> bool:
        row = self._run("SELECT 1 FROM shops WHERE batch = ? AND key = ?", (self.batch, key)).fetchone()
        return row is not None

    def done(
        self,
        key: str,
        line: int,
        ident: str,
        name: str,
        summary: dict[str, Any],
        report: str,
        *,
        report_json: str | None = None,
        worker: str = "local",
    ) -> None:
        self._run("INSERT INTO attempts VALUES (?, ?, ?, ?)", (self.batch, key, worker, now()))
        self._run(
            "INSERT INTO shops VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch, key) DO UPDATE SET "
            "line = excluded.line, ident = excluded.ident, name = excluded.name, score = excluded.score, "
            "summary = excluded.summary, report = excluded.report, report_json = excluded.report_json, "
            "finished_at = excluded.finished_at",
            (self.batch, key, line, ident, name, summary.get("score"), json.dumps(summary), report,
             report_json, now()),
        )  # fmt: skip

    def refused(self, key: str, line: int, reason: str, cells: tuple[str, ...]) -> None:
        self._run(
            "INSERT INTO refused VALUES (?, ?, ?, ?, ?) ON CONFLICT (batch, key) DO NOTHING",
            (self.batch, key, line, reason, json.dumps(list(cells))),
        )

    # -- reading back ---------------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        """(shops of the current file done, rows refused)."""
        done = self._run(
            "SELECT count(*) FROM shops JOIN seen ON shops.batch = seen.batch AND shops.key = seen.key "
            "WHERE shops.batch = ?",
            (self.batch,),
        ).fetchone()[0]
        refused = self._run("SELECT count(*) FROM refused WHERE batch = ?", (self.batch,)).fetchone()[0]
        return int(done), int(refused)

    def pending(self) -> int:
        """Rows of the current file neither done nor refused."""
        row = self._run(
            "SELECT count(*) FROM seen WHERE batch = ? AND NOT EXISTS (SELECT 1 FROM shops WHERE "
            "shops.batch = seen.batch AND shops.key = seen.key) AND NOT EXISTS (SELECT 1 FROM refused "
            "WHERE refused.batch = seen.batch AND refused.key = seen.key)",
            (self.batch,),
        ).fetchone()
        return int(row[0])

    def summaries(self, *, worst_first: bool = False, with_reports: bool = False) -> Iterator[dict[str, Any]]:
        """Summary rows in the file's order, or worst score first (streamed from the database)."""
        order = "shops.score, seen.line" if worst_first else "seen.line"
        cursor = self._run(
            "SELECT seen.line, shops.ident, shops.report, shops.summary, shops.report_json FROM shops "
            "JOIN seen ON shops.batch = seen.batch AND shops.key = seen.key "
            "WHERE shops.batch = ? ORDER BY " + order,
            (self.batch,),
        )
        for line, ident, report, summary, report_json in cursor:
            row = {"line": line, "id": ident, "report": report, **json.loads(summary)}
            if with_reports:
                row["report_json"] = report_json
            yield row

    def refusals(self) -> Iterator[tuple[int, str, list[str]]]:
        cursor = self._run(
            "SELECT line, reason, cells FROM refused WHERE batch = ? ORDER BY line", (self.batch,)
        )
        for line, reason, cells in cursor:
            yield int(line), str(reason), json.loads(cells)

    def attempts(self) -> list[tuple[str, str]]:
        """(key, worker) of every audit run for this batch: a key twice means a shop audited twice."""
        cursor = self._run("SELECT key, worker FROM attempts WHERE batch = ? ORDER BY at", (self.batch,))
        return [(str(key), str(worker)) for key, worker in cursor]
