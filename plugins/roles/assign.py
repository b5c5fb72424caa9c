"""Giving and taking roles, marking staff, and keeping ``people.is_insider`` current.

Every change here is one write transaction: the check that refuses bad input happens
before anything is written, and a failure part-way rolls everything back, so a bulk
assignment across 30 groups is all or nothing. Each change leaves a ``role_history``
row and an audit-log entry naming who made it.

Admins are the one role with a platform counterpart that shequn can set: where the
group's connector declares ``set_admin`` the assignment asks the platform (an outbox
action) and the role waits as ``pending`` until ``action_done`` says how it went;
elsewhere it is ``shequn only``. Owners cannot be handed over through any connector,
so a shequn-assigned owner is ``synced`` only when the platform already shows them as
owner.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from shequn import Capability, Proposal

from .words import INSIDER_ROLES, ROLE_ALIASES, ROLES, say, tr


class RoleProblem(ValueError):
    """Refused input; the message names what and where, and nothing was changed."""


def normalise_role(role: str) -> str:
    """``role`` as stored ('cheer' for 气氛组 ...), or RoleProblem naming the valid ones."""
    key = (role or "").strip()
    found = ROLE_ALIASES.get(key) or ROLE_ALIASES.get(key.lower())
    if not found:
        raise RoleProblem(f"unknown role {role!r}: expected one of {', '.join(ROLES)} "
                          "(or 总负责人, 群主, 管理员, 气氛组)")
    return found


def default_actor(ws) -> str:
    return f"operator:{ws.operator}"


# --- shared writers (also used by the platform side) -------------------------------------


def record_history(conn, ws, *, person_id: int, group_id: int | None, role: str, change: str, source: str,
                   platform_state: str | None, actor: str, reason: str = "", action_id: int | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO role_history(ts, person_id, group_id, role, change, source, platform_state, actor, reason,"
        " action_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (ws.now(), person_id, group_id, role, change, source, platform_state, actor, reason, action_id))
    return cur.lastrowid


def recompute_insiders(conn, person_ids: Iterable[int]) -> None:
    """insider = marked staff, or holds lead/owner/admin/cheer anywhere (KOLs count as members),
    or is a connection's own account (the bot: console/owners.py, never given a role)."""
    ids = sorted({int(p) for p in person_ids if p is not None})
    if not ids:
        return
    marks = ",".join("?" * len(INSIDER_ROLES))
    for i in range(0, len(ids), 400):
        chunk = ids[i:i + 400]
        conn.execute(
            f"UPDATE people SET is_insider = CASE WHEN is_staff = 1 OR EXISTS (SELECT 1 FROM roles r"
            f" WHERE r.person_id = people.id AND r.role IN ({marks})) OR EXISTS (SELECT 1 FROM identities i"
            f" JOIN connections c ON c.platform = i.platform AND c.account = i.platform_user_id"
            f" WHERE i.person_id = people.id) THEN 1 ELSE 0 END"
            f" WHERE id IN ({','.join('?' * len(chunk))})", (*INSIDER_ROLES, *chunk))


def insert_role(conn, ws, *, person_id: int, group_id: int | None, role: str, source: str, state: str,
                actor: str) -> int:
    return conn.execute(
        "INSERT INTO roles(person_id, group_id, role, source, platform_state, assigned_by, assigned_at)"
        " VALUES (?,?,?,?,?,?,?)", (person_id, group_id, role, source, state, actor, ws.now())).lastrowid


def find_role(conn, person_id: int, group_id: int | None, role: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM roles WHERE person_id = ? AND coalesce(group_id, 0) = coalesce(?, 0)"
                       " AND role = ?", (person_id, group_id, role)).fetchone()
    return dict(row) if row else None


def _audit(ws, action: str, person_id: int, detail: dict[str, Any], actor: str) -> None:
    ws.audit(action, "person", person_id, detail, actor=actor)


