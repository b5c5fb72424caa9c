"""WAL checkpoints off the writer's thread (console/store/checkpoint.py).

The proof that a checkpoint happened: a copy of the database file alone, without its
``-wal``, holds the rows. The writer's connection never checkpoints by itself here
(``wal_autocheckpoint = 0``), so without the checkpointer the copy would have none.
"""

from __future__ import annotations

import shutil
import sqlite3

from console.store import open_store
from console.store.checkpoint import Checkpointer


def _small(store, pages: int = 8) -> Checkpointer:
    """The store's checkpointer with a threshold of a few pages, so a test's rows pass it."""
    ck = store.checkpointer
    ck.threshold = pages * 4096
    store.conn.execute(f"PRAGMA journal_size_limit = {ck.threshold}")  # as the store sets it for its own
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # start from an empty WAL (migrations wrote one)
    return ck


def _opened(tmp_path):
    """A store with table t and its checkpointer at a threshold of eight pages."""
    store = open_store(tmp_path / "a.db")
    ck = _small(store)
    with store.write() as c:
        c.execute("CREATE TABLE t(v TEXT)")
    return store, ck


def _rows_in_file_alone(store, tmp_path) -> int:
    """Rows of table t in a copy of the database file taken without its WAL."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(store.path, copy)
    conn = sqlite3.connect(copy)
    try:
        return conn.execute("SELECT count(*) FROM t").fetchone()[0]
    except sqlite3.OperationalError:  # the table itself is still only in the WAL
        return 0
    finally:
        conn.close()


def _write(store, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with store.write() as c:
            c.execute("INSERT INTO t(v) VALUES (?)", ("x" * 2000 + str(i),))


def test_writer_never_checkpoints_itself_below_the_threshold(tmp_path):
    store = open_store(tmp_path / "a.db")
    assert store.scalar("PRAGMA wal_autocheckpoint") == 0
    with store.write() as c:
        c.execute("CREATE TABLE t(v TEXT)")
    _write(store, 3)  # a few pages: under the 4,000-page threshold
    assert store.checkpointer.runs == 0 and store.checkpointer.inline == 0
    assert _rows_in_file_alone(store, tmp_path) == 0  # all of it is still in the WAL
    store.close()


def _write_until_asked(store, ck) -> int:
    """Rows written, one commit each, until a commit asks the thread for a checkpoint."""
    n = 0
    while not ck._asked:
        _write(store, 1, start=n)
        n += 1
        assert n < 20, "eight pages of WAL never asked for a checkpoint"
    return n


def test_the_thread_copies_the_wal_back_into_the_file(tmp_path):
    store, ck = _opened(tmp_path)
    n = _write_until_asked(store, ck)  # each 2 kB row adds a page or two: a few commits pass 8 pages
    assert ck.wait(timeout=60)
    assert ck.runs == 1 and ck.inline == 0 and ck.error is None  # far below four times the threshold
    assert _rows_in_file_alone(store, tmp_path) == n
    store.close()


def test_the_wal_restarts_after_the_threads_checkpoint(tmp_path):
    store, ck = _opened(tmp_path)
    n = _write_until_asked(store, ck)
    assert ck.wait(timeout=60)
    assert ck.restarts == 1  # the finishing checkpoint had no reader to wait for
    _write(store, 1, start=n)  # the first write after a complete checkpoint starts the WAL again
    assert ck.wal.stat().st_size <= ck.threshold  # cut back by journal_size_limit, not grown on
    store.close()


def test_a_reader_holding_an_old_snapshot_is_not_waited_for_long(tmp_path):
    store, ck = _opened(tmp_path)
    reader = sqlite3.connect(store.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchall()  # a console's read, open before the writes
    n = _write_until_asked(store, ck)
    assert ck.wait(timeout=60)
    assert ck.runs == 1 and ck.restarts == 0 and ck.error is None  # gave up on the restart, not on the store
    _write(store, 1, start=n)  # writers were held off 50 ms at most, then went on
    assert store.scalar("SELECT count(*) FROM t") == n + 1
    reader.close()
    store.close()


def test_a_failed_thread_leaves_the_writer_to_checkpoint(tmp_path, monkeypatch):
    store, ck = _opened(tmp_path)
    monkeypatch.setattr(sqlite3, "connect", _refuse)  # the thread cannot open its connection
    n = _write_until_asked(store, ck)
    assert ck.wait(timeout=60)
    monkeypatch.undo()
    assert ck.error is not None and "background checkpoint failed" in ck.error and "a.db" in ck.error
    assert ck.inline == 0 and _rows_in_file_alone(store, tmp_path) == 0
    _write(store, 1, start=n)  # the next commit checkpoints in the writer
    assert ck.inline == 1 and _rows_in_file_alone(store, tmp_path) == n + 1
    store.close()


def _refuse(*a, **k):
    raise sqlite3.OperationalError("unable to open database file")


def test_a_thread_that_falls_behind_is_overtaken_at_four_times_the_threshold(tmp_path, monkeypatch):
    store, ck = _opened(tmp_path)
    monkeypatch.setattr(Checkpointer, "_run", lambda self: None)  # a thread that never copies anything
    _write(store, 8)  # ~2 pages a commit: past 8 pages (asked), below 32
    assert ck._asked >= 1 and ck.inline == 0 and _rows_in_file_alone(store, tmp_path) == 0
    _write(store, 30, start=8)  # past 32 pages: the writer does it
    assert ck.inline >= 1 and ck.runs == 0
    assert _rows_in_file_alone(store, tmp_path) >= 8
    store.close()


def test_a_failing_inline_checkpoint_does_not_fail_the_commit(tmp_path, monkeypatch):
    from console.store.connection import _Connection

    store, ck = _opened(tmp_path)
    ck.error = "an earlier failure"  # the writer checkpoints itself
    plain = _Connection.execute

    def broken(self, sql, *a):
        if "wal_checkpoint" in sql:
            raise sqlite3.OperationalError("disk I/O error")
        return plain(self, sql, *a)

    monkeypatch.setattr(_Connection, "execute", broken)
    _write(store, 12)  # past the threshold: each commit tries and fails to checkpoint
    monkeypatch.undo()
    assert store.scalar("SELECT count(*) FROM t") == 12  # every commit stood
    assert ck.inline == 0 and "checkpoint failed (disk I/O error)" in ck.error and "a.db" in ck.error
    store.close()


def test_close_ends_the_thread(tmp_path):
    store, ck = _opened(tmp_path)
    _write_until_asked(store, ck)
    thread = ck._thread
    assert thread is not None
    store.close()
    assert not thread.is_alive()
    assert not (tmp_path / "a.db-wal").exists()  # the last close copied the rest back and removed it


def test_read_only_and_memory_stores_have_none(tmp_path):
    open_store(tmp_path / "a.db").close()
    assert open_store(tmp_path / "a.db", read_only=True).checkpointer is None
    assert open_store(":memory:").checkpointer is None


def test_a_busy_checkpoint_is_tried_again_not_given_up(tmp_path, monkeypatch):
    store, ck = _opened(tmp_path)
    real = sqlite3.connect
    tries: list[str] = []

    class Busy:  # the thread's connection: another process's checkpoint holds the first try
        def __init__(self, *a, **k):
            self.conn = real(*a, **k)

        def execute(self, sql):
            tries.append(sql)
            if len(tries) == 1:
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql)

        def close(self):
            self.conn.close()

    monkeypatch.setattr(sqlite3, "connect", Busy)
    n = _write_until_asked(store, ck)
    assert ck.wait(timeout=60)
    assert ck.error is None and ck.runs == 0 and len(tries) == 1
    _write(store, 1, start=n)  # still over the threshold: asks again, and this time it is done
    assert ck.wait(timeout=60)
    monkeypatch.undo()
    assert ck.error is None and ck.runs == 1 and ck.inline == 0
    assert _rows_in_file_alone(store, tmp_path) == n + 1
    store.close()
