"""Group families (群矩阵) and overflow.

Groups made from the same template share ``groups.family``. A group is full when its
occupancy (members plus requests approved, or being approved, in the last hour whose
join has not arrived yet, plus invitations into it not yet carried out, so a burst of
approvals or routed applicants cannot overfill it) reaches its
capacity times the overflow policy's threshold. Newcomers are then routed to the next
sibling with room; when none has room a new sibling is asked for once per family: a
``create_group`` action where the platform can, else a task for the operator to create
and register it. A registered sibling gets a task to invite the cheer squad (气氛组), who
must be invited again.
"""

from __future__ import annotations

import math
from typing import Any

from shequn import Capability, Proposal

from .i18n import tr
from .policies import PolicyError, find_group, group_row, policy_for
from .templates import render

APPROVED_WINDOW = 3600


def limit_of(group: dict[str, Any], policy: dict[str, Any] | None) -> int | None:
    """Seats before the group counts as full (None: no capacity set)."""
    cap = group.get("capacity")
    if cap is None:
        return None
    threshold = (policy or {}).get("config", {}).get("threshold", 1.0)
    return max(1, math.floor(cap * threshold + 1e-9))


def occupancy(ws, group_id: int) -> int:
    row = ws.store.one("SELECT member_count FROM groups WHERE id = ?", (group_id,))
    awaiting = ws.store.scalar(
        "SELECT count(*) FROM join_requests r WHERE r.group_id = ? AND r.status IN ('approving', 'approved')"
        " AND r.decided_at >= ? AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = r.group_id AND m.person_id = r.person_id"
        " AND m.status = 'member')", (group_id, ws.now() - APPROVED_WINDOW), 0)
    inviting = ws.store.scalar("SELECT count(*) FROM actions WHERE status IN ('pending', 'running') AND kind = 'invite'"
                               " AND group_id = ?", (group_id,), 0)
    return (row["member_count"] if row else 0) + awaiting + inviting


def is_full(ws, group: dict[str, Any], policy: dict[str, Any] | None) -> bool:
    lim = limit_of(group, policy)
    return lim is not None and occupancy(ws, group["id"]) >= lim


def siblings(ws, group: dict[str, Any]) -> list[dict[str, Any]]:
    """Active groups of the same family, oldest first (the group itself left out)."""
    if not group.get("family"):
        return []
    return ws.store.query("SELECT * FROM groups WHERE family = ? AND id != ? AND status = 'active' ORDER BY id",
                          (group["family"], group["id"]))


def sibling_member_of(ws, group: dict[str, Any], person_id: int) -> dict[str, Any] | None:
    """A sibling group the person is already a member of. People are linked across platforms
    by sharing one ``person_id``, so this holds across platforms too."""
    if not group.get("family"):
        return None
    return ws.store.one(
        "SELECT g.* FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.person_id = ? AND m.status = 'member'"
        " AND g.family = ? AND g.id != ? AND g.status IN ('active', 'closing') ORDER BY g.id LIMIT 1",
        (person_id, group["family"], group["id"]))


def next_with_room(ws, group: dict[str, Any]) -> dict[str, Any] | None:
    for s in siblings(ws, group):
        if not is_full(ws, s, policy_for(ws, s, "overflow")):
            return s
    return None


def invite_proposal(ws, sibling: dict[str, Any], person_id: int, reason: str, rule: str, evidence: str,
                    dry_run: bool) -> Proposal | None:
    """An invitation into the sibling, where its platform can invite and knows the person."""
    if Capability.INVITE not in ws.group_capabilities(sibling["id"]):
        return None
    if not ws.store.scalar("SELECT 1 FROM identities WHERE person_id = ? AND platform = ?",
                           (person_id, sibling["platform"])):
        return None
    return Proposal(kind="invite", reason=reason, group_id=sibling["id"], person_id=person_id, rule=rule,
                    evidence=evidence, dry_run=dry_run)


