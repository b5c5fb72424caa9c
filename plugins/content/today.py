"""The day at a glance, for the dashboard's Content panel (plain data, tested headless):
today's scheduled posts by state and the next one, today's topics and the gaps of the next
seven days, check-ins with the leaders, keyword replies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def today(ws) -> dict[str, Any]:
    from .calendar import month_view
    from .checkin import leaderboard
    from .runs import _STATE_SQL
    from .schedules import when_text

    now = ws.now()
    day = ws.day(now)
    start = ws.day_start(day)
    end = start + 86400
    states = dict(ws.store.execute(
        f"SELECT {_STATE_SQL} AS state, count(*) FROM content_runs r JOIN content_posts p ON p.run_id = r.id"
        " LEFT JOIN actions a ON a.id = p.action_id WHERE r.fire_at >= ? AND r.fire_at < ? GROUP BY state",
        (start, end)))
    nxt = ws.store.one("SELECT r.id, r.source, r.fire_at, count(*) AS groups FROM content_runs r JOIN content_posts p"
                       " ON p.run_id = r.id JOIN actions a ON a.id = p.action_id WHERE a.status = 'pending'"
                       " AND r.fire_at >= ? GROUP BY r.id ORDER BY r.fire_at, r.id LIMIT 1", (now - 3600,))
    if nxt:
        from .runs import _name

        nxt = {"time": when_text(ws, nxt["fire_at"])[11:], "name": _name(ws, nxt["source"]), "groups": nxt["groups"]}
    week_end = (date.fromisoformat(day) + timedelta(days=6)).isoformat()
    gaps = 0
    topics: list[str] = []
    for month in sorted({day[:7], week_end[:7]}):
        view = month_view(ws, month)
        for d in view["days"]:
            if day <= d["day"] <= week_end:
                gaps += sum(1 for c in d["scopes"].values() if c["gap"])
                if d["day"] == day:
                    topics += [t["title"] for c in d["scopes"].values() for t in c["topics"]]
    checkins = ws.store.scalar("SELECT count(*) FROM content_checkins WHERE day = ?", (day,), 0)
    replies = ws.store.scalar("SELECT count(*) FROM actions WHERE requested_by = 'plugin:content' AND rule LIKE"
                              " 'content:keyword:%' AND created_at >= ? AND created_at < ?", (start, end), 0)
    return {"day": day, "posts": states, "next": nxt, "topics": list(dict.fromkeys(topics)), "gaps_7d": gaps,
            "checkins": checkins, "leaders": [(r["name"], r["points"]) for r in leaderboard(ws, limit=3)],
            "keyword_replies": replies}
