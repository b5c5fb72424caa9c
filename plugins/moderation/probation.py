"""Newcomer probation (新人观察期).

Spam accounts join and post their ad first thing; a genuine newcomer's first message is
a greeting or a question. So an ad (a hit of an ``ads`` rule: a link, QR code, contact,
promotional keyword) in the *first* message of someone who joined less than
``probation_hours`` ago skips the warning: the message is recalled and the rule's
removal step is taken at once (:func:`plugins.moderation.penalize.penalize_all`).

Newcomers who have not said a word ``probation_silent_days`` after joining are listed
for a person (a list, not a case each: silence breaks no rule).
"""

from __future__ import annotations

from typing import Any

from shequn import Event, messages_of, rows_in


def first_messages_on_probation(ws, due: list[tuple[Any, Event, dict[str, Any]]], events, settings) -> set[int]:
    """``id()`` of the ads hits in ``due`` that are a newcomer's first message in that group.

    The engine counts a batch's messages before the plugins run, so a member's earlier
    messages are their stored count minus those of this batch, plus their place in it."""
    hours = settings.probation_hours
    cands = [e for h, e, _ in due if h.rule.kind == "ads" and not h.rule.dry_run]
    if hours <= 0 or not cands:
        return set()
    pairs = {(e.group_id, e.person_id) for e in cands}
    stored: dict[tuple[int, int], tuple[int | None, int]] = {}
    for g, p, joined, count in rows_in(ws.store, "SELECT group_id, person_id, joined_at, message_count FROM memberships"
                                                 " WHERE status = 'member' AND person_id IN ({marks})",
                                       sorted({p for _, p in pairs})):
        if (g, p) in pairs:
            stored[(g, p)] = (joined, count)
    in_batch: dict[tuple[int, int], int] = {}
    place: dict[int, int] = {}
    people = {p for _, p in pairs}  # a set of ids, so most of the batch is passed over without a key
    for m in messages_of(events):
        if m.person_id not in people:
            continue
        key = (m.group_id, m.person_id)
        if key in pairs:
            place[id(m)] = in_batch.get(key, 0)
            in_batch[key] = place[id(m)] + 1
    out = set()
    for e in cands:
        key = (e.group_id, e.person_id)
        joined, count = stored.get(key, (None, 0))
        if joined is None or e.ts - joined >= hours * 3600 or e.ts < joined:
            continue
        if count - in_batch.get(key, 0) + place.get(id(e), 0) == 0:
            out.add(id(e))
    return out


def silent_newcomers(ws, limit: int = 50, offset: int = 0, *, group_id: int | None = None,
                     days: int | None = None) -> dict[str, Any]:
    """Members who joined between 2N and N days ago (N = ``probation_silent_days``) and have
    not spoken since: ``{total, offset, rows}``, newest joins first. Insiders are left out.
    Each newcomer is listed for N days, then leaves the list (the 20/80 rule makes most
    long-standing members quiet; only the fresh silence is worth a look)."""
    if days is None:
        from .settings import settings_of

        days = settings_of(ws).probation_silent_days
    if days <= 0:
        return {"total": 0, "offset": offset, "rows": [], "days": 0}
    now = ws.now()
    where = ("m.status = 'member' AND m.joined_at <= ? AND m.joined_at > ? AND m.message_count = 0"
             " AND p.is_insider = 0")
    args: list[Any] = [now - days * 86400, now - 2 * days * 86400]
    if group_id is not None:
        where += " AND m.group_id = ?"
        args.append(group_id)
    frm = " FROM memberships m JOIN people p ON p.id = m.person_id LEFT JOIN groups g ON g.id = m.group_id"
    total = ws.store.scalar(f"SELECT count(*){frm} WHERE {where}", tuple(args), 0)
    rows = ws.store.query(
        f"SELECT m.group_id, g.name AS group_name, m.person_id, p.display_name AS person, m.joined_at,"
        f" m.join_scene{frm} WHERE {where} ORDER BY m.joined_at DESC, m.id DESC LIMIT ? OFFSET ?",
        (*args, int(limit), int(offset)))
    for r in rows:
        r["silent_days"] = (now - r["joined_at"]) // 86400
    return {"total": total, "offset": offset, "rows": rows, "days": days}
