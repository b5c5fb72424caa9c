"""What new non-message events do to the records: joins and leaves change memberships,
member counts and the day's rollups; admin, mute and nickname events update the
membership; join requests are filed for a decision, invitations of the bot held for a
person (console.bot_invitations); group and lifecycle events update the group and the
connection.

Called by the engine inside its batch transaction, with the events already stored and
known to be new (a replayed join must not count twice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import bot_invitations
from .model import Event, Kind

if TYPE_CHECKING:
    from .engine import Engine


def apply_events(engine: "Engine", conn, events: list[Event], insiders: set[int]) -> list[int]:
    """Apply ``events`` (in time order) and return the ids of new join requests."""
    day_of = engine.ws.day
    touched: set[tuple[int, str]] = set()
    roll: dict[tuple[int, str], list[int]] = {}   # joins, leaves, leaves kicked
    net: dict[tuple[int, str], list[int]] = {}    # members, insiders
    requests: list[int] = []
    for e in events:
        k = e.kind
        if k == Kind.JOIN and e.group_id and e.person_id:
            if _join(engine, conn, e):
                day = (e.group_id, day_of(e.ts))
                roll.setdefault(day, [0, 0, 0])[0] += 1
                touched.add(day)
                n = net.setdefault(day, [0, 0])
                n[0] += 1
                n[1] += e.person_id in insiders
        elif k == Kind.LEAVE and e.group_id and e.person_id:
            if _leave(conn, e):
                day = (e.group_id, day_of(e.ts))
                r = roll.setdefault(day, [0, 0, 0])
                r[1] += 1
                if e.data.get("reason") in ("kick", "kick_me"):
                    r[2] += 1
                touched.add(day)
                n = net.setdefault(day, [0, 0])
                n[0] -= 1
                n[1] -= e.person_id in insiders
        elif k == Kind.ADMIN and e.group_id and e.person_id:
            role = "admin" if e.data.get("enable", True) else "member"
            if e.data.get("role") == "owner":
                role = "owner"
            conn.execute("UPDATE memberships SET platform_role = ? WHERE group_id = ? AND person_id = ?",
                         (role, e.group_id, e.person_id))
        elif k == Kind.MUTE and e.group_id and e.person_id:
            dur = int(e.data.get("duration") or 0)
            conn.execute("UPDATE memberships SET muted_until = ? WHERE group_id = ? AND person_id = ?",
                         (e.ts + dur if dur > 0 else None, e.group_id, e.person_id))
        elif k == Kind.NICKNAME and e.group_id and e.person_id:
            new = e.data.get("new", e.nickname) or ""
            conn.execute("UPDATE memberships SET group_nickname = ? WHERE group_id = ? AND person_id = ?",
                         (new, e.group_id, e.person_id))
        elif k == Kind.JOIN_REQUEST and e.group_id and e.person_id:
            rid = _request(engine, conn, e)
            if rid:
                requests.append(rid)
        elif k == Kind.BOT_INVITATION:  # the bot invited: held for a person, never a join request
            bot_invitations.file(engine, conn, e)
        elif k == Kind.GROUP and e.group_id:
            change = e.data.get("change")
            if change == "name" and e.data.get("value"):
                conn.execute("UPDATE groups SET name = ? WHERE id = ?", (e.data["value"], e.group_id))
            elif change == "dismiss":
                conn.execute("UPDATE groups SET status = 'dismissed' WHERE id = ?", (e.group_id,))
        elif k == Kind.LIFECYCLE:
            state = {"disable": "offline"}.get(e.data.get("sub_type", ""), "online")
            conn.execute("UPDATE connections SET state = ? WHERE id = ?", (state, e.connection))
    if engine.rollups and roll:
        conn.executemany(
            "INSERT INTO rollups_daily(group_id, day, joins, leaves, leaves_kicked) VALUES (?,?,?,?,?)"
            " ON CONFLICT(group_id, day) DO UPDATE SET joins = joins + excluded.joins,"
            " leaves = leaves + excluded.leaves, leaves_kicked = leaves_kicked + excluded.leaves_kicked",
            [(g, d, *r) for (g, d), r in roll.items()])
    if engine.rollups and touched:
        engine.members_end(conn, touched, net)
    return requests


def _join(engine: "Engine", conn, e: Event) -> bool:
    """Record a join; False when they were already a member (nothing to count)."""
    inviter = e.data.get("inviter")
    inviter_pid = engine.person_for(e.connection, str(inviter)) if inviter not in (None, "", "0", 0) else None
    if inviter_pid == e.person_id:
        inviter_pid = None
    row = conn.execute("SELECT status FROM memberships WHERE group_id = ? AND person_id = ?",
                       (e.group_id, e.person_id)).fetchone()
    scene = e.data.get("scene") or "unknown"
    if row is None:
        conn.execute(
            "INSERT INTO memberships(group_id, person_id, status, joined_at, inviter_person_id, join_scene,"
            " group_nickname) VALUES (?,?,?,?,?,?,?)",
            (e.group_id, e.person_id, "member", e.ts, inviter_pid, scene, e.data.get("card") or ""))
        was_member = False
    else:
        was_member = row[0] == "member"
        conn.execute(
            "UPDATE memberships SET status = 'member', joined_at = ?, left_at = NULL, leave_reason = NULL,"
            " inviter_person_id = coalesce(?, inviter_person_id), join_scene = ?,"
            " joins = joins + CASE WHEN status = 'left' THEN 1 ELSE 0 END WHERE group_id = ? AND person_id = ?",
            (e.ts, inviter_pid, scene, e.group_id, e.person_id))
    engine.note_member(e.group_id, e.person_id)
    if inviter_pid:
        conn.execute("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL",
                     (inviter_pid, e.person_id))
    if was_member:
        return False
    conn.execute("UPDATE groups SET member_count = member_count + 1 WHERE id = ?", (e.group_id,))
    return True


def _leave(conn, e: Event) -> bool:
    """Record a leave; False when they were not a member (nothing to count)."""
    row = conn.execute("SELECT status FROM memberships WHERE group_id = ? AND person_id = ?",
                       (e.group_id, e.person_id)).fetchone()
    if row is None or row[0] != "member":
        return False
    conn.execute(
        "UPDATE memberships SET status = 'left', left_at = ?, leave_reason = ?, leave_operator = ?"
        " WHERE group_id = ? AND person_id = ?",
        (e.ts, e.data.get("reason") or "leave", str(e.data.get("operator") or "") or None, e.group_id, e.person_id))
    conn.execute("UPDATE groups SET member_count = max(member_count - 1, 0) WHERE id = ?", (e.group_id,))
    return True


def _request(engine: "Engine", conn, e: Event) -> int | None:
    """File a join request; None when the platform's request id was filed already."""
    inviter = e.data.get("inviter")
    ref = engine.person_for(e.connection, str(inviter)) if inviter not in (None, "", "0", 0) else None
    cur = conn.execute(
        "INSERT OR IGNORE INTO join_requests(connection_id, platform_request_id, group_id, person_id, sub_type,"
        " comment, referrer_person_id, requested_at) VALUES (?,?,?,?,?,?,?,?)",
        (e.connection, str(e.data.get("flag") or e.id), e.group_id, e.person_id, e.data.get("sub_type") or "add",
         e.data.get("comment") or "", ref, e.ts))
    return cur.lastrowid if cur.rowcount else None
