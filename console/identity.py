"""One person's accounts across platforms: link, unlink, undo, and suggestions.

Every platform account (``identities``) belongs to a person; a new account on another
platform starts as a new person. Linking says two people are one: the second (and
everyone already linked to it) is shown as the first, its *root*. Nothing is rewritten:
memberships, messages and orders keep their person ids, and ``person_links`` holds who
is whom (``ended_at`` empty: in force), so an unlink or an undo puts everything back as
it was. Each act is a row of ``identity_link_ops`` (audited too); links record the act
that made them (``op_id``) and the act that ended them (``ended_op_id``), which is what
an undo reverses. Migration ``m012_identity_links`` (docs/schema.md).

Suggestions (DOMAIN.md: one person may be in many groups on several platforms): the same
phone in imported orders, or the same nickname held by exactly two people in groups of
one family (群矩阵; a nickname three people use is too common to say anything). They are
only suggestions: a person links.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

#: SQL for the root of a person id column (a correlated look-up on the partial index)
ROOT = "coalesce((SELECT pl.into_id FROM person_links pl WHERE pl.person_id = {col} AND pl.ended_at IS NULL), {col})"


class LinkError(ValueError):
    """A link, unlink or undo that cannot be done: ``template`` and ``values``, so the
    reason is said in the operator's language (``ws.tr(e.template, **e.values)``)."""

    def __init__(self, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def said(tr, template_and_values: tuple[str, dict[str, Any]]) -> str:
    """Words made here (an undo's outcome, a suggestion's evidence) in the caller's language."""
    template, values = template_and_values
    return tr(template, **values)


def root_sql(col: str) -> str:
    """SQL for the root of ``col``; qualify it (``orders.person_id``), or inside the look-up
    it would name ``person_links.person_id`` and match every link."""
    return ROOT.format(col=col)


def resolve(ws, ref: Any) -> int:
    """A person id from ``123`` / ``#123`` or an account ``platform:platform_user_id``."""
    text = str(ref).strip().lstrip("#")
    if text.isdigit():
        pid = int(text)
        if ws.store.scalar("SELECT id FROM people WHERE id = ?", (pid,)) is None:
            raise LinkError("no person with id {id}", id=pid)
        return pid
    platform, sep, uid = text.partition(":")
    if sep and platform and uid:
        pid = ws.store.scalar("SELECT person_id FROM identities WHERE platform = ? AND platform_user_id = ?",
                              (platform, uid))
        if pid is None:
            raise LinkError("no account {account}", account=text)
        return pid
    raise LinkError("{text}: expected a person id (123) or an account (platform:id, e.g. qq:10001)", text=repr(text))


def root_of(ws, pid: int) -> int:
    return ws.store.scalar(f"SELECT {root_sql('?')}", (pid, pid), pid)


def roots(ws) -> dict[int, int]:
    """Every linked person and their root (the few people in force in ``person_links``)."""
    return {r[0]: r[1] for r in ws.store.execute("SELECT person_id, into_id FROM person_links WHERE ended_at IS NULL")}


def members_of(ws, pid: int) -> list[int]:
    """Everyone shown as ``pid``'s root: the root first, then the linked, by id."""
    root = root_of(ws, pid)
    return [root] + [r[0] for r in ws.store.execute(
        "SELECT person_id FROM person_links WHERE into_id = ? AND ended_at IS NULL ORDER BY person_id", (root,))]


def _name(ws, pid: int) -> str:
    return ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (pid,), "") or f"#{pid}"


def _op(c, ws, kind: str, pid: int, other: int | None, reason: str, actor: str) -> int:
    return c.execute("INSERT INTO identity_link_ops(kind, person_id, other_id, reason, actor, at) VALUES (?,?,?,?,?,?)",
                     (kind, pid, other, reason, actor, ws.now())).lastrowid