def ensure_sibling(ws, group: dict[str, Any], policy: dict[str, Any] | None, *, evidence: str = "") -> dict[str, Any] | None:
    """Ask for a new sibling of ``group``'s family unless one is already on its way.

    Returns the ``entry_siblings`` row (new or the pending one), or None when the policy
    does not create siblings or the group has no family."""
    if not group.get("family") or not policy or not policy["config"].get("auto_create", True):
        return None
    pending = ws.store.one("SELECT * FROM entry_siblings WHERE family = ? AND status = 'requested' ORDER BY id DESC",
                           (group["family"],))
    if pending:
        return pending
    if policy.get("dry_run"):
        ws.audit("sibling_would_be_created", "group", group["id"], {"family": group["family"]},
                 actor=f"rule:{policy['name']}")
        return None
    n = ws.store.scalar("SELECT count(*) FROM groups WHERE family = ?", (group["family"],), 0) + 1
    name = render(policy["config"].get("name_pattern", "{family} {n}"),
                  {"family": group["family"], "n": n, "template": group["name"]})
    actor = f"rule:{policy['name']}"
    now = ws.now()
    with ws.store.write() as c:
        sid = c.execute("INSERT INTO entry_siblings(family, template_group_id, name, requested_at) VALUES (?,?,?,?)",
                        (group["family"], group["id"], name, now)).lastrowid
        if Capability.CREATE_GROUP in ws.group_capabilities(group["id"]):
            (aid,) = ws.enqueue([Proposal(
                kind="create_group", reason=tr(ws, "Family {family} is full: new sibling group {name}",
                                               family=group["family"], name=name),
                group_id=group["id"], params={"name": name, "family": group["family"], "template_group_id": group["id"],
                                              "template": group["platform_group_id"], "type": group["type"],
                                              "theme": group["theme"], "tier": group["tier"],
                                              "capacity": group["capacity"]},
                rule=policy["name"], evidence=evidence or f"family:{group['family']}:{n}")], actor)
            c.execute("UPDATE entry_siblings SET action_id = ? WHERE id = ?", (aid, sid))
        else:
            tid = ws.add_task(
                "create_sibling", tr(ws, "Create sibling group {name}", name=name),
                detail=tr(ws, "Every group of family {family} is full. Create a group from the template of {template} "
                              "on {platform}, then register it: shequn entry family GROUP {family}",
                          family=group["family"], template=group["name"], platform=group["platform"]),
                group_id=group["id"], source=actor, dedupe_key=f"create_sibling:{sid}")
            c.execute("UPDATE entry_siblings SET task_id = ? WHERE id = ?", (tid, sid))
        ws.audit("sibling_requested", "group", group["id"], {"family": group["family"], "name": name, "sibling": sid},
                 actor=actor)
    return ws.store.one("SELECT * FROM entry_siblings WHERE id = ?", (sid,))


def register_sibling(ws, group_id: int, family: str, *, template_group_id: int | None = None,
                     actor: str | None = None) -> dict[str, Any]:
    """Put a group into a family (copying type, theme, tier and capacity from the template
    when it has none) and staff it like the template: its insiders invited where the platform
    can invite, else one task naming them (see ``staffing``). One transaction."""
    family = (family or "").strip()
    if not family:
        raise PolicyError.of("a family name is empty")
    group = group_row(ws, group_id)
    if group is None:
        raise PolicyError.of("no group {id}", id=group_id)
    actor = actor or f"operator:{ws.operator}"
    pending = ws.store.one("SELECT * FROM entry_siblings WHERE family = ? AND status = 'requested' ORDER BY id",
                           (family,))
    tpl_id = template_group_id or (pending["template_group_id"] if pending else None) or ws.store.scalar(
        "SELECT id FROM groups WHERE family = ? AND id != ? ORDER BY id LIMIT 1", (family, group_id))
    tpl = group_row(ws, tpl_id) if tpl_id else None
    with ws.store.write() as c:
        if tpl:
            c.execute("UPDATE groups SET family = ?, type = ?, theme = CASE WHEN theme = '' THEN ? ELSE theme END,"
                      " tier = CASE WHEN tier = '' THEN ? ELSE tier END, capacity = coalesce(capacity, ?) WHERE id = ?",
                      (family, tpl["type"], tpl["theme"], tpl["tier"], tpl["capacity"], group_id))
        else:
            c.execute("UPDATE groups SET family = ? WHERE id = ?", (family, group_id))
        if pending:
            c.execute("UPDATE entry_siblings SET status = 'registered', group_id = ?, registered_at = ? WHERE id = ?",
                      (group_id, ws.now(), pending["id"]))
            if pending["task_id"]:
                c.execute("UPDATE tasks SET status = 'done', done_at = ? WHERE id = ? AND status = 'open'",
                          (ws.now(), pending["task_id"]))
        ws.audit("family_joined", "group", group_id, {"family": family, "template_group_id": tpl_id}, actor=actor)
        if tpl and group_id != tpl_id:
            from .staffing import staff_sibling  # here: staffing builds on this module's invite_proposal

            staff_sibling(ws, group, tpl, family)
    from .reroute import reroute_waiting  # here, not at the top: reroute uses admission, which uses this module

    reroute_waiting(ws, family)
    return group_row(ws, group_id)


