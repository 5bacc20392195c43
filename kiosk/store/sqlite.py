"""What the content store and the usage file share: a SQLite file in WAL mode, checked when opened,
moved aside (never deleted) when it is damaged, read-only when the disk refuses writes, and written
in one transaction at a time from any thread."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Self

from kiosk.clock import berlin_now

log = logging.getLogger("kiosk.store")  # one logger for the package: what staff filter the journal by


class StoreError(Exception):
    """The store cannot be used as asked; the message says what and where."""


class StoreClosed(StoreError):
    """The file was closed on purpose (the kiosk is stopping): a reader still running stops quietly."""


class StoreWriteError(StoreError):
    """A write failed (read-only file system, disk full, ...); reads keep working."""


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


Migrate = Callable[[sqlite3.Connection, int], None]


def open_checked(
    path: Path, schema: str, version: int, *, page_size: int | None = None, migrate: Migrate | None = None
) -> sqlite3.Connection:
    """Open ``path`` for writing: WAL, an fsync per commit, ``quick_check`` passed, ``schema`` applied.

    A file of an older schema is handed to ``migrate`` (with its version) before it is marked current;
    a crash in between repeats the migration at the next start, so it must be repeatable.
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
        if found < version:  # a file of the current schema is not written to at every start
            db.executescript(schema)
            if 0 < found < version and migrate is not None:
                migrate(db, found)
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


class SQLiteFile:
    """One SQLite file of the kiosk's; safe to share between the event loop and worker threads.

    A subclass names its file, schema and what it is called in log lines. When the file cannot be
    opened for writing (read-only mount, full disk) it is opened for reading, and writes raise
    :class:`StoreWriteError`, logged once per failure episode.
    """

    FILE_NAME: ClassVar[str]
    SCHEMA: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int]
    #: What the file is to staff reading the log ("content store", "usage file").
    WHAT: ClassVar[str]
    #: SQLite page size for new files (None: SQLite's default).
    PAGE_SIZE: ClassVar[int | None] = None
    #: Brings a file of an older schema version up to date (see :func:`open_checked`).
    MIGRATE: ClassVar[Migrate | None] = None
    #: Errors at opening that mean "the disk will not take writes": open for reading instead.
    READ_ONLY_CODES: ClassVar[frozenset[int]] = frozenset(
        {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
    )
    #: The read-only openings to try in order. A WAL file needs its -shm file, which a read-only
    #: directory cannot hold; ``immutable`` reads the last checkpoint without it.
    READ_ONLY_QUERIES: ClassVar[tuple[str, ...]] = ("mode=ro",)
    #: Whether a write first tries to reopen a read-only file for writing (the disk may have room again).
    REOPEN_FOR_WRITES: ClassVar[bool] = False
    #: Said after a failed write in the log line.
    ON_WRITE_FAILURE: ClassVar[str] = ""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self._clock = clock or berlin_now
        self._lock = threading.RLock()
        self._write_failing = False
        self.read_only = False
        self.closed = False
        self._db = self._connect()

    @classmethod
    def open(cls, state_dir: Path, *, clock: Callable[[], datetime] | None = None) -> Self:
        """The file in ``state_dir`` (created if needed)."""
        return cls(file_in(state_dir, cls.FILE_NAME), clock=clock)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._db.close()

    # -- opening, recovery -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            return self._open_checked()
        except Damaged as damage:
            # Never deleted: what a damaged file holds can still be recovered by hand.
            move_aside(self.path, self.WHAT, str(damage), self._clock)
        except sqlite3.DatabaseError as error:
            if error_code(error) in self.READ_ONLY_CODES:
                return self._open_read_only(error)
            raise StoreError(f"cannot open {self.path}: {error}") from None
        try:
            return self._open_checked()
        except (Damaged, sqlite3.DatabaseError) as error:
            raise StoreError(f"cannot open even a fresh {self.WHAT} at {self.path}: {error}") from None

    def _open_checked(self) -> sqlite3.Connection:
        return open_checked(self.path, self.SCHEMA, self.SCHEMA_VERSION, page_size=self.PAGE_SIZE,
                            migrate=type(self).MIGRATE)  # fmt: skip

    def _open_read_only(self, cause: sqlite3.DatabaseError) -> sqlite3.Connection:
        if not self.path.exists():
            raise StoreError(f"cannot open {self.path}: {cause}") from None
        log.error("%s %s is not writable (%s); reading only", self.WHAT, self.path, cause)
        self.read_only = True
        self._write_failing = True  # just said: no second line at the first write
        error: sqlite3.DatabaseError | None = None
        for query in self.READ_ONLY_QUERIES:
            db = None
            try:
                db = sqlite3.connect(f"{self.path.as_uri()}?{query}", uri=True, check_same_thread=False)
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening alone proves nothing
                return db
            except sqlite3.DatabaseError as failed:
                error = failed
                if db is not None:
                    db.close()
        raise StoreError(f"{self.path}: cannot open: {error}") from None

    def _writable_again(self) -> bool:
        """Reopen a file opened read-only for writing, once the disk has room or the mount allows it."""
        if not self.REOPEN_FOR_WRITES:
            return False
        try:
            db = self._open_checked()
        except (Damaged, sqlite3.DatabaseError):
            return False
        self._db.close()
        self._db = db
        self.read_only = False
        return True

    # -- writing and reading -----------------------------------------------------------------------

    @contextmanager
    def _transaction(self, what: str, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; raises :class:`StoreWriteError` (logged once per failure episode).

        ``durable=False`` skips the fsync at this commit (WAL with ``synchronous=NORMAL``): still atomic
        and consistent, but a power cut may undo it, so only for what the next write may as well redo.
        The next durable commit syncs it along with its own.
        """
        with self._lock:
            try:
                if self.read_only and not self._writable_again():
                    raise sqlite3.OperationalError(f"the {self.WHAT} is open read-only")
                if not durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                    try:
                        yield self._db
                        self._db.execute("COMMIT")
                    except BaseException:
                        if self._db.in_transaction:
                            self._db.execute("ROLLBACK")
                        raise
                finally:
                    if not durable:
                        self._db.execute("PRAGMA synchronous=FULL")
            except sqlite3.Error as error:
                message = f"cannot write {what} to {self.path}: {error}"
                if not self._write_failing:
                    log.error("%s%s", message, self.ON_WRITE_FAILURE)
                self._write_failing = True
                raise StoreWriteError(message) from None
            if self._write_failing:
                log.info("%s %s is writable again", self.WHAT, self.path)
                self._write_failing = False

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            if self.closed:
                raise StoreClosed(f"{self.WHAT} {self.path} is closed")
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as error:
                raise StoreError(f"cannot read {self.path}: {error}") from None
