"""Who an operator means by a name, before anything is asked or done (the console's
Roles screen): one person, or the candidates to choose from, or why nobody.

``lookup.resolve_person`` refuses a name that several people share; a person at the
keyboard can choose instead, so here the candidates come back with what tells them
apart: their id, their platform ids and the groups they are in (members of the groups
the role is for first).
"""

from __future__ import annotations

from typing import Any, Sequence

from .lookup import LookupProblem, resolve_person


def candidates(ws, text: str, group_ids: Sequence[int] = ()) -> list[dict[str, Any]]:
    """The people ``text`` may name: exactly one when it names one (an id, platform:id, a
    unique name), every match of a shared name or nickname otherwise; raises LookupProblem
    when it names nobody. Each: id, display_name, groups (names), in_groups (how many of
    ``group_ids`` they are a member of), identities."""
    try:
        found = [resolve_person(ws, text)]
    except LookupProblem as e:
        if "ambiguous" not in str(e):
            raise
        raw = str(text).strip()
        found = ws.store.query(
            "SELECT DISTINCT p.id, p.display_name FROM people p LEFT JOIN identities i ON i.person_id = p.id"
            " WHERE p.display_name = ? OR i.nickname = ? OR i.platform_user_id = ? ORDER BY p.id LIMIT 200",
            (raw, raw, raw))
    ids = [p["id"] for p in found]
    marks = ",".join("?" * len(ids))
    member = ws.store.query(f"SELECT m.person_id, m.group_id, g.name FROM memberships m JOIN groups g ON g.id ="
                            f" m.group_id WHERE m.status = 'member' AND m.person_id IN ({marks}) ORDER BY g.id", ids)
    idents = ws.store.query(f"SELECT person_id, platform, platform_user_id FROM identities WHERE person_id IN ({marks})",
                            ids)
    wanted = set(group_ids)
    out = []
    for p in found:
        mine = [m for m in member if m["person_id"] == p["id"]]
        out.append({"id": p["id"], "display_name": p["display_name"], "groups": [m["name"] for m in mine],
                    "in_groups": sum(1 for m in mine if m["group_id"] in wanted),
                    "identities": [f"{i['platform']}:{i['platform_user_id']}" for i in idents
                                   if i["person_id"] == p["id"]]})
    out.sort(key=lambda c: (-c["in_groups"], c["id"]))
    return out


def not_member_of(ws, person_id: int, group_ids: Sequence[int]) -> list[str]:
    """Names of the groups among ``group_ids`` that ``person_id`` is not a member of."""
    if not group_ids:
        return []
    marks = ",".join("?" * len(group_ids))
    rows = ws.store.query(f"SELECT g.id, g.name FROM groups g WHERE g.id IN ({marks}) AND NOT EXISTS (SELECT 1 FROM"
                          " memberships m WHERE m.group_id = g.id AND m.person_id = ? AND m.status = 'member')",
                          [*group_ids, person_id])
    return [r["name"] for r in rows]
