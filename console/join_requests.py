"""A join request's life on the host side: the decision, its platform action, expiry.

A decision on a join request (a rule's or a person's) is recorded here and its platform
action queued in the outbox. The request reads ``approving`` / ``rejecting`` until the
platform answers (the entry plugin's ``action_done`` records ``approved`` / ``rejected``,
or puts a refused request back in the queue), so the recorded outcome is the platform's.

A platform forgets a request after its connector's ``join_request_lifetime`` (or the
connection's ``join_request_hours``): from that second the request is ``expired`` and
nothing acts on it. The entry plugin's job marks them; a decision checks again first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .model import Decision, Proposal
from .workspace import Workspace


class RequestExpired(ValueError):
    """A join request its platform has forgotten: approving or rejecting it can only fail."""

    def __init__(self, request_id: int, expired_at: int, when: str):
        self.request_id, self.expired_at = request_id, expired_at
        super().__init__(f"join request {request_id} expired at {when}: the platform no longer keeps it")


def request_lifetime(ws: Workspace, connection_id: str) -> int | None:
    """Seconds the connection's platform keeps a join request (None: forever), from the
    connector's declaration or the connection's ``join_request_hours``."""
    cls = ws.connector_class(connection_id)
    cs = ws.settings.connections.get(connection_id)
    return cls.request_lifetime(cs.options if cs else None) if cls is not None else None


def expires_at(ws: Workspace, req: dict[str, Any]) -> int | None:
    """When a join request leaves the platform (None: never). Expired from that second on."""
    life = request_lifetime(ws, req["connection_id"])
    return None if life is None else req["requested_at"] + life


def expire_request(ws: Workspace, req: dict[str, Any], at: int, *, actor: str, why: str = "lifetime") -> None:
    """Mark a request expired (the moment it expired, who noticed, why); audited."""
    with ws.store.write() as c:
        if not c.execute("UPDATE join_requests SET status = 'expired', decided_at = ?, decided_by = ? WHERE id = ?"
                         " AND status != 'expired'", (at, actor, req["id"])).rowcount:
            return  # marked already (the job, or another process): its record stands
        ws.audit("join_request_expired", "join_request", req["id"],
                 {"why": why, "expired_at": at, "was": req["status"], "group_id": req["group_id"],
                  "person_id": req["person_id"]}, actor=actor)


def expire_if_due(ws: Workspace, req: dict[str, Any], *, actor: str) -> int | None:
    """Expire a waiting request past its lifetime; returns the moment it expired, or None."""
    at = expires_at(ws, req)
    if at is None or ws.now() < at or req["status"] not in ("pending", "held"):
        return None
    expire_request(ws, req, at, actor=actor)
    return at


def apply_decision(ws: Workspace, req: dict[str, Any], decision: Decision, actor: str) -> int:
    """Record a decision on a join request and queue the platform action. Returns actions queued.

    A request past its platform's lifetime is marked expired and :class:`RequestExpired`
    raised: nothing acts on it. An approve or reject reads ``approving`` / ``rejecting``
    until the outbox reports the platform's answer (the entry plugin's ``action_done``
    records the outcome); only an action that will never run here (the platform cannot
    do it: a task asks a person) records the outcome at once."""
    now = ws.now()
    at = expire_if_due(ws, req, actor=actor)
    if at is not None:
        raise RequestExpired(req["id"], at, datetime.fromtimestamp(at, ws.tz).strftime("%Y-%m-%d %H:%M"))
    with ws.store.write() as c:
        if decision.dry_run:
            c.execute("UPDATE join_requests SET would_have = ?, rule = ?, reason = ? WHERE id = ?",
                      (decision.verdict, decision.rule, decision.reason, req["id"]))
            ws.audit("join_request_would_have", "join_request", req["id"],
                     {"verdict": decision.verdict, "rule": decision.rule, "reason": decision.reason}, actor=actor)
            return 0
        status = {"approve": "approving", "reject": "rejecting", "hold": "held"}.get(decision.verdict)
        if status is None:
            raise ValueError(f"unknown verdict {decision.verdict!r}: expected approve, reject or hold")
        c.execute("UPDATE join_requests SET status = ?, decided_at = ?, decided_by = ?, rule = ?, reason = ? WHERE id = ?",
                  (status, now, actor, decision.rule, decision.reason, req["id"]))
        ws.audit(f"join_request_{decision.verdict}", "join_request", req["id"],
                 {"rule": decision.rule, "reason": decision.reason, "group_id": req["group_id"],
                  "person_id": req["person_id"]}, actor=actor)
        if decision.verdict == "hold":
            return 0
        kind = "approve_join" if decision.verdict == "approve" else "reject_join"
        evidence = f"join_request:{req['id']}"
        prop = Proposal(kind=kind, reason=decision.reason, group_id=req["group_id"], person_id=req["person_id"],
                        params={"flag": req["platform_request_id"], "sub_type": req["sub_type"],
                                "reason": decision.reason if kind == "reject_join" else ""},
                        rule=decision.rule or None, evidence=evidence, connection=req["connection_id"])
        if req["status"] == "held" and req.get("decided_at"):  # held since then (maybe the platform refused):
            prop.key = f"{prop.derive_key()}:{req['decided_at']}"  # a new action, not the refused one's key
        ids = ws.enqueue([prop], actor)
        if ids and c.execute("SELECT status FROM actions WHERE id = ?", (ids[0],)).fetchone()[0] == "unsupported":
            c.execute("UPDATE join_requests SET status = ? WHERE id = ?", (status.replace("ing", "ed"), req["id"]))
        return len(ids)


def decide_by_plugins(ws: Workspace, request_id: int, *, actor: str | None = None) -> int:
    """Ask plugins (``decide_join_request``, first answer wins) to decide a pending request
    and act on the verdict; returns the actions queued. A request its platform already
    forgot (a back-fill or a replay) is marked expired instead."""
    req = ws.store.one(
        "SELECT r.*, g.platform_group_id, g.name AS group_name FROM join_requests r"
        " LEFT JOIN groups g ON g.id = r.group_id WHERE r.id = ?", (request_id,))
    if req is None or req["status"] != "pending":
        return 0
    if expire_if_due(ws, req, actor="engine"):
        return 0
    answers = ws.call("decide_join_request", firstresult=True, savepoint=True, request=req, ws=ws)
    if not answers:
        return 0
    plugin, decision = answers[0]
    if not isinstance(decision, Decision):
        from .pluginmanager import PluginProblem

        ws.pm.report(PluginProblem(plugin, "decide_join_request",
                                   f"returned {type(decision).__name__}, expected console.model.Decision"))
        return 0
    return apply_decision(ws, req, decision, actor or f"rule:{decision.rule or plugin}")
