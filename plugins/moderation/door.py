"""The door check (入群前核查) and the operation's blacklist by hand (全局黑名单).

Before entry_rules admits anyone (moderation's ``decide_join_request`` is ``tryfirst``),
the applicant's record in the whole operation is read: an active blacklist entry, or a
standing penalty case (not overturned or undone, not a dry run) opened in any group within
``door_days``. Each is answered as configured (``door_blacklist``, ``door_recent``).

Why ``reject`` is the default for a recent case too: the case is the operation's own
judgement of this person days ago, made by a rule whose precision is measured (and below
the bar its cases wait for a person anyway); holding would hand a person the same
decision again, one queue item per application, for a spammer who applies to many groups.
A wrong case is put right where it was made: undoing it lets the person in next time.
"""

from __future__ import annotations

from typing import Any

from shequn import Decision, Proposal
from shequn.people import for_members

from .i18n import tr
from .scope import blacklist_entry, groups_in_scope, member_groups


def door_check(ws, person_id: int, group_id: int, settings) -> Decision | None:
    """The door check's answer for a join request, or None to let entry_rules decide.

    A rejection's reason is what the applicant reads, so it is in their group's language
    (``[members]``); a hold's is the person's, in the console's."""
    entry = blacklist_entry(ws, person_id, group_id)
    if entry is not None:
        return Decision(settings.door_blacklist, tr(_words(ws, group_id, settings.door_blacklist),
                                                    "This group is not open to you."), rule="blacklist")
    if settings.door_days <= 0:
        return None
    case = ws.store.one(
        "SELECT id, rule, step, group_id FROM cases WHERE person_id = ? AND kind = 'penalty'"
        " AND status NOT IN ('undone', 'overturned') AND coalesce(step, '') NOT IN ('review', 'report')"  # no penalty
        " AND opened_at >= ? ORDER BY id DESC LIMIT 1",
        (person_id, ws.now() - settings.door_days * 86400))
    if case is None:
        return None
    return Decision(settings.door_recent, tr(_words(ws, group_id, settings.door_recent),
                                             "Your request could not be accepted because of a recent breach of "
                                             "the group rules."), rule="door_check")


def _words(ws, group_id: int, verdict: str):
    """Who reads the reason: the applicant (a rejection, in the group's language) or the person."""
    if verdict != "reject":
        return ws
    return for_members(ws, ws.store.one("SELECT * FROM groups WHERE id = ?", (group_id,)))


def add_to_blacklist(ws, person_id: int, reason: str, *, scope: str = "all", actor: str | None = None) -> dict[str, Any]:
    """Blacklist a person by hand: ``scope`` is ``all`` (the operation), ``family:NAME`` or
    ``group:ID``. Opens a ``blacklist`` case (so one undo can reverse it) and removes them
    from the groups in scope they are in now. Returns the blacklist row with ``kicks``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("reason: a blacklist entry needs a reason (who reads it later must know why)")
    if ws.store.scalar("SELECT 1 FROM people WHERE id = ?", (person_id,)) is None:
        raise ValueError(f"person: no person with id {person_id} (see `shequn people`)")
    stype, _, svalue = scope.partition(":")
    if stype not in ("all", "family", "group") or (stype != "all" and not svalue) or (stype == "all" and svalue):
        raise ValueError(f"scope: {scope!r}; expected all, family:NAME or group:ID")
    if stype == "group" and (not svalue.isdigit() or ws.store.scalar("SELECT 1 FROM groups WHERE id = ?",
                                                                       (int(svalue),)) is None):
        raise ValueError(f"scope: {scope!r} names no group; expected group:ID of an existing group")
    if ws.store.scalar("SELECT 1 FROM blacklist WHERE person_id = ? AND scope_type = ? AND scope_value = ?"
                       " AND removed_at IS NULL", (person_id, stype, svalue)):
        raise ValueError(f"person {person_id} is already on the blacklist ({scope})")
    actor = actor or f"operator:{ws.operator}"
    now = ws.now()
    targets = member_groups(ws, person_id, groups_in_scope(ws, stype, svalue))
    with ws.store.write() as c:
        case_id = c.execute("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at,"
                            " note) VALUES ('blacklist', NULL, ?, ?, ?, 'blacklist', '{}', 'reviewed', ?, ?)",
                            (targets[0] if targets else None, person_id, actor, now, reason)).lastrowid
        bid = c.execute("INSERT INTO blacklist(person_id, scope_type, scope_value, case_id, reason, added_by, added_at)"
                        " VALUES (?,?,?,?,?,?,?)", (person_id, stype, svalue, case_id, reason, actor, now)).lastrowid
        props = [Proposal(kind="kick", reason=f"blacklisted: {reason}", group_id=gid, person_id=person_id,
                          params={"reject_add_request": True}, case_id=case_id, evidence=f"blacklist:{bid}")
                 for gid in targets]
        ids = ws.enqueue(props, actor) if props else []
        from .penalize import link_actions

        link_actions(ws, c, case_id, "penalty", [("kick", g) for g in targets], ids)
        c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, note, created_at) VALUES (?,?,?,?,?,?)",
                  (case_id, "penalty", "blacklist", targets[0] if targets else None, f"{stype}:{svalue}", now))
        ws.audit("blacklist_added", "person", person_id, {"scope": scope, "reason": reason, "case_id": case_id,
                                                          "kicks": len(ids)}, actor=actor)
    row = ws.store.one("SELECT * FROM blacklist WHERE id = ?", (bid,))
    row["kicks"] = len(ids)
    return row


def remove_from_blacklist(ws, entry_id: int, actor: str | None = None, note: str = "") -> dict[str, Any]:
    """Take one blacklist entry off (the row stays, with who and when). The person is not
    invited back: to reverse what the entry did, undo its case instead."""
    row = ws.store.one("SELECT * FROM blacklist WHERE id = ?", (entry_id,))
    if row is None:
        raise ValueError(f"no blacklist entry {entry_id} (see `shequn blacklist list`)")
    if row["removed_at"] is not None:
        raise ValueError(f"blacklist entry {entry_id} was already removed by {row['removed_by']}")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("UPDATE blacklist SET removed_at = ?, removed_by = ? WHERE id = ?", (ws.now(), actor, entry_id))
        ws.audit("blacklist_removed", "person", row["person_id"], {"entry": entry_id, "note": note}, actor=actor)
    return ws.store.one("SELECT * FROM blacklist WHERE id = ?", (entry_id,))


def blacklist_page(ws, limit: int = 50, offset: int = 0, *, active: bool = True) -> dict[str, Any]:
    """The blacklist, newest first, one page and the true total: who, scope, reason, who added it and when."""
    where = " WHERE b.removed_at IS NULL" if active else ""
    total = ws.store.scalar(f"SELECT count(*) FROM blacklist b{where}", (), 0)
    rows = ws.store.query(
        "SELECT b.id, b.person_id, p.display_name AS person, b.scope_type, b.scope_value, b.reason, b.added_by,"
        f" b.added_at, b.removed_by, b.removed_at, b.case_id FROM blacklist b LEFT JOIN people p ON p.id = b.person_id"
        f"{where} ORDER BY b.id DESC LIMIT ? OFFSET ?", (int(limit), int(offset)))
    for r in rows:
        r["scope"] = r["scope_type"] + (f":{r['scope_value']}" if r["scope_value"] else "")
    return {"total": total, "offset": offset, "rows": rows}
