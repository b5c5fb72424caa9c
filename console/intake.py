"""Durable intake: events in, and an answer for each delivery once its events are stored.

Why it looks like this (issue 16, "Nothing lost"): a platform that got a 2xx does not
deliver again, so a webhook is answered only after its event is durable. Two designs
were weighed: a durable inbox (each request commits its raw event, ingest moves it on)
and group commit (each request waits for the batch that holds its event to commit).
In one SQLite file the inbox's per-request commit queues behind the ingest batch's
write lock anyway (one writer, NOTES.md) and writes every event twice; group commit
writes it once, and while one batch commits, the requests arriving meanwhile form the
next one, so batches grow with the load. ``benchmarks/ingest_durability.py`` measures it.

- :meth:`Intake.put` queues a delivery's events and returns a :class:`Receipt`; its
  future resolves when every event is committed (or, if the event itself cannot be
  stored, kept as a replayable dead letter), and fails with :class:`StoreUnavailable`
  when the store cannot write. A webhook answers 2xx on success and 503 on failure; a
  pulling connector acknowledges upstream only after success.
- One bad event costs only itself: a batch that raises is retried event by event, and
  the event that still fails becomes a dead letter holding the event as JSON
  (:mod:`console.deadletters`), which ``shequn deadletters replay`` ingests again.
- A store fault (full disk, I/O error, read-only or locked file) is not the event's
  fault: the events are held in memory and retried, :meth:`Intake.unavailable` says
  why (webhooks answer 503 and ``/healthz`` fails), and a retry that succeeds ends it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import sqlite3
import threading
from typing import Callable, Iterator

from .deadletters import event_letter
from .model import Event
from .store import StoreError

log = logging.getLogger("shequn.intake")

#: Words of SQLite's and the OS's messages that blame the file or the disk, not the event.
STORE_FAULT_WORDS = ("full", "disk i/o", "readonly", "read-only", "locked", "busy", "unable to open",
                     "malformed", "not a database", "no space", "cannot open", "i/o error")


#: Events per transaction when a backlog is queued (a reconnect, a replay, a burst):
#: per-member, per-group and per-commit work is shared by more events, which nearly
#: doubled the engine's rate here (benchmarks/ingest.py), and a batch still commits in
#: a fraction of a second.
BACKLOG_BATCH = 5000


def batch_limit(queued: int, batch_size: int, backlog_batch_size: int = BACKLOG_BATCH) -> int:
    """How many events the next transaction takes: ``batch_size`` in steady traffic (a
    small batch keeps each event's latency low), up to ``backlog_batch_size`` while more
    than one batch is waiting (throughput counts more than latency then)."""
    return batch_size if queued <= batch_size else min(queued, backlog_batch_size)


class StoreUnavailable(Exception):
    """The store could not take these events (a fault or not started): answer 503."""


def is_store_fault(e: BaseException) -> bool:
    """True when ``e`` says the store cannot write now (retry later), False when it is
    about the event (a bad value, a broken constraint: the event alone fails)."""
    if isinstance(e, (StoreError, OSError)):
        return True
    if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, (sqlite3.IntegrityError, sqlite3.DataError,
                                                                   sqlite3.ProgrammingError)):
        text = str(e).lower()
        return any(w in text for w in STORE_FAULT_WORDS)
    return False


class Receipt:
    """The answer to one delivery. ``future`` (a ``concurrent.futures.Future``, so any
    thread may wait on it) resolves to True when every event is stored and fails with
    :class:`StoreUnavailable` when one could not be. Only the ingest thread settles it.

    A webhook awaits it with :meth:`wait`, whose asyncio waiter is woken by
    :func:`wake_waiters` once per batch (one loop callback for all of the batch's
    receipts), not by a ``wrap_future`` callback per receipt: that was one self-pipe
    write and one GIL hand-over per delivery from the ingest thread, and the event
    loop's share of the stalls under 1,000 POSTs/s (benchmarks/loop_stall.py)."""

    __slots__ = ("future", "_left", "_waiter")

    def __init__(self, count: int):
        self.future: concurrent.futures.Future = concurrent.futures.Future()
        self._left = count
        self._waiter: tuple[asyncio.AbstractEventLoop, asyncio.Future] | None = None
        if count == 0:
            self.future.set_result(True)

    def stored(self) -> bool:
        """One event is stored; True when that completes the delivery."""
        self._left -= 1
        if self._left <= 0 and not self.future.done():
            self.future.set_result(True)
            return True
        return False

    def failed(self, why: str) -> bool:
        """True when this settles the delivery (as not stored)."""
        if not self.future.done():
            self.future.set_exception(StoreUnavailable(why))
            return True
        return False

    async def wait(self) -> None:
        """Await the outcome on an asyncio loop (raises :class:`StoreUnavailable`); one
        awaiter per receipt, the delivery's answerer (others may block on ``future``).

        The waiter is published before ``future`` is checked again, and the ingest
        thread sets ``future`` before it reads the waiter: whichever runs second sees
        the other's write, so no outcome is missed."""
        if not self.future.done():
            loop = asyncio.get_running_loop()
            waiter = loop.create_future()
            self._waiter = (loop, waiter)
            if not self.future.done():
                await waiter
        self.future.result()


def wake_waiters(receipts: list[Receipt]) -> None:
    """Wake the :meth:`Receipt.wait` of settled receipts: one callback per loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
    for r in receipts:
        if r._waiter is not None:
            by_loop.setdefault(r._waiter[0], []).append(r._waiter[1])
    for loop, waiters in by_loop.items():
        try:
            loop.call_soon_threadsafe(_wake, waiters)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass


def _wake(waiters: list[asyncio.Future]) -> None:
    for w in waiters:
        if not w.done():
            w.set_result(None)


Item = tuple[Event, "Receipt | None"]


class Intake:
    """The queue between connectors and the engine, and the store's state for intake.

    ``ingest_one(events)`` stores a batch in one transaction (the engine's ingest) and
    returns (stored, duplicates); ``dead_letter(letter)`` stores a dead letter."""

    def __init__(self, ingest: Callable[[list[Event]], tuple[int, int]], dead_letter: Callable, *,
                 batch_size: int = 500, backlog_batch_size: int = BACKLOG_BATCH):
        self._ingest = ingest
        self._dead_letter = dead_letter
        self.batch_size = batch_size
        self.backlog_batch_size = max(batch_size, backlog_batch_size)
        self.queue: queue.Queue[Item] = queue.Queue()
        self.held: list[Item] = []  # taken but not stored because the store failed: retried first
        self.fault: str | None = None
        self.ready = False  # the ingest loop runs: until then a delivery cannot be stored
        self.stored = self.duplicates = self.batches = self.dead_letters = 0
        self._lock = threading.Lock()  # one ingest at a time (the loop's thread, a flush at stop)
        self._settled: list[Receipt] = []  # receipts settled under the lock, woken when it is let go
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._loop_thread = 0

    # --- connectors' side ---------------------------------------------------------------

    def put(self, events: list[Event], *, receipt: bool = True) -> Receipt | None:
        r = Receipt(len(events)) if receipt else None
        for e in events:
            self.queue.put((e, r))
        self.wake()
        return r

    def unavailable(self) -> str | None:
        """Why a delivery cannot be stored now (None: it can)."""
        if self.fault:
            return f"store cannot write: {self.fault}"
        if not self.ready:
            return "starting: the store is not taking events yet"
        return None

    # --- the loop's side ------------------------------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._wake = loop, asyncio.Event()
        self._loop_thread = threading.get_ident()

    def wake(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or wake.is_set():
            return
        if threading.get_ident() == self._loop_thread:  # a webhook, on the loop: no self-pipe write
            wake.set()
        elif not loop.is_closed():
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop is closing
                pass

    async def wait(self, timeout: float) -> None:
        """Until events are queued (or ``timeout`` seconds pass)."""
        assert self._wake is not None, "bind() first"
        if self.queue.empty():
            # a timer rather than asyncio.wait_for, whose 3.11 version can swallow a cancel
            # that meets the wake-up (the stop would then wait on this loop for ever)
            timer = self._loop.call_later(timeout, self._wake.set)
            try:
                await self._wake.wait()
            finally:
                timer.cancel()
        self._wake.clear()

    def take(self) -> list[Item]:
        limit = batch_limit(self.queue.qsize(), self.batch_size, self.backlog_batch_size)
        out: list[Item] = []
        while len(out) < limit:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return out

    def drain(self) -> int:
        """Store everything held and queued now (at stop, in tests); the count stored."""
        n = self.retry_held()
        while not self.fault:
            items = self.take()
            if not items:
                break
            n += self.ingest(items)
        return n

    def retry_held(self) -> int:
        """Try the held events again (after a fault); the fault ends when they are stored."""
        with self._lock:
            items, self.held = self.held, []
        return self.ingest(items) if items else 0

    # --- storing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _settling(self) -> Iterator[None]:
        """The lock, and on the way out one wake-up for the receipts settled under it."""
        with self._lock:
            try:
                yield
            finally:
                settled, self._settled = self._settled, []
                if settled:
                    wake_waiters(settled)

    def ingest(self, items: list[Item]) -> int:
        """Store ``items`` in one transaction; on an error retry them one by one, so a bad
        event costs only itself. Returns how many were stored (not counting repeats)."""
        with self._settling():
            try:
                stored, dup = self._ingest([e for e, _ in items])
            except Exception as e:  # noqa: BLE001 - any failure: find the event, or the store, to blame
                if is_store_fault(e):
                    self._store_failed(e, items)
                    return 0
                log.warning("a batch of %d events failed (%s: %s); storing them one by one",
                            len(items), type(e).__name__, e)
                return self._one_by_one(items)
            self._ok(items, stored, dup)
            return stored

    def _one_by_one(self, items: list[Item]) -> int:
        total = 0
        for i, (ev, r) in enumerate(items):
            try:
                stored, dup = self._ingest([ev])
            except Exception as e:  # noqa: BLE001
                if is_store_fault(e):
                    self._store_failed(e, items[i:])
                    return total
                try:
                    self._dead_letter(event_letter(ev, e))
                except Exception as e2:  # noqa: BLE001 - the letter could not be written either
                    self._store_failed(e2, items[i:])
                    return total
                log.error("event %s of %s kept as a dead letter: %s: %s", ev.id, ev.connection, type(e).__name__, e)
                self.dead_letters += 1
                if r is not None and r.stored():  # durable as a dead letter: the platform need not send it again
                    self._settled.append(r)
                continue
            self._ok([(ev, r)], stored, dup)
            total += stored
        return total

    def _ok(self, items: list[Item], stored: int, duplicates: int) -> None:
        self.stored += stored
        self.duplicates += duplicates
        self.batches += 1
        if self.fault:
            log.info("the store writes again; intake resumes")
            self.fault = None
        for _, r in items:
            if r is not None and r.stored():
                self._settled.append(r)

    def _store_failed(self, e: BaseException, items: list[Item]) -> None:
        why = str(e) if isinstance(e, StoreUnavailable) else f"{type(e).__name__}: {e}"
        if self.fault != why:
            log.error("the store cannot write (%s): %d events held and retried; webhooks answer 503 until it can",
                      why, len(items))
        self.fault = why
        for ev, r in items:
            if r is not None and r.failed(why):  # answered 503 now; stored when the store recovers
                self._settled.append(r)
        self.held.extend((ev, None) for ev, _ in items)

    def hold_queued(self) -> None:
        """While the store cannot write: answer what is queued (503) and hold its events."""
        with self._settling():
            items = []
            while True:
                try:
                    items.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            if items and self.fault:
                self._store_failed(StoreUnavailable(self.fault), items)
            elif items:
                self.held.extend((ev, None) for ev, _ in items)

    def store_failed(self, e: BaseException) -> None:
        """A write outside ingest failed (a dead letter, a state): note the fault."""
        with self._settling():
            self._store_failed(e, [])

    def probe(self, write: Callable[[], None]) -> None:
        """While faulted with nothing held, try a small write; success ends the fault."""
        with self._lock:
            if not self.fault or self.held:
                return
            try:
                write()
            except Exception as e:  # noqa: BLE001
                self.fault = f"{type(e).__name__}: {e}"
                return
            log.info("the store writes again; intake resumes")
            self.fault = None