# --- checks --------------------------------------------------------------------------------


def _person(ws, person_id: int) -> dict[str, Any]:
    row = ws.store.one("SELECT id, display_name, is_staff, is_insider FROM people WHERE id = ?", (person_id,))
    if row is None:
        raise RoleProblem(f"unknown person id {person_id}")
    return row


def _groups(ws, group_ids: Sequence[int]) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(int(g) for g in group_ids))
    if not ids:
        return []
    rows = ws.store.query(f"SELECT id, name, connection_id, platform, status FROM groups WHERE id IN"
                          f" ({','.join('?' * len(ids))})", ids)
    found = {r["id"]: r for r in rows}
    missing = [str(g) for g in ids if g not in found]
    if missing:
        raise RoleProblem(f"unknown group id{'s' if len(missing) > 1 else ''} {', '.join(missing)}: nothing was changed")
    return [found[g] for g in ids]


def _gname(g: dict[str, Any]) -> str:
    return f"{g['name'] or g['id']} (id {g['id']})"


def _targets(ws, role: str, group_ids: Sequence[int] | None) -> list[dict[str, Any] | None]:
    if role == "lead":
        if group_ids:
            raise RoleProblem("the lead runs the whole operation: give no groups for the lead role")
        return [None]
    if not group_ids:
        raise RoleProblem(f"{role} is held per group: name at least one group")
    return list(_groups(ws, group_ids))


def _platform_role(conn, group_id: int, person_id: int) -> str | None:
    row = conn.execute("SELECT platform_role FROM memberships WHERE group_id = ? AND person_id = ? AND status = 'member'",
                       (group_id, person_id)).fetchone()
    return row[0] if row else None


# --- assign ----------------------------------------------------------------------------------


def assign(ws, person_id: int, group_ids: Sequence[int] | None, role: str, actor: str | None = None, *,
           replace: bool = False, reason: str = "") -> list[dict[str, Any]]:
    """Give ``person_id`` ``role`` in each of ``group_ids`` (none for the lead).

    Refused as a whole (RoleProblem, nothing written) when the person or a group is
    unknown, the person is not a member of one of the groups, or a group already has
    another owner (or the operation another lead) and ``replace`` is false. Roles already
    held are left as they are. Returns one row per target: group, result
    (assigned/unchanged), platform_state, action_id."""
    role = normalise_role(role)
    actor = actor or default_actor(ws)
    person = _person(ws, person_id)
    targets = _targets(ws, role, group_ids)
    conn = ws.store.conn
    if role != "lead":
        outside = [g for g in targets if _platform_role(conn, g["id"], person_id) is None]
        if outside:
            raise RoleProblem(
                f"{person['display_name'] or person_id} (id {person_id}) is not a member of "
                f"{', '.join(_gname(g) for g in outside)}: nothing was assigned. Invite them to the group first, "
                "or leave those groups out")
    if role in ("owner", "lead") and not replace:
        clashes = []
        for g in targets:
            gid = g["id"] if g else None
            for o in ws.store.query("SELECT r.person_id, p.display_name FROM roles r JOIN people p ON p.id = r.person_id"
                                    " WHERE coalesce(r.group_id, 0) = coalesce(?, 0) AND r.role = ? AND r.person_id != ?",
                                    (gid, role, person_id)):
                clashes.append(f"{_gname(g) if g else 'the operation'} already has {role} "
                               f"{o['display_name'] or o['person_id']} (id {o['person_id']})")
        if clashes:
            raise RoleProblem("; ".join(clashes) + ": nothing was assigned. Unassign them first, or replace them "
                              "(--replace)")
    results: list[dict[str, Any]] = []
    touched = {person_id}
    with ws.store.write() as c:
        for g in targets:
            gid = g["id"] if g else None
            gname = g["name"] if g else ""
            held = find_role(c, person_id, gid, role)
            if held:
                results.append({"group_id": gid, "group": gname, "role": role, "result": "unchanged",
                                "platform_state": held["platform_state"], "action_id": None})
                continue
            if role in ("owner", "lead") and replace:
                for o in c.execute("SELECT * FROM roles WHERE coalesce(group_id, 0) = coalesce(?, 0) AND role = ?"
                                   " AND person_id != ?", (gid, role, person_id)).fetchall():
                    touched.add(o["person_id"])
                    _remove(c, ws, dict(o), actor, change="replaced",
                            reason=f"replaced by {person['display_name'] or person_id} (id {person_id})")
            state, proposal = _platform_plan(c, ws, role, g, person_id, reason or f"assigned {role} in shequn by {actor}")
            insert_role(c, ws, person_id=person_id, group_id=gid, role=role, source="shequn", state=state, actor=actor)
            hid = record_history(c, ws, person_id=person_id, group_id=gid, role=role, change="assigned",
                                 source="shequn", platform_state=state, actor=actor, reason=reason)
            action_id = None
            if proposal is not None:
                proposal.key = f"roles:{proposal.kind}:{gid}:{person_id}:{hid}"
                action_id = ws.enqueue([proposal], actor)[0]
                c.execute("UPDATE role_history SET action_id = ? WHERE id = ?", (action_id, hid))
            _audit(ws, "role_assigned", person_id,
                   {"person": person["display_name"], "role": role, "group_id": gid, "group": gname,
                    "platform_state": state, "action_id": action_id, "reason": reason}, actor)
            results.append({"group_id": gid, "group": gname, "role": role, "result": "assigned",
                            "platform_state": state, "action_id": action_id})
        recompute_insiders(c, touched)
    return results


