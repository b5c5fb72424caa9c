"""What the operator does from the console, as plain functions (no Textual).

Every platform effect goes through the outbox (``ws.enqueue`` with
``requested_by = operator:NAME``), which audits it; every change that is not a
platform effect (an alert resolved, a task done) is audited here. Before offering an
action the screens ask :func:`why_not`, which gives the reason an action is not
available (read-only console, a platform without the capability) so it is shown
disabled with that reason instead of being offered and failing on the wire.
"""

from __future__ import annotations

import weakref
from typing import Any, Iterable

from ..engine import apply_decision
from ..model import ACTION_CAPABILITY, Decision, Proposal
from ..workspace import Workspace

READ_ONLY_REASON = "read-only console (opened with --read-only)"


_GROUP_CONNECTIONS: "weakref.WeakKeyDictionary[Workspace, dict[int, tuple[str | None, str]]]" = \
    weakref.WeakKeyDictionary()


def _group_connection(ws: Workspace, group_id: int) -> tuple[str | None, str]:
    """(connection id, platform) of a group, remembered: a group never changes connection.

    why_not runs on the event loop (Textual asks check_action for every binding whenever
    the footer refreshes), and the workspace connection may be held by a worker's long
    read for tens of milliseconds; after the first look this costs no query at all."""
    cache = _GROUP_CONNECTIONS.setdefault(ws, {})
    got = cache.get(group_id)
    if got is None:
        row = ws.store.one("SELECT connection_id, platform FROM groups WHERE id = ?", (group_id,)) or {}
        got = (row.get("connection_id"), row.get("platform") or "?")
        if row:
            cache[group_id] = got
    return got


def operator(ws: Workspace) -> str:
    return f"operator:{ws.operator}"


def why_not(ws: Workspace, kind: str, group_ids: Iterable[int] = ()) -> str | None:
    """Why ``kind`` cannot be done on these groups now, or None when it can.

    ``kind`` is an outbox action kind (kick, mute, approve_join...) or "write" for a
    change that touches only the workspace (notes, alerts, tasks)."""
    if ws.read_only:
        return READ_ONLY_REASON
    if kind == "write":
        return None
    cap = ACTION_CAPABILITY.get(kind)
    if cap is None:
        return f"unknown action {kind}"
    missing = set()
    for gid in group_ids:
        conn, platform = _group_connection(ws, gid)
        if cap not in (ws.capabilities(conn) if conn else frozenset()):
            missing.add(platform)
    if missing:
        return f"the {', '.join(sorted(missing))} platform cannot {kind.replace('_', ' ')}"
    return None


def act_on_members(ws: Workspace, kind: str, targets: list[tuple[int, int]], reason: str,
                   params: dict[str, Any] | None = None) -> list[int]:
    """Queue ``kind`` (kick, mute...) for each (group_id, person_id); one transaction."""
    props = [Proposal(kind=kind, reason=reason, group_id=g, person_id=p, params=dict(params or {}),
                      key=f"op:{ws.operator}:{kind}:{g}:{p}:{ws.now()}") for g, p in targets]
    return ws.enqueue(props, operator(ws))


def act_on_groups(ws: Workspace, kind: str, group_ids: list[int], reason: str,
                  params: dict[str, Any] | None = None, progress=None) -> list[int]:
    """Queue a group-level action (send, announce, whole_mute...) for each group.

    Each group is queued in its own transaction so the progress display moves and a
    bad group stops the run with the ones before it queued (and said so)."""
    ids: list[int] = []
    for i, gid in enumerate(group_ids, 1):
        ids += ws.enqueue([Proposal(kind=kind, reason=reason, group_id=gid, params=dict(params or {}),
                                    key=f"op:{ws.operator}:{kind}:{gid}:{ws.now()}:{reason}")], operator(ws))
        if progress:
            progress(i, len(group_ids))
    return ids


def set_group_fields(ws: Workspace, group_ids: list[int], **fields: Any) -> int:
    """Change a group's type, theme, tier or family (workspace only); audited."""
    allowed = {"type", "theme", "tier", "family", "capacity", "status"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"cannot set {', '.join(sorted(bad))} on a group; allowed: {', '.join(sorted(allowed))}")
    if "type" in fields and fields["type"] not in ("traffic", "welfare", "flash"):
        raise ValueError(f"group type {fields['type']!r} is not one of traffic, welfare, flash")
    sets = ", ".join(f"{k} = ?" for k in fields)
    with ws.store.write() as c:
        for gid in group_ids:
            c.execute(f"UPDATE groups SET {sets} WHERE id = ?", (*fields.values(), gid))
            ws.audit("group_update", "group", gid, fields)
    return len(group_ids)


def decide_request(ws: Workspace, request_id: int, verdict: str, reason: str) -> int:
    """Approve or reject a join request by hand (the same path rules use)."""
    req = ws.store.one("SELECT r.*, g.platform_group_id FROM join_requests r LEFT JOIN groups g ON g.id = r.group_id"
                       " WHERE r.id = ?", (request_id,))
    if req is None:
        raise ValueError(f"join request {request_id} does not exist")
    if req["status"] not in ("pending", "held"):
        raise ValueError(f"join request {request_id} was already {req['status']}")
    return apply_decision(ws, req, Decision(verdict, reason, rule=""), operator(ws))


def recent_reasons(ws: Workspace, limit: int = 5) -> list[str]:
    """The reasons this operator gave for rejecting join requests, newest first, each once."""
    rows = ws.store.query("SELECT reason, max(decided_at) AS at FROM join_requests WHERE decided_by = ? AND status IN"
                          " ('rejected', 'rejecting') AND coalesce(reason, '') != '' GROUP BY reason ORDER BY at DESC"
                          " LIMIT ?", (operator(ws), limit))
    return [r["reason"] for r in rows]


def resolve_alert(ws: Workspace, alert_id: int) -> None:
    """A person resolved it: snoozed until its cause changes (console.alerts)."""
    ws.resolve_alert_by_hand(alert_id, operator(ws))


def close_task(ws: Workspace, task_id: int, status: str = "done") -> None:
    if status not in ("done", "dismissed"):
        raise ValueError(f"task status {status!r}: expected done or dismissed")
    with ws.store.write() as c:
        c.execute("UPDATE tasks SET status = ?, done_at = ? WHERE id = ? AND status = 'open'", (status, ws.now(), task_id))
        ws.audit(f"task_{status}", "task", task_id)


def retry_action(ws: Workspace, action_id: int) -> str:
    """Put a failed action back in the outbox (attempts reset); audited."""
    with ws.store.write() as c:
        row = c.execute("SELECT status FROM actions WHERE id = ?", (action_id,)).fetchone()
        if row is None:
            raise ValueError(f"action {action_id} does not exist")
        if row[0] != "failed":
            raise ValueError(f"action {action_id} is {row[0]}; only failed actions are retried")
        c.execute("UPDATE actions SET status = 'pending', attempts = 0, not_before = 0, updated_at = ? WHERE id = ?",
                  (ws.now(), action_id))
        ws.audit("action_retry", "action", action_id)
    return ""


def touched(ws: Workspace, targets: list[tuple[int, int | None]]) -> tuple[int, int]:
    """How many groups and people a bulk action touches (for the confirmation)."""
    groups = {g for g, _ in targets if g is not None}
    people = {p for _, p in targets if p is not None}
    return len(groups), len(people)
