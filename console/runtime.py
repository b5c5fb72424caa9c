"""The running engine: connectors' intake, batched ingest, the outbox and scheduled jobs.

One asyncio loop drives everything; ``shequn serve`` runs it in the foreground (plus
the webhook server), the console runs it in a background thread when no ``serve`` is
attached to the same database. Connectors push events into a thread-safe queue; the
ingest loop drains it in batches (one transaction each), so a burst of webhooks costs
one commit, not hundreds.

A lock row in ``meta`` (``engine.pid`` and a heartbeat) tells a console that a
``serve`` is already running on this file, so it attaches instead of starting a second
engine.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from .config import ConfigError
from .connector import Connector
from .engine import Engine
from .model import DeadLetter, Event
from .outbox import Executor
from .workspace import Workspace

log = logging.getLogger("shequn.runtime")

ENGINE_LOCK_KEY = "engine.lock"
LOCK_STALE_SECONDS = 30


class RuntimeSink:
    """The EventSink connectors deliver to: thread-safe and non-blocking."""

    def __init__(self, runtime: "Runtime", connection: str):
        self.runtime = runtime
        self.connection = connection

    def events(self, events: list[Event]) -> None:
        for e in events:
            self.runtime.queue.put(e)

    def dead_letter(self, letter: DeadLetter) -> None:
        if letter.connection is None:
            letter.connection = self.connection
        self.runtime.dead.put(letter)

    def state(self, state: str, error: str | None = None) -> None:
        self.runtime.states.put((self.connection, state, error))

    def progress(self, done: int, total: int, what: str) -> None:
        self.runtime.progress[self.connection] = (done, total, what)


@dataclass
class RuntimeStats:
    ingested: int = 0
    duplicates: int = 0
    batches: int = 0
    dead_letters: int = 0
    started_at: float = 0.0


def engine_lock_holder(ws: Workspace) -> dict[str, Any] | None:
    """Who runs the engine on this file now (pid, role, heartbeat), if anyone alive."""
    raw = ws.store.get_meta(ENGINE_LOCK_KEY)
    if not raw:
        return None
    try:
        pid_s, role, beat_s = raw.split("|")
        pid, beat = int(pid_s), float(beat_s)
    except ValueError:
        return None
    if time.time() - beat > LOCK_STALE_SECONDS:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return {"pid": pid, "role": role, "heartbeat": beat}


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


class Runtime:
    def __init__(self, ws: Workspace, *, role: str = "serve", batch_size: int = 500, batch_wait: float = 0.2,
                 backlog_batch_size: int = BACKLOG_BATCH, connectors: dict[str, Connector] | None = None):
        self.ws = ws
        self.role = role
        self.engine = Engine(ws)
        self.queue: queue.Queue[Event] = queue.Queue()
        self.dead: queue.Queue[DeadLetter] = queue.Queue()
        self.states: queue.Queue[tuple[str, str, str | None]] = queue.Queue()
        self.progress: dict[str, tuple[int, int, str]] = {}
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.backlog_batch_size = max(batch_size, backlog_batch_size)
        self.connectors: dict[str, Connector] = connectors if connectors is not None else self.build_connectors()
        self.executor = Executor(ws, self.connectors)
        self.stop_event: asyncio.Event | None = None
        self.stats = RuntimeStats()
        self.errors: list[str] = []
        self._job_last: dict[str, float] = {}

    def build_connectors(self) -> dict[str, Connector]:
        out: dict[str, Connector] = {}
        for name, cs in self.ws.settings.connections.items():
            if not cs.enabled:
                continue
            cls = self.ws.registry.connectors.get(cs.platform)
            if cls is None:
                raise ConfigError(self.ws.settings.where(), f"connections.{name}.platform",
                                  f"no connector for {cs.platform!r}")
            try:
                cls.check_options(cs.options, f"connections.{name}", self.ws.settings.where())  # names the file
                out[name] = cls(name, cs.options, sink=RuntimeSink(self, name))
            except ConfigError as e:
                # mark the connection, so the Connections screen says why it is not running
                self._state(name, "error", f"not started: {e}")
                raise
            if hasattr(out[name], "attach"):
                out[name].attach(self.ws)  # connectors that keep state in the workspace (the sandbox)
        return out

    # --- the loop ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event | None = None, *, extra_tasks: list[Any] = ()) -> None:
        """Run until ``stop`` is set; on the way out commit the in-flight batch and leave
        pending actions pending."""
        self.stop_event = stop or asyncio.Event()
        self.stats.started_at = time.time()
        self._write_lock()
        for name, c in self.connectors.items():
            try:
                await c.start()
            except Exception as e:
                self._state(name, "error", f"could not start: {e}")
                continue
            await self._record_account(name, c)
        tasks = [asyncio.create_task(self._ingest_loop(), name="ingest"),
                 asyncio.create_task(self.executor.run_forever(self.stop_event), name="outbox"),
                 asyncio.create_task(self._jobs_loop(), name="jobs"),
                 asyncio.create_task(self._lock_loop(), name="lock")]
        for name, c in self.connectors.items():
            if "poll" in c.intake:
                tasks.append(asyncio.create_task(self._poll_loop(name, c), name=f"poll:{name}"))
        tasks += [asyncio.create_task(t) if asyncio.iscoroutine(t) else t for t in extra_tasks]
        try:
            await self.stop_event.wait()
        finally:
            for c in self.connectors.values():
                try:
                    await asyncio.wait_for(c.stop(), timeout=5)
                except Exception:
                    pass
            self._mark_offline()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.flush()  # the in-flight batch is committed
            self._clear_lock()

    def _mark_offline(self) -> None:
        """Nothing receives for these connections once the engine stops: say so, so a
        console opened later (or a tool reading the file) does not show them online. An
        error stays, with its message."""
        try:
            with self.ws.store.write() as c:
                c.executemany("UPDATE connections SET state = 'offline', updated_at = ? WHERE id = ?"
                              " AND state IN ('online', 'unknown')", [(self.ws.now(), n) for n in self.connectors])
        except Exception:  # a locked or closed store on the way out must not hide the real exit
            log.exception("could not mark connections offline")

    async def _record_account(self, name: str, c: Connector) -> None:
        """Ask the platform who we are, so the bot's own account is known (and not
        mistaken for a member or an admin)."""
        try:
            check = await asyncio.wait_for(c.check(), timeout=15)
        except Exception as e:
            self._state(name, "error", f"check failed: {type(e).__name__}: {e}")
            return
        if check.account:
            # the platform answered as this account: the connection is up (an error of an
            # earlier run is over; its message stays in last_error)
            with self.ws.store.write() as conn:
                conn.execute("UPDATE connections SET account = ?, state = CASE WHEN ? AND state != 'disabled'"
                             " THEN 'online' ELSE state END WHERE id = ?", (check.account, check.ok, name))
        if not check.ok:
            self._state(name, "error", check.detail or "check failed")

    def flush(self) -> int:
        """Ingest everything queued now (and store dead letters and states)."""
        n = 0
        while True:
            batch = self._take(self._batch_limit())
            if not batch:
                break
            n += self._ingest(batch)
        self._drain_side_queues()
        return n

    def _batch_limit(self) -> int:
        return batch_limit(self.queue.qsize(), self.batch_size, self.backlog_batch_size)

    def _take(self, limit: int) -> list[Event]:
        out: list[Event] = []
        while len(out) < limit:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return out

    def _ingest(self, batch: list[Event]) -> int:
        try:
            res = self.engine.ingest(batch)
        except Exception as e:  # keep the events: store each as a dead letter with the reason
            log.exception("ingest failed")
            self.errors.append(f"ingest: {e}")
            for ev in batch:
                self.engine.dead_letter(DeadLetter(ev.connection, "ingest", f"{type(e).__name__}: {e}",
                                                   repr(ev).encode()))
            return 0
        self.stats.ingested += res.stored
        self.stats.duplicates += res.duplicates
        self.stats.batches += 1
        return res.stored

    def _drain_side_queues(self) -> None:
        while True:
            try:
                letter = self.dead.get_nowait()
            except queue.Empty:
                break
            self.engine.dead_letter(letter)
            self.stats.dead_letters += 1
        while True:
            try:
                name, state, error = self.states.get_nowait()
            except queue.Empty:
                break
            self._state(name, state, error)

    def _state(self, name: str, state: str, error: str | None) -> None:
        self.ws.set_connection_state(name, state, error)
        if error:
            self.ws.audit("connection_" + state, "connection", name, {"error": error}, actor=f"connection:{name}")

    async def _ingest_loop(self) -> None:
        while True:
            await asyncio.sleep(self.batch_wait)
            # drain everything queued, a batch per transaction: one batch per wake-up
            # would cap throughput at batch_size / batch_wait events per second
            while True:
                batch = self._take(self._batch_limit())
                if not batch:
                    break
                await asyncio.to_thread(self._ingest, batch)
            self._drain_side_queues()

    async def _poll_loop(self, name: str, c: Connector) -> None:
        while True:
            try:
                events = await c.poll()
                if events:
                    c.sink.events(events)
            except Exception as e:
                self._state(name, "error", f"poll failed: {type(e).__name__}: {e}")
            await asyncio.sleep(c.poll_interval)

    async def _jobs_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            now = time.time()
            from .retention import core_jobs

            for job in core_jobs() + list(self.ws.registry.jobs.values()):
                last = self._job_last.get(job.name)
                if last is None:
                    last = float(self.ws.store.get_meta(f"job.{job.name}") or 0)
                if now - last < job.every:
                    continue
                self._job_last[job.name] = now
                try:
                    await asyncio.to_thread(job.run, self.ws)
                    self.ws.store.set_meta(f"job.{job.name}", str(now))
                except Exception as e:
                    from .pluginmanager import PluginProblem

                    self.ws.pm.report(PluginProblem(job.plugin or "?", f"job {job.name}", f"{type(e).__name__}: {e}"))

    async def _lock_loop(self) -> None:
        while True:
            await asyncio.sleep(5)
            self._write_lock()

    def _write_lock(self) -> None:
        try:
            self.ws.store.set_meta(ENGINE_LOCK_KEY, f"{os.getpid()}|{self.role}|{time.time()}")
        except Exception as e:
            self.errors.append(f"lock: {e}")

    def _clear_lock(self) -> None:
        try:
            self.ws.store.set_meta(ENGINE_LOCK_KEY, "")
        except Exception:
            pass


class BackgroundRuntime:
    """The runtime in a thread of its own (the console's in-process engine).

    It opens its own Workspace (its own SQLite connection), so the console's reads and
    the engine's writes never share a connection across threads."""

    def __init__(self, config: str | None, **kwargs: Any):
        self.config = config
        self.kwargs = kwargs
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.runtime: Runtime | None = None
        self.error: str | None = None
        self._ready = threading.Event()

    def start(self) -> "BackgroundRuntime":
        self.thread = threading.Thread(target=self._main, name="shequn-engine", daemon=True)
        self.thread.start()
        self._ready.wait(timeout=10)
        return self

    def _main(self) -> None:
        try:
            ws = Workspace.open(self.config)
        except Exception as e:
            self.error = str(e)
            self._ready.set()
            return
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)

        async def go() -> None:
            self.stop_event = asyncio.Event()
            try:
                self.runtime = Runtime(ws, role="console", **self.kwargs)
            except Exception as e:
                self.error = str(e)
                self._ready.set()
                return
            self._ready.set()
            await self.runtime.run(self.stop_event)

        try:
            self.loop.run_until_complete(go())
        finally:
            ws.close()
            self._ready.set()

    def stop(self, timeout: float = 10) -> None:
        if self.loop and self.stop_event and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        if self.thread:
            self.thread.join(timeout)
