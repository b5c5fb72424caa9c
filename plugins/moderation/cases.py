"""Cases: the review queue, the detail of one case, undo in one step, and notes.

Plain functions taking the workspace: the console's screens and the CLI call them.
"""

from __future__ import annotations

import json
from typing import Any

from console.model import Capability, Proposal

from .i18n import tr

CASE_KINDS = ("penalty", "blacklist", "dry_run")


def list_cases(ws, status: str | None = None, limit: int = 100, *, kind: str | None = "penalty",
               group_id: int | None = None, person_id: int | None = None, rule: str | None = None) -> list[dict[str, Any]]:
    """Cases newest first. ``status='open'`` is the review queue; ``kind=None`` includes
    dry-run ("would have") cases."""
    where, args = ["c.kind IN ('penalty', 'blacklist', 'dry_run')"], []
    for col, val in (("c.status", status), ("c.kind", kind), ("c.group_id", group_id), ("c.person_id", person_id),
                     ("c.rule", rule)):
        if val is not None:
            where.append(f"{col} = ?")
            args.append(val)
    rows = ws.store.query(
        "SELECT c.id, c.kind, c.rule, c.step, c.status, c.actor, c.opened_at, c.closed_at, c.group_id, c.person_id,"
        " g.name AS group_name, p.display_name AS person, c.evidence,"
        " (SELECT count(DISTINCT group_id) FROM case_actions a WHERE a.case_id = c.id) AS groups_touched"
        f" FROM cases c LEFT JOIN groups g ON g.id = c.group_id LEFT JOIN people p ON p.id = c.person_id"
        f" WHERE {' AND '.join(where)} ORDER BY c.id DESC LIMIT ?", (*args, int(limit)))
    for r in rows:
        ev = json.loads(r.pop("evidence") or "{}")
        r["category"] = ev.get("category", "")
        r["text"] = ev.get("text") or ""
    return rows


def case_detail(ws, case_id: int) -> dict[str, Any]:
    """One case: the row, its evidence, every action and task it caused (penalty and undo), its notes."""
    c = ws.store.one("SELECT c.*, g.name AS group_name, p.display_name AS person FROM cases c"
                     " LEFT JOIN groups g ON g.id = c.group_id LEFT JOIN people p ON p.id = c.person_id"
                     " WHERE c.id = ?", (case_id,))
    if c is None:
        raise ValueError(f"no case {case_id}")
    c["evidence"] = json.loads(c["evidence"] or "{}")
    c["actions"] = ws.store.query(
        "SELECT ca.purpose, ca.kind, ca.group_id, g.name AS group_name, g.platform, ca.action_id, a.status AS action_status,"
        " a.last_error, ca.task_id, t.status AS task_status, t.title AS task_title, ca.note, ca.created_at"
        " FROM case_actions ca LEFT JOIN groups g ON g.id = ca.group_id LEFT JOIN actions a ON a.id = ca.action_id"
        " LEFT JOIN tasks t ON t.id = ca.task_id WHERE ca.case_id = ? ORDER BY ca.id", (case_id,))
    c["notes"] = ws.store.query("SELECT kind, text, author, created_at FROM case_notes WHERE case_id = ? ORDER BY id",
                                (case_id,))
    c["blacklist"] = ws.store.query("SELECT scope_type, scope_value, added_at, removed_at, removed_by FROM blacklist"
                                    " WHERE case_id = ? ORDER BY id", (case_id,))
    c["groups_touched"] = sorted({a["group_id"] for a in c["actions"] if a["group_id"] is not None})
    return c


def add_note(ws, case_id: int, text: str, actor: str | None = None, *, appeal: bool = False) -> dict[str, Any]:
    """A note on a case; ``appeal=True`` records the member's appeal and marks an open case appealed."""
    text = (text or "").strip()
    if not text:
        raise ValueError("a note needs text")
    case = ws.store.one("SELECT id, status FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise ValueError(f"no case {case_id}")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "appeal" if appeal else "note", text, actor, ws.now()))
        if appeal and case["status"] in ("open", "reviewed"):
            c.execute("UPDATE cases SET status = 'appealed' WHERE id = ?", (case_id,))
        ws.audit("case_appeal" if appeal else "case_note", "case", case_id, {"text": text}, actor=actor)
    return case_detail(ws, case_id)


def review_case(ws, case_id: int, actor: str | None = None, note: str = "") -> dict[str, Any]:
    """Confirm a case after looking at it: it leaves the review queue."""
    case = ws.store.one("SELECT id, status FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise ValueError(f"no case {case_id}")
    if case["status"] == "undone":
        raise ValueError(f"case {case_id} was undone; there is nothing to confirm")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("UPDATE cases SET status = 'reviewed' WHERE id = ?", (case_id,))
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "review", note or "confirmed", actor, ws.now()))
        ws.audit("case_reviewed", "case", case_id, {"note": note} if note else None, actor=actor)
    return case_detail(ws, case_id)


