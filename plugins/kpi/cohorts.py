"""Retention: of members who joined on a day, how many were still in the group 1, 7
and 30 days later.

``rebuild`` recounts ``kpi_cohorts`` from ``memberships`` (one pass; the cohorts job
runs it hourly and ``shequn kpi`` before a report when it is older than an hour), so
the panel and the cohort table read a few thousand rows. Someone who left and came
back counts from their latest join (memberships keep the latest join only). Joins
before a group's first recorded event are counted as new members but not judged (no
data): nobody recorded who of them left.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from .window import Scope, Window

DAY = 86400
HORIZONS = (1, 7, 30)


def rebuild(ws) -> int:
    now = ws.now()
    span = ws.store.execute("SELECT min(joined_at), max(joined_at) FROM memberships").fetchone()
    rows: list[tuple] = []
    if span[0] is not None:
        # one GROUP BY in SQL (the join day as date arithmetic, see facts.day_expr): a tenth of
        # the time of counting every membership in Python, and the cohorts job runs daily
        from .facts import day_expr

        dx = day_expr(ws, "m.joined_at", ws.day(span[0]), ws.day(span[1]))
        kept = " OR ".join(("m.status = 'member'", "(m.left_at IS NOT NULL AND m.left_at >= m.joined_at + {s})"))
        # judged only from the group's recorded history on: of those who joined before its
        # first recorded event we know only the ones still there (a sync lists members, not
        # who left), so their cohorts would read 100% kept; they are "no data" instead
        judged = "m.joined_at >= coalesce(h.first, :now + 1) AND m.joined_at + {s} <= :now"  # no events: none
        cols = ", ".join(f"sum({judged.format(s=n * DAY)}), sum({judged.format(s=n * DAY)} AND ("
                         + kept.format(s=n * DAY) + "))" for n in HORIZONS)
        rows = [(*r, now) for r in ws.store.execute(
            f"SELECT m.group_id, {dx} AS d, p.is_insider, count(*), {cols} FROM memberships m"
            " JOIN people p ON p.id = m.person_id LEFT JOIN (SELECT group_id, min(ts) AS first FROM events"
            " GROUP BY group_id) h ON h.group_id = m.group_id WHERE m.joined_at IS NOT NULL"
            " GROUP BY m.group_id, d, p.is_insider", {"now": now})]
    with ws.store.write() as c:
        c.execute("DELETE FROM kpi_cohorts")
        c.executemany("INSERT INTO kpi_cohorts(group_id, join_day, insider, joined, eligible_1, kept_1, eligible_7,"
                      " kept_7, eligible_30, kept_30, computed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      rows)
    ws.store.set_meta("kpi.cohorts_at", str(now))
    return len(rows)


def computed_at(ws) -> int | None:
    v = ws.store.get_meta("kpi.cohorts_at")
    return int(v) if v else None


def _where(scope: Scope, include_insiders: bool) -> tuple[str, list]:
    cond = "" if include_insiders else " AND insider = 0"
    if scope.kind == "all":
        return cond, []
    sub, params = scope.subquery()
    return cond + f" AND group_id IN ({sub})", params


def retention(ws, scope: Scope, window: Window, n: int, include_insiders: bool) -> tuple[int, int]:
    """(kept, eligible) after ``n`` days (1, 7 or 30) for joins inside ``window``."""
    if n not in HORIZONS:
        raise ValueError(f"retention after {n} days: expected one of {HORIZONS}")
    cond, params = _where(scope, include_insiders)
    row = ws.store.execute(f"SELECT sum(kept_{n}), sum(eligible_{n}) FROM kpi_cohorts WHERE join_day BETWEEN ? AND ?"
                           + cond, [window.since, window.until, *params]).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def retention_by_group(ws, scope: Scope, window: Window, n: int, include_insiders: bool) -> dict[int, tuple[int, int]]:
    """:func:`retention` for every group of the scope at once."""
    if n not in HORIZONS:
        raise ValueError(f"retention after {n} days: expected one of {HORIZONS}")
    sub, params = scope.subquery()
    cond = "" if include_insiders else " AND insider = 0"
    return {g: (int(k or 0), int(e or 0)) for g, k, e in ws.store.execute(
        f"SELECT group_id, sum(kept_{n}), sum(eligible_{n}) FROM kpi_cohorts WHERE join_day BETWEEN ? AND ?{cond}"
        f" AND group_id IN ({sub}) GROUP BY group_id", [window.since, window.until, *params])}


def raw_retention(ws, scope: Scope, window: Window, n: int, include_insiders: bool) -> tuple[int, int]:
    """The same figure straight from memberships (the check for the cached table)."""
    sub, params = scope.subquery()
    now = ws.now()
    kept = eligible = 0
    for joined_at, status, left_at, insider in ws.store.execute(
            f"SELECT m.joined_at, m.status, m.left_at, p.is_insider FROM memberships m JOIN people p"
            f" ON p.id = m.person_id WHERE m.joined_at IS NOT NULL AND m.group_id IN ({sub})", params):
        if insider and not include_insiders:
            continue
        if not (window.since <= ws.day(joined_at) <= window.until) or joined_at + n * DAY > now:
            continue
        eligible += 1
        if status == "member" or (left_at is not None and left_at >= joined_at + n * DAY):
            kept += 1
    return kept, eligible


def week_of(day: str) -> str:
    d = date.fromisoformat(day)
    return (d - timedelta(d.weekday())).isoformat()


def cohorts(ws, scope: Scope = Scope(), window: Window | None = None, include_insiders: bool = False) -> list[dict]:
    """The cohort table: one row per join week (Monday), with the share kept after
    1, 7 and 30 days. A share is None ("no data") while nobody of the week is old
    enough to judge."""
    cond, params = _where(scope, include_insiders)
    wsql, wparams = "", []
    if window:
        wsql, wparams = " AND join_day BETWEEN ? AND ?", [window.since, window.until]
    weeks: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for r in ws.store.execute(
            "SELECT join_day, sum(joined), sum(eligible_1), sum(kept_1), sum(eligible_7), sum(kept_7),"
            f" sum(eligible_30), sum(kept_30) FROM kpi_cohorts WHERE 1{cond}{wsql} GROUP BY join_day",
            [*params, *wparams]):
        w = weeks[week_of(r[0])]
        for i in range(7):
            w[i] += r[1 + i] or 0
    rows = []
    for wk in sorted(weeks):
        v = weeks[wk]
        row = {"join_week": wk, "new_members": v[0]}
        for i, n in enumerate(HORIZONS):
            elig, kept = v[1 + 2 * i], v[2 + 2 * i]
            row[f"day_{n}"] = round(kept / elig, 4) if elig else None
            row[f"eligible_{n}"] = elig
        rows.append(row)
    return rows
