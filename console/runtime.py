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
from .intake import BACKLOG_BATCH, Intake, Receipt, batch_limit  # noqa: F401  (batch_limit: re-exported)
from .model import DeadLetter, Event
from .outbox import Executor
from .refusals import Refusals
from .workspace import Workspace

log = logging.getLogger("shequn.runtime")

ENGINE_LOCK_KEY = "engine.lock"
LOCK_STALE_SECONDS = 30


class RuntimeSink:
    """The EventSink connectors deliver to: thread-safe and non-blocking."""

    def __init__(self, runtime: "Runtime", connection: str):
        self.runtime = runtime
        self.connection = connection

    def events(self, events: list[Event]) -> Receipt | None:
        """Queue ``events``; the receipt resolves once they are stored (console.intake)."""
        return self.runtime.intake.put(events)

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


class Runtime:
    def __init__(self, ws: Workspace, *, role: str = "serve", batch_size: int = 500, batch_wait: float = 0.2,
                 backlog_batch_size: int = BACKLOG_BATCH, connectors: dict[str, Connector] | None = None):
        self.ws = ws
        self.role = role
        self.engine = Engine(ws)
        self.intake = Intake(self._store_batch, self.engine.dead_letter, batch_size=batch_size,
                             backlog_batch_size=backlog_batch_size)
        self.queue = self.intake.queue  # (event, receipt) pairs
        self.refusals = Refusals()  # refused webhook requests, counted (console.refusals)
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
        self.fault_retry = 1.0  # seconds before the first retry of a failed store; doubles up to 30
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
        # ingest runs first: a delivery is answered only once it can be stored, and a bridge
        # whose API hangs at start-up must not hold up the intake of the others' events
        tasks = [asyncio.create_task(self._ingest_loop(), name="ingest"),
                 asyncio.create_task(self.executor.run_forever(self.stop_event), name="outbox"),
                 asyncio.create_task(self._jobs_loop(), name="jobs"),
                 asyncio.create_task(self._lock_loop(), name="lock")]
        tasks += [asyncio.create_task(self._bring_up(name, c), name=f"start:{name}")
                  for name, c in self.connectors.items()]
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

    async def _bring_up(self, name: str, c: Connector) -> None:
        """Start a connector, ask the platform who we are, then poll if it pulls."""
        try:
            await c.start()
        except Exception as e:
            self._state(name, "error", f"could not start: {e}")
            return
        await self._record_account(name, c)
        if "poll" in c.intake:
            await self._poll_loop(name, c)

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
        n = self.intake.drain()
        self._drain_side_queues()
        self._sync_stats()
        return n

    def _store_batch(self, batch: list[Event]) -> tuple[int, int]:
        res = self.engine.ingest(batch)
        return res.stored, res.duplicates

    def _sync_stats(self) -> None:
        i = self.intake
        self.stats.ingested, self.stats.duplicates, self.stats.batches = i.stored, i.duplicates, i.batches

    def _drain_side_queues(self) -> None:
        """Store queued dead letters and connection states; a write that fails is a store
        fault (logged, 503 on webhooks), and the letter waits for the next round."""
        try:
            self._drain_side_queues_once()
        except Exception as e:  # noqa: BLE001 - never let the ingest task end on it
            log.error("could not store dead letters or states: %s: %s", type(e).__name__, e)
            self.intake.store_failed(e)

    def _drain_side_queues_once(self) -> None:
        self.refusals.flush(self.ws.store)
        while True:
            try:
                letter = self.dead.get_nowait()
            except queue.Empty:
                break
            try:
                self.engine.dead_letter(letter)
            except Exception:
                self.dead.put(letter)
                raise
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
        """Wake when events are queued and store them, a batch per transaction: while one
        batch commits, the deliveries arriving meanwhile form the next (group commit), so
        each waits about one commit and batches grow with the load. Never ends on an error:
        a store fault is logged, held events are retried with growing pauses."""
        intake = self.intake
        intake.bind(asyncio.get_running_loop())
        intake.ready = True
        delay = self.fault_retry
        while True:
            try:
                if intake.fault:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    await asyncio.to_thread(intake.retry_held)
                    await asyncio.to_thread(intake.probe, self._probe_write)
                    if intake.fault:
                        intake.hold_queued()  # answered 503 now, stored when the store writes again
                        continue
                delay = self.fault_retry
                await intake.wait(self.batch_wait)
                while not intake.fault:
                    batch = intake.take()
                    if not batch:
                        break
                    await asyncio.to_thread(intake.ingest, batch)
                await asyncio.to_thread(self._drain_side_queues)
                self._sync_stats()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - logged and noted; the loop goes on
                log.exception("ingest loop error")
                intake.store_failed(e)

    def _probe_write(self) -> None:
        self.ws.store.set_meta("intake.probe", str(time.time()))

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
