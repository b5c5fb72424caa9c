"""The content calendar (内容日历): themes per day, week and month, and the topics planned
per day, per group type and family, so topics do not repeat and every day has one.

The month view says, per day and scope (each group type and family with active groups):
the holidays, the themes in force, the topics planned (an entry for ``all`` counts for
every scope, one for a type for that type's families too), the gaps (days without a topic),
the collisions (the same library item planned twice in one scope within ``collision_days``)
and the month's purpose mix against ``[content] purpose_target`` (activation high,
conversion medium, brand low). Entries with an item are posted by the planner at their
time (``topic_time`` when none) to their scope's groups, like a one-off schedule.
"""

from __future__ import annotations

import calendar as cal
from datetime import date, timedelta
from typing import Any

from .errors import ContentError
from .library import PURPOSES, _word
from .settings import settings_of

PERIODS = ("day", "week", "month")


def scope_of(ws, value: str) -> str:
    v = str(value or "").strip()
    if v == "all":
        return v
    if v.startswith("type:") and v[5:] in ("traffic", "welfare", "flash"):
        return v
    if v.startswith("family:") and v[7:]:
        if not ws.store.scalar("SELECT 1 FROM groups WHERE family = ?", (v[7:],)):
            raise ContentError("scope: no group is in family {value!r}", value=v[7:])
        return v
    raise ContentError("scope: {value!r}; expected all, type:traffic, type:welfare, type:flash or family:NAME", value=v)


def scopes(ws) -> list[str]:
    """The view's scopes: each group type, then each family, with active groups."""
    types = [t for (t,) in ws.store.execute("SELECT DISTINCT type FROM groups WHERE status = 'active'")]
    fams = [f for (f,) in ws.store.execute("SELECT DISTINCT family FROM groups WHERE status = 'active' AND family"
                                           " IS NOT NULL AND family != '' ORDER BY family")]
    return [f"type:{t}" for t in ("traffic", "welfare", "flash") if t in types] + [f"family:{f}" for f in fams]


def _family_types(ws) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f, t in ws.store.execute("SELECT DISTINCT family, type FROM groups WHERE family IS NOT NULL AND family != ''"):
        out.setdefault(f, set()).add(t)
    return out


def covers(entry_scope: str, view: str, fam_types: dict[str, set[str]]) -> bool:
    if entry_scope in ("all", view):
        return True
    if entry_scope.startswith("type:") and view.startswith("family:"):
        return entry_scope[5:] in fam_types.get(view[7:], set())
    return False


# --- themes -----------------------------------------------------------------------------------

def _starts(period: str, value: str) -> str:
    try:
        if period == "month":
            y, m = (int(x) for x in str(value).split("-"))
            return date(y, m, 1).strftime("%Y-%m")
        d = date.fromisoformat(str(value))
    except ValueError:
        raise ContentError("start: {value!r}; expected {form}", value=str(value),
                           form="YYYY-MM" if period == "month" else "YYYY-MM-DD") from None
    return (d - timedelta(days=d.weekday())).isoformat() if period == "week" else d.isoformat()


