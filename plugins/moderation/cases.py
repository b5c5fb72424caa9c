"""Cases: the review queue, the detail of one case, undo in one step, and notes.

Plain functions taking the workspace: the console's screens and the CLI call them.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import Capability, Proposal
from shequn.queues import Segment, Stacked

from .i18n import tr

CASE_KINDS = ("penalty", "blacklist", "dry_run")


#: the review queue: what waits for a person
QUEUE = ("open", "appealed")
#: a case's place in the queue: appeals, then removals, then the rest, then audit samples.
#: The index ``moderation_cases_queue`` (schema.py, m002) is on this very expression: SQLite
#: uses an index on an expression only where the query repeats it, so change both together.
PRIORITY = ("CASE WHEN status = 'appealed' THEN 0 WHEN step IN ('kick', 'blacklist') THEN 1"
            " WHEN audit = 1 THEN 3 ELSE 2 END")
#: the queue's classes in order, each (status, priority): one range of that index apiece
_CLASSES = {"queue": (("appealed", 0), ("open", 1), ("open", 2), ("open", 3)),
            "open": (("open", 1), ("open", 2), ("open", 3))}
_SELECT = ("x.id, x.kind, x.rule, x.step, x.status, x.audit, x.actor, x.opened_at, x.closed_at, x.group_id,"
           " x.person_id, g.name AS group_name, p.display_name AS person, x.evidence,"
           " (SELECT count(DISTINCT group_id) FROM case_actions a WHERE a.case_id = x.id) AS groups_touched")


def _where(ws, status, kind, group_id, person_id, rule, max_age_days) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if kind is None:
        where.append("x.kind IN ('penalty', 'blacklist', 'dry_run')")
    else:
        where.append("x.kind = ?")
        args.append(kind)
    if status is not None and status not in _CLASSES:  # the classes name their own status
        where.append("x.status = ?")
        args.append(status)
    for col, val in (("x.group_id", group_id), ("x.person_id", person_id), ("x.rule", rule)):
        if val is not None:
            where.append(f"{col} = ?")
            args.append(val)
    if max_age_days is not None:
        where.append("x.opened_at >= ?")
        args.append(ws.now() - int(max_age_days * 86400))
    return where, args


def _shape(r: dict[str, Any]) -> dict[str, Any]:
    """A page's row as list_cases has always returned it: the evidence read down to its
    category and text."""
    ev = json.loads(r.pop("evidence") or "{}")
    r["category"] = ev.get("category", "")
    r["text"] = ev.get("text") or ""
    return r


def case_stack(ws, status: str | None = None, *, kind: str | None = "penalty", group_id: int | None = None,
               person_id: int | None = None, rule: str | None = None, max_age_days: float | None = None) -> Stacked:
    """The cases as segments stacked in the order a person takes them (a count and pages).

    The review queue (``status`` 'queue' or 'open') is one segment per priority class, each
    a range of the ``moderation_cases_queue`` index (status, priority, opened_at, id, kind, rule)
    read newest first: a page and every count walk only index entries and only the page's
    cases are joined to their group, person and evidence, so no page sorts the queue. Any
    other listing is one segment, newest first."""
    where, args = _where(ws, status, kind, group_id, person_id, rule, max_age_days)
    joins = "LEFT JOIN people p ON p.id = x.person_id"
    if status not in _CLASSES:
        return Stacked([Segment(ws, "case", "cases", " AND ".join(where), args, "x.id DESC", _SELECT, _shape, joins)])
    segs = []
    for st, prio in _CLASSES[status]:
        w = ["x.status = ?", f"({PRIORITY}) = ?", *where]
        segs.append(Segment(ws, "case", "cases", " AND ".join(w), [st, prio, *args],
                            "x.opened_at DESC, x.id DESC", _SELECT, _shape, joins))
    return Stacked(segs)


def list_cases(ws, status: str | None = None, limit: int = 50, offset: int = 0, *, kind: str | None = "penalty",
               group_id: int | None = None, person_id: int | None = None, rule: str | None = None,
               max_age_days: float | None = None) -> dict[str, Any]:
    """One page of cases and the true count: ``{"total", "offset", "rows"}``.

    ``status='queue'`` is the review queue (open and appealed), in the order a person should
    take it: appeals, then removals, then the rest, audit samples last, newest first in each
    (the newest are the live ones). Any other listing is newest first. ``kind=None``
    includes dry-run ("would have") and blacklist cases; ``max_age_days`` keeps recent ones."""
    stack = case_stack(ws, status, kind=kind, group_id=group_id, person_id=person_id, rule=rule,
                       max_age_days=max_age_days)
    total = stack.count()
    offset = max(0, int(offset))
    return {"total": total, "offset": offset, "rows": stack.rows(offset, max(0, int(limit)))}


class CaseSource:
    """The cases as a page source for the console's table (count and one page at a time:
    both run in a thread worker, so the whole queue is reachable without loading it). Pages
    follow the class counts of the last ``count()``, as the host's queues do."""

    def __init__(self, ws, status: str | None, **filters: Any):
        self.ws, self.status, self.filters = ws, status, filters
        self._stack = None

    def count(self) -> int:
        self._stack = case_stack(self.ws, self.status, **self.filters)
        return self._stack.count()

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self._stack is None:
            self.count()
        return self._stack.rows(max(0, offset), max(0, limit))


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
        if appeal and case["status"] in ("open", "reviewed", "settled"):  # an appeal always reaches a person
            c.execute("UPDATE cases SET status = 'appealed', closed_at = NULL WHERE id = ?", (case_id,))
        ws.audit("case_appeal" if appeal else "case_note", "case", case_id, {"text": text}, actor=actor)
    return case_detail(ws, case_id)


