"""A person reports a message the rules missed (举报): the operation's own record that this
text was an ad, a scam or abuse, and the second opinion's best teacher.

A rule's confirmed cases only teach the second opinion what the rule already catches; a
report teaches it what the rule lacks (on public offensive-language data, the model learned
from the lexicon's catches alone raised held-out abuse recall by 6 points; learned as if
every miss had been reported, by 53). A report is a case opened by the person (actor
``operator:NAME``, step ``report``, already ``reviewed``: nobody needs to look again) with
the message as evidence and the kind in ``reported``. It takes no action on the platform
(a penalty is the rule's or a person's separate decision) and, being no penalty, neither
counts on a ladder nor turns the member away at the door.
"""

from __future__ import annotations

import json
from typing import Any

from .penalize import evidence_of_row
from .second_opinion import KINDS


def find_message(ws, ref: str) -> dict[str, Any]:
    """A message by its row id (``123``) or as ``CONNECTION:PLATFORM_MSG_ID``; ValueError
    saying which form was not found."""
    ref = (ref or "").strip()
    if ref.isdigit():
        row = ws.store.one("SELECT * FROM messages WHERE id = ?", (int(ref),))
    else:
        conn, sep, mid = ref.partition(":")
        if not sep or not conn or not mid:
            raise ValueError(f"message {ref!r}: expected a message id (123) or CONNECTION:PLATFORM_MESSAGE_ID")
        row = ws.store.one("SELECT * FROM messages WHERE connection_id = ? AND platform_msg_id = ?", (conn, mid))
    if row is None:
        raise ValueError(f"message {ref!r}: no such message in this workspace")
    return row


def report_message(ws, ref: str, kind: str, note: str = "", actor: str | None = None) -> dict[str, Any]:
    """Record that a message was ``kind`` (ads, scam or abuse). Returns the case row. A
    message already reported, or with a rule's case that stands, is refused: it is known."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    m = find_message(ws, ref)
    if not (m["text"] or "").strip():
        raise ValueError(f"message {ref!r} has no text left (retention blanked it, or it was an image)")
    for c in ws.store.query("SELECT id, rule, status, evidence FROM cases WHERE person_id IS ? AND group_id IS ?"
                            " AND evidence LIKE ?", (m["person_id"], m["group_id"], f"%{m['platform_msg_id']}%")):
        ev = json.loads(c["evidence"] or "{}")
        if (ev.get("message_id") == m["platform_msg_id"] and ev.get("connection") == m["connection_id"]
                and c["status"] not in ("undone", "overturned")):
            raise ValueError(f"message {ref!r} already has case {c['id']} ({c['rule'] or 'report'}, {c['status']})")
    actor = actor or f"operator:{ws.operator}"
    group = ws.store.one("SELECT name FROM groups WHERE id = ?", (m["group_id"],))
    nick = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (m["person_id"],), None)
    evidence = evidence_of_row(m, group, nick, "reported", reported=kind)
    now = ws.now()
    with ws.store.write() as c:
        cid = c.execute("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at,"
                        " closed_at, note) VALUES ('penalty', NULL, ?, ?, ?, 'report', ?, 'reviewed', ?, ?, ?)",
                        (m["group_id"], m["person_id"], actor, json.dumps(evidence, ensure_ascii=False), now, now,
                         note)).lastrowid
        ws.audit("message_reported", "case", cid, {"kind": kind, "message": m["id"], "note": note} if note
                 else {"kind": kind, "message": m["id"]}, actor=actor)
    return ws.store.one("SELECT * FROM cases WHERE id = ?", (cid,))
