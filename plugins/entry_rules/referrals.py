"""Referrals (分销裂变): who invited whom, as a tree kept in ``people.referred_by``.

A person's level is how many referrals separate them from the operation: someone who
came in on their own (or an insider) is level 0, a person they refer is level 1, and so
on. Referral entry admits an applicant only if their level would stay within the limit
(default 2: deeper chains cross a legal line in China).
"""

from __future__ import annotations

from typing import Any


def level(ws, person_id: int | None, *, limit: int = 50) -> int:
    """Referral level of a person (0 for roots and insiders); stops at cycles."""
    seen: set[int] = set()
    depth = 0
    pid = person_id
    while pid is not None and pid not in seen and depth < limit:
        seen.add(pid)
        row = ws.store.one("SELECT referred_by, is_insider FROM people WHERE id = ?", (pid,))
        if row is None or row["is_insider"] or row["referred_by"] is None:
            return depth
        depth += 1
        pid = row["referred_by"]
    return depth


def chain(ws, person_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """The person and the referrers above them, nearest first."""
    out, seen, pid = [], set(), person_id
    while pid is not None and pid not in seen and len(out) < limit:
        seen.add(pid)
        row = ws.store.one("SELECT id, display_name, referred_by, is_insider FROM people WHERE id = ?", (pid,))
        if row is None:
            break
        out.append(row)
        pid = None if row["is_insider"] else row["referred_by"]
    return out


def referral_tree(ws, person_id: int, *, max_depth: int = 6) -> dict[str, Any]:
    """The referral tree below a person: {id, name, level, children: [...]}, plus who referred them."""
    root = ws.store.one("SELECT id, display_name FROM people WHERE id = ?", (person_id,))
    if root is None:
        raise ValueError(f"no person {person_id}")
    base = level(ws, person_id)
    seen: set[int] = {person_id}

    def children(pid: int, depth: int) -> list[dict[str, Any]]:
        if depth >= max_depth:
            return []
        out = []
        for r in ws.store.query("SELECT id, display_name FROM people WHERE referred_by = ? ORDER BY id", (pid,)):
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            out.append({"id": r["id"], "name": r["display_name"], "level": base + depth + 1,
                        "children": children(r["id"], depth + 1)})
        return out

    up = chain(ws, person_id)[1:]
    return {"id": root["id"], "name": root["display_name"], "level": base,
            "referred_by": [{"id": r["id"], "name": r["display_name"]} for r in up],
            "children": children(person_id, 0)}


def flatten(tree: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """Rows for a table: indentation by depth."""
    rows = [{"person": "  " * depth + f"{tree['name']} (#{tree['id']})", "level": tree["level"],
             "referred": len(tree["children"])}]
    for ch in tree["children"]:
        rows += flatten(ch, depth + 1)
    return rows


def standing(ws, person_id: int) -> str | None:
    """Why a person is not in good standing (blacklisted, removed for conduct), or None.

    Reads the core ``cases`` table, and the moderation plugin's ``blacklist`` table when
    that plugin is installed (a blacklisted referrer must not vouch for anyone)."""
    if ws.store.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blacklist'"):
        if ws.store.scalar("SELECT 1 FROM blacklist WHERE person_id = ? AND removed_at IS NULL LIMIT 1", (person_id,)):
            return "is blacklisted"
    row = ws.store.one(
        "SELECT kind, step, rule FROM cases WHERE person_id = ? AND status NOT IN ('undone', 'overturned')"
        " AND (kind = 'blacklist' OR step IN ('kick', 'blacklist')) ORDER BY id DESC LIMIT 1", (person_id,))
    if row is None:
        return None
    if row["kind"] == "blacklist" or row["step"] == "blacklist":
        return "is blacklisted"
    return f"was removed for breaking a conduct rule ({row['rule'] or 'penalty'})"
