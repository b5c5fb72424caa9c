"""Daily facts per scope: what every activity KPI is computed from, read two ways.

``from_rollups`` reads ``rollups_daily`` (kept current by the engine at ingest): a few
thousand rows for a quarter of 1,000 groups. ``from_raw`` recounts the same facts
from ``messages``, ``events`` and ``people``: a scan of the message log, kept as the
independent check that the rollups are right (tests, benchmarks/kpi.py) and never used
by the panel.

A day's facts: messages, speakers (distinct per group, summed over groups), joins,
leaves, kicked (leave reason kick/kick_me), and members at the end of the day.
Insiders (``people.is_insider``) are subtracted from messages, speakers and members
unless ``include_insiders``. ``rollups_daily.members_end`` is NULL on days the count did
not change, so it is carried forward from the last known day; a group with no count
yet counts 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .window import Scope, shift


@dataclass
class Series:
    """Facts by day (each ``[messages, speakers, joins, leaves, kicked]``) and members by day."""

    first: str
    last: str
    days: dict[str, list[int]] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)

    def row(self, day: str) -> list[int]:
        return self.days.get(day, [0, 0, 0, 0, 0])


def _carry(deltas: list[tuple[str, int]], first: str, last: str) -> dict[str, int]:
    """Members per day from per-day changes (already summed over groups), carried forward."""
    out: dict[str, int] = {}
    total = 0
    i = 0
    deltas.sort()
    d = first
    while i < len(deltas) and deltas[i][0] < first:
        total += deltas[i][1]
        i += 1
    while d <= last:
        while i < len(deltas) and deltas[i][0] == d:
            total += deltas[i][1]
            i += 1
        out[d] = total
        d = shift(d, 1)
    return out


def from_rollups(ws, scope: Scope, first: str, last: str, include_insiders: bool) -> Series:
    sub, params = scope.subquery()
    x = 0 if include_insiders else 1
    where_g = "" if scope.kind == "all" else f" AND group_id IN ({sub})"
    gp = [] if scope.kind == "all" else params
    s = Series(first, last)
    if scope.kind == "all":  # the trigger-kept totals: one row per day
        rows = ws.store.execute(
            f"SELECT day, messages - {x} * messages_insiders, speakers - {x} * speakers_insiders, joins, leaves,"
            f" leaves_kicked, members_delta - {x} * insiders_delta FROM kpi_rollups_total WHERE day <= ?",
            (last,)).fetchall()
        s.days = {r[0]: list(r[1:6]) for r in rows if r[0] >= first}
        s.members = _carry([(r[0], r[6]) for r in rows], first, last)
        return s
    rows = ws.store.execute(
        f"SELECT day, sum(messages - {x} * messages_insiders), sum(speakers - {x} * speakers_insiders),"
        f" sum(joins), sum(leaves), sum(leaves_kicked) FROM rollups_daily WHERE day BETWEEN ? AND ?{where_g}"
        " GROUP BY day", [first, last, *gp]).fetchall()
    s.days = {r[0]: list(r[1:]) for r in rows}
    # A delta is a group's count minus its previous known count; summed per day and
    # accumulated they give the scope's member count on every day (carried forward).
    deltas = ws.store.execute(
        "SELECT day, sum(m - coalesce(prev, 0)) FROM ("
        " SELECT day, m, lag(m) OVER (PARTITION BY group_id ORDER BY day) AS prev FROM ("
        f"  SELECT group_id, day, members_end - {x} * coalesce(insiders_end, 0) AS m FROM rollups_daily"
        f"  WHERE members_end IS NOT NULL AND day <= ?{where_g}))"
        " GROUP BY day", [last, *gp]).fetchall()
    s.members = _carry([(d, v) for d, v in deltas], first, last)
    return s


def by_group_from_rollups(ws, scope: Scope, first: str, last: str, include_insiders: bool) -> dict[int, Series]:
    """One Series per group of the scope (groups with no rollups at all get an empty one)."""
    sub, params = scope.subquery()
    x = 0 if include_insiders else 1
    out = {gid: Series(first, last) for gid in scope.group_ids(ws)}
    for r in ws.store.execute(
            f"SELECT group_id, day, messages - {x} * messages_insiders, speakers - {x} * speakers_insiders,"
            f" joins, leaves, leaves_kicked FROM rollups_daily WHERE day BETWEEN ? AND ? AND group_id IN ({sub})",
            [first, last, *params]):
        if r[0] in out:
            out[r[0]].days[r[1]] = list(r[2:])
    deltas: dict[int, list[tuple[str, int]]] = defaultdict(list)
    prev: dict[int, int] = {}
    for g, d, m in ws.store.execute(
            f"SELECT group_id, day, members_end - {x} * coalesce(insiders_end, 0) FROM rollups_daily"
            f" WHERE members_end IS NOT NULL AND day <= ? AND group_id IN ({sub}) ORDER BY group_id, day",
            [last, *params]):
        deltas[g].append((d, m - prev.get(g, 0)))
        prev[g] = m
    for g, s in out.items():
        s.members = _carry(deltas.get(g, []), first, last)
    return out


# --- the raw way -----------------------------------------------------------------------


def day_expr(ws, column: str, first: str, last: str) -> str:
    """SQL for the operator day of unix time ``column``.

    With a fixed UTC offset over the range (Asia/Shanghai always) it is plain date
    arithmetic; otherwise (a zone with daylight saving) ``ws.day`` is registered as a
    SQL function, which is slower but exact."""
    from datetime import date

    offsets = set()
    d = shift(first, -1)
    while d <= shift(last, 1):
        utc_midnight = int((date.fromisoformat(d) - date(1970, 1, 1)).total_seconds())
        offsets.add(utc_midnight - ws.day_start(d))
        d = shift(d, 1)
    if len(offsets) == 1:
        return f"date({column} + {offsets.pop()}, 'unixepoch')"
    ws.store.conn.create_function("shequn_day", 1, lambda ts: ws.day(ts), deterministic=True)
    return f"shequn_day({column})"


def raw_by_group(ws, scope: Scope, first: str, last: str, include_insiders: bool) -> dict[int, Series]:
    """The same Series per group as :func:`by_group_from_rollups`, recounted from raw tables.

    Joins and leaves replay the ``events`` log per member in time order, counting a join
    only when the person was not a member and a leave only when they were, exactly as
    the engine applies them. (The engine also makes a member of someone it first sees
    speaking, without a join event; this replay does not, so workspaces built from
    join events are the ones it can check.)"""
    gids = scope.group_ids(ws)
    out = {g: Series(first, last) for g in gids}
    insiders = {r[0] for r in ws.store.execute("SELECT id FROM people WHERE is_insider = 1")}
    start, end = ws.day_start(first), ws.day_start(shift(last, 1))
    dx = day_expr(ws, "m.ts", first, last)
    # speakers per (group, day): distinct people, insiders apart
    for g, d, msgs, msgs_ins, spk, spk_ins in ws.store.execute(
            f"SELECT m.group_id, {dx} AS d, count(*), sum(p.is_insider), count(DISTINCT m.person_id),"
            " count(DISTINCT CASE WHEN p.is_insider = 1 THEN m.person_id END)"
            " FROM messages m JOIN people p ON p.id = m.person_id"
            " WHERE m.ts >= ? AND m.ts < ? AND m.group_id IS NOT NULL GROUP BY m.group_id, d", (start, end)):
        if g not in out:
            continue
        row = out[g].days.setdefault(d, [0, 0, 0, 0, 0])
        row[0] = msgs - (0 if include_insiders else (msgs_ins or 0))
        row[1] = spk - (0 if include_insiders else spk_ins)
    state: dict[tuple[int, int], bool] = {}
    count: dict[int, int] = defaultdict(int)
    members: dict[int, dict[str, int]] = defaultdict(dict)
    for g, pid, kind, ts, data in ws.store.execute(
            "SELECT group_id, person_id, kind, ts, data FROM events WHERE kind IN ('join', 'leave')"
            " AND group_id IS NOT NULL AND person_id IS NOT NULL AND ts < ? ORDER BY ts, id", (end,)):
        if g not in out:
            continue
        is_member = state.get((g, pid), False)
        counts_here = include_insiders or pid not in insiders
        d = ws.day(ts)
        if kind == "join" and not is_member:
            state[(g, pid)] = True
            if counts_here:
                count[g] += 1
            if d >= first:
                out[g].days.setdefault(d, [0, 0, 0, 0, 0])[2] += 1
        elif kind == "leave" and is_member:
            state[(g, pid)] = False
            if counts_here:
                count[g] -= 1
            if d >= first:
                row = out[g].days.setdefault(d, [0, 0, 0, 0, 0])
                row[3] += 1
                import json

                if (json.loads(data or "{}").get("reason")) in ("kick", "kick_me"):
                    row[4] += 1
        else:
            continue
        members[g][d] = count[g]
    for g, s in out.items():
        known = sorted(members[g].items())
        deltas, prev = [], 0
        for d, m in known:
            deltas.append((d, m - prev))
            prev = m
        s.members = _carry(deltas, first, last)
    return out


def merge(series: dict[int, Series], first: str, last: str) -> Series:
    """Sum per-group series into one for the scope."""
    s = Series(first, last)
    for g in series.values():
        for d, row in g.days.items():
            acc = s.days.setdefault(d, [0, 0, 0, 0, 0])
            for i, v in enumerate(row):
                acc[i] += v or 0
        for d, m in g.members.items():
            s.members[d] = s.members.get(d, 0) + m
    if not series:
        s.members = _carry([], first, last)
    return s
