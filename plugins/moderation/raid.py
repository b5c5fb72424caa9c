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


def extend_cooling(ws, group_id: int, minutes: int, actor: str | None = None) -> dict[str, Any]:
    """Hold the group's join requests for ``minutes`` more (from the current end, or from
    now when it is not cooling: a hold started by hand)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 7 * 24 * 60:
        raise ValueError(f"minutes: {minutes!r}; expected 1 to 10080 (a week)")
    if ws.store.scalar("SELECT 1 FROM groups WHERE id = ?", (group_id,)) is None:
        raise ValueError(f"no group {group_id} (see `shequn groups`)")
    actor = actor or f"operator:{ws.operator}"
    now = ws.now()
    state = cooling(ws, group_id)
    until = (state["until"] if state else now) + minutes * 60
    with ws.store.write() as c:
        c.execute("INSERT INTO raid_state(group_id, started_at, until, joins, window_seconds) VALUES (?,?,?,0,0)"
                  " ON CONFLICT(group_id) DO UPDATE SET until = excluded.until, ended_at = NULL,"
                  " started_at = CASE WHEN raid_state.ended_at IS NULL AND raid_state.until > ? THEN"
                  " raid_state.started_at ELSE excluded.started_at END", (group_id, now, until, now))
        ws.audit("raid_guard_extended", "group", group_id, {"minutes": minutes, "until": until}, actor=actor)
    return cooling(ws, group_id)


def recent_joiners(ws, group_id: int, minutes: int) -> list[dict[str, Any]]:
    """Everyone who joined the group in the last ``minutes`` and is still in it, insiders left out."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 7 * 24 * 60:
        raise ValueError(f"minutes: {minutes!r}; expected 1 to 10080 (a week)")
    return ws.store.query(
        "SELECT m.person_id, p.display_name AS person, m.joined_at FROM memberships m JOIN people p ON p.id = m.person_id"
        " WHERE m.group_id = ? AND m.status = 'member' AND m.joined_at >= ? AND p.is_insider = 0"
        " ORDER BY m.joined_at, m.person_id", (group_id, ws.now() - minutes * 60))


def act_on_recent(ws, group_id: int, minutes: int, what: str, *, mute_minutes: int = 60,
                  actor: str | None = None) -> list[int]:
    """Hold (mute for ``mute_minutes``) or remove everyone who joined in the last ``minutes``,
    in one step: one case each (rule ``raid_guard``, decided by a person, so not queued
    for review), their actions in the outbox, linked so each can be undone. Returns case ids."""
    if what not in ("hold", "remove"):
        raise ValueError(f"{what!r}: expected hold or remove")
    people = recent_joiners(ws, group_id, minutes)
    actor = actor or f"operator:{ws.operator}"
    now = ws.now()
    kind, step = ("mute", f"mute:{mute_minutes}") if what == "hold" else ("kick", "kick")
    params = {"duration": mute_minutes * 60} if what == "hold" else {"reject_add_request": False}
    from shequn import Proposal, json_text as dumps

    from .penalize import link_actions

    ids: list[int] = []
    with ws.store.write() as c:
        for p in people:
            ev = dumps({"group_id": group_id, "selection": f"joined in the last {minutes} minutes",
                        "joined_at": p["joined_at"]})
            cid = c.execute("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at,"
                            " note) VALUES ('penalty', 'raid_guard', ?, ?, ?, ?, ?, 'reviewed', ?, ?)",
                            (group_id, p["person_id"], actor, step, ev, now, f"raid response: {what}")).lastrowid
            prop = Proposal(kind=kind, reason=f"raid response: joined in the last {minutes} minutes", group_id=group_id,
                            person_id=p["person_id"], params=params, rule="raid_guard", case_id=cid,
                            evidence=f"raid:{group_id}:{now}")
            link_actions(ws, c, cid, "penalty", [(kind, group_id)], ws.enqueue([prop], actor))
            ids.append(cid)
        ws.audit(f"raid_{what}", "group", group_id, {"minutes": minutes, "people": len(people), "cases": ids}, actor=actor)
    return ids
