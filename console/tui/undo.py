"""Undo of a person's own decisions (``z``, as lazygit does), within a window.

The console keeps a journal of the decisions its operator made in it (approve, reject,
hold, review, assign, unassign, retry), one entry per act however many rows it touched,
newest last. ``z`` undoes the newest one made in the last ``WINDOW`` seconds, row by
row, each in its own transaction, where the platform allows; what the platform already
did and cannot take back becomes a task that says what to do by hand. No Textual here:
the functions are tested on their own.

A decision on a join request reads ``approving`` / ``rejecting`` until the platform
answers (the outbox's action is pending): undoing it then cancels the action and puts
the request back in the queue, held (so a new decision gets a new action, not the
cancelled one's key). After the platform answered: an approval cannot be taken back
(a task asks the group's owner to look at the member), a rejection is answered with an
invitation where the platform can invite, otherwise with a task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from ..model import Capability, Proposal

#: how long a decision can be undone with z (seconds)
WINDOW = 30 * 60


@dataclass
class Entry:
    """One act of the operator: ``what`` (a template with {n}), when, and how to undo
    each of its rows: ``undo(arg)`` returns "" or a note (what is left to do by hand)
    and raises with the reason when the row cannot be undone."""

    what: str
    at: int
    items: list[tuple[str, Any]]
    undo: Callable[[Any], str]
    extra: dict[str, Any] = field(default_factory=dict)


class Journal:
    """The operator's acts in this console, newest last."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, entry: Entry) -> None:
        if entry.items:
            self.entries.append(entry)
            del self.entries[:-50]  # the window is short; fifty acts are plenty

    def latest(self, now: int) -> Entry | None:
        for entry in reversed(self.entries):
            if now - entry.at <= WINDOW:
                return entry
            break
        return None

    def take(self, entry: Entry) -> None:
        if entry in self.entries:
            self.entries.remove(entry)


def _request(ws: Any, request_id: int) -> dict[str, Any]:
    req = ws.store.one("SELECT r.*, g.name AS group_name, p.display_name AS person FROM join_requests r"
                       " LEFT JOIN groups g ON g.id = r.group_id LEFT JOIN people p ON p.id = r.person_id"
                       " WHERE r.id = ?", (request_id,))
    if req is None:
        raise ValueError(f"join request {request_id} does not exist")
    return req