def _platform_plan(conn, ws, role: str, group: dict[str, Any] | None, person_id: int,
                   reason: str) -> tuple[str, Proposal | None]:
    """The new role's platform_state, and the action to ask the platform for (if any)."""
    if group is None or role in ("kol", "cheer", "lead"):
        return "n/a", None
    current = _platform_role(conn, group["id"], person_id)
    if role == "owner":
        return ("synced" if current == "owner" else "shequn only"), None
    # admin: an owner on the platform already has every admin power
    if current in ("admin", "owner"):
        return "synced", None
    if Capability.SET_ADMIN in ws.group_capabilities(group["id"]):
        return "pending", Proposal(kind="set_admin", reason=reason, group_id=group["id"], person_id=person_id,
                                   params={"enable": True}, rule="roles")
    return "shequn only", None


# --- unassign ---------------------------------------------------------------------------------


def unassign(ws, person_id: int, group_ids: Sequence[int] | None, role: str, actor: str | None = None, *,
             reason: str = "") -> list[dict[str, Any]]:
    """Take ``role`` away from ``person_id`` in each of ``group_ids`` (none for the lead).

    Unknown person, group or role refuse the whole call. Groups where the role is not
    held are reported as ``not_held`` and left alone. An admin who is admin on the
    platform is removed there too (``unset_admin``) where the connector can; a
    ``set_admin`` still waiting in the outbox is cancelled instead."""
    role = normalise_role(role)
    actor = actor or default_actor(ws)
    person = _person(ws, person_id)
    targets = _targets(ws, role, group_ids)
    results: list[dict[str, Any]] = []
    with ws.store.write() as c:
        for g in targets:
            gid = g["id"] if g else None
            gname = g["name"] if g else ""
            held = find_role(c, person_id, gid, role)
            if held is None:
                results.append({"group_id": gid, "group": gname, "role": role, "result": "not_held",
                                "platform_state": None, "action_id": None})
                continue
            action_id = _remove(c, ws, held, actor, change="unassigned", reason=reason, person=person, group=g)
            results.append({"group_id": gid, "group": gname, "role": role, "result": "unassigned",
                            "platform_state": held["platform_state"], "action_id": action_id})
        recompute_insiders(c, [person_id])
    return results


