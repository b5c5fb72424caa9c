"""Platform roles, both ways.

Seen on the platform -> shequn: ``Kind.ADMIN`` events (``data.enable``, ``data.role``)
become roles with ``source = 'platform'`` and ``platform_state = 'synced'``; a role
shequn asked for and the platform now shows is confirmed. The platform's group owner
is unique, so an owner seen there replaces any other owner shequn had for that group.

shequn -> platform: ``action_done`` learns how a ``set_admin`` / ``unset_admin`` this
plugin asked for ended (matched by ``role_history.action_id``, so other plugins' admin
actions are left alone) and marks the role ``synced`` or ``failed`` with the reason; a
refusal leaves a task for a person, since the role still stands in shequn.

``reconcile(ws)`` does the same from ``memberships.platform_role`` after a member sync
(a sync writes state, not events, so no ADMIN events arrive for it); the guidelines job
runs it before each check. The connection's own account (the bot) is never given a role.
"""

from __future__ import annotations

from typing import Any

from shequn import Event, Kind, others_of

from .assign import _remove, find_role, insert_role, recompute_insiders, record_history
from .words import say

ACTOR = "platform"


def on_admin_events(ws, events: list[Event]) -> int:
    """Apply the batch's ADMIN events to roles. Returns how many roles changed."""
    relevant = sorted((e for e in others_of(events) if e.kind == Kind.ADMIN and e.group_id and e.person_id), key=lambda e: e.ts)
    if not relevant:
        return 0
    bots = bot_people(ws)
    relevant = [e for e in relevant if e.person_id not in bots]
    changed = 0
    touched: set[int] = set()
    with ws.store.write() as c:
        for e in relevant:
            role = "owner" if e.data.get("role") == "owner" else "admin"
            enable = bool(e.data.get("enable", True))
            n, people = apply_platform_role(c, ws, e.group_id, e.person_id, role, enable,
                                            f"{e.connection}:{e.id}", connection=e.connection)
            changed += n
            touched |= people
        recompute_insiders(c, touched)
    return changed


def apply_platform_role(c, ws, group_id: int, person_id: int, role: str, enable: bool, evidence: str, *,
                        connection: str = "", replace_owner: bool = True) -> tuple[int, set[int]]:
    """Make shequn's roles agree with one fact from the platform. Returns (changes, people touched).

    ``replace_owner``: an owner *change* seen on the platform replaces shequn's owner; a
    listing (reconcile) does not, or an owner the operator chose on purpose (a persona who
    is not the platform's owner account) would be undone at every sync."""
    touched = {person_id}
    held = find_role(c, person_id, group_id, role)
    reason = f"seen on the platform ({evidence})"
    detail = {"role": role, "group_id": group_id, "evidence": evidence, "connection": connection}
    if enable:
        changes = 0
        others = c.execute("SELECT * FROM roles WHERE group_id = ? AND role = 'owner' AND person_id != ?",
                           (group_id, person_id)).fetchall() if role == "owner" else []
        if others and not replace_owner:
            return 0, touched
        if role == "owner":  # one owner per group on every platform: the old one is replaced
            for o in others:
                touched.add(o["person_id"])
                _remove(c, ws, dict(o), ACTOR, change="replaced", reason=reason, platform_side=False,
                        source="platform")
                changes += 1
        if held is None:
            insert_role(c, ws, person_id=person_id, group_id=group_id, role=role, source="platform", state="synced",
                        actor=ACTOR)
            record_history(c, ws, person_id=person_id, group_id=group_id, role=role, change="assigned",
                           source="platform", platform_state="synced", actor=ACTOR, reason=reason)
            ws.audit("role_assigned", "person", person_id, {**detail, "platform_state": "synced"}, actor=ACTOR)
            return changes + 1, touched
        if held["platform_state"] != "synced":
            c.execute("UPDATE roles SET platform_state = 'synced' WHERE id = ?", (held["id"],))
            record_history(c, ws, person_id=person_id, group_id=group_id, role=role, change="platform_synced",
                           source="platform", platform_state="synced", actor=ACTOR, reason=reason)
            ws.audit("role_platform_synced", "person", person_id, {**detail, "was": held["platform_state"]}, actor=ACTOR)
            return changes + 1, touched
        return changes, touched
    if held is None:
        return 0, touched
    _remove(c, ws, held, ACTOR, change="unassigned", reason=reason, platform_side=False, source="platform")
    return 1, touched


