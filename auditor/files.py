"""Files written whole or not at all: a crash, a kill or a full disk never leaves half a report.

Everything the auditor writes for the user (reports, posters, batch outputs, the RDAP bootstrap) goes to a
temporary file beside its target and replaces it in one rename.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def replacing(path: Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """An open temporary file that becomes `path` when the block ends without error (OSError otherwise,
    and the temporary file is gone)."""
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, mode, **open_args) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_whole(path: Path, content: str | bytes) -> None:
    """`content` as the file's whole content (text as UTF-8)."""
    with replacing(path, "wb") as out:
        out.write(content.encode("utf-8") if isinstance(content, str) else content)
