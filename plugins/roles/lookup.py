"""Find a person or a group from what an operator types.

Operators name people and groups the way they know them: a local id (``12``), a
display name (``小王``), or a platform id written ``platform:id`` (``qq:10086``). The
CLI and other plugins share these resolvers so the same words work everywhere.

Order of trials, and why: a local id first (what the tables and ``--json`` show), then
``platform:id`` (unambiguous), then names, then a bare platform id. QQ numbers are digits
too, so a bare number that is not a local id is tried as a platform id; write
``qq:NUMBER`` to be sure. A name shared by several rows is refused with their ids
rather than guessed.
"""

from __future__ import annotations

from typing import Any, Iterable


class LookupProblem(ValueError):
    """What was typed does not name exactly one person or group; the message says why."""


def _ids(rows: Iterable[dict[str, Any]]) -> str:
    return ", ".join(str(r["id"]) for r in rows)


def resolve_person(ws, text: str | int) -> dict[str, Any]:
    """The ``people`` row (id, display_name, is_staff, is_insider) that ``text`` names."""
    store = ws.store
    cols = "id, display_name, is_staff, is_insider"
    raw = str(text).strip()
    if not raw:
        raise LookupProblem("no person given (use an id, a display name or platform:user_id)")
    if raw.isdigit():
        row = store.one(f"SELECT {cols} FROM people WHERE id = ?", (int(raw),))
        if row:
            return row
    if ":" in raw:
        platform, _, uid = raw.partition(":")
        rows = store.query(
            f"SELECT DISTINCT p.{cols.replace(', ', ', p.')} FROM identities i JOIN people p ON p.id = i.person_id"
            " WHERE i.platform = ? AND i.platform_user_id = ?", (platform, uid))
        if rows:
            return rows[0]
    rows = store.query(f"SELECT {cols} FROM people WHERE display_name = ? ORDER BY id", (raw,))
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise LookupProblem(f"person {raw!r} is ambiguous: {len(rows)} people have that name (ids {_ids(rows)}); "
                            "give the id instead")
    rows = store.query(
        f"SELECT DISTINCT p.{cols.replace(', ', ', p.')} FROM identities i JOIN people p ON p.id = i.person_id"
        " WHERE i.platform_user_id = ? OR i.nickname = ? ORDER BY p.id", (raw, raw))
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise LookupProblem(f"person {raw!r} is ambiguous: it matches {len(rows)} people (ids {_ids(rows)}); "
                            "give the id or platform:user_id instead")
    raise LookupProblem(f"unknown person {raw!r}: no id, display name, nickname or platform id matches "
                        "(write an id, a display name, or platform:user_id such as qq:10086)")


def resolve_group(ws, text: str | int) -> dict[str, Any]:
    """The ``groups`` row (id, name, connection_id, platform, platform_group_id, type, status, created_at)."""
    store = ws.store
    cols = "id, name, connection_id, platform, platform_group_id, type, family, status, created_at"
    raw = str(text).strip()
    if not raw:
        raise LookupProblem("no group given (use an id, a name or platform:group_id)")
    if raw.isdigit():
        row = store.one(f"SELECT {cols} FROM groups WHERE id = ?", (int(raw),))
        if row:
            return row
    if ":" in raw:
        prefix, _, gid = raw.partition(":")
        rows = store.query(f"SELECT {cols} FROM groups WHERE (platform = ? OR connection_id = ?)"
                           " AND platform_group_id = ? ORDER BY id", (prefix, prefix, gid))
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise LookupProblem(f"group {raw!r} is ambiguous: {len(rows)} connections have it (ids {_ids(rows)}); "
                                "write connection:group_id or the id")
    rows = store.query(f"SELECT {cols} FROM groups WHERE name = ? ORDER BY id", (raw,))
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise LookupProblem(f"group {raw!r} is ambiguous: {len(rows)} groups have that name (ids {_ids(rows)}); "
                            "give the id instead")
    rows = store.query(f"SELECT {cols} FROM groups WHERE platform_group_id = ? ORDER BY id", (raw,))
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise LookupProblem(f"group {raw!r} is ambiguous: {len(rows)} groups have that platform id "
                            f"(ids {_ids(rows)}); write platform:group_id or the id")
    raise LookupProblem(f"unknown group {raw!r}: no id, name or platform id matches "
                        "(`shequn roles check` lists every group with its id)")


def resolve_groups(ws, texts: Iterable[str | int]) -> list[dict[str, Any]]:
    """Several groups, in the order given, duplicates dropped. Every name must resolve:
    one unknown group refuses the whole list (so a bulk change is all or nothing)."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    problems: list[str] = []
    for t in texts:
        try:
            g = resolve_group(ws, t)
        except LookupProblem as e:
            problems.append(str(e))
            continue
        if g["id"] not in seen:
            seen.add(g["id"])
            out.append(g)
    if problems:
        raise LookupProblem("; ".join(problems))
    return out


def select_groups(ws, *, type: str | None = None, family: str | None = None, tier: str | None = None,
                  include_closed: bool = False) -> list[dict[str, Any]]:
    """Groups picked by attributes (for bulk assignment): type, family, tier; active ones only
    unless ``include_closed``."""
    where, args = [], []
    if type:
        if type not in ("traffic", "welfare", "flash"):
            raise LookupProblem(f"unknown group type {type!r} (expected traffic, welfare or flash)")
        where.append("type = ?")
        args.append(type)
    if family:
        where.append("family = ?")
        args.append(family)
    if tier:
        where.append("tier = ?")
        args.append(tier)
    if not include_closed:
        where.append("status IN ('active', 'closing')")
    sql = ("SELECT id, name, connection_id, platform, platform_group_id, type, family, status, created_at"
           " FROM groups" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id")
    return ws.store.query(sql, args)