def _remove(conn, ws, held: dict[str, Any], actor: str, *, change: str, reason: str = "",
            person: dict[str, Any] | None = None, group: dict[str, Any] | None = None,
            platform_side: bool = True, source: str = "shequn") -> int | None:
    """Delete one role row with its history, audit and (for admins) the platform side.
    Returns the unset_admin action id when one was proposed."""
    pid, gid, role = held["person_id"], held["group_id"], held["role"]
    conn.execute("DELETE FROM roles WHERE id = ?", (held["id"],))
    hid = record_history(conn, ws, person_id=pid, group_id=gid, role=role, change=change, source=source,
                         platform_state=None, actor=actor, reason=reason)
    action_id = None
    note = None
    if platform_side and role == "admin" and gid is not None:
        action_id, note = _undo_admin_on_platform(conn, ws, pid, gid, actor, reason, hid)
    name = person["display_name"] if person else conn.execute(
        "SELECT display_name FROM people WHERE id = ?", (pid,)).fetchone()[0]
    gname = group["name"] if group else (conn.execute("SELECT name FROM groups WHERE id = ?", (gid,)).fetchone()[0]
                                         if gid is not None else "")
    _audit(ws, "role_" + change, pid, {"person": name, "role": role, "group_id": gid, "group": gname,
                                       "was": held["platform_state"], "action_id": action_id, "reason": reason,
                                       **({"platform": note} if note else {})}, actor)
    return action_id


def _undo_admin_on_platform(conn, ws, person_id: int, group_id: int, actor: str, reason: str,
                            history_id: int) -> tuple[int | None, str | None]:
    # A set_admin that has not gone out yet is simply cancelled: nothing to undo on the platform.
    pending = conn.execute(
        "SELECT a.id FROM role_history h JOIN actions a ON a.id = h.action_id WHERE h.person_id = ? AND h.group_id = ?"
        " AND h.role = 'admin' AND a.kind = 'set_admin' AND a.status = 'pending' ORDER BY h.id DESC LIMIT 1",
        (person_id, group_id)).fetchone()
    if pending:
        conn.execute("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?",
                     ("cancelled: the admin role was taken back before it went out", ws.now(), pending[0]))
        ws.audit("action_cancelled", "action", pending[0], {"kind": "set_admin", "why": "role unassigned"},
                 actor=actor)
        record_history(conn, ws, person_id=person_id, group_id=group_id, role="admin", change="platform_cancelled",
                       source="shequn", platform_state=None, actor=actor, action_id=pending[0])
        return None, "set_admin cancelled before it went out"
    if _platform_role(conn, group_id, person_id) != "admin":
        return None, None
    if Capability.SET_ADMIN in ws.group_capabilities(group_id):
        p = Proposal(kind="unset_admin", reason=reason or f"admin role taken back in shequn by {actor}",
                     group_id=group_id, person_id=person_id, params={"enable": False}, rule="roles",
                     key=f"roles:unset_admin:{group_id}:{person_id}:{history_id}")
        action_id = ws.enqueue([p], actor)[0]
        conn.execute("UPDATE role_history SET action_id = ? WHERE id = ?", (action_id, history_id))
        return action_id, "unset_admin asked"
    names = conn.execute("SELECT (SELECT display_name FROM people WHERE id = ?), (SELECT name FROM groups WHERE id = ?),"
                         " (SELECT platform FROM groups WHERE id = ?)", (person_id, group_id, group_id)).fetchone()
    ws.add_task("unset_admin_by_hand", say(ws, "task_unset_admin", person=names[0], group=names[1]),
                detail=say(ws, "task_no_capability_detail", platform=names[2]), group_id=group_id,
                person_id=person_id, source="plugin:roles", dedupe_key=f"roles:unset_admin:{group_id}:{person_id}:{history_id}")
    return None, "shequn only: a task asks for it by hand"