def link(ws, a: Any, b: Any, actor: str, reason: str = "by hand") -> int:
    """Make ``b`` (and whoever is linked to it) one person with ``a``; ``a``'s root stays
    the person shown. Returns the act's id (for :func:`undo`)."""
    pa, pb = resolve(ws, a), resolve(ws, b)
    with ws.store.write() as c:
        ra, rb = root_of(ws, pa), root_of(ws, pb)
        if ra == rb:
            raise LinkError("#{a} and #{b} are already one person (#{root})", a=pa, b=pb, root=ra)
        op = _op(c, ws, "link", ra, rb, reason, actor)
        moved = [r[0] for r in c.execute("SELECT person_id FROM person_links WHERE into_id = ? AND ended_at IS NULL",
                                         (rb,))]
        c.execute("UPDATE person_links SET ended_at = ?, ended_op_id = ? WHERE into_id = ? AND ended_at IS NULL",
                  (ws.now(), op, rb))
        c.executemany("INSERT INTO person_links(person_id, into_id, op_id) VALUES (?,?,?)",
                      [(p, ra, op) for p in [rb, *moved]])
        ws.audit("people_linked", "person", ra, {"linked": [rb, *moved], "reason": reason, "op": op}, actor=actor)
    return op


def unlink(ws, ref: Any, actor: str) -> int:
    """Make a linked account a person of its own again. Returns the act's id."""
    pid = resolve(ws, ref)
    with ws.store.write() as c:
        live = ws.store.one("SELECT id, into_id FROM person_links WHERE person_id = ? AND ended_at IS NULL", (pid,))
        if live is None:
            if ws.store.scalar("SELECT 1 FROM person_links WHERE into_id = ? AND ended_at IS NULL", (pid,)):
                raise LinkError("#{id} is the person the others are linked to: unlink one of them instead", id=pid)
            raise LinkError("#{id} is not linked to anyone", id=pid)
        op = _op(c, ws, "unlink", pid, live["into_id"], "", actor)
        c.execute("UPDATE person_links SET ended_at = ?, ended_op_id = ? WHERE id = ?", (ws.now(), op, live["id"]))
        ws.audit("people_unlinked", "person", pid, {"from": live["into_id"], "op": op}, actor=actor)
    return op


def _touched(ws, op: int) -> set[int]:
    return {p for r in ws.store.execute("SELECT person_id, into_id FROM person_links WHERE op_id = ? OR ended_op_id = ?",
                                        (op, op)) for p in r}


def undo(ws, op_id: int | None, actor: str) -> tuple[str, dict[str, Any]]:
    """Undo a link or unlink act (the newest one not undone when ``op_id`` is None);
    returns what it did (template, values: :func:`said`). Refused when a later act, not
    undone, touched the same people: undo that one first."""
    with ws.store.write() as c:
        if op_id is None:
            op_id = ws.store.scalar("SELECT max(id) FROM identity_link_ops WHERE undone_at IS NULL")
            if op_id is None:
                raise LinkError("nothing to undo: no link or unlink")
        op = ws.store.one("SELECT * FROM identity_link_ops WHERE id = ?", (op_id,))
        if op is None:
            raise LinkError("no link or unlink {op}", op=op_id)
        if op["undone_at"] is not None:
            raise LinkError("act {op} was already undone by {who}", op=op_id, who=op["undone_by"])
        mine = _touched(ws, op_id)
        for later in ws.store.query("SELECT id, kind FROM identity_link_ops WHERE id > ? AND undone_at IS NULL"
                                    " ORDER BY id", (op_id,)):
            if _touched(ws, later["id"]) & mine:
                raise LinkError("act {op} changed these people since: undo it first", op=later["id"])
        now = ws.now()
        if op["kind"] == "link":
            c.execute("UPDATE person_links SET ended_at = ?, ended_op_id = ? WHERE op_id = ? AND ended_at IS NULL",
                      (now, op_id, op_id))
        c.execute("UPDATE person_links SET ended_at = NULL, ended_op_id = NULL WHERE ended_op_id = ? AND op_id != ?",
                  (op_id, op_id))
        c.execute("UPDATE identity_link_ops SET undone_at = ?, undone_by = ? WHERE id = ?", (now, actor, op_id))
        ws.audit(f"people_{op['kind']}_undone", "person", op["person_id"], {"op": op_id}, actor=actor)
    if op["kind"] == "link":
        return "{name} (#{id}) is a person of their own again", {"name": _name(ws, op["other_id"]), "id": op["other_id"]}
    return "{name} (#{id}) is linked to #{root} again", {"name": _name(ws, op["person_id"]), "id": op["person_id"],
                                                         "root": op["other_id"]}