def undo_case(ws, case_id: int, actor: str | None = None, note: str = "") -> dict[str, Any]:
    """Undo everything a case did, in every group it touched, in one transaction.

    Pending penalty actions are cancelled; done ones are reversed: a mute is lifted, a
    kick is answered with an invite where the platform can invite, otherwise with a task
    for the group's owner to re-admit the member by hand; the blacklist entry is removed.
    A warning and a recall cannot be taken back (the evidence keeps the message). Returns
    what was done, in words and ids."""
    case = ws.store.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise ValueError(f"no case {case_id}")
    if case["status"] == "undone":
        raise ValueError(f"case {case_id} is already undone")
    if case["kind"] == "dry_run":
        raise ValueError(f"case {case_id} is a dry-run record: nothing was done, so there is nothing to undo")
    actor = actor or f"operator:{ws.operator}"
    now = ws.now()
    person = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (case["person_id"],), "") or str(case["person_id"])
    done: list[str] = []
    with ws.store.write() as c:
        rows = ws.store.query(
            "SELECT ca.*, a.status AS action_status, a.kind AS action_kind, g.name AS group_name FROM case_actions ca"
            " LEFT JOIN actions a ON a.id = ca.action_id LEFT JOIN groups g ON g.id = ca.group_id"
            " WHERE ca.case_id = ? AND ca.purpose = 'penalty' ORDER BY ca.id", (case_id,))
        undo: list[tuple[tuple[str, int | None], Proposal]] = []
        tasks: list[tuple[str, int | None, int]] = []
        for r in rows:
            akind, st, gid, gname = r["action_kind"], r["action_status"], r["group_id"], r["group_name"] or str(r["group_id"])
            if r["action_id"] is None:
                continue  # the blacklist row itself: handled below
            if st == "pending":
                c.execute("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?",
                          (f"cancelled: case {case_id} undone", now, r["action_id"]))
                done.append(f"cancelled pending {akind} in {gname}")
                continue
            if st == "unsupported" and r["task_id"]:
                tstatus = ws.store.scalar("SELECT status FROM tasks WHERE id = ?", (r["task_id"],))
                if tstatus == "open":
                    c.execute("UPDATE tasks SET status = 'dismissed', done_at = ? WHERE id = ?", (now, r["task_id"]))
                    done.append(f"dismissed the open task to {akind} by hand in {gname}")
                    continue
            if st not in ("done", "running", "unsupported"):
                continue  # failed / cancelled / dry_run: nothing happened on the platform
            if akind == "mute":
                if Capability.MUTE in ws.group_capabilities(gid):
                    undo.append((("unmute", gid), _undo_prop("unmute", case, gid, {"duration": 0})))
                    done.append(f"unmute in {gname}")
                else:
                    tasks.append((tr(ws, "Lift the mute of {person} in {group}", person=person, group=gname), gid, 0))
            elif akind == "kick":
                if Capability.INVITE in ws.group_capabilities(gid):
                    undo.append((("invite", gid), _undo_prop("invite", case, gid, {})))
                    done.append(f"invite back to {gname}")
                else:
                    tasks.append((tr(ws, "Re-admit {person} to {group}", person=person, group=gname), gid, 1))
            elif akind in ("send", "recall"):
                done.append(f"{'the warning' if akind == 'send' else 'the recalled message'} in {gname} cannot be taken back")
        ids = ws.enqueue([p for _, p in undo], actor) if undo else []
        for ((kind, gid), _), aid in zip(undo, ids):
            c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, action_id, created_at)"
                      " VALUES (?,?,?,?,?,?)", (case_id, "undo", kind, gid, aid, now))
        for title, gid, readmit in tasks:
            detail = tr(ws, "Case {case} was undone; the platform cannot invite, so please bring them back by hand.",
                        case=case_id) if readmit else title
            tid = ws.add_task("readmit" if readmit else "do_by_hand", title, detail=detail, group_id=gid,
                              person_id=case["person_id"], source="plugin:moderation",
                              dedupe_key=f"undo:{case_id}:{gid}:{'readmit' if readmit else 'unmute'}")
            c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, task_id, created_at)"
                      " VALUES (?,?,?,?,?,?)", (case_id, "undo", "readmit_task" if readmit else "unmute_task", gid, tid, now))
            done.append(f"task for the owner: {title}")
        cur = c.execute("UPDATE blacklist SET removed_at = ?, removed_by = ? WHERE case_id = ? AND removed_at IS NULL",
                        (now, actor, case_id))
        if cur.rowcount:
            done.append("removed from the blacklist")
        c.execute("UPDATE cases SET status = 'undone', closed_at = ? WHERE id = ?", (now, case_id))
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "undo", note or "; ".join(done) or "undone", actor, now))
        ws.audit("case_undone", "case", case_id, {"done": done, "note": note}, actor=actor)
    out = case_detail(ws, case_id)
    out["undo"] = done
    return out


def _undo_prop(kind: str, case: dict[str, Any], gid: int, params: dict[str, Any]) -> Proposal:
    return Proposal(kind=kind, reason=f"undo case {case['id']} ({case['rule'] or case['kind']})", group_id=gid,
                    person_id=case["person_id"], params=params, rule=case["rule"], case_id=case["id"],
                    evidence=f"case:{case['id']}:undo")


def blacklist_rows(ws, active: bool = True) -> list[dict[str, Any]]:
    """The blacklist (for the console): who, where, why, from which case."""
    return ws.store.query(
        "SELECT b.*, p.display_name AS person FROM blacklist b LEFT JOIN people p ON p.id = b.person_id"
        + (" WHERE b.removed_at IS NULL" if active else "") + " ORDER BY b.id DESC")


def readmit_task_after_failed_invite(ws, action: dict[str, Any], message: str) -> int | None:
    gid, pid, case_id = action["group_id"], action["person_id"], action["case_id"]
    person = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (pid,), "") or str(pid)
    group = ws.store.scalar("SELECT name FROM groups WHERE id = ?", (gid,), "") or str(gid)
    title = tr(ws, "Re-admit {person} to {group}", person=person, group=group)
    with ws.store.write() as c:
        tid = ws.add_task("readmit", title, detail=f"case {case_id} was undone but the invite failed: {message}",
                          group_id=gid, person_id=pid, source="plugin:moderation",
                          dedupe_key=f"undo:{case_id}:{gid}:readmit")
        c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, task_id, note, created_at)"
                  " VALUES (?,?,?,?,?,?,?)", (case_id, "undo", "readmit_task", gid, tid, f"invite failed: {message}",
                                              ws.now()))
    return tid