# --- staff -------------------------------------------------------------------------------------


def set_staff(ws, person_id: int, on: bool = True, actor: str | None = None, *, reason: str = "") -> dict[str, Any]:
    """Mark (or unmark) a person as staff: staff are insiders whatever roles they hold."""
    actor = actor or default_actor(ws)
    person = _person(ws, person_id)
    with ws.store.write() as c:
        changed = bool(person["is_staff"]) != bool(on)
        if changed:
            c.execute("UPDATE people SET is_staff = ? WHERE id = ?", (1 if on else 0, person_id))
            record_history(c, ws, person_id=person_id, group_id=None, role="staff",
                           change="assigned" if on else "unassigned", source="shequn", platform_state=None,
                           actor=actor, reason=reason)
            _audit(ws, "staff_marked" if on else "staff_unmarked", person_id,
                   {"person": person["display_name"], "reason": reason}, actor)
        recompute_insiders(c, [person_id])
    row = ws.store.one("SELECT id AS person_id, display_name AS person, is_staff, is_insider FROM people WHERE id = ?",
                       (person_id,))
    row["changed"] = changed
    row["message"] = say(ws, "staff_on" if on else "staff_off", person=person["display_name"] or person_id)
    return row


# --- reading --------------------------------------------------------------------------------------


def list_roles(ws, *, person_id: int | None = None, group_id: int | None = None,
               role: str | None = None) -> list[dict[str, Any]]:
    """Current roles with names, lead first, then by group and role."""
    where, args = [], []
    if person_id is not None:
        where.append("r.person_id = ?")
        args.append(person_id)
    if group_id is not None:
        where.append("r.group_id = ?")
        args.append(group_id)
    if role:
        where.append("r.role = ?")
        args.append(normalise_role(role))
    order = "CASE r.role " + " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(ROLES)) + " END"
    return ws.store.query(
        "SELECT r.person_id, p.display_name AS person, r.group_id, g.name AS \"group\", r.role, r.source,"
        " r.platform_state, r.assigned_by, r.assigned_at FROM roles r JOIN people p ON p.id = r.person_id"
        " LEFT JOIN groups g ON g.id = r.group_id" + (" WHERE " + " AND ".join(where) if where else "") +
        f" ORDER BY r.group_id IS NOT NULL, r.group_id, {order}, p.display_name", args)


def history(ws, person_id: int | None = None, group_id: int | None = None, *, limit: int = 500) -> list[dict[str, Any]]:
    """Role changes, newest first, with names (staff marks included, role 'staff')."""
    where, args = [], []
    if person_id is not None:
        where.append("h.person_id = ?")
        args.append(person_id)
    if group_id is not None:
        where.append("h.group_id = ?")
        args.append(group_id)
    args.append(int(limit))
    return ws.store.query(
        "SELECT h.id, h.ts, h.person_id, p.display_name AS person, h.group_id, g.name AS \"group\", h.role, h.change,"
        " h.source, h.platform_state, h.actor, h.reason, h.action_id FROM role_history h"
        " JOIN people p ON p.id = h.person_id LEFT JOIN groups g ON g.id = h.group_id" +
        (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY h.id DESC LIMIT ?", args)


def role_label_rows(ws, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with role / platform_state / change words in the workspace's language (for tables)."""
    from .words import CHANGE_LABELS, PLATFORM_STATES, ROLE_LABELS

    out = []
    for r in rows:
        r = dict(r)
        if "role" in r and r["role"] in ROLE_LABELS:
            r["role"] = tr(ws, ROLE_LABELS[r["role"]])
        if r.get("platform_state") in PLATFORM_STATES:
            r["platform_state"] = tr(ws, PLATFORM_STATES[r["platform_state"]])
        if r.get("change") in CHANGE_LABELS:
            r["change"] = tr(ws, CHANGE_LABELS[r["change"]])
        out.append(r)
    return out
