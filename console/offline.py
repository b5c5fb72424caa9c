"""The host's pipeline driven by a verb while no ``serve`` runs (public as ``shequn.connections``).

``serve`` owns the engine and the outbox while it runs. Two things a plugin's verb may
still need without it, each done the way ``serve`` does it, so a plugin never builds the
engine or the outbox itself (their classes are the host's inside):

- :class:`Backfill`: feed a connection's history (simulated, as ``shequn demo`` does, or
  imported from a platform's export) through the engine, carry out what the plugins
  propose through that one connector at once (no pacing: nothing real is sent), and run
  the registered jobs at the workspace clock.
- :func:`carry_out_now`: one queued action carried out now (``shequn joins approve
  --wait``), unless a running serve or console holds the engine and will do it.
"""

from __future__ import annotations

from typing import Any, Iterable

#: what :func:`carry_out_now` found, one of these words
CARRY_OUT = ("done", "failed", "retry", "served", "not_pending", "not_enabled")


class Backfill:
    """Events of one connector through the engine and its actions through that connector.

    ``ingest(events)`` stores a batch as the engine does (one transaction; the plugins'
    ``process_events`` included) and returns its counts; ``await drain()`` carries out every
    due action of the connector's connection; ``run_jobs(skip)`` runs each registered
    plugin job once (a job that raises is reported as a plugin problem, not fatal). Set the
    clock with ``ws.clock_at(ts)`` around each step for history in the past."""

    def __init__(self, ws: Any, connector: Any):
        from .engine import Engine
        from .outbox import Executor

        self.ws = ws
        self._engine = Engine(ws)
        # nothing else runs on a back-fill's loop: the outbox's reads and writes run on it too
        self._executor = Executor(ws, {connector.name: connector}, pacing=False, off_loop=False)

    def ingest(self, events: Iterable[Any]) -> Any:
        return self._engine.ingest(events)

    async def drain(self) -> int:
        return await self._executor.drain()

    def run_jobs(self, skip: set[str] | frozenset = frozenset()) -> None:
        from .pluginmanager import PluginProblem

        for job in list(self.ws.registry.jobs.values()):
            if job.name in skip:
                continue
            try:
                job.run(self.ws)
            except Exception as e:
                self.ws.pm.report(PluginProblem(job.plugin or "?", f"job {job.name}", f"{type(e).__name__}: {e}"))


def carry_out_now(ws: Any, action_id: int) -> tuple[str, dict[str, Any] | None]:
    """Carry out the pending action ``action_id`` now through its connection, without serve.

    Returns ``(word, row)``: ``word`` is one of :data:`CARRY_OUT` (``served``: a running
    serve or console holds the engine and carries it out; ``not_pending``: no such pending
    action; ``not_enabled``: its connection is not enabled here; ``retry``: the platform
    asked to try later, the outbox retries; else the final ``done``/``failed``), ``row``
    the action's row as it is now (None for ``served``/``not_pending``)."""
    import asyncio

    from .engine_lock import engine_lock_holder
    from .outbox import Executor

    if engine_lock_holder(ws) is not None:
        return "served", None
    row = ws.store.one("SELECT * FROM actions WHERE id = ? AND status = 'pending'", (action_id,))
    if row is None:
        return "not_pending", None
    cs = ws.settings.connections.get(row["connection_id"])
    cls = ws.connector_class(row["connection_id"])
    if cs is None or cls is None or not cs.enabled:
        return "not_enabled", row
    conn = cls(row["connection_id"], cs.options)
    conn.attach(ws)  # connectors that keep state in the workspace (the sandbox)

    class OneAction(Executor):
        def due(self, limit: int = 200) -> list[dict[str, Any]]:
            return ws.store.query("SELECT * FROM actions WHERE id = ? AND status = 'pending' AND not_before <= ?",
                                  (action_id, ws.now()))

    async def once() -> None:
        try:
            await OneAction(ws, {conn.name: conn}, pacing=False).drain()
        finally:  # a connector keeping state in the workspace (the sandbox's world) keeps what the
            await conn.stop()  # action changed: without it the next run loaded the world before it

    asyncio.run(once())
    row = ws.store.one("SELECT * FROM actions WHERE id = ?", (action_id,))
    word = "retry" if row["status"] == "pending" else ("done" if row["status"] == "done" else "failed")
    return word, row