def review_case(ws, case_id: int, actor: str | None = None, note: str = "") -> dict[str, Any]:
    """Confirm a case after looking at it: it leaves the review queue."""
    case = ws.store.one("SELECT id, status FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise ValueError(f"no case {case_id}")
    if case["status"] in ("undone", "overturned"):
        raise ValueError(f"case {case_id} was {case['status']}; there is nothing to confirm")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("UPDATE cases SET status = 'reviewed' WHERE id = ?", (case_id,))
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "review", note or "confirmed", actor, ws.now()))
        ws.audit("case_reviewed", "case", case_id, {"note": note} if note else None, actor=actor)
    return case_detail(ws, case_id)


def undo_case(ws, case_id: int, actor: str | None = None, note: str = "", *, teach: str | None = None,
              allow: str | None = None) -> dict[str, Any]:
    """Undo everything a case did, in every group it touched, in one transaction.

    A rule's case becomes ``overturned`` (it counts against the rule's precision); a case a
    person opened becomes ``undone``. ``teach='text'`` adds the matched text (a link's
    domain; or ``allow``) to the rule's allow_text, ``teach='person'`` adds the member to its
    allow_people, in the same transaction, so the rule does not make the mistake again.

    Pending penalty actions are cancelled; done ones are reversed: a mute is lifted, a
    kick is answered with an invite where the platform can invite, otherwise with a task
    for the group's owner to re-admit the member by hand; the blacklist entry is removed.
    A warning and a recall cannot be taken back (the evidence keeps the message). Returns
    what was done, in words and ids."""
    case = ws.store.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise ValueError(f"no case {case_id}")
    if case["status"] in ("undone", "overturned"):
        raise ValueError(f"case {case_id} is already {case['status']}")
    if case["kind"] == "dry_run":
        raise ValueError(f"case {case_id} is a dry-run record: nothing was done, so there is nothing to undo")
    actor = actor or f"operator:{ws.operator}"
    now = ws.now()
    person = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (case["person_id"],), "") or str(case["person_id"])
    done: list[str] = []
    with ws.store.write() as c:
        if teach is not None:
            from .teach import teach_rule

            done.append(teach_rule(ws, case, teach, allow, actor))
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
        outcome = "overturned" if str(case["actor"]).startswith("rule:") and case["kind"] == "penalty" else "undone"
        c.execute("UPDATE cases SET status = ?, closed_at = ? WHERE id = ?", (outcome, now, case_id))
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "undo", note or "; ".join(done) or "undone", actor, now))
        ws.audit("case_undone", "case", case_id, {"done": done, "note": note, "outcome": outcome}, actor=actor)
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