def sibling_created(ws, action: dict[str, Any], result) -> None:
    """``create_group`` finished: register the new group, or ask a person to."""
    row = ws.store.one("SELECT * FROM entry_siblings WHERE action_id = ?", (action["id"],))
    if row is None:
        return
    data = getattr(result, "data", {}) or {}
    platform_gid = data.get("group") or data.get("group_id") or data.get("platform_group_id")
    if action["status"] == "done" and platform_gid:
        with ws.store.write() as c:
            gid = ws.store.scalar("SELECT id FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                                  (action["connection_id"], str(platform_gid)))
            if gid is None:
                platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (action["connection_id"],))
                gid = c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, created_at)"
                                " VALUES (?,?,?,?,?)", (action["connection_id"], platform, str(platform_gid),
                                                        row["name"], ws.now())).lastrowid
            register_sibling(ws, gid, row["family"], template_group_id=row["template_group_id"],
                             actor="plugin:entry_rules")
        return
    detail = (tr(ws, "The platform created it but did not say its id: register it with "
                     "shequn entry family GROUP {family}", family=row["family"]) if action["status"] == "done"
              else tr(ws, "Creating it failed ({error}); create it by hand and register it with "
                          "shequn entry family GROUP {family}", error=action.get("last_error") or getattr(result, "message", ""),
                      family=row["family"]))
    tid = ws.add_task("create_sibling", tr(ws, "Register sibling group {name}", name=row["name"]), detail=detail,
                      group_id=row["template_group_id"], source="plugin:entry_rules",
                      dedupe_key=f"create_sibling:{row['id']}")
    with ws.store.write() as c:
        c.execute("UPDATE entry_siblings SET task_id = ? WHERE id = ?", (tid, row["id"]))


def set_capacity(ws, group_ref: str | int, capacity: int | None) -> dict[str, Any]:
    """Set a group's capacity (群上限); refused below its current member count."""
    gid = find_group(ws, group_ref)
    g = group_row(ws, gid)
    if capacity is not None:
        if capacity < 1:
            raise PolicyError.of("capacity {capacity} for group {name}: expected 1 or more", capacity=capacity,
                                 name=g["name"])
        if capacity < g["member_count"]:
            raise PolicyError.of("capacity {capacity} for group {name} is below its {members} current members; set at "
                                 "least that, or remove members first", capacity=capacity, name=g["name"],
                                 members=g["member_count"])
    with ws.store.write() as c:
        c.execute("UPDATE groups SET capacity = ? WHERE id = ?", (capacity, gid))
        ws.audit("group_capacity_set", "group", gid, {"capacity": capacity, "was": g["capacity"]})
    return group_row(ws, gid)


def families(ws) -> list[dict[str, Any]]:
    """Every family with its groups, fill and whether it can take newcomers (the console's 群矩阵)."""
    out = []
    for fam in ws.store.query("SELECT DISTINCT family FROM groups WHERE family IS NOT NULL AND family != ''"
                              " ORDER BY family"):
        groups = ws.store.query("SELECT * FROM groups WHERE family = ? ORDER BY id", (fam["family"],))
        rows = []
        for g in groups:
            pol = policy_for(ws, g, "overflow")
            lim = limit_of(g, pol)
            occ = occupancy(ws, g["id"])
            rows.append({"group_id": g["id"], "name": g["name"], "platform": g["platform"], "status": g["status"],
                         "members": g["member_count"], "capacity": g["capacity"], "limit": lim,
                         "fill": round(occ / g["capacity"], 3) if g["capacity"] else None,
                         "full": lim is not None and occ >= lim})
        pending = ws.store.query("SELECT name, requested_at, action_id, task_id FROM entry_siblings"
                                 " WHERE family = ? AND status = 'requested'", (fam["family"],))
        out.append({"family": fam["family"], "groups": rows,
                    "room": any(not r["full"] and r["status"] == "active" for r in rows),
                    "sibling_requested": pending})
    return out


def family_rows(ws) -> list[dict[str, Any]]:
    """families() flattened for a table."""
    return [{"family": f["family"], **g, "sibling_requested": ", ".join(p["name"] for p in f["sibling_requested"])}
            for f in families(ws) for g in f["groups"]]


__all__ = ["families", "family_rows", "set_capacity", "register_sibling", "ensure_sibling", "next_with_room",
           "sibling_member_of", "is_full"]