def undo_join_decision(ws: Any, request_id: int, verdict: str, before: dict[str, Any], actor: str) -> str:
    """Undo ``actor``'s ``verdict`` (approve, reject, hold) on a join request; ``before``
    holds the request's status, reason and rule before the decision. Returns "" when
    undone, or the note of what is left to do by hand; raises when it cannot be undone."""
    req = _request(ws, request_id)
    st, now = req["status"], ws.now()
    who, group = req["person"] or f"#{req['person_id']}", req["group_name"] or f"#{req['group_id']}"
    if req["decided_by"] != actor:
        raise ValueError(f"join request {request_id} was decided again since, by {req['decided_by'] or 'a rule'}")
    if verdict == "hold":
        if st != "held":
            raise ValueError(f"join request {request_id} is {st} now")
        _restore(ws, req, before, now, actor, "hold")
        return ""
    wanted = {"approve": "approving", "reject": "rejecting"}[verdict]
    if st == wanted:  # the platform has not answered: cancel the action if it has not started
        kind = "approve_join" if verdict == "approve" else "reject_join"
        with ws.store.write() as c:
            act = c.execute("SELECT id, status FROM actions WHERE evidence = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                            (f"join_request:{request_id}", kind)).fetchone()
            if act is not None and act[1] == "pending":
                c.execute("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?"
                          " AND status = 'pending'", (f"cancelled: {actor} undid the decision", now, act[0]))
                _restore(ws, req, before, now, actor, verdict, conn=c)
                return ""
        raise ValueError(f"join request {request_id}: the platform is answering it now; undo once it has answered")
    if st == "approved" and verdict == "approve":
        ws.add_task("do_by_hand", ws.tr("Approved by mistake: {person} is in {group}; remove them by hand if they "
                                        "should not be there", person=who, group=group),
                    detail=ws.tr("{who} undid the approval of join request {id} after the platform had let them in.",
                                 who=actor, id=request_id),
                    group_id=req["group_id"], person_id=req["person_id"], source=actor,
                    dedupe_key=f"undo:join_request:{request_id}:{now}")
        _audit(ws, request_id, "task", actor, verdict)
        return ws.tr("the platform let them in already: a task asks the owner to look")
    if st == "rejected" and verdict == "reject":
        if Capability.INVITE in ws.group_capabilities(req["group_id"]):
            ws.enqueue([Proposal(kind="invite", reason=f"undo rejection of join request {request_id}",
                                 group_id=req["group_id"], person_id=req["person_id"],
                                 evidence=f"join_request:{request_id}:undo:{now}")], actor)
            _audit(ws, request_id, "invite", actor, verdict)
            return ws.tr("the platform had rejected it: an invitation is on its way")
        ws.add_task("do_by_hand", ws.tr("Rejected by mistake: invite {person} to {group} by hand", person=who,
                                        group=group),
                    detail=ws.tr("{who} undid the rejection of join request {id} after the platform had turned it "
                                 "down; this platform cannot invite.", who=actor, id=request_id),
                    group_id=req["group_id"], person_id=req["person_id"], source=actor,
                    dedupe_key=f"undo:join_request:{request_id}:{now}")
        _audit(ws, request_id, "task", actor, verdict)
        return ws.tr("the platform had rejected it and cannot invite: a task says what to do by hand")
    if st == "held":  # the platform refused the decision: nothing happened, it waits again
        return ws.tr("the platform had refused it; it is waiting in the queue")
    raise ValueError(f"join request {request_id} is {st} now")


def _restore(ws: Any, req: dict[str, Any], before: dict[str, Any], now: int, actor: str, verdict: str,
             conn: Any = None) -> None:
    """Back in the queue as before the decision; held when it was new (see the docstring)."""
    status = "pending" if verdict == "hold" and before.get("status") == "pending" else "held"
    sql = ("UPDATE join_requests SET status = ?, reason = ?, rule = ?, decided_at = ? WHERE id = ?")
    args = (status, before.get("reason") or "", before.get("rule") or "", now if status == "held" else None, req["id"])
    if conn is not None:
        conn.execute(sql, args)
        _audit(ws, req["id"], "back in the queue", actor, verdict)
        return
    with ws.store.write() as c:
        c.execute(sql, args)
        _audit(ws, req["id"], "back in the queue", actor, verdict)


def _audit(ws: Any, request_id: int, outcome: str, actor: str, verdict: str) -> None:
    ws.audit("join_request_undone", "join_request", request_id, {"verdict": verdict, "outcome": outcome}, actor=actor)


def unretry_action(ws: Any, action_id: int, actor: str) -> str:
    """Undo a retry: the action is failed again, if it has not run since."""
    with ws.store.write() as c:
        row = c.execute("SELECT status FROM actions WHERE id = ?", (action_id,)).fetchone()
        if row is None:
            raise ValueError(f"action {action_id} does not exist")
        if row[0] != "pending":
            raise ValueError(f"action {action_id} is {row[0]} now: it ran, and cannot be taken back")
        c.execute("UPDATE actions SET status = 'failed', updated_at = ? WHERE id = ? AND status = 'pending'",
                  (ws.now(), action_id))
        ws.audit("action_retry_undone", "action", action_id, actor=actor)
    return ""


def ago(ws: Any, at: int) -> str:
    """When an act was made, as the clock on the wall says it."""
    return datetime.fromtimestamp(at, ws.tz).strftime("%H:%M")
