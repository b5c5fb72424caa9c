"""Progress of scheduled posts: each run (a source at one time, to its groups) counted by
how its posts stand, the failure list with the platform's words, and the two things a
person does about a run: ``stop`` it (what has not been sent is cancelled) and
``resume`` it (what failed or was stopped goes back to the outbox, paced again).

A post's state reads from its outbox action: waiting (pending, not yet due or due),
sending (running), sent (done), failed, stopped (cancelled by a person), withdrawn
(cancelled by the planner: a pause, a holiday, an edit), plus task and skipped.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import ContentError
from .planner import spacing
from .schedules import when_text

STATES = ("sent", "waiting", "sending", "failed", "stopped", "withdrawn", "task", "skipped")
#: a post's state in words (the host's "waiting" is a join request's 待审核)
STATE_WORDS = {"sent": "sent", "waiting": "waiting to send", "sending": "sending", "failed": "failed",
               "stopped": "stopped", "withdrawn": "withdrawn", "task": "task", "skipped": "skipped",
               "planned": "planned"}


def state_text(ws, state: str) -> str:
    return ws.t(STATE_WORDS.get(state, state))
_STATE_SQL = """CASE WHEN p.status = 'task' THEN 'task'
  WHEN p.status = 'skipped' THEN (CASE WHEN p.note = 'withdrawn' THEN 'withdrawn' ELSE 'skipped' END)
  WHEN a.status = 'done' THEN 'sent' WHEN a.status = 'pending' THEN 'waiting' WHEN a.status = 'running' THEN 'sending'
  WHEN a.status = 'failed' THEN 'failed' WHEN a.status = 'cancelled' THEN 'stopped' ELSE 'task' END"""


def _name(ws, source: str) -> str:
    kind, _, ident = source.partition(":")
    if kind == "schedule":
        return ws.store.scalar("SELECT name FROM content_schedules WHERE id = ?", (int(ident),), source)
    return ws.store.scalar("SELECT coalesce(nullif(c.title, ''), i.title) FROM content_calendar c LEFT JOIN"
                           " content_items i ON i.id = c.item_id WHERE c.id = ?", (int(ident),), source)


def runs(ws, *, limit: int = 50, offset: int = 0, since: int | None = None) -> list[dict[str, Any]]:
    """Runs newest first, each with its posts counted by state and its progress."""
    where, params = "", []
    if since is not None:
        where, params = "WHERE r.fire_at >= ?", [since]
    rows = ws.store.query(
        f"SELECT r.id, r.source, r.fire_at, {_STATE_SQL} AS state, count(*) AS n FROM content_runs r"
        f" JOIN content_posts p ON p.run_id = r.id LEFT JOIN actions a ON a.id = p.action_id {where}"
        " GROUP BY r.id, state", params)
    by_run: dict[int, dict[str, Any]] = {}
    for r in rows:
        run = by_run.setdefault(r["id"], {"id": r["id"], "source": r["source"], "fire_at": r["fire_at"],
                                          **{s: 0 for s in STATES}})
        run[r["state"]] += r["n"]
    out = sorted(by_run.values(), key=lambda r: (-r["fire_at"], -r["id"]))[offset:offset + limit]
    for r in out:
        r["name"] = _name(ws, r["source"])
        r["time"] = when_text(ws, r["fire_at"])
        to_send = sum(r[s] for s in ("sent", "waiting", "sending", "failed", "stopped"))
        r["posts"] = sum(r[s] for s in STATES)
        r["progress"] = f"{r['sent']}/{to_send}"
    return out


def run(ws, run_id: int) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM content_runs WHERE id = ?", (run_id,))
    if row is None:
        raise ContentError("run: no run {id}", id=run_id)
    return row


def posts(ws, run_id: int, *, state: str = "") -> list[dict[str, Any]]:
    """A run's posts with their state, the platform's last words and attempts."""
    run(ws, run_id)
    rows = ws.store.query(
        f"SELECT p.group_id, g.name AS group_name, p.not_before, p.note, p.action_id, p.task_id, {_STATE_SQL} AS state,"
        " coalesce(a.last_error, '') AS error, coalesce(a.attempts, 0) AS attempts FROM content_posts p"
        " JOIN groups g ON g.id = p.group_id LEFT JOIN actions a ON a.id = p.action_id WHERE p.run_id = ?"
        " ORDER BY p.not_before, p.group_id", (run_id,))
    return [r for r in rows if not state or r["state"] == state]


def failures(ws, run_id: int | None = None, *, limit: int = 200) -> list[dict[str, Any]]:
    """Failed posts (newest runs first): group, time, attempts and the platform's words."""
    where, params = "", []
    if run_id is not None:
        where, params = " AND r.id = ?", [run_id]
    return ws.store.query(
        "SELECT r.id AS run_id, r.source, r.fire_at, p.group_id, g.name AS group_name, a.id AS action_id,"
        " a.attempts, coalesce(a.last_error, '') AS error FROM content_posts p JOIN content_runs r ON r.id = p.run_id"
        " JOIN actions a ON a.id = p.action_id JOIN groups g ON g.id = p.group_id WHERE a.status = 'failed'"
        f"{where} ORDER BY r.fire_at DESC, p.group_id LIMIT ?", [*params, limit])


def stop(ws, run_id: int) -> int:
    """Cancel what of the run has not been sent yet; returns how many posts."""
    run(ws, run_id)
    now = ws.now()
    with ws.store.write() as c:
        ids = [a for (a,) in c.execute("SELECT a.id FROM content_posts p JOIN actions a ON a.id = p.action_id"
                                       " WHERE p.run_id = ? AND a.status = 'pending'", (run_id,))]
        c.executemany("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?"
                      " AND status = 'pending'", [(ws.tr("stopped by {name}", name=ws.operator), now, a) for a in ids])
        ws.audit("content_run_stopped", "content_run", run_id, {"posts": len(ids)})
    return len(ids)


def resume(ws, run_id: int) -> int:
    """Failed and stopped posts of the run back in the outbox, paced from now; returns how many."""
    run(ws, run_id)
    now = ws.now()
    with ws.store.write() as c:
        rows = c.execute("SELECT a.id, a.connection_id FROM content_posts p JOIN actions a ON a.id = p.action_id"
                         " WHERE p.run_id = ? AND p.status = 'queued' AND a.status IN ('failed', 'cancelled')"
                         " ORDER BY p.not_before, p.group_id", (run_id,)).fetchall()
        cursor: dict[str, float] = {}
        updates = []
        for aid, conn in rows:
            at = cursor.get(conn, float(now))
            cursor[conn] = at + spacing(ws, conn)
            updates.append((int(math.ceil(at)), now, aid))
        c.executemany("UPDATE actions SET status = 'pending', attempts = 0, last_error = NULL, not_before = ?,"
                      " updated_at = ? WHERE id = ?", updates)
        c.executemany("UPDATE content_posts SET not_before = ? WHERE action_id = ?", [(u[0], u[2]) for u in updates])
        ws.audit("content_run_resumed", "content_run", run_id, {"posts": len(updates)})
    return len(updates)
