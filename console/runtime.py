"""The running engine: connectors' intake, batched ingest, the outbox and scheduled jobs.

One asyncio loop drives everything; ``shequn serve`` runs it in the foreground (plus
the webhook server), the console runs it in a background thread when no ``serve`` is
attached to the same database (console/runtime_bg.py). Connectors push events into a
thread-safe queue; the ingest loop drains it in batches (one transaction each), so a
burst of webhooks costs one commit, not hundreds.

Two rules since issue 16: every loop runs under a supervisor (console/supervisor.py)
that logs, alerts and restarts it, so none dies silently; and the loop never waits on
SQLite: every read and write runs in a worker thread (``asyncio.to_thread``), so
webhooks are answered and connectors act while an ingest batch holds the store.

A lock row in ``meta`` (console/engine_lock.py) tells a console that a ``serve`` is
already running on this file, so it attaches instead of starting a second engine.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, Awaitable, Callable

from .config import ConfigError
from .connector import Connector
from .engine import Engine
from .engine_lock import ENGINE_LOCK_KEY, LOCK_STALE_SECONDS, clear_lock, engine_lock_holder, write_lock  # noqa: F401
from .faults import StoreFaultAlert, alert_loop_crash, health_words, unavailable_words
from .intake import BACKLOG_BATCH, Intake, Receipt, batch_limit  # noqa: F401  (batch_limit: re-exported)
from .model import DeadLetter, Event
from .outbox import Executor
from .owners import record_account
from .refusals import Refusals
from .supervisor import Supervisor
from .workspace import Workspace

log = logging.getLogger("shequn.runtime")


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


class Runtime:
    def __init__(self, ws: Workspace, *, role: str = "serve", batch_size: int = 500, batch_wait: float = 0.2,
                 backlog_batch_size: int = BACKLOG_BATCH, connectors: dict[str, Connector] | None = None,
                 first_restart_pause: float = 1.0):
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
        self.supervisor: Supervisor | None = None
        self.first_restart_pause = first_restart_pause
        self.stats = RuntimeStats()
        self.fault_retry = 1.0  # seconds before the first retry of a failed store; doubles up to 30
        self.fault_alert = StoreFaultAlert(ws)
        self.errors: list[str] = []
        self._job_last: dict[str, float] = {}
        self._started: set[str] = set()  # connections whose start() ran (a restarted intake loop skips it)
        self._accounts_later: dict[str, Any] = {}  # platform checks the store could not record yet
        self._data_version: int | None = None

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
            out[name].attach(self.ws)  # declared by the base: the workspace, before start()
        return out

    # --- what the webhook server asks ---------------------------------------------------

    def unavailable(self) -> str | None:
        """Why a delivery cannot be stored now, in the operator's language (None: it can)."""
        return unavailable_words(self.ws, self.intake)

    def health(self) -> str | None:
        """/healthz: None when events are stored and every loop runs, else why not."""
        return health_words(self.ws, self.intake, self.supervisor)

    # --- the loop ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event | None = None, *, extra_tasks: list[Any] = (),
                  loops: dict[str, Callable[[], Awaitable[None]]] | None = None) -> None:
        """Run until ``stop`` is set; on the way out commit the in-flight batch and leave
        pending actions pending. ``loops`` are more supervised loops (serve's web server)."""
        self.stop_event = stop or asyncio.Event()
        self.stats.started_at = time.time()
        sup = self.supervisor = Supervisor(self.stop_event, on_crash=self._loop_crashed,
                                           first_pause=self.first_restart_pause)
        await asyncio.to_thread(self._write_lock)
        # ingest runs first: a delivery is answered only once it can be stored, and a bridge
        # whose API hangs at start-up must not hold up the intake of the others' events
        sup.keep("ingest", self._ingest_loop)
        sup.keep("outbox", partial(self.executor.run_forever, self.stop_event))
        sup.keep("jobs", self._jobs_loop)
        sup.keep("lock", self._lock_loop)
        for name, c in self.connectors.items():
            sup.keep(f"intake:{name}", partial(self._connection_loop, name, c))
        for name, factory in (loops or {}).items():
            sup.keep(name, factory)
        tasks = [asyncio.create_task(t) if asyncio.iscoroutine(t) else t for t in extra_tasks]
        try:
            await self.stop_event.wait()
        finally:
            await sup.wait("outbox", 5)  # the action under way ends and its result is committed
            # intake loops end before their connectors stop: a poll under way when its client
            # closes would fail and leave a cleanly stopped connection in 'error'
            await sup.cancel_matching("intake:")
            for c in self.connectors.values():
                try:
                    await asyncio.wait_for(c.stop(), timeout=5)
                except Exception:
                    pass
            await asyncio.to_thread(self._mark_offline)
            for t in tasks:
                t.cancel()
            await sup.cancel_all()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.to_thread(self.flush)  # the in-flight batch is committed
            await asyncio.to_thread(self._clear_lock)

    def _loop_crashed(self, name: str, why: str) -> None:
        """The supervisor's report (on the loop): the alert is written in a worker thread."""
        self.errors[:] = [*self.errors[-99:], f"{name}: {why}"]
        if name == "ingest":
            self.intake.ready = False  # webhooks answer 503 until the loop runs again
        asyncio.get_running_loop().run_in_executor(None, alert_loop_crash, self.ws, name, why)

    async def _connection_loop(self, name: str, c: Connector) -> None:
        """Start a connector (once per run), ask the platform who we are, then poll if it pulls."""
        if name not in self._started:
            try:
                await c.start()
            except Exception as e:
                await asyncio.to_thread(self._state, name, "error", f"could not start: {e}")
                raise  # the supervisor logs it and starts the connection again after a pause
            self._started.add(name)
            await self._record_account(name, c)
        if "poll" in c.intake_in_force():  # as configured, not every intake the class could use
            await self._poll_loop(name, c)
        else:
            await self.stop_event.wait()  # nothing more to run: a restart must not start it twice

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
            await asyncio.to_thread(self._state, name, "error", f"check failed: {type(e).__name__}: {e}")
            return
        try:
            await asyncio.to_thread(self._checked, name, check)
        except Exception as e:  # noqa: BLE001 - a store that cannot write now (a full disk) is the intake's fault
            # to report; the connection runs on, and its account is recorded with the next side writes
            log.warning("could not record the account of %s yet: %s: %s", name, type(e).__name__, e)
            self._accounts_later[name] = check

    def _checked(self, name: str, check: Any) -> None:
        if check.account:
            # the platform answered as this account: the connection is up (an error of an
            # earlier run is over; its message stays in last_error)
            record_account(self.ws, name, check.account, online=check.ok)
        if not check.ok:
            self._state(name, "error", check.detail or "check failed")

    def flush(self) -> int:
        """Ingest everything queued now (and store dead letters and states)."""
        n = self.intake.drain()
        self._drain_side_queues()
        self._sync_stats()
        return n

    def _store_batch(self, batch: list[Event]) -> tuple[int, int]:
        """One batch in one transaction. The engine caches who spoke in a group each day;
        when another process wrote to the file since our last batch (``shequn deadletters
        replay`` stores a message, an import), those sets may miss a speaker, who would then
        be counted twice in the rollup: the caches are dropped first. Read inside the write
        transaction, so no commit can come between the check and the batch."""
        with self.ws.store.write() as c:
            version = c.execute("PRAGMA data_version").fetchone()[0]
            if self._data_version is not None and version != self._data_version:
                self.engine.forget_caches()
            self._data_version = version
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
        for name, check in list(self._accounts_later.items()):
            self._checked(name, check)
            del self._accounts_later[name]

    def _state(self, name: str, state: str, error: str | None) -> None:
        self.ws.set_connection_state(name, state, error)
        if error:
            self.ws.audit("connection_" + state, "connection", name, {"error": error}, actor=f"connection:{name}")

    async def _ingest_loop(self) -> None:
        """Wake when events are queued and store them, a batch per transaction: while one
        batch commits, the deliveries arriving meanwhile form the next (group commit), so
        each waits about one commit and batches grow with the load. A store fault is
        logged, alerted and its events held and retried with growing pauses; anything
        else that escapes ends the loop, and the supervisor restarts it."""
        intake = self.intake
        intake.bind(asyncio.get_running_loop())
        intake.ready = True
        delay = self.fault_retry
        try:
            while True:
                if intake.fault:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    await asyncio.to_thread(intake.retry_held)
                    await asyncio.to_thread(intake.probe, self._probe_write)
                    if intake.fault:
                        await asyncio.to_thread(intake.hold_queued)  # 503 now, stored when the store writes
                        await asyncio.to_thread(self.fault_alert.check, intake.fault)
                        continue
                delay = self.fault_retry
                await intake.wait(self.batch_wait)
                while not intake.fault:
                    batch = intake.take()
                    if not batch:
                        break
                    await asyncio.to_thread(intake.ingest, batch)
                await asyncio.to_thread(self._drain_side_queues)
                if intake.fault or self.fault_alert.since is not None:
                    await asyncio.to_thread(self.fault_alert.check, intake.fault)
                self._sync_stats()
        finally:
            intake.ready = False

    def _probe_write(self) -> None:
        self.ws.store.set_meta("intake.probe", str(time.time()))

    async def _poll_loop(self, name: str, c: Connector) -> None:
        while True:
            try:
                events = await c.poll()
                if events:
                    c.sink.events(events)
            except Exception as e:
                await asyncio.to_thread(self._state, name, "error", f"poll failed: {type(e).__name__}: {e}")
            await asyncio.sleep(c.poll_interval)

    async def _jobs_loop(self) -> None:
        from .retention import core_jobs

        while True:
            await asyncio.sleep(1.0)
            for job in core_jobs() + list(self.ws.registry.jobs.values()):
                now, last = time.time(), self._job_last.get(job.name)
                if last is None or now - last >= job.every:  # known not due: no thread hop
                    await asyncio.to_thread(self._run_job_if_due, job, now)

    def _run_job_if_due(self, job: Any, now: float) -> None:
        """One job, when its period has passed since its last run (worker thread)."""
        last = self._job_last.get(job.name)
        if last is None:
            last = float(self.ws.store.get_meta(f"job.{job.name}") or 0)
        if now - last < job.every:
            return
        self._job_last[job.name] = now
        try:
            job.run(self.ws)
            self.ws.store.set_meta(f"job.{job.name}", str(now))
        except Exception as e:
            from .pluginmanager import PluginProblem

            self.ws.pm.report(PluginProblem(job.plugin or "?", f"job {job.name}", f"{type(e).__name__}: {e}"))

    async def _lock_loop(self) -> None:
        while True:
            await asyncio.sleep(5)
            await asyncio.to_thread(self._write_lock)

    def _write_lock(self) -> None:
        try:
            write_lock(self.ws, self.role)
        except Exception as e:
            self.errors.append(f"lock: {e}")

    def _clear_lock(self) -> None:
        try:
            clear_lock(self.ws)
        except Exception:
            pass


from .runtime_bg import BackgroundRuntime  # noqa: E402,F401  (where callers import it from)
