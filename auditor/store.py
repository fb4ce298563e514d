"""The SQL stores' common ground: SQLite (a file in the data dir) or PostgreSQL, one dialect-neutral subset.

Batches (auditor.batch.state) and watches (auditor.watch) keep their rows here. SQLite runs in WAL mode, so
a reader (`--collect`, `audit history`) never blocks the writer and a committed row survives a kill;
PostgreSQL (`postgresql://...`) is for workers on several machines. Each component's schema changes are
numbered migrations, applied in order and recorded in `schema_migrations` (component, version).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class Database:
    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self._db = connection
        self.postgres = postgres

    @classmethod
    def open(cls, target: str | Path) -> Database:
        text = str(target)
        if text.startswith(("postgresql://", "postgres://")):
            import psycopg

            return cls(psycopg.connect(text, autocommit=True), postgres=True)
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return cls(connection, postgres=False)

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement; `?` placeholders in both dialects."""
        return self._db.execute(sql.replace("?", "%s") if self.postgres else sql, params)

    def migrate(self, component: str, migrations: Sequence[str]) -> None:
        self.run(
            "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, "
            "version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))"
        )
        applied = {
            row[0]
            for row in self.run(
                "SELECT version FROM schema_migrations WHERE component = ?", (component,)
            ).fetchall()
        }
        for version, script in enumerate(migrations, start=1):
            if version in applied:
                continue
            for statement in (s.strip() for s in script.split(";")):
                if statement:
                    self.run(statement)
            self.run(
                "INSERT INTO schema_migrations VALUES (?, ?, ?) ON CONFLICT (component, version) DO NOTHING",
                (component, version, now()),
            )

    def close(self) -> None:
        self._db.close()


def now() -> str:
    return datetime.now(UTC).isoformat()
