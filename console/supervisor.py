"""No loop of the engine dies silently: each runs under a supervisor that logs and restarts it.

Before issue 16 the runtime's loops (ingest, outbox, jobs, the engine lock, each
connection's intake) were bare tasks gathered with ``return_exceptions``: a loop that
raised ended without a log line while ``serve`` went on answering, and nothing ran it
again. :class:`Supervisor` keeps each named loop running until the stop event is set:
a loop that raises (or returns while it should run) is logged with its traceback,
counted, reported through ``on_crash`` (the runtime raises an alert and /healthz says
so while it is down) and started again after a pause that grows from ``first_pause``
to ``max_pause`` and falls back once a run has lasted ``steady`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Awaitable, Callable

log = logging.getLogger("shequn.supervisor")

Factory = Callable[[], Awaitable[None]]


class Supervisor:
    """Named loops kept running until ``stop`` is set. ``down`` names the loops between a
    crash and their restart; ``restarts`` and ``last_error`` say how often and why."""

    def __init__(self, stop: asyncio.Event, *, on_crash: Callable[[str, str], None] | None = None,
                 first_pause: float = 1.0, max_pause: float = 30.0, steady: float = 60.0):
        self.stop = stop
        self.on_crash = on_crash
        self.first_pause, self.max_pause, self.steady = first_pause, max_pause, steady
        self.tasks: dict[str, asyncio.Task] = {}
        self.restarts: Counter[str] = Counter()
        self.last_error: dict[str, str] = {}
        self.down: set[str] = set()

    def keep(self, name: str, factory: Factory) -> asyncio.Task:
        """Run ``factory()`` as the loop ``name``, again whenever it ends before the stop."""
        task = asyncio.create_task(self._keep(name, factory), name=name)
        self.tasks[name] = task
        return task

    async def _keep(self, name: str, factory: Factory) -> None:
        loop = asyncio.get_running_loop()
        pause = self.first_pause
        while not self.stop.is_set():
            started = loop.time()
            try:
                await factory()
                if self.stop.is_set():
                    return
                why = "it ended while it should run"
                log.error("the %s loop ended while it should run; restarting it in %.0f s", name, pause)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - logged, counted, reported, restarted
                if self.stop.is_set():
                    log.warning("the %s loop failed while stopping: %s: %s", name, type(e).__name__, e)
                    return
                why = f"{type(e).__name__}: {e}"
                log.error("the %s loop stopped on an error; restarting it in %.0f s", name, pause, exc_info=e)
            self.down.add(name)
            self.restarts[name] += 1
            self.last_error[name] = why
            if self.on_crash is not None:
                try:
                    self.on_crash(name, why)
                except Exception:  # noqa: BLE001 - a report must not end the supervision
                    log.exception("reporting the %s loop's failure failed", name)
            if loop.time() - started >= self.steady:
                pause = self.first_pause
            if await self._stopped_within(pause):
                return
            pause = min(pause * 2, self.max_pause)
            self.down.discard(name)
            log.info("the %s loop starts again (restart %d)", name, self.restarts[name])

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait ``seconds`` or until the stop, whichever comes first (True: stopped). Not
        ``asyncio.wait_for``, whose 3.11 version can swallow a cancel meeting the wake-up."""
        waiter = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait({waiter}, timeout=seconds)
        finally:
            waiter.cancel()
        return self.stop.is_set()

    async def wait(self, name: str, timeout: float) -> None:
        """Give the loop ``name`` up to ``timeout`` seconds to end on its own (after the stop)."""
        task = self.tasks.get(name)
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=timeout)

    async def cancel_matching(self, prefix: str) -> None:
        """Cancel the loops whose name starts with ``prefix`` and wait until they end."""
        tasks = [t for name, t in self.tasks.items() if name.startswith(prefix)]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def cancel_all(self) -> None:
        for t in self.tasks.values():
            t.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