def masked(phone: str) -> str:
    """A phone number as a suggestion shows it: the first three and last four digits."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def suggestions(ws, person: int | None = None) -> list[dict[str, Any]]:
    """Pairs of people who may be one, best evidence first: the same phone in orders, then
    the same nickname in groups of one family. Already one person: not suggested. With
    ``person``, only the pairs that include them (their root). ``why`` in English,
    ``evidence`` its parts (template, values) for the operator's language."""
    st = ws.store
    pairs: dict[tuple[int, int], list[tuple[str, dict]]] = defaultdict(list)
    root = root_sql("orders.person_id")
    by_phone: dict[str, set[int]] = defaultdict(set)
    for phone, r in st.execute(f"SELECT phone, {root} FROM orders WHERE phone != '' AND person_id IS NOT NULL"):
        by_phone[phone].add(r)
    for phone, rs in sorted(by_phone.items()):
        for a, b in _pairs(rs):
            pairs[(a, b)].append(("same phone {phone} in orders", {"phone": masked(phone)}))
    by_nick: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for family, nick, r, gname in st.execute(
            f"SELECT g.family, coalesce(nullif(m.group_nickname, ''), p.display_name), {root_sql('m.person_id')},"
            " g.name FROM memberships m JOIN groups g ON g.id = m.group_id JOIN people p ON p.id = m.person_id"
            " WHERE g.family != '' AND p.is_insider = 0"):
        if nick and len(nick.strip()) >= 2:
            by_nick[(family, nick.strip())][r].add(gname)
    for (family, nick), who in sorted(by_nick.items()):
        if len(who) != 2:  # a nickname three people use (Sunny, 小王) says nothing about any two
            continue
        for a, b in _pairs(set(who)):
            groups = ", ".join(sorted(who[a] | who[b]))
            pairs[(a, b)].append(("same nickname {nick} in family {family} ({groups})",
                                  {"nick": nick, "family": family, "groups": groups}))
    want = root_of(ws, person) if person is not None else None
    names = {}
    out = []
    for (a, b), why in sorted(pairs.items(), key=lambda kv: (not kv[1][0][0].startswith("same phone"), kv[0])):
        if want is not None and want not in (a, b):
            continue
        for p in (a, b):
            if p not in names:
                names[p] = _name(ws, p)
        out.append({"a": a, "a_name": names[a], "a_accounts": accounts(ws, a), "b": b, "b_name": names[b],
                    "b_accounts": accounts(ws, b), "why": "; ".join(t.format(**v) for t, v in why), "evidence": why})
    return out


def _pairs(rs: set[int]) -> list[tuple[int, int]]:
    """Each later person paired with the first (the lowest id), so n people make n-1 pairs."""
    ordered = sorted(rs)
    return [(ordered[0], p) for p in ordered[1:]]


def accounts(ws, pid: int) -> str:
    """The accounts of a person and everyone linked to them (``qq:10001 wechat:wx9``)."""
    ids = members_of(ws, pid)
    marks = ",".join("?" * len(ids))
    return " ".join(f"{r[0]}:{r[1]}" for r in ws.store.execute(  # the root's own first
        f"SELECT platform, platform_user_id FROM identities WHERE person_id IN ({marks})"
        " ORDER BY person_id != ?, person_id, id", [*ids, ids[0]]))


def links(ws, pid: int) -> list[dict[str, Any]]:
    """The links in force of ``pid``'s person: who, since when, by whom and why."""
    return ws.store.query(
        "SELECT l.person_id, p.display_name, o.actor, o.at, o.reason, o.id AS op FROM person_links l"
        " JOIN identity_link_ops o ON o.id = l.op_id JOIN people p ON p.id = l.person_id"
        " WHERE l.into_id = ? AND l.ended_at IS NULL ORDER BY l.person_id", (root_of(ws, pid),))
