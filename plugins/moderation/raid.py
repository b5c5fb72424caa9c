"""The join-burst (raid) guard.

More than ``raid_joins`` joins or join requests in ``raid_seconds`` switch a group to
manual approval for ``raid_cooling_minutes``: while it cools, every join request is held
for a person (``decide_join_request`` answers 'hold'), and the operator gets an alert.
Joins are counted in memory per group (a raid is a burst inside one process's ingest);
the cooling state is a row in ``raid_state`` so every process sees it.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any

from .i18n import tr


def cooling(ws, group_id: int | None) -> dict[str, Any] | None:
    if group_id is None:
        return None
    return ws.store.one("SELECT * FROM raid_state WHERE group_id = ? AND ended_at IS NULL AND until > ?",
                        (group_id, ws.now()))


def count_join(ws, joins: dict[int, deque], group_id: int, ts: int, settings, group_name: str) -> bool:
    """Count one join; returns True when this join trips the guard."""
    d = joins.get(group_id)
    if d is None:
        d = joins[group_id] = deque()
    d.append(ts)
    while d and ts - d[0] >= settings.raid_seconds:
        d.popleft()
    if len(d) <= settings.raid_joins or cooling(ws, group_id):
        return False
    now = ws.now()
    until = max(now, ts) + settings.raid_cooling_minutes * 60
    count = len(d)
    d.clear()
    with ws.store.write() as c:
        c.execute("INSERT INTO raid_state(group_id, started_at, until, joins, window_seconds) VALUES (?,?,?,?,?)"
                  " ON CONFLICT(group_id) DO UPDATE SET started_at = excluded.started_at, until = excluded.until,"
                  " joins = excluded.joins, window_seconds = excluded.window_seconds, ended_at = NULL",
                  (group_id, max(now, ts), until, count, settings.raid_seconds))
        until_s = datetime.fromtimestamp(until, ws.tz).strftime("%H:%M")
        ws.raise_alert("join_burst", tr(ws, "Join burst in {group}: {joins} joins in {seconds}s; join requests are held "
                                            "for manual approval until {until}.", group=group_name, joins=count,
                                        seconds=settings.raid_seconds, until=until_s),
                       why=f"more than {settings.raid_joins} joins in {settings.raid_seconds}s ([moderation] raid_joins)",
                       group_id=group_id, severity="critical", dedupe_key=f"join_burst:{group_id}")
        ws.audit("raid_guard_on", "group", group_id, {"joins": count, "seconds": settings.raid_seconds,
                                                      "until": until}, actor="rule:raid_guard")
    return True


def end_cooling(ws, group_id: int | None = None, actor: str = "rule:raid_guard") -> list[int]:
    """End cooling periods that are over (or, with ``group_id``, lift one now by hand)."""
    now = ws.now()
    if group_id is None:
        rows = ws.store.query("SELECT group_id FROM raid_state WHERE ended_at IS NULL AND until <= ?", (now,))
    else:
        rows = ws.store.query("SELECT group_id FROM raid_state WHERE ended_at IS NULL AND group_id = ?", (group_id,))
    ended = [r["group_id"] for r in rows]
    if ended:
        with ws.store.write() as c:
            for gid in ended:
                c.execute("UPDATE raid_state SET ended_at = ? WHERE group_id = ?", (now, gid))
                ws.resolve_alert(f"join_burst:{gid}")
                ws.audit("raid_guard_off", "group", gid, {"lifted_by_hand": group_id is not None}, actor=actor)
    return ended


def raid_groups(ws) -> list[dict[str, Any]]:
    """Groups cooling after a join burst (for the console)."""
    return ws.store.query(
        "SELECT r.*, g.name AS group_name FROM raid_state r JOIN groups g ON g.id = r.group_id"
        " WHERE r.ended_at IS NULL AND r.until > ? ORDER BY r.started_at DESC", (ws.now(),))
