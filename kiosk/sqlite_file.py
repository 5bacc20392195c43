"""What the content store and the usage file share: a SQLite file in WAL mode, checked when opened,
and moved aside (never deleted) when it is damaged."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be used as asked; the message says what and where."""


class Damaged(Exception):
    """The file is not a usable store: corrupt, truncated, not SQLite, or from a newer schema."""


DAMAGED_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def error_code(error: sqlite3.Error) -> int:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one


def file_in(state_dir: Path, name: str) -> Path:
    """``state_dir / name``, the directory created if needed (a file already there is enough)."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if not (state_dir / name).exists():
            raise StoreError(f"cannot create {state_dir}: {error.strerror or error}") from None
    return state_dir / name


def open_checked(
    path: Path, schema: str, version: int, *, page_size: int | None = None
) -> sqlite3.Connection:
    """Open ``path`` for writing: WAL, an fsync per commit, ``quick_check`` passed, ``schema`` applied.

    Raises :class:`Damaged` for a file that is not a usable store, ``sqlite3.DatabaseError`` otherwise.
    """
    db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    try:
        if page_size is not None:
            db.execute(f"PRAGMA page_size={int(page_size)}")  # new files only
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise Damaged(f"quick_check: {check[:200]}")
        found = db.execute("PRAGMA user_version").fetchone()[0]
        if found > version:
            raise Damaged(f"written by a newer kiosk (schema {found})")
        db.executescript(schema)
        db.execute(f"PRAGMA user_version={int(version)}")
    except sqlite3.DatabaseError as error:
        db.close()
        if error_code(error) in DAMAGED_CODES:
            raise Damaged(str(error)) from None
        raise
    except BaseException:
        db.close()
        raise
    return db


def move_aside(path: Path, what: str, why: str, clock: Callable[[], datetime]) -> None:
    """Rename a damaged ``path`` (and its -wal and -shm files) to ``<name>.corrupt-<time>``."""
    stamp = clock().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    log.error("%s %s is damaged (%s); moved to %s, starting fresh", what, path, why, target.name)
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(Path(f"{target}{suffix}"))
