"""A batch's memory between runs: which shops are done, their summary row, and the rows refused.

SQLite in WAL mode, one row per shop keyed on the CSV row's content, written only after the shop's report
file is on disk (atomically): a batch killed at any point and run again re-audits exactly the shops whose
row is not here, and never one that is. Summaries live here rather than in memory, so a 50,000-row file
costs the same memory as a 50-row one, and summary.csv is rebuilt from here in the file's order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS shops (
    key TEXT PRIMARY KEY,
    line INTEGER NOT NULL,
    ident TEXT NOT NULL,
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    report TEXT NOT NULL,
    finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    key TEXT PRIMARY KEY,
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    cells TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL);
"""
SCHEMA_VERSION = "1"


class BatchState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed row survives a kill
        self._db.executescript(SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def start_run(self) -> None:
        """Refusals and the rows seen are the current file's: both are rebuilt by each run (a fixed row is
        no longer refused; a deleted row leaves the summary), while audits done stay done."""
        self._db.execute("DELETE FROM refused")
        self._db.execute("DELETE FROM seen")

    def seen(self, key: str, line: int) -> None:
        self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, line))

    def close(self) -> None:
        self._db.close()

    def is_done(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM shops WHERE key = ?", (key,)).fetchone() is not None

    def done(self, key: str, line: int, ident: str, name: str, summary: dict[str, Any], report: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO shops VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, line, ident, name, json.dumps(summary), report, datetime.now(UTC).isoformat()),
        )

    def refused(self, key: str, line: int, reason: str, cells: tuple[str, ...]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO refused VALUES (?, ?, ?, ?)", (key, line, reason, json.dumps(list(cells)))
        )

    def counts(self) -> tuple[int, int]:
        """(shops of the current file done, rows refused)."""
        done = self._db.execute("SELECT count(*) FROM shops JOIN seen USING (key)").fetchone()[0]
        refused = self._db.execute("SELECT count(*) FROM refused").fetchone()[0]
        return int(done), int(refused)

    def summaries(self, *, worst_first: bool = False) -> Iterator[dict[str, Any]]:
        """Summary rows in the file's order, or worst score first (streamed from the database)."""
        order = "json_extract(summary, '$.score'), seen.line" if worst_first else "seen.line"
        for line, ident, report, summary in self._db.execute(
            "SELECT seen.line, ident, report, summary FROM shops JOIN seen USING (key) ORDER BY " + order
        ):
            yield {"line": line, "id": ident, "report": report, **json.loads(summary)}

    def refusals(self) -> Iterator[tuple[int, str, list[str]]]:
        for line, reason, cells in self._db.execute("SELECT line, reason, cells FROM refused ORDER BY line"):
            yield int(line), str(reason), json.loads(cells)
