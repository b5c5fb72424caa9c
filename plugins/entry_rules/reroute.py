"""A full group with no family starts one, and requests held for a new sibling move on.

DOMAIN.md: "when full, a new group is created from the same template and newcomers go
there". A group that was never put into a family used to reject every applicant with
"This group is full" for as long as it stayed full: the applicant lost, and nothing
asked for the sibling. Now the overflow policy (when it creates siblings) makes such a
group the first of a family named after it, and the usual routing follows: invite into
a sibling with room, or ask for a new sibling and hold the applicant meanwhile.

Requests held while their family waited for a sibling are routed again as soon as a
sibling is registered (created by the platform, or by hand), so they do not sit in a
person's queue until they expire.
"""

from __future__ import annotations

from typing import Any

from .policies import group_row, policy_for

#: the reason prefix of a request held while its family waits for a sibling (English source text)
WAITING = "Every group of family {family} is full; waiting for a new sibling group"


def start_family(ws, group: dict[str, Any], policy: dict[str, Any] | None) -> dict[str, Any] | None:
    """Make a family-less group the first of a family named after it, when the overflow
    policy creates siblings (and is not a dry run). Returns the updated group, or None."""
    if group.get("family") or not policy or policy.get("dry_run") or not policy["config"].get("auto_create", True):
        return None
    name = group["name"]
    if ws.store.scalar("SELECT 1 FROM groups WHERE family = ? AND id != ?", (name, group["id"])):
        name = f"{name} #{group['id']}"  # a family of that name exists already: never merge strangers
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = ? WHERE id = ? AND (family IS NULL OR family = '')", (name, group["id"]))
        ws.audit("family_started", "group", group["id"], {"family": name}, actor=f"rule:{policy['name']}")
    return group_row(ws, group["id"])


def reroute_waiting(ws, family: str) -> int:
    """Route again the requests held for a sibling of ``family``; returns how many moved."""
    from shequn.joins import RequestExpired, apply_decision

    from .admission import route

    # An overflow policy holds a request for one reason only (its family is full), so the
    # hold's rule says which requests wait for a sibling; its words would change with the
    # console's language between the hold and the sibling's arrival.
    held = ws.store.query(
        "SELECT r.*, g.platform_group_id, g.name AS group_name FROM join_requests r JOIN groups g ON g.id = r.group_id"
        " WHERE g.family = ? AND r.status = 'held' AND r.rule IN (SELECT name FROM rules WHERE kind = 'overflow')"
        " ORDER BY r.requested_at, r.id", (family,))
    moved = 0
    for req in held:
        group = group_row(ws, req["group_id"])
        ov = policy_for(ws, group, "overflow")
        decision = route(ws, req, group, ov)
        if decision.verdict == "hold" or decision.dry_run:
            break  # every sibling is full again: the rest keep waiting for the next one
        try:
            apply_decision(ws, req, decision, f"rule:{decision.rule}")
        except RequestExpired:
            continue  # the platform forgot it meanwhile: marked expired, nothing to route
        moved += 1
    return moved
