"""Which rule of several applies to a group: check-in and keyword rules are scoped to all
groups, a group type, a family or one group, and the most specific scope wins."""

from __future__ import annotations

from typing import Any

from .errors import ContentError

GROUP_TYPES = ("traffic", "welfare", "flash")


def parse(ws, value: str) -> str:
    """A scope as stored: all, type:TYPE, family:NAME, group:ID (a group by name or platform id too)."""
    v = str(value or "").strip()
    if v == "all":
        return v
    if v.startswith("type:"):
        if v[5:] not in GROUP_TYPES:
            raise ContentError("scope: unknown group type {value!r}; expected one of {choices}", value=v[5:],
                               choices=", ".join(GROUP_TYPES))
        return v
    if v.startswith("family:"):
        if not ws.store.scalar("SELECT 1 FROM groups WHERE family = ?", (v[7:],)):
            raise ContentError("scope: no group is in family {value!r}", value=v[7:])
        return v
    from .schedules import find_group

    return f"group:{find_group(ws, v)}"


def rank(scope: str, group: dict[str, Any]) -> int:
    """How specifically ``scope`` names ``group`` (3 the group, 2 its family, 1 its type,
    0 all), or -1 when it does not apply."""
    if scope == "all":
        return 0
    kind, _, value = scope.partition(":")
    if kind == "type":
        return 1 if group["type"] == value else -1
    if kind == "family":
        return 2 if group.get("family") == value else -1
    if kind == "group":
        return 3 if str(group["id"]) == value else -1
    return -1


def best(rules: list[Any], group: dict[str, Any], scope_of=lambda r: r["scope"]) -> Any | None:
    ranked = [(rank(scope_of(r), group), r) for r in rules]
    ranked = [x for x in ranked if x[0] >= 0]
    return max(ranked, key=lambda x: x[0])[1] if ranked else None


def bump(ws) -> None:
    """Say that check-in or keyword rules changed: batches read them again (one meta read each)."""
    with ws.store.write() as c:  # a counter, not a time: two saves in one second must both be seen
        c.execute("INSERT INTO meta(key, value) VALUES ('content.rules_at', '1') ON CONFLICT(key) DO UPDATE SET"
                  " value = CAST(value AS INTEGER) + 1")
