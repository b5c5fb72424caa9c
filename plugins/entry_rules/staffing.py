"""A new sibling starts with its family's squad: the template group's insiders (owner,
admins, cheer squad, staff: "about 10 insiders per new group", DOMAIN.md) are invited into
it where its platform can invite, and the roles plugin gives each their family role when
they join (``[roles] family_roles``). Where the platform cannot invite (QQ's bots cannot),
one task asks a person to, naming whom.

Before, every new sibling put a task ("invite the cheer squad") and an understaffed alert
in the person's queue for the same cause, and the person could do nothing about either in
the console: 27 items a week in the 100-group month.
"""

from __future__ import annotations

from typing import Any

from .i18n import tr
from .overflow import invite_proposal

SOURCE = "plugin:entry_rules"


def squad(ws, template_id: int, group_id: int) -> list[dict[str, Any]]:
    """The template's insiders who are members there and not yet of ``group_id``, bots
    excluded (the bot account is in the new group already: it made it)."""
    return ws.store.query(
        "SELECT p.id, p.display_name FROM memberships m JOIN people p ON p.id = m.person_id"
        " WHERE m.group_id = ? AND m.status = 'member' AND p.is_insider = 1"
        " AND NOT EXISTS (SELECT 1 FROM memberships n WHERE n.group_id = ? AND n.person_id = p.id AND n.status = 'member')"
        " AND NOT EXISTS (SELECT 1 FROM identities i JOIN connections c ON c.platform = i.platform"
        "                 AND c.account = i.platform_user_id WHERE i.person_id = p.id)"
        " ORDER BY p.id", (template_id, group_id))


def staff_sibling(ws, group: dict[str, Any], template: dict[str, Any], family: str) -> dict[str, int]:
    """Invite ``template``'s squad into ``group`` (a new sibling), or leave one task naming
    them. Returns {"invited": n, "task": 0 or 1}."""
    people = squad(ws, template["id"], group["id"])
    reason = tr(ws, "New sibling of family {family}: staffed like {template}", family=family, template=template["name"])
    proposals, by_hand = [], []
    for p in people:
        prop = invite_proposal(ws, group, p["id"], reason, "entry:staffing", f"sibling:{group['id']}", False)
        (proposals if prop is not None else by_hand).append(prop or p)
    if proposals:
        ws.enqueue(proposals, SOURCE)
    if by_hand or not people:
        names = ", ".join(p["display_name"] for p in by_hand) or tr(ws, "(none assigned in the template group)")
        ws.add_task("invite_cheer", tr(ws, "Invite the cheer squad into {group}", group=group["name"]),
                    detail=tr(ws, "New sibling of family {family}. Cheer squad of {template}: {names}",
                              family=family, template=template["name"], names=names),
                    group_id=group["id"], source=SOURCE, dedupe_key=f"invite_cheer:{group['id']}")
    return {"invited": len(proposals), "task": int(bool(by_hand or not people))}
