"""The join queue (待审核): every request, its true total, a page at a time, and a
person's decision on one.

``pending`` in the queue means "waiting for a decision": new requests no rule answered
(status pending) and those held for a person (status held), as long as the platform
still keeps them. The order is what a person should do first: waiting requests nearest
their expiry first (the ones about to be lost; a platform that never forgets puts its
requests after them, oldest first), then decisions the platform has not answered yet,
then the decided, newest first. A request past its lifetime counts as expired even
before the expiry job has marked it, so a read-only view never shows a dead request as
live. Nothing is capped: ``total`` is the count of every matching row and ``offset`` /
``limit`` reach each one.

A request waiting longer than ``queue_flag_after_seconds`` is flagged, and the queue job
raises the one operation-wide ``queue_waiting`` alert while any is.
"""

from __future__ import annotations

from typing import Any

from shequn.joins import apply_decision, expire_if_due, request_lifetime
from shequn import Decision

from .i18n import tr
from .policies import PolicyError
from .settings import settings_of

WAITING = ("pending", "held")
IN_PROGRESS = ("approving", "rejecting")
STATUSES = {"pending": WAITING, "new": ("pending",), "held": ("held",), "in_progress": IN_PROGRESS,
            "approved": ("approved",), "rejected": ("rejected",), "expired": ("expired",),
            "all": ("pending", "held", "approving", "rejecting", "approved", "rejected", "expired")}
MAX_LIMIT = 1000  # one page; the total is never limited
NEVER = 1 << 62  # the expiry of a request on a platform that never forgets one


def lifetimes(ws) -> dict[str, int | None]:
    """Each connection's join-request lifetime in seconds (None: forever)."""
    names = set(ws.settings.connections) | {r[0] for r in ws.store.execute("SELECT id FROM connections")}
    return {c: request_lifetime(ws, c) for c in sorted(names)}


