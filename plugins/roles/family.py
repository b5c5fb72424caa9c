"""A family's squad follows its people into a new sibling.

Overflow siblings (entry rules) are copies of one group: when a new one opens, the entry
plugin invites the template group's insiders. Someone who joins a group of a family while
holding a role listed in ``[roles] family_roles`` (cheer, admin) in another group of that
family gets the same role here, assigned by the roles plugin like any other (admins through
the platform where it can), with the sibling named as the reason. Without this, every new
sibling raised an understaffed alert and a person had to assign the same squad by hand
(14 alerts a week in the 100-group month).
"""

from __future__ import annotations

from shequn import Event, Kind, others_of

from .assign import RoleProblem, assign
from .guidelines import settings

ACTOR = "plugin:roles"


def on_joins(ws, events: list[Event]) -> int:
    """Give each joiner the family roles they hold in a sibling. Returns roles assigned."""
    joins = [e for e in others_of(events) if e.kind == Kind.JOIN and e.group_id and e.person_id]
    if not joins:  # most batches are messages only: do not parse [roles] for them
        return 0
    wanted = settings(ws).family_roles
    if not wanted:
        return 0
    marks = ",".join("?" * len(wanted))
    assigned = 0
    for e in joins:
        held = ws.store.query(
            f"SELECT DISTINCT r.role, s.name AS sibling, g.family FROM groups g JOIN groups s ON s.family = g.family"
            f" AND s.id != g.id JOIN roles r ON r.group_id = s.id AND r.person_id = ? AND r.role IN ({marks})"
            f" WHERE g.id = ? AND g.family != '' ORDER BY r.role, s.id", (e.person_id, *wanted, e.group_id))
        for role in dict.fromkeys(h["role"] for h in held):
            h = next(x for x in held if x["role"] == role)
            try:
                rows = assign(ws, e.person_id, [e.group_id], role, ACTOR,
                              reason=f"holds {role} in {h['sibling']}, family {h['family']}")
            except RoleProblem:  # left again in the same batch, or the group closed: nothing to follow
                continue
            assigned += sum(r["result"] == "assigned" for r in rows)
    return assigned
