"""The host's queues: alerts, tasks and the owner's queue, each with its true total and
every row reachable a page at a time, in the order a person should take them.

No cap anywhere: ``count()`` is the count of every matching row and ``rows(offset,
limit)`` reads one page with LIMIT/OFFSET (the console's VirtualTable and the CLI's
``--page`` both page through the same source). The order is "live and urgent before old":

- alerts: critical and error first, then the rest, newest first in each;
- tasks: newest first (an old open task is usually stale; a new one is about now);
- the owner's queue: urgent alerts, live join requests (the ones nearest the moment
  their platform forgets them first, as the join queue orders them), cases (appeals,
  then open ones, newest first), the other alerts, then tasks.

Each kind is one or two *segments*, every one a range of an index in its own order, so
a page never sorts the whole queue (benchmarks/queues.py measures it).

A :class:`QueueFilter` narrows any of them by kind, group and age; :func:`parse_filter`
reads the console's filter text (``task >2d 福利``) and refuses what it cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .words import step_text

KINDS = ("alert", "join request", "case", "task")
_KIND_WORDS = {
    "alert": "alert", "alerts": "alert", "提醒": "alert", "告警": "alert",
    "join": "join request", "joins": "join request", "request": "join request", "requests": "join request",
    "入群申请": "join request", "申请": "join request",
    "case": "case", "cases": "case", "案件": "case", "违规": "case",
    "task": "task", "tasks": "task", "任务": "task",
}
_AGE = re.compile(r"^([<>])(\d+)([mhd])$")
_UNIT = {"m": 60, "h": 3600, "d": 86400}
NEVER = 1 << 62  # the expiry of a request on a platform that never forgets one


class FilterError(ValueError):
    """Filter text that cannot be read; the message names the word and the forms expected
    (``template`` and ``values`` let the console say it in the workspace's language)."""

    def __init__(self, template: str, **values: Any):
        self.template, self.values = template, values
        super().__init__(template.format(**values))


@dataclass(frozen=True)
class QueueFilter:
    kinds: frozenset[str] = frozenset()  # empty: every kind
    group_ids: tuple[int, ...] | None = None  # None: every group
    group_words: tuple[str, ...] = ()  # each must be in the group's name
    older_than: int | None = None  # seconds
    newer_than: int | None = None
    words: tuple[str, ...] = field(default=(), compare=False)

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


def parse_filter(text: str) -> QueueFilter:
    """``alert``/``task``/``case``/``join`` (or 提醒/任务/案件/入群申请) keep those kinds;
    ``>2d`` / ``<6h`` / ``>30m`` keep items older / newer than that; ``#12`` keeps group 12;
    any other word must appear in the group's name."""
    kinds: set[str] = set()
    gids: list[int] = []
    words: list[str] = []
    older = newer = None
    for w in text.split():
        low = w.lower()
        if low in _KIND_WORDS:
            kinds.add(_KIND_WORDS[low])
        elif low[:1] in "<>":
            m = _AGE.match(low)
            if not m:
                raise FilterError("age {word} is not understood; expected > or < then a whole number and m, h or d,"
                                  " e.g. >2d or <6h", word=w)
            secs = int(m.group(2)) * _UNIT[m.group(3)]
            if m.group(1) == ">":
                older = secs
            else:
                newer = secs
        elif low.startswith("#"):
            if not low[1:].isdigit():
                raise FilterError("group {word} is not understood; expected # then a group id, e.g. #12", word=w)
            gids.append(int(low[1:]))
        else:
            words.append(w)
    return QueueFilter(frozenset(kinds), tuple(gids) or None, tuple(words), older, newer, tuple(text.split()))


def matching_groups(ws: Any, flt: QueueFilter, scope: list[int] | None) -> list[int] | None:
    """Group ids the filter and the owner's scope allow (None: no restriction)."""
    ids = None if scope is None else set(scope)
    if flt.group_ids is not None:
        ids = set(flt.group_ids) if ids is None else ids & set(flt.group_ids)
    if flt.group_words:
        sql = "SELECT id FROM groups WHERE " + " AND ".join("instr(lower(name), ?) > 0" for _ in flt.group_words)
        named = {r[0] for r in ws.store.execute(sql, [w.lower() for w in flt.group_words]).fetchall()}
        ids = named if ids is None else ids & named
    return None if ids is None else sorted(ids)


class Segment:
    """One kind's rows (one table) as a count and pages; ``shape`` turns a row into the
    queue's common form (kind, id, key, group_id, group_name, platform, ts, what)."""

    def __init__(self, ws: Any, kind: str, table: str, where: str, params: list[Any], order: str, select: str,
                 shape, joins: str = ""):
        self.ws, self.kind, self.table, self.where, self.params = ws, kind, table, where, params
        self.order, self.select, self.shape, self.joins = order, select, shape, joins

    def count(self) -> int:
        """The true count: the table alone (no look-up joins), on the segment's index."""
        return int(self.ws.store.scalar(f"SELECT count(*) FROM {self.table} x WHERE {self.where}",
                                        self.params, 0) or 0)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """One page: the page's rows are chosen first (on the index, in order), and only
        those are joined to their group and person."""
        got = self.ws.store.query(f"SELECT {self.select} FROM (SELECT x.* FROM {self.table} x WHERE {self.where}"
                                  f" ORDER BY {self.order} LIMIT ? OFFSET ?) x {self.joins}"
                                  f" LEFT JOIN groups g ON g.id = x.group_id ORDER BY {self.order}",
                                  [*self.params, limit, offset])
        return [self.shape(r) for r in got]


def _common(where: list[str], params: list[Any], ws: Any, flt: QueueFilter, gids: list[int] | None, ts: str,
            *, null_group: bool = False) -> None:
    if gids is not None:
        marks = ",".join("?" * len(gids)) or "NULL"
        where.append(f"(x.group_id IN ({marks}){' OR x.group_id IS NULL' if null_group else ''})")
        params += gids
    if flt.older_than is not None:
        where.append(f"x.{ts} <= ?")
        params.append(ws.now() - flt.older_than)
    if flt.newer_than is not None:
        where.append(f"x.{ts} > ?")
        params.append(ws.now() - flt.newer_than)


def alert_segment(ws: Any, flt: QueueFilter, gids: list[int] | None, urgent: bool | None = None,
                  kind: str = "") -> Segment:
    """Open alerts (of ``kind`` when given); ``urgent`` True: critical and error only, False:
    the rest, None: all. Operation-wide alerts (no group) stay in unless the filter names groups."""
    where, params = ["x.resolved_at IS NULL"], []
    if kind:
        where.append("x.kind = ?")
        params.append(kind)
    if urgent is not None:
        where.append("x.severity IN ('critical', 'error')" if urgent else "x.severity NOT IN ('critical', 'error')")
    _common(where, params, ws, flt, gids, "opened_at",
            null_group=flt.group_ids is None and not flt.group_words)

    def shape(r):
        return {"kind": "alert", "id": r["id"], "key": f"alert:{r['id']}", "group_id": r["group_id"],
                "group_name": r["group_name"], "platform": r["platform"], "ts": r["opened_at"], "what": r["message"],
                "message": r["message"],
                "why": r["why"], "severity": r["severity"], "alert_kind": r["alert_kind"],
                "dedupe_key": r["dedupe_key"]}
    return Segment(ws, "alert", "alerts", " AND ".join(where), params, "x.opened_at DESC, x.id DESC",
                   "x.id, x.kind AS alert_kind, x.group_id, g.name AS group_name, g.platform, x.severity, x.message,"
                   " x.why, x.opened_at, x.dedupe_key", shape)


def task_segment(ws: Any, flt: QueueFilter, gids: list[int] | None, assignee: str = "", kind: str = "") -> Segment:
    """Open tasks (of ``kind`` when given), newest first: in the allowed groups, or
    assigned to ``assignee``."""
    where, params = ["x.status = 'open'"], []
    sub: list[str] = []
    _common(sub, params, ws, flt, gids, "created_at")
    if gids is not None and assignee and flt.group_ids is None and not flt.group_words:
        sub[0] = f"({sub[0]} OR x.assignee = ?)"
        params.insert(len(gids), assignee)
    where += sub
    if kind:
        where.append("x.kind = ?")
        params.append(kind)

    def shape(r):
        return {"kind": "task", "id": r["id"], "key": f"task:{r['id']}", "group_id": r["group_id"],
                "group_name": r["group_name"], "platform": r["platform"], "ts": r["created_at"], "what": r["title"],
                "why": r["detail"], "task_kind": r["task_kind"], "assignee": r["assignee"], "source": r["source"]}
    return Segment(ws, "task", "tasks", " AND ".join(where), params, "x.created_at DESC, x.id DESC",
                   "x.id, x.kind AS task_kind, x.title, x.detail, x.group_id, g.name AS group_name, g.platform,"
                   " x.assignee, x.source, x.created_at", shape)


def join_segment(ws: Any, flt: QueueFilter, gids: list[int] | None) -> Segment:
    """Live join requests (waiting, and still kept by their platform), nearest their
    platform's forgetting first, as the join queue orders them. "Still kept" is written as
    a range per connection (requested after now minus its lifetime), which the
    ``join_requests_waiting`` index answers without visiting the dead ones."""
    now = ws.now()
    lives = _lifetimes(ws)
    known = [(c, secs) for c, secs in lives.items() if secs is not None]
    alive = [f"(x.connection_id = ? AND x.requested_at > ?)" for _ in known]
    params: list[Any] = [v for c, secs in known for v in (c, now - secs)]
    # a platform that never forgets (and a connection no longer configured) keeps its requests live
    alive.append(f"x.connection_id NOT IN ({','.join('?' * len(known)) or 'NULL'})" if known else "1")
    params += [c for c, _ in known]
    where = ["x.status IN ('pending', 'held')", "(" + " OR ".join(alive) + ")"]
    if known and len(known) == len(lives):
        # every platform forgets: nothing older than the longest lifetime is live, a range the index answers
        where.append("x.requested_at > ?")
        params.append(now - max(secs for _, secs in known))
    _common(where, params, ws, flt, gids, "requested_at")
    expiry = "CASE x.connection_id " + " ".join(f"WHEN '{_sql_text(c)}' THEN x.requested_at + {int(secs)}"
                                                 for c, secs in known) + f" ELSE {NEVER} END" if known else str(NEVER)

    def shape(r):
        exp = r["expires_at"]
        return {"kind": "join request", "id": r["id"], "key": f"join:{r['id']}", "group_id": r["group_id"],
                "group_name": r["group_name"], "platform": r["platform"], "ts": r["requested_at"],
                "what": f"{r['person'] or '?'}: {r['comment'] or ''}", "why": r["reason"] or "",
                "expires_at": None if exp == NEVER else exp}
    return Segment(ws, "join request", "join_requests", " AND ".join(where), params, f"{expiry}, x.requested_at, x.id",
                   "x.id, x.group_id, g.name AS group_name, g.platform, p.display_name AS person, x.comment,"
                   f" x.reason, x.requested_at, {expiry} AS expires_at", shape, "LEFT JOIN people p ON p.id = x.person_id")


def case_segments(ws: Any, flt: QueueFilter, gids: list[int] | None) -> list[Segment]:
    """Cases waiting on a person: appeals, then open cases (audit samples among them),
    newest first in each. Two segments rather than one sort, so each page and each count
    is a range of the cases_queue index (status, opened_at), never a sort of every case."""

    def shape(r):
        return {"kind": "case", "id": r["id"], "key": f"case:{r['id']}", "group_id": r["group_id"],
                "group_name": r["group_name"], "platform": r["platform"], "ts": r["opened_at"],
                "what": f"{r['person'] or '?'}: {ws.t(r['rule'] or '')} {step_text(ws.tr, r['step'])}".strip(),
                "why": "", "status": r["status"]}
    out = []
    for status in ("appealed", "open"):
        where, params = ["x.status = ?"], [status]
        _common(where, params, ws, flt, gids, "opened_at")
        out.append(Segment(ws, "case", "cases", " AND ".join(where), params, "x.opened_at DESC, x.id DESC",
                           "x.id, x.group_id, g.name AS group_name, g.platform, x.rule, x.step, x.status, x.opened_at,"
                           " p.display_name AS person", shape, "LEFT JOIN people p ON p.id = x.person_id"))
    return out


class Stacked:
    """Segments one after another as one source: the total is their sum and a page may
    span two of them (each reads only its part of the page)."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self._counts: list[int] | None = None  # as of the last count(), so pages agree with it

    def count(self) -> int:
        self._counts = [s.count() for s in self.segments]
        return sum(self._counts)

    def counts(self) -> dict[str, int]:
        """The total by kind (as of the last ``count()``)."""
        if self._counts is None:
            self.count()
        out: dict[str, int] = {}
        for s, n in zip(self.segments, self._counts or []):
            out[s.kind] = out.get(s.kind, 0) + n
        return out

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self._counts is None:
            self.count()
        out: list[dict[str, Any]] = []
        for s, n in zip(self.segments, self._counts or []):
            if offset >= n:
                offset -= n
                continue
            out += s.rows(offset, limit - len(out))
            offset = 0
            if len(out) >= limit:
                break
        return out


def alerts(ws: Any, flt: QueueFilter = QueueFilter(), scope: list[int] | None = None, kind: str = "") -> Stacked:
    """Every open alert (of ``kind``): critical and error first, then the rest, newest
    first in each (two ranges of the alerts_open index, no sort of every alert)."""
    gids = matching_groups(ws, flt, scope)
    return Stacked([alert_segment(ws, flt, gids, urgent=True, kind=kind),
                    alert_segment(ws, flt, gids, urgent=False, kind=kind)])


def tasks(ws: Any, flt: QueueFilter = QueueFilter(), scope: list[int] | None = None, assignee: str = "",
          kind: str = "") -> Stacked:
    """Every open task (of ``kind``), newest first."""
    gids = matching_groups(ws, flt, scope)
    return Stacked([task_segment(ws, flt, gids, assignee, kind)])


def owner_scope(ws: Any, owner: str) -> list[int] | None:
    """Groups where ``owner`` (a display name) holds the owner role, and their families'
    siblings no person owns (console/owners.py); None (every group) for the lead or when no
    owner is configured (a solo operator owns everything)."""
    if not owner:
        return None
    if ws.store.scalar("SELECT 1 FROM roles r JOIN people p ON p.id = r.person_id WHERE p.display_name = ?"
                       " AND r.role = 'lead'", (owner,)):
        return None
    from .owners import ownerless_siblings

    own = [r[0] for r in ws.store.execute(
        "SELECT DISTINCT r.group_id FROM roles r JOIN people p ON p.id = r.person_id WHERE p.display_name = ?"
        " AND r.role = 'owner' AND r.group_id IS NOT NULL ORDER BY 1", (owner,)).fetchall()]
    # siblings the operation's own account created (the bot owns them on the platform) are theirs too
    return sorted(own + ownerless_siblings(ws.store, own))


def owner_queue(ws: Any, owner: str, flt: QueueFilter = QueueFilter()) -> Stacked:
    """Everything waiting on ``owner`` in the order a person should take it (see above)."""
    gids = matching_groups(ws, flt, owner_scope(ws, owner))
    segs: list[Segment] = []
    if flt.wants("alert"):
        segs.append(alert_segment(ws, flt, gids, urgent=True))
    if flt.wants("join request"):
        segs.append(join_segment(ws, flt, gids))
    if flt.wants("case"):
        segs += case_segments(ws, flt, gids)
    if flt.wants("alert"):
        segs.append(alert_segment(ws, flt, gids, urgent=False))
    if flt.wants("task"):
        segs.append(task_segment(ws, flt, gids, owner))
    return Stacked(segs)


def _lifetimes(ws: Any) -> dict[str, int | None]:
    from .join_requests import request_lifetime

    names = set(ws.settings.connections) | {r[0] for r in ws.store.execute("SELECT id FROM connections")}
    return {c: request_lifetime(ws, c) for c in sorted(names)}


def _sql_text(value: str) -> str:
    """A connection name inside the expiry CASE (names come from config; quotes doubled)."""
    return str(value).replace("'", "''")

