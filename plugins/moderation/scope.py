"""Groups, exemptions and the blacklist: the look-ups a penalty needs, cached per batch.

Exemptions are looked up only for members a rule would act on (rare), never for every
message, so they cost nothing on the hot path.
"""

from __future__ import annotations

from typing import Any, Iterable

from shequn import rows_in

_GROUP_COLUMNS = "id, name, type, theme, family, connection_id, platform, status"


def group_row(ws, group_id: int) -> dict[str, Any] | None:
    return ws.store.one(f"SELECT {_GROUP_COLUMNS} FROM groups WHERE id = ?", (group_id,))


def scope_key(group: dict[str, Any], scope: str) -> tuple[str, str]:
    """(scope_type, scope_value) for a penalty in ``group``; a group without a family is its own family."""
    if scope == "all":
        return "all", ""
    if scope == "family" and group.get("family"):
        return "family", group["family"]
    return "group", str(group["id"])


def groups_in_scope(ws, scope_type: str, scope_value: str) -> list[int]:
    if scope_type == "all":
        return [r["id"] for r in ws.store.query("SELECT id FROM groups WHERE status != 'dismissed'")]
    if scope_type == "family":
        return [r["id"] for r in ws.store.query("SELECT id FROM groups WHERE family = ? AND status != 'dismissed'",
                                                (scope_value,))]
    return [int(scope_value)]


def member_groups(ws, person_id: int, group_ids: list[int]) -> list[int]:
    """Those of ``group_ids`` where the person is a member now. The person's few rows are
    read by their index and kept if listed: an "all" penalty lists every group, and
    probing the (group, person) index once per group cost five times as much."""
    if not group_ids:
        return []
    want = set(group_ids)
    return [r["group_id"] for r in ws.store.query(
        "SELECT group_id FROM memberships WHERE person_id = ? AND status = 'member' ORDER BY group_id", (person_id,))
        if r["group_id"] in want]


def blacklist_entry(ws, person_id: int, group_id: int) -> dict[str, Any] | None:
    """The active blacklist row that covers ``group_id`` for this person, if any."""
    rows = ws.store.query("SELECT * FROM blacklist WHERE person_id = ? AND removed_at IS NULL ORDER BY id",
                          (person_id,))
    if not rows:
        return None
    family = ws.store.scalar("SELECT family FROM groups WHERE id = ?", (group_id,))
    for r in rows:
        if r["scope_type"] == "all" or (r["scope_type"] == "group" and r["scope_value"] == str(group_id)) or (
                r["scope_type"] == "family" and family and r["scope_value"] == family):
            return r
    return None


class BatchLookups:
    """Per-batch caches of groups and exemptions (roles change between batches, not within)."""

    def __init__(self, ws, exempt_roles: list[str], allow_people: list[int]):
        self.ws = ws
        self.default_roles = exempt_roles
        self.allow_people = set(allow_people)
        self._groups: dict[int, dict[str, Any] | None] = {}
        self._roles: dict[tuple[int, int], set[str]] = {}

    def preload(self, group_ids: Iterable[int]) -> None:
        """Read the groups of a batch's candidate messages in one query, not one each (a
        batch touches about a hundred groups). The rows are the ones ``group`` reads, and
        a group that does not exist is held as None, as ``group`` holds it."""
        want = sorted({g for g in group_ids if type(g) is int and g not in self._groups})  # ids as stored
        if not want:
            return
        for row in rows_in(self.ws.store, f"SELECT {_GROUP_COLUMNS} FROM groups WHERE id IN ({{marks}})", want):
            self._groups[row["id"]] = dict(row)
        for g in want:
            self._groups.setdefault(g, None)

    def group(self, group_id: int) -> dict[str, Any] | None:
        if group_id not in self._groups:
            self._groups[group_id] = group_row(self.ws, group_id)
        return self._groups[group_id]

    def roles(self, group_id: int, person_id: int) -> set[str]:
        """Roles held in this group (lead holds everywhere), from shequn's roles and the platform's."""
        key = (group_id, person_id)
        r = self._roles.get(key)
        if r is None:
            store = self.ws.store
            r = {row[0] for row in store.execute(
                "SELECT role FROM roles WHERE person_id = ? AND (group_id = ? OR group_id IS NULL)",
                (person_id, group_id))}
            prole = store.scalar("SELECT platform_role FROM memberships WHERE group_id = ? AND person_id = ?",
                                 (group_id, person_id))
            if prole in ("owner", "admin"):
                r.add(prole)
            if store.scalar("SELECT is_staff FROM people WHERE id = ?", (person_id,)):
                r.add("staff")
            self._roles[key] = r
        return r

    def exempt(self, cfg: dict[str, Any], group_id: int, person_id: int, sender_role: str | None = None) -> str | None:
        """Why this member is left alone by this rule, or None. ``sender_role`` is the role the
        platform stamped on the message (OneBot's sender.role), fresher than the membership row."""
        if person_id in self.allow_people or person_id in cfg.get("allow_people", ()):
            return "allow list"
        roles = self.roles(group_id, person_id)
        if sender_role in ("owner", "admin"):
            roles = roles | {sender_role}
        wanted = cfg.get("exempt_roles")
        wanted = self.default_roles if wanted is None else wanted
        for role in wanted:
            if role in roles:
                return f"role {role}"
        if "staff" in roles:
            return "staff"
        return None
