"""What Members and a person's profile read: people a page at a time, and one person whole.

Labels (a segment, tags) come through ``console.labels``, the host API: core tags and
whatever plugins register with ``register_labels`` (the kpi plugin's segment lives in its
own table, which no screen reads). Moved out of ``queries`` so the people screens' reads
sit together.
"""

from __future__ import annotations

from typing import Any

from ..identity import links, members_of, roots
from ..labels import Label, labels, one
from ..labels import find as find_by_label
from ..workspace import Workspace


class MembersSource:
    """People, one page at a time, optionally searched by name, nickname, platform id or tag.

    Without a search the page is a rowid range scan (LIMIT/OFFSET on the primary key).
    A search builds the matching id list once (in the worker) and pages over it, so a
    page-down after a search costs one ``IN (...)`` of 100 ids, not a second scan. A
    search ``NAME`` or ``NAME:VALUE`` also asks the label source registered as NAME
    (``segment:loyal``). A person linked to another (console/identity.py) is not a row
    of their own: their root's row shows every account, and a search that finds the
    linked account finds the root."""

    def __init__(self, ws: Workspace, search: str = ""):
        self.ws = ws
        self.search = search.strip()
        self._ids: list[int] | None = None

    def _match(self) -> list[int]:
        if self._ids is None:
            q = self.search
            like = f"%{q}%"
            sql = ("SELECT id FROM people WHERE display_name LIKE ?1"
                   " UNION SELECT person_id FROM identities WHERE nickname LIKE ?1 OR platform_user_id = ?2"
                   " UNION SELECT person_id FROM tags WHERE tag = ?2 OR tag || ':' || value = ?2"
                   " UNION SELECT person_id FROM memberships WHERE group_nickname LIKE ?1"
                   " ORDER BY 1 LIMIT 100000")
            if q.isdigit():
                sql = sql.replace("ORDER BY 1", "UNION SELECT id FROM people WHERE id = ?3 ORDER BY 1")
                params: tuple = (like, q, int(q))
            else:
                params = (like, q)
            ids = [r[0] for r in self.ws.store.execute(sql, params).fetchall()]
            extra = find_by_label(self.ws, q)
            link = roots(self.ws)
            self._ids = sorted({link.get(i, i) for i in [*ids, *extra]}) if extra or link else ids
        return self._ids

    def count(self) -> int:
        if self.search:
            return len(self._match())
        return self.ws.store.scalar("SELECT (SELECT count(*) FROM people) - (SELECT count(*) FROM person_links"
                                    " WHERE ended_at IS NULL)", (), 0)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self.search:
            ids = self._match()[offset:offset + limit]
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            base = self.ws.store.query(f"SELECT id, display_name AS name, city, is_insider FROM people"
                                       f" WHERE id IN ({marks}) ORDER BY id", ids)
        elif self.ws.store.scalar("SELECT 1 FROM person_links WHERE ended_at IS NULL LIMIT 1") is None:
            base = self.ws.store.query("SELECT id, display_name AS name, city, is_insider FROM people"
                                       " ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        else:  # linked accounts are shown in their root's row
            base = self.ws.store.query("SELECT id, display_name AS name, city, is_insider FROM people WHERE NOT EXISTS"
                                       " (SELECT 1 FROM person_links l WHERE l.person_id = people.id AND"
                                       " l.ended_at IS NULL) ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        return decorate_people(self.ws, base)


def decorate_people(ws: Workspace, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add identities, group count and segment to one page of people (indexed queries,
    and one read per label source)."""
    if not base:
        return base
    link = roots(ws)  # the few linked accounts, each read into its root's row
    ids = [r["id"] for r in base]
    ids += [p for p, r in link.items() if r in set(ids)]
    marks = ",".join("?" * len(ids))
    idents: dict[int, list[str]] = {}
    for r in ws.store.query(f"SELECT person_id, platform, platform_user_id, nickname FROM identities"
                            f" WHERE person_id IN ({marks}) ORDER BY person_id, id", ids):
        idents.setdefault(link.get(r["person_id"], r["person_id"]), []).append(f"{r['platform']}:{r['platform_user_id']}")
    groups_n: dict[int, int] = {}
    for r in ws.store.query(f"SELECT person_id, count(*) AS n FROM memberships WHERE person_id IN ({marks})"
                            f" AND status = 'member' GROUP BY person_id", ids):
        root = link.get(r["person_id"], r["person_id"])
        groups_n[root] = groups_n.get(root, 0) + r["n"]
    labs = labels(ws, ids)
    for r in base:
        seg = one(labs.get(r["id"], []), "segment")
        r["identities"] = " ".join(idents.get(r["id"], []))
        r["groups"] = groups_n.get(r["id"], 0)
        r["segment"] = seg.value if seg else ""
    return base


def profile(ws: Workspace, person_id: int) -> dict[str, Any]:
    """One person whole: a linked account opens as its root, with every account's
    identities, groups, orders and cases, and the links (who linked them and why)."""
    s = ws.store
    asked = person_id
    ids = members_of(ws, person_id) if s.scalar("SELECT id FROM people WHERE id = ?", (person_id,)) else [person_id]
    person_id = ids[0]
    marks = ",".join("?" * len(ids))
    p = s.one("SELECT * FROM people WHERE id = ?", (person_id,)) or {}
    referrer = s.one("SELECT id, display_name FROM people WHERE id = ?", (p.get("referred_by"),)) if p.get(
        "referred_by") else None
    upline = s.one("SELECT id, display_name FROM people WHERE id = ?", (referrer and s.scalar(
        "SELECT referred_by FROM people WHERE id = ?", (referrer["id"],)),)) if referrer else None
    invited = s.query("SELECT id, display_name, (SELECT count(*) FROM people q WHERE q.referred_by = c.id) AS invited"
                      " FROM people c WHERE referred_by = ? ORDER BY id LIMIT 50", (person_id,))
    found: list[Label] = labels(ws, [person_id]).get(person_id, []) if p else []
    return {
        "person": p,
        "asked": asked,
        "links": links(ws, person_id) if len(ids) > 1 else [],
        "identities": s.query(f"SELECT person_id, platform, platform_user_id, nickname FROM identities"
                              f" WHERE person_id IN ({marks}) ORDER BY person_id, id", ids),
        "groups": s.query("SELECT m.group_id, g.name, g.type, m.status, m.group_nickname, m.platform_role, m.joined_at,"
                          " m.left_at, m.leave_reason, m.message_count FROM memberships m JOIN groups g ON"
                          f" g.id = m.group_id WHERE m.person_id IN ({marks}) ORDER BY m.status, g.name", ids),
        "roles": s.query("SELECT r.role, r.group_id, g.name FROM roles r LEFT JOIN groups g ON g.id = r.group_id"
                         " WHERE r.person_id = ?", (person_id,)),
        "tags": [lab for lab in found if lab.name != "segment"],
        "segment": one(found, "segment"),
        "orders": s.query(f"SELECT order_id, amount, ordered_at, product, source FROM orders WHERE person_id IN ({marks})"
                          " ORDER BY ordered_at DESC LIMIT 20", ids),
        "cases": s.query("SELECT c.id, c.rule, c.step, c.status, c.opened_at, g.name AS group_name FROM cases c"
                         f" LEFT JOIN groups g ON g.id = c.group_id WHERE c.person_id IN ({marks}) ORDER BY c.id DESC"
                         " LIMIT 20", ids),
        "referrer": referrer,
        "upline": upline,
        "invited": invited,
    }