def bot_people(ws) -> set[int]:
    """People who are a connection's own account (the bot). The bot is admin or owner in
    the groups it manages; counting it as staff would make every group look staffed.
    Known only where ``connections.account`` is filled in."""
    return {r["person_id"] for r in ws.store.query(
        "SELECT i.person_id FROM connections c JOIN identities i ON i.platform = c.platform"
        " AND i.platform_user_id = c.account WHERE c.account IS NOT NULL AND c.account != ''")}


def on_action_done(ws, action: dict[str, Any], result) -> None:
    """Mark the admin role the action was for as synced, or failed with the platform's reason."""
    if action.get("kind") not in ("set_admin", "unset_admin"):
        return
    asked = ws.store.one("SELECT * FROM role_history WHERE action_id = ? ORDER BY id LIMIT 1", (action["id"],))
    if asked is None:
        return  # not one of ours
    pid, gid = asked["person_id"], asked["group_id"]
    status = action.get("status")
    message = getattr(result, "message", "") or ""
    setting = action["kind"] == "set_admin"
    with ws.store.write() as c:
        held = find_role(c, pid, gid, "admin")
        if status == "done":
            # the platform did it: memberships should say so even if it sends no event back
            c.execute("UPDATE memberships SET platform_role = ? WHERE group_id = ? AND person_id = ?"
                      " AND platform_role != 'owner'", ("admin" if setting else "member", gid, pid))
            state = "synced" if setting else None
            if setting and held is not None:
                c.execute("UPDATE roles SET platform_state = 'synced' WHERE id = ?", (held["id"],))
            record_history(c, ws, person_id=pid, group_id=gid, role="admin", change="platform_synced",
                           source="platform", platform_state=state, actor="outbox", reason=message,
                           action_id=action["id"])
            ws.audit("role_platform_synced", "person", pid, {"role": "admin", "group_id": gid, "action_id": action["id"],
                                                               "kind": action["kind"]}, actor="outbox")
            return
        state = "failed" if setting and held is not None else None
        if state:
            c.execute("UPDATE roles SET platform_state = 'failed' WHERE id = ?", (held["id"],))
        record_history(c, ws, person_id=pid, group_id=gid, role="admin", change="platform_failed", source="platform",
                       platform_state=state, actor="outbox", reason=message or status or "", action_id=action["id"])
        ws.audit("role_platform_failed", "person", pid, {"role": "admin", "group_id": gid, "action_id": action["id"],
                                                           "kind": action["kind"], "error": message}, actor="outbox")
        names = c.execute("SELECT (SELECT display_name FROM people WHERE id = ?), (SELECT name FROM groups WHERE id = ?)",
                          (pid, gid)).fetchone()
        ws.add_task("set_admin_by_hand" if setting else "unset_admin_by_hand",
                    say(ws, "task_set_admin" if setting else "task_unset_admin", person=names[0], group=names[1]),
                    detail=say(ws, "task_failed_detail", reason=message or status, actor=asked["actor"]),
                    group_id=gid, person_id=pid, source="plugin:roles", dedupe_key=f"roles:action:{action['id']}")


def reconcile(ws, group_id: int | None = None) -> int:
    """Bring roles in line with ``memberships.platform_role`` (after a member sync).

    Adds owners/admins the platform lists and shequn lacks, confirms pending ones, and
    removes platform-sourced admins the platform no longer lists (shequn-assigned
    roles that are 'shequn only' stay: the operator chose them). Returns changes."""
    where = "AND m.group_id = ?" if group_id is not None else ""
    args = (group_id,) if group_id is not None else ()
    changes = 0
    touched: set[int] = set()
    with ws.store.write() as c:
        listed = c.execute(f"SELECT m.group_id, m.person_id, m.platform_role FROM memberships m WHERE m.status = 'member'"
                           f" AND m.platform_role IN ('owner', 'admin') {where}", args).fetchall()
        bots = bot_people(ws)
        for g, p, prole in listed:
            if p in bots:
                continue
            n, people = apply_platform_role(c, ws, g, p, prole, True, "member list", replace_owner=False)
            changes += n
            touched |= people
        stale = c.execute(
            f"SELECT r.* FROM roles r JOIN memberships m ON m.group_id = r.group_id AND m.person_id = r.person_id"
            f" WHERE r.role = 'admin' AND r.source = 'platform' AND (m.status != 'member' OR m.platform_role = 'member')"
            f" {where.replace('m.group_id', 'r.group_id')}", args).fetchall()
        for r in stale:
            _remove(c, ws, dict(r), ACTOR, change="unassigned", reason="no longer listed as admin on the platform",
                    platform_side=False, source="platform")
            touched.add(r["person_id"])
            changes += 1
        recompute_insiders(c, touched)
    return changes
