"""WAL checkpoints in a thread of their own, not inside a writer's COMMIT.

SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past
``wal_autocheckpoint`` pages: that one commit copies every page back into the database
and waits for an fsync of each file. Measured on ``benchmarks/operator_day.py`` (100
groups, 4 days): 34 of 10,228 commits took over 50 ms and they held 4.0 of the 5.9 s
spent committing, about 30 s of a simulated month, all of it on the thread that ingests
events and runs the outbox (the median commit is 0.04 ms).

Here the writer's connection has automatic checkpoints off, and after each commit
:meth:`Checkpointer.note_commit` looks at the WAL's size (one ``stat``); past the
threshold it wakes this thread, whose own connection runs ``wal_checkpoint(PASSIVE)``:
SQLite lets writers go on appending to the WAL meanwhile, and the copy and the fsyncs
release the GIL. What was written during that copy is then copied by a
``wal_checkpoint(RESTART)``, which holds writers off for at most ``RESTART_WAIT_MS``
while it waits for readers, so the WAL starts again from nothing at the next write: a
writer that never pauses would otherwise keep it growing. Nothing about durability
changes: a commit is in the WAL (synced as ``synchronous = NORMAL`` says) whether or not
it has been copied back yet.

benchmarks/checkpoint.py measures it against the store as it was, on a loaded two-core
machine: with the Python work of an operator_day hour between commits, the writer's
commits take 0.36x the time and the run 0.90x; with commits back to back (a backlog
caught up), commits 0.50x but the run 1.08x (the thread's copying competes for the cores).

If the thread cannot keep up or fails (a full disk, an I/O error), the WAL keeps growing;
past four times the threshold the writer checkpoints itself, as SQLite would have, so
the file never grows without bound; the error is logged and kept in :attr:`error`. A
commit never fails for a checkpoint: it is in the WAL either way.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("shequn.store")

PAGE = 4096  # SQLite's default page size; the store never sets another
#: times the threshold at which the writer stops waiting for the thread and checkpoints itself
OVERTAKE = 4
#: pages in the WAL before a checkpoint is asked for (SQLite's own default is 1,000; the
#: store used 4,000 in the writer: an hour of 100 groups dirties ~650 pages in one commit)
WAL_PAGES = 4000
#: how long the thread's finishing checkpoint may hold writers off waiting for readers (ms)
RESTART_WAIT_MS = 50


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` for one database file on request."""

    def __init__(self, path: Path, *, pages: int = WAL_PAGES, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.wal = Path(f"{path}-wal")
        self.threshold = pages * PAGE
        self.busy_timeout_ms = busy_timeout_ms
        self.error: str | None = None
        self.runs = 0  # checkpoints this thread completed (tests and health read it)
        self.restarts = 0  # of them, those that left the WAL to start again at the next write
        self._wake = threading.Condition()
        self.inline = 0  # checkpoints the writer ran itself (the thread far behind, or failed)
        self._asked = 0  # requests made; ``_done`` catches up with it
        self._done = 0
        self._stop = False
        self._thread: threading.Thread | None = None

    # --- the writer's side ---------------------------------------------------------------

    def note_commit(self, conn: sqlite3.Connection) -> None:
        """After a commit: while the WAL holds more than ``threshold`` bytes, ask the thread to
        copy it back (asks made while it works count as one more round). Past four times the
        threshold (its checkpoints never catch up with the writes, or it failed) checkpoint
        here instead, as SQLite would have: with no write of this process under way it
        completes, and the WAL restarts at the next write."""
        try:
            size = os.stat(self.wal).st_size
        except OSError:
            return  # no WAL yet: nothing to copy back
        if size <= self.threshold:
            return  # journal_size_limit keeps a restarted WAL's file at the threshold at most
        if size >= OVERTAKE * self.threshold or self.error is not None:
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.inline += 1
            except sqlite3.Error as e:  # the commit stands: the next one tries again
                self._note_error(f"{self.path}: checkpoint failed ({e}); the next commit tries again")
            return
        with self._wake:
            self._asked += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"checkpoint {self.path.name}", daemon=True)
                self._thread.start()
            self._wake.notify()

    # --- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                   timeout=self.busy_timeout_ms / 1000)
        except sqlite3.Error as e:
            self._fail(e)
            return
        try:
            while True:
                with self._wake:
                    while not self._stop and self._asked == self._done:
                        self._wake.wait()
                    if self._stop:
                        return
                    asked = self._asked  # what is asked from here on needs another round
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                    # the bulk is copied, the writer going on meanwhile; the little it wrote since is
                    # copied with writers held off for RESTART_WAIT_MS at most, so the WAL starts again
                    # from nothing at the next write (a writer never pausing would keep it growing)
                    conn.execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
                    ((busy, _, _),) = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                    conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
                    self.restarts += 0 if busy else 1
                except sqlite3.OperationalError as e:
                    if "locked" not in str(e) and "busy" not in str(e):
                        self._fail(e)
                        return
                    # another process's checkpoint or schema change holds it: the next commit asks again
                except sqlite3.Error as e:
                    self._fail(e)
                    return
                with self._wake:
                    self._done = asked
                    self._wake.notify_all()
        finally:
            conn.close()

    def _fail(self, e: Exception) -> None:
        self._note_error(f"{self.path}: background checkpoint failed ({e}); the writer checkpoints itself from now on")
        with self._wake:
            self._done = self._asked
            self._wake.notify_all()

    def _note_error(self, text: str) -> None:
        if text != self.error:
            log.warning("%s", text)
        self.error = text

    def wait(self, timeout: float | None = None) -> bool:
        """Until every checkpoint asked for so far has ended (tests; a clean close)."""
        with self._wake:
            return self._wake.wait_for(lambda: self._done == self._asked or self._thread is None, timeout)

    def stop(self) -> None:
        """End the thread after the checkpoint under way (the store is closing)."""
        with self._wake:
            self._stop = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
