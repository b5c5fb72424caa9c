"""The SQLite handle every part of shequn shares, and its write transactions.

Why it looks like this (measured, see shared/NOTES.md):
- WAL, a busy timeout and foreign keys on: a `serve` daemon and consoles share one file.
- Writes run in ``BEGIN IMMEDIATE``: two writers doing read-then-write in deferred
  transactions got thousands of ``database is locked`` errors even with a timeout.
- The connection is in autocommit mode and its context manager does nothing inside a
  managed transaction, so sqlite-utils helpers (which wrap work in ``with conn:``)
  can be used inside :meth:`Store.write` without committing half of it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from .checkpoint import Checkpointer


IN_CHUNK = 400  # values per IN (...) list: well under SQLite's parameter limit (999 on older builds)


def rows_in(db: Any, sql: str, values: Any, before: tuple = ()) -> Iterator[Any]:
    """The rows of ``sql`` for every value in ``values``, where ``{marks}`` in ``sql``
    stands for the IN list: run once per 400 values (a batch's people, keys, ids),
    so a look-up for a whole batch never passes SQLite's parameter limit. ``before``
    are the parameters that come ahead of the list. ``db`` is a connection or a Store."""
    values = list(values)
    for i in range(0, len(values), IN_CHUNK):
        chunk = values[i:i + IN_CHUNK]
        yield from db.execute(sql.replace("{marks}", ",".join("?" * len(chunk))), (*before, *chunk))


class StoreError(Exception):
    """The database cannot be used: says which file and why. ``template`` and ``values``,
    when set (console/store/guard.py), let the CLI say it in the operator's language."""

    template: str = ""
    values: dict = {}


class _Connection(sqlite3.Connection):
    """A connection whose ``with conn:`` is a no-op inside a managed transaction."""

    tx_depth = 0

    def __exit__(self, exc_type, exc, tb):  # type: ignore[override]
        if self.tx_depth:
            return False
        return super().__exit__(exc_type, exc, tb)


class Store:
    """One open workspace database. Get one from :func:`console.store.open_store`."""

    def __init__(self, path: Path | str, *, read_only: bool = False, busy_timeout_ms: int = 5000):
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.read_only = read_only
        self._lock = threading.RLock()
        try:
            if read_only:
                uri = f"file:{self.path}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, factory=_Connection, isolation_level=None,
                                       check_same_thread=False, timeout=busy_timeout_ms / 1000)
            else:
                if str(self.path) != ":memory:":
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), factory=_Connection, isolation_level=None,
                                       check_same_thread=False, timeout=busy_timeout_ms / 1000)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                if str(self.path) != ":memory:":
                    # checkpoints run in a thread of their own (checkpoint.py), not in a writer's COMMIT
                    conn.execute("PRAGMA wal_autocheckpoint = 0")
                    self.checkpointer = Checkpointer(self.path, busy_timeout_ms=busy_timeout_ms)
                    # a restarted WAL's file is cut back to the threshold: past it, it holds news
                    conn.execute(f"PRAGMA journal_size_limit = {self.checkpointer.threshold}")
            conn.execute("PRAGMA mmap_size = 268435456")  # helped grouping queries here (NOTES.md)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(describe_db_error(self.path, e)) from None
        self.conn: _Connection = conn  # type: ignore[assignment]
        self.db = sqlite_utils.Database(conn)

    # --- transactions --------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[_Connection]:
        """A write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

        A failure rolls back everything inside the block: nothing half-applied."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; this change is not allowed")
        with self._lock:
            conn = self.conn
            if conn.tx_depth:
                name = f"sp{conn.tx_depth}"
                conn.execute(f"SAVEPOINT {name}")
                conn.tx_depth += 1
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled it all back itself (SQLITE_FULL)
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    conn.tx_depth -= 1
                return
            self._begin_immediate(conn)
            conn.tx_depth = 1
            try:
                yield conn
            except BaseException:
                conn.tx_depth = 0
                if conn.in_transaction:  # a full disk can end the transaction inside SQLite: the error is the news
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.tx_depth = 0
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # a failed COMMIT (a full disk, an I/O error) may leave it open
                        conn.execute("ROLLBACK")
                    raise
                if self.checkpointer is not None:
                    self.checkpointer.note_commit(conn)

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        # busy_timeout covers BEGIN IMMEDIATE too; retry a few times on top for long holders.
        for attempt in range(3):
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or attempt == 2:
                    raise StoreError(describe_db_error(self.path, e)) from None
                time.sleep(0.2 * (attempt + 1))

    def write_one(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """One statement as a write. Inside an open transaction it just runs: a single
        statement is atomic, so the savepoint a nested ``write()`` opens (two more
        statements, a tenth of a hook's time when audit rows are many) buys nothing."""
        with self._lock:
            if self.conn.tx_depth:
                return self.conn.execute(sql, params)
        with self.write() as c:
            return c.execute(sql, params)

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.tx_depth)

    # --- reading helpers -------------------------------------------------------------

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Any = (), default: Any = None) -> Any:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row is not None and row[0] is not None else default

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.executemany(sql, rows)

    def tables(self) -> list[str]:
        return self.db.table_names()

    # --- meta key/value ----------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", (key,), default)

    def rules_version(self) -> str:
        """A token that changes on every change to ``rules``, by any process or tool
        (kept by triggers, migration m003): cache compiled rules against it."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'rules.version'").fetchone()
        return row[0] if row else "0"

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as c:
            c.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      (key, value))

    checkpointer: Checkpointer | None = None  # None: read-only or in memory (no WAL to copy back)
    after_close: Callable[[], None] | None = None  # open_store: stamp a sound file after its clean close

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()  # the last connection's close checkpoints what is left
        with self._lock:
            try:
                self.conn.close()
            except sqlite3.Error:
                return
            after, self.after_close = self.after_close, None
        if after is not None:
            after()


def describe_db_error(path: Path, e: Exception) -> str:
    text = str(e)
    if "not a database" in text or "malformed" in text:
        return (f"{path}: not a SQLite database, or it is corrupt ({text}). "
                "Restore a copy from data/backups/ or move the file away to start a new workspace.")
    if "locked" in text or "busy" in text:
        return (f"{path}: the database is locked by another process ({text}). "
                "Is a long-running import or another tool holding it? Try again when it is done.")
    if "unable to open" in text:
        return f"{path}: cannot open the database file ({text}). Does the folder exist and is it writable?"
    if "readonly" in text:
        return f"{path}: the database is read-only ({text})."
    return f"{path}: {text}"
