"""What became of a decided join request: the platform's answer, and expiry.

A decision that needs the platform reads ``approving`` / ``rejecting`` (console.join_requests)
until the outbox reports the action's end, here through ``action_done``:

- done: the request reads ``approved`` / ``rejected``;
- the platform does not know the request any more ("申请不存在或已处理", NapCat's "No such
  request"): it expired or someone handled it in the platform's own app, so ``expired``;
- any other refusal: back in the queue as ``held`` with the platform's words as the
  reason, so a person sees it at once (the Workflows screen tells the person whose
  decision it was; ``shequn joins approve --wait`` prints it).

The expiry job marks every waiting request past its platform's lifetime ``expired``
(at the second it expired), in one statement per connection, audited per request.
"""

from __future__ import annotations

from typing import Any

from shequn.joins import expire_request

from .i18n import tr
from .queue import WAITING, lifetimes

JOB_ACTOR = "job:entry_rules.expiry"
#: How the platforms say "no such request" (sandbox, NapCat, go-cqhttp/Lagrange wordings).
UNKNOWN_REQUEST = ("申请不存在", "已处理", "no such request", "request not found", "unknown request",
                   "already handled", "请求不存在", "已失效", "已过期")


def unknown_request(words: str) -> bool:
    low = (words or "").casefold()
    return any(w in low for w in UNKNOWN_REQUEST)


def request_of(ws, action: dict[str, Any]) -> dict[str, Any] | None:
    """The join request an approve/reject action was queued for (its evidence names it)."""
    if action.get("kind") not in ("approve_join", "reject_join"):
        return None
    evidence = action.get("evidence") or ""
    if not evidence.startswith("join_request:") or not evidence[13:].isdigit():
        return None
    return ws.store.one("SELECT * FROM join_requests WHERE id = ?", (int(evidence[13:]),))


def action_done(ws, action: dict[str, Any], result: Any) -> str | None:
    """Record the platform's answer on the request; returns the request's new status."""
    req = request_of(ws, action)
    expected = "approving" if action["kind"] == "approve_join" else "rejecting"
    if req is None or req["status"] != expected:
        return None  # decided again since, or expired meanwhile: this answer is history
    now = ws.now()
    words = getattr(result, "message", "") or ""
    verdict = "approve" if expected == "approving" else "reject"
    if action["status"] == "done":
        status = "approved" if verdict == "approve" else "rejected"
        with ws.store.write() as c:
            c.execute("UPDATE join_requests SET status = ? WHERE id = ? AND status = ?", (status, req["id"], expected))
            ws.audit(f"join_request_{status}", "join_request", req["id"],
                     {"action_id": action["id"], "platform": words, "decided_by": req["decided_by"]}, actor="outbox")
        return status
    if action["status"] != "failed":
        return None
    if unknown_request(words):
        expire_request(ws, req, now, actor="platform", why=words)
        return "expired"
    reason = tr(ws, "The platform refused to {verdict}: {words}", verdict=tr(ws, verdict), words=words)
    with ws.store.write() as c:
        c.execute("UPDATE join_requests SET status = 'held', decided_at = ?, reason = ? WHERE id = ? AND status = ?",
                  (now, reason, req["id"], expected))
        ws.audit("join_request_refused", "join_request", req["id"],
                 {"verdict": verdict, "platform": words, "action_id": action["id"], "decided_by": req["decided_by"]},
                 actor="outbox")
    return "held"


def expire_due(ws) -> int:
    """Mark waiting requests past their platform's lifetime expired; returns how many."""
    now = ws.now()
    n = 0
    for conn, life in lifetimes(ws).items():
        if life is None:
            continue
        rows = ws.store.query(f"SELECT id, status, group_id, person_id, requested_at FROM join_requests"
                              f" WHERE connection_id = ? AND status IN ({','.join('?' * len(WAITING))})"
                              f" AND requested_at <= ?", (conn, *WAITING, now - life))
        if not rows:
            continue
        with ws.store.write() as c:
            c.executemany("UPDATE join_requests SET status = 'expired', decided_at = ?, decided_by = ? WHERE id = ?"
                          " AND status IN ('pending', 'held')",
                          [(r["requested_at"] + life, JOB_ACTOR, r["id"]) for r in rows])
            ws.audit_many([("join_request_expired", "join_request", r["id"],
                            {"why": "lifetime", "expired_at": r["requested_at"] + life, "was": r["status"],
                             "group_id": r["group_id"], "person_id": r["person_id"]}, JOB_ACTOR) for r in rows])
        n += len(rows)
    return n