def set_theme(ws, period: str, start: str, scope: str, title: str, purpose: str = "") -> str:
    if period not in PERIODS:
        raise ContentError("period: {value!r} is not one of day, week, month", value=period)
    starts, sc = _starts(period, start), scope_of(ws, scope)
    title = str(title or "").strip()
    if not 1 <= len(title) <= 60:
        raise ContentError("title: {n} characters; expected 1 to 60", n=len(title))
    p = _word(purpose, "purpose", PURPOSES, empty=True)
    with ws.store.write() as c:
        c.execute("INSERT INTO content_themes(period, starts, scope, title, purpose, updated_by, updated_at)"
                  " VALUES (?,?,?,?,?,?,?) ON CONFLICT(period, starts, scope) DO UPDATE SET title = excluded.title,"
                  " purpose = excluded.purpose, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                  (period, starts, sc, title, p, ws.operator, ws.now()))
        ws.audit("content_theme_set", "content_theme", f"{period}:{starts}:{sc}", {"title": title})
    return starts


def clear_theme(ws, period: str, start: str, scope: str) -> None:
    starts = _starts(period, start)
    with ws.store.write() as c:
        if not c.execute("DELETE FROM content_themes WHERE period = ? AND starts = ? AND scope = ?",
                         (period, starts, scope)).rowcount:
            raise ContentError("theme: no {period} theme from {starts} for {scope}", period=period, starts=starts,
                               scope=scope)
        ws.audit("content_theme_cleared", "content_theme", f"{period}:{starts}:{scope}")


# --- entries (planned topics) ----------------------------------------------------------------------

def clean_entry(ws, raw: dict[str, Any], *, today: str | None = None) -> dict[str, Any]:
    from .cron import _hhmm
    from .holidays import between

    day_text = str(raw.get("day") or "").strip()
    try:
        day = date.fromisoformat(day_text).isoformat()
    except ValueError:
        raise ContentError("day: {value!r} is not a date; expected YYYY-MM-DD", value=day_text) from None
    today = today or ws.day(ws.now())
    if day < today:
        raise ContentError("day: {day} is in the past; a topic planned there would never be posted", day=day)
    time = str(raw.get("time") or "").strip()
    if time:
        h, m = _hhmm(time, "time")
        time = f"{h:02d}:{m:02d}"
    scope = scope_of(ws, raw.get("scope") or "all")
    item_ref = str(raw.get("item") or raw.get("item_id") or "").strip()
    item = None
    if item_ref:
        rows = ws.store.query("SELECT * FROM content_items WHERE archived = 0 AND (id = ? OR title = ?) ORDER BY id",
                              (int(item_ref) if item_ref.isdigit() else -1, item_ref))
        if len(rows) != 1:
            raise ContentError("item: {ref!r} names {n} library items; give its id" if rows else
                               "item: no library item {ref!r} (an id or an exact title, not archived)",
                               ref=item_ref, n=len(rows))
        item = rows[0]
        if item["group_type"] and scope.startswith("type:") and scope[5:] != item["group_type"]:
            raise ContentError("item: library item {id} is for {type} groups, the entry is for {scope}", id=item["id"],
                               type=item["group_type"], scope=scope)
    title = str(raw.get("title") or "").strip()
    if not item and not title:
        raise ContentError("item: give a library item or at least a title for the planned topic")
    if len(title) > 100:
        raise ContentError("title: {n} characters; expected 1 to 100", n=len(title))
    purpose = _word(raw.get("purpose"), "purpose", PURPOSES, empty=True)
    note = str(raw.get("note") or "").strip()
    if len(note) > 200:
        raise ContentError("note: {n} characters; the limit is {limit}", n=len(note), limit=200)
    hol = between(ws, day, day).get(day, [])
    return {"day": day, "time": time, "scope": scope, "item_id": item["id"] if item else None, "title": title,
            "purpose": purpose, "holiday": "、".join(n for n, _ in hol), "note": note}


def plan_topic(ws, raw: dict[str, Any]) -> int:
    """Plan a topic on a day (checked first); the planner posts it when it has an item."""
    entry = clean_entry(ws, raw)
    ids = write_entries(ws, [entry])
    from .queue import sync

    sync(ws)
    return ids[0]


def write_entries(ws, entries: list[dict[str, Any]]) -> list[int]:
    now, ids = ws.now(), []
    with ws.store.write() as c:
        for e in entries:
            cols = list(e)
            ids.append(c.execute(f"INSERT INTO content_calendar({', '.join(cols)}, created_by, created_at, updated_at)"
                                 f" VALUES ({', '.join('?' * len(cols))}, ?, ?, ?)",
                                 [e[k] for k in cols] + [ws.operator, now, now]).lastrowid)
        ws.audit_many([("content_topic_planned", "content_calendar", i, {"day": e["day"], "scope": e["scope"]}, None)
                       for i, e in zip(ids, entries)])
    return ids


def remove_entry(ws, entry_id: int) -> None:
    with ws.store.write() as c:
        if not c.execute("DELETE FROM content_calendar WHERE id = ?", (entry_id,)).rowcount:
            raise ContentError("entry: no calendar entry {id}", id=entry_id)
        ws.audit("content_topic_removed", "content_calendar", entry_id)
    from .queue import sync

    sync(ws)


def calendar_sources(ws, start: int, end: int) -> list:
    """Calendar entries with an item, as planner sources (one time each)."""
    from .planner import Source

    s = settings_of(ws)
    out = []
    for e in ws.store.query("SELECT c.*, i.title AS item_title FROM content_calendar c JOIN content_items i"
                            " ON i.id = c.item_id WHERE c.day BETWEEN ? AND ? ORDER BY c.id",
                            (ws.day(start), ws.day(end))):
        h, m = (int(x) for x in (e["time"] or s.topic_time).split(":"))
        at = ws.day_start(e["day"]) + h * 3600 + m * 60
        if start <= at < end:
            out.append(Source(f"calendar:{e['id']}", e["title"] or e["item_title"], [at], [e["scope"]], e["item_id"],
                              "", ""))
    return out


# --- the month view ------------------------------------------------------------------------------

def month_view(ws, month: str, only: list[str] | None = None) -> dict[str, Any]:
    """Everything the calendar shows for ``month`` (YYYY-MM), per day and scope."""
    from .holidays import between

    first = date.fromisoformat(_starts("month", month) + "-01")
    n_days = cal.monthrange(first.year, first.month)[1]
    last = first + timedelta(days=n_days - 1)
    views = only or scopes(ws)
    fam_types = _family_types(ws)
    cfg = settings_of(ws)
    window = cfg.collision_days
    lo, hi = (first - timedelta(days=window)).isoformat(), (last + timedelta(days=window)).isoformat()
    entries = ws.store.query(
        "SELECT c.*, coalesce(nullif(c.title, ''), i.title, '') AS shown, coalesce(nullif(c.purpose, ''), i.purpose, '')"
        " AS purpose_used FROM content_calendar c LEFT JOIN content_items i ON i.id = c.item_id"
        " WHERE c.day BETWEEN ? AND ? ORDER BY c.day, c.time, c.id", (lo, hi))
    themes = ws.store.query("SELECT * FROM content_themes WHERE (period = 'month' AND starts = ?) OR"
                            " (period != 'month' AND starts BETWEEN ? AND ?)",
                            (first.strftime("%Y-%m"), (first - timedelta(days=6)).isoformat(), last.isoformat()))
    hols = between(ws, first.isoformat(), last.isoformat())
    days = []
    gaps = {v: 0 for v in views}
    # the gaps still to plan: a past day without a topic is a record, not something to do
    today = ws.day(ws.now())
    ahead = {v: 0 for v in views}
    for k in range(n_days):
        d = first + timedelta(days=k)
        ds = d.isoformat()
        monday = (d - timedelta(days=d.weekday())).isoformat()
        row = {"day": ds, "weekday": d.isoweekday(), "holidays": [n for n, _ in hols.get(ds, [])], "scopes": {}}
        for v in views:
            mine = [e for e in entries if e["day"] == ds and covers(e["scope"], v, fam_types)]
            th = [t for t in themes if covers(t["scope"], v, fam_types) and (
                (t["period"] == "day" and t["starts"] == ds) or (t["period"] == "week" and t["starts"] == monday)
                or t["period"] == "month")]
            th.sort(key=lambda t: PERIODS.index(t["period"]))
            row["scopes"][v] = {"topics": [{"id": e["id"], "title": e["shown"], "item_id": e["item_id"],
                                            "purpose": e["purpose_used"], "time": e["time"] or cfg.topic_time}
                                           for e in mine],
                                "themes": [{"period": t["period"], "title": t["title"]} for t in th],
                                "gap": not mine, "collisions": []}
            gaps[v] += not mine
            ahead[v] += not mine and ds >= today
        days.append(row)
    collisions = []
    by_day = {r["day"]: r for r in days}
    for v in views:
        seen: dict[int, list[str]] = {}
        for e in entries:
            if e["item_id"] is None or not covers(e["scope"], v, fam_types):
                continue
            for earlier in seen.get(e["item_id"], []):
                apart = (date.fromisoformat(e["day"]) - date.fromisoformat(earlier)).days
                if apart < window and (e["day"] in by_day or earlier in by_day):
                    collisions.append({"scope": v, "item_id": e["item_id"], "title": e["shown"], "first": earlier,
                                       "second": e["day"], "days": apart})
                    for dday in (earlier, e["day"]):
                        if dday in by_day:
                            by_day[dday]["scopes"][v]["collisions"].append(e["item_id"])
            seen.setdefault(e["item_id"], []).append(e["day"])
    month_entries = [e for e in entries if first.isoformat() <= e["day"] <= last.isoformat() and e["purpose_used"]]
    mix = {p: 0 for p in PURPOSES}
    for e in month_entries:
        mix[e["purpose_used"]] += 1
    total = sum(mix.values())
    share = {p: (mix[p] / total if total else 0.0) for p in PURPOSES}
    return {"month": first.strftime("%Y-%m"), "scopes": views, "days": days, "gaps": gaps, "gaps_ahead": ahead,
            "collisions": collisions,
            "mix": {"counts": mix, "share": share, "target": dict(cfg.purpose_target),
                    "off": {p: round(share[p] - cfg.purpose_target[p], 3) for p in PURPOSES} if total else {}}}
