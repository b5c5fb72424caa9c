"""The join queue (待审核): requests not decided yet, and a person's decision on one.

``pending`` in the queue means "waiting for a decision": new requests no rule answered
(status pending) and those a rule held for a person (status held). A request waiting
longer than ``queue_flag_after_seconds`` is flagged, and the queue job raises one
``queue_waiting`` alert while any is.
"""

from __future__ import annotations

from typing import Any

from console.engine import apply_decision
from console.model import Decision

from .i18n import tr
from .policies import PolicyError
from .settings import settings_of

STATUSES = {"pending": ("pending", "held"), "new": ("pending",), "held": ("held",), "approved": ("approved",),
            "rejected": ("rejected",), "all": ("pending", "held", "approved", "rejected", "expired")}


def queue(ws, status: str = "pending", *, group_id: int | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Join requests with who, where, how long they waited and the rule's say."""
    if status not in STATUSES:
        raise PolicyError(f"unknown queue status {status!r}; choose from {', '.join(STATUSES)}")
    sts = STATUSES[status]
    flag_after = settings_of(ws).queue_flag_after_seconds
    now = ws.now()
    sql = ("SELECT r.id, r.group_id, g.name AS group_name, r.person_id, p.display_name AS person, r.comment,"
           " r.referrer_person_id, rp.display_name AS referrer, r.requested_at, r.status, r.rule, r.reason,"
           " r.would_have, r.decided_by, r.decided_at FROM join_requests r LEFT JOIN groups g ON g.id = r.group_id"
           " LEFT JOIN people p ON p.id = r.person_id LEFT JOIN people rp ON rp.id = r.referrer_person_id"
           f" WHERE r.status IN ({','.join('?' * len(sts))})")
    params: list[Any] = list(sts)
    if group_id is not None:
        sql += " AND r.group_id = ?"
        params.append(group_id)
    sql += " ORDER BY r.requested_at, r.id LIMIT ?"
    params.append(limit)
    rows = ws.store.query(sql, params)
    for r in rows:
        waiting = r["status"] in ("pending", "held")
        r["waited"] = (now - r["requested_at"]) if waiting else ((r["decided_at"] or now) - r["requested_at"])
        r["flagged"] = waiting and r["waited"] > flag_after
    return rows


def decide(ws, request_id: int, verdict: str, reason: str = "", *, actor: str | None = None) -> dict[str, Any]:
    """A person's decision from the queue. Reject needs a reason (the applicant sees it)."""
    if verdict not in ("approve", "reject", "hold"):
        raise PolicyError(f"unknown verdict {verdict!r}: expected approve, reject or hold")
    reason = (reason or "").strip()
    if verdict == "reject" and not reason:
        raise PolicyError("a rejection needs a reason: the applicant sees it")
    req = ws.store.one("SELECT r.*, g.platform_group_id, g.name AS group_name FROM join_requests r"
                       " LEFT JOIN groups g ON g.id = r.group_id WHERE r.id = ?", (request_id,))
    if req is None:
        raise PolicyError(f"no join request {request_id}")
    if req["status"] not in ("pending", "held"):
        raise PolicyError(f"join request {request_id} was already {req['status']} by {req['decided_by']}")
    if verdict == "hold" and req["status"] == "held":
        raise PolicyError(f"join request {request_id} is already held")
    actor = actor or f"operator:{ws.operator}"
    reason = reason or (tr(ws, "Approved by {who}", who=ws.operator) if verdict == "approve"
                        else tr(ws, "Held by {who}", who=ws.operator))
    with ws.store.write():
        apply_decision(ws, req, Decision(verdict, reason, rule="", dry_run=False), actor)
        if verdict == "approve" and req["referrer_person_id"]:
            ws.store.execute("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL AND id != ?",
                             (req["referrer_person_id"], req["person_id"], req["referrer_person_id"]))
    return ws.store.one("SELECT * FROM join_requests WHERE id = ?", (request_id,))


def flag_waiting(ws) -> int:
    """Raise (or resolve) the queue_waiting alert; returns how many requests are overdue."""
    s = settings_of(ws)
    overdue = ws.store.scalar("SELECT count(*) FROM join_requests WHERE status IN ('pending', 'held')"
                              " AND requested_at < ?", (ws.now() - s.queue_flag_after_seconds,), 0)
    key = "queue_waiting:entry_rules"
    if overdue:
        ws.raise_alert("queue_waiting", tr(ws, "{n} join requests waiting longer than {minutes} minutes",
                                           n=overdue, minutes=s.queue_flag_after_seconds // 60),
                       why=tr(ws, "Open the join queue (shequn joins) and decide them"), dedupe_key=key)
    else:
        ws.resolve_alert(key)
    return overdue