def _where(ws, status: str, group_id: int | None, older_than: int | None,
           newer_than: int | None) -> tuple[str, str, list[Any]]:
    """(CTE of lifetimes, WHERE clause, parameters) shared by the count and the page."""
    if status not in STATUSES:
        raise PolicyError(f"unknown queue status {status!r}; choose from {', '.join(STATUSES)}")
    for name, value in (("older_than", older_than), ("newer_than", newer_than)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise PolicyError(f"{name} is {value!r}; expected whole seconds of 0 or more")
    life = lifetimes(ws)
    known = [(c, s) for c, s in life.items() if s is not None]
    cte = ("WITH life(cid, secs) AS (VALUES " + ", ".join("(?, ?)" for _ in known) + ")") if known else \
        "WITH life(cid, secs) AS (SELECT NULL, NULL)"
    params: list[Any] = [v for pair in known for v in pair]
    now = ws.now()
    live = "(life.secs IS NULL OR r.requested_at + life.secs > ?)"
    sts = STATUSES[status]
    waiting = [s for s in sts if s in WAITING]
    other = [s for s in sts if s not in WAITING and s != "expired"]
    parts = []
    if waiting:
        # a live request is younger than the longest lifetime: said as a bound on requested_at
        # too, so the index on (status, requested_at) skips a month of dead rows the expiry
        # job has not marked yet instead of reading each (benchmarks/queues.py: 98.8 -> 11.5 ms)
        bound = " AND r.requested_at > ?" if known and len(known) == len(life) else ""
        parts.append(f"(r.status IN ({','.join('?' * len(waiting))}){bound} AND {live})")
        params += [*waiting, *([now - max(s for _, s in known)] if bound else []), now]
    if other:
        parts.append(f"r.status IN ({','.join('?' * len(other))})")
        params += other
    if "expired" in sts:  # marked, or past its lifetime before the job got to it
        parts.append(f"r.status = 'expired' OR (r.status IN ('pending', 'held') AND NOT {live})")
        params.append(now)
    where = "(" + " OR ".join(parts) + ")"
    if group_id is not None:
        where += " AND r.group_id = ?"
        params.append(group_id)
    if older_than is not None:
        where += " AND r.requested_at <= ?"
        params.append(now - older_than)
    if newer_than is not None:
        where += " AND r.requested_at > ?"
        params.append(now - newer_than)
    return cte, where, params


def queue_total(ws, status: str = "pending", *, group_id: int | None = None, older_than: int | None = None,
                newer_than: int | None = None) -> int:
    """How many requests match: the true count, never a page's length."""
    cte, where, params = _where(ws, status, group_id, older_than, newer_than)
    return ws.store.scalar(f"{cte} SELECT count(*) FROM join_requests r LEFT JOIN life ON life.cid = r.connection_id"
                           f" WHERE {where}", params, 0)


def queue_rows(ws, status: str = "pending", *, group_id: int | None = None, older_than: int | None = None,
               newer_than: int | None = None, offset: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """One page of matching requests, in the order a person should take them."""
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise PolicyError(f"offset is {offset!r}; expected a whole number of 0 or more")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise PolicyError(f"limit is {limit!r}; expected a whole number from 1 to {MAX_LIMIT}")
    cte, where, params = _where(ws, status, group_id, older_than, newer_than)
    # the page's ids first (sorting narrow rows), then their names: joining every matching
    # row to groups and people before the sort cost 4x at 100,000 waiting requests
    sql = (f"{cte}, page AS (SELECT r.id, r.requested_at + life.secs AS expires_at,"
           " CASE WHEN r.status IN ('pending', 'held') THEN 0 WHEN r.status IN ('approving', 'rejecting') THEN 1"
           " ELSE 2 END AS k0,"
           f" CASE WHEN r.status IN ('pending', 'held') THEN coalesce(r.requested_at + life.secs, {NEVER}) END AS k1,"
           " CASE WHEN r.status IN ('pending', 'held') THEN r.requested_at ELSE -coalesce(r.decided_at, r.requested_at)"
           f" END AS k2 FROM join_requests r LEFT JOIN life ON life.cid = r.connection_id WHERE {where}"
           " ORDER BY k0, k1, k2, r.id LIMIT ? OFFSET ?)"
           " SELECT r.id, r.group_id, g.name AS group_name, r.person_id, p.display_name AS person, r.comment,"
           " r.referrer_person_id, rp.display_name AS referrer, r.requested_at, r.status, r.rule, r.reason,"
           " r.would_have, r.decided_by, r.decided_at, page.expires_at FROM page JOIN join_requests r ON r.id = page.id"
           " LEFT JOIN groups g ON g.id = r.group_id LEFT JOIN people p ON p.id = r.person_id"
           " LEFT JOIN people rp ON rp.id = r.referrer_person_id ORDER BY page.k0, page.k1, page.k2, page.id")
    rows = ws.store.query(sql, params + [limit, offset])
    flag_after = settings_of(ws).queue_flag_after_seconds
    now = ws.now()
    for r in rows:
        if r["status"] in WAITING and r["expires_at"] is not None and r["expires_at"] <= now:
            r["status"] = "expired"  # what the expiry job will record
        waiting = r["status"] in WAITING
        r["waited"] = (now - r["requested_at"]) if waiting else ((r["decided_at"] or now) - r["requested_at"])
        r["flagged"] = waiting and r["waited"] > flag_after
        r["expires_in"] = (r["expires_at"] - now) if waiting and r["expires_at"] is not None else None
    return rows


def queue(ws, status: str = "pending", *, group_id: int | None = None, older_than: int | None = None,
          newer_than: int | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """{total, offset, limit, rows}: the true total of matching requests and one page."""
    filters = {"group_id": group_id, "older_than": older_than, "newer_than": newer_than}
    rows = queue_rows(ws, status, offset=offset, limit=limit, **filters)
    return {"total": queue_total(ws, status, **filters), "offset": offset, "limit": limit, "rows": rows}


class QueueSource:
    """The queue as the console's table reads it: a count and a page at a time."""

    def __init__(self, ws, status: str = "pending", **filters: Any):
        self.ws, self.status, self.filters = ws, status, filters

    def count(self) -> int:
        return queue_total(self.ws, self.status, **self.filters)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return queue_rows(self.ws, self.status, offset=offset, limit=min(limit, MAX_LIMIT), **self.filters)


_WAS = {"approving": "approved by {who} (waiting for the platform's answer)",
        "rejecting": "rejected by {who} (waiting for the platform's answer)",
        "approved": "approved by {who}", "rejected": "rejected by {who}"}


def decide(ws, request_id: int, verdict: str, reason: str = "", *, actor: str | None = None) -> dict[str, Any]:
    """A person's decision from the queue. Reject needs a reason (the applicant sees it).
    An approve or reject reads approving / rejecting until the platform answers."""
    if verdict not in ("approve", "reject", "hold"):
        raise PolicyError(f"unknown verdict {verdict!r}: expected approve, reject or hold")
    reason = (reason or "").strip()
    if verdict == "reject" and not reason:
        raise PolicyError("a rejection needs a reason: the applicant sees it")
    req = ws.store.one("SELECT r.*, g.platform_group_id, g.name AS group_name FROM join_requests r"
                       " LEFT JOIN groups g ON g.id = r.group_id WHERE r.id = ?", (request_id,))
    if req is None:
        raise PolicyError(f"no join request {request_id}")
    if req["status"] == "expired":
        raise PolicyError(tr(ws, "join request {id} expired at {when}: the platform no longer keeps it",
                             id=request_id, when=_when(ws, req["decided_at"])))
    if req["status"] not in WAITING:
        raise PolicyError(f"join request {request_id} was already "
                          + _WAS[req["status"]].format(who=req["decided_by"]))
    if verdict == "hold" and req["status"] == "held":
        raise PolicyError(f"join request {request_id} is already held")
    actor = actor or f"operator:{ws.operator}"
    reason = reason or (tr(ws, "Approved by {who}", who=ws.operator) if verdict == "approve"
                        else tr(ws, "Held by {who}", who=ws.operator))
    at = expire_if_due(ws, req, actor=actor)  # committed on its own: the decision below would roll it back
    if at is not None:
        raise PolicyError(tr(ws, "join request {id} expired at {when}: the platform no longer keeps it",
                             id=request_id, when=_when(ws, at)))
    with ws.store.write():
        apply_decision(ws, req, Decision(verdict, reason, rule="", dry_run=False), actor)
        if verdict == "approve" and req["referrer_person_id"]:
            ws.store.execute("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL AND id != ?",
                             (req["referrer_person_id"], req["person_id"], req["referrer_person_id"]))
    return ws.store.one("SELECT * FROM join_requests WHERE id = ?", (request_id,))


def _when(ws, ts: int | None) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else "?"


def flag_waiting(ws) -> int:
    """Raise (or resolve) the queue_waiting alert; returns how many live requests are overdue.

    Its cause is the backlog's order of magnitude (1-9, 10-99, 100-999 ...): a person who
    resolves it is not asked again for each new overdue request, only when the backlog
    grows into the next band, or after it cleared and came back."""
    s = settings_of(ws)
    overdue = queue_total(ws, "pending", older_than=s.queue_flag_after_seconds + 1)
    key = "queue_waiting:entry_rules"
    if overdue:
        text = ("{n} join request waiting longer than {minutes} minutes" if overdue == 1
                else "{n} join requests waiting longer than {minutes} minutes")
        ws.raise_alert("queue_waiting", tr(ws, text, n=overdue, minutes=s.queue_flag_after_seconds // 60),
                       why=tr(ws, "Open the join queue (shequn joins) and decide them"), dedupe_key=key,
                       cause=f"band:{len(str(overdue))}")
    else:
        ws.resolve_alert(key)
    return overdue
