"""Members' questions (未回复提问) that no insider answered reach the owner's queue.

A member's message is a question when it ends with a question mark (？ or ?) or holds a
question word (``WORDS``: 请问, 怎么, 为什么, 多少钱, 有没有 ..., or ends in 吗/呢). An insider
(staff, owner, admin, KOL, cheer squad) answers it with a message in the same group that
replies to it, mentions the asker, or comes within ``question_minutes`` of it (they were in
the conversation); a keyword reply to that very message answers it too.

Questions still open after ``question_minutes`` go to the owner's queue as one task per group
(kind ``content_unanswered_question``, the owner as assignee) listing them, once
``question_task_min`` of them, asked within the hour, wait at once (one person runs 100 groups: a question or two
the staff missed in every group every day would be 100 tasks a day, and says nothing about
which group is unattended); each later one joins the open task. When an insider answers, the question is resolved and a task with no
open question left is done by itself; a question open for ``question_stale_hours`` is stale
and a task holding only stale ones is dismissed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shequn import rows_in

from .batch import insiders as batch_insiders
from .batch import messages as batch_messages
from .settings import settings_of

WORDS = ("请问", "怎么", "如何", "为什么", "为啥", "什么时候", "哪里", "哪儿", "在哪", "哪个", "多少钱", "几点", "能不能",
         "可不可以", "有没有", "是不是", "咋")
ENDINGS = ("吗", "么", "呢")
KIND = "content_unanswered_question"
DETAIL = 20  # questions listed in a task's detail


#: one pass over a message (a batch has hundreds): a question mark or 吗/么/呢 at the end, or a question word
_QUESTION = re.compile("[？?" + "".join(ENDINGS) + "][~～。.!！ ]*$|" + "|".join(map(re.escape, WORDS)))


def is_question(text: str | None) -> bool:
    t = (text or "").strip()
    return len(t.rstrip("~～。.!！ ")) >= 3 and _QUESTION.search(t) is not None


def note(ws, events, replies: list[Any] = ()) -> int:
    """Record the batch's questions and the answers to open ones (insiders' messages, and the
    keyword ``replies`` proposed for this batch); returns how many were answered.

    The batch's own questions are matched in memory and written once, with the answer if the
    batch holds it (most are answered within minutes, so mostly in the batch that asks them):
    one row written per question, not an insert and then an update. Only questions of earlier
    batches are read back and updated."""
    asked: list[list[Any]] = []  # the batch's new questions: the row to insert, and its answer once found
    answered: dict[int, tuple[int, str]] = {}  # earlier questions answered now, by id
    msgs = batch_messages(ws, events)
    if msgs:
        insiders = batch_insiders(ws, events)
        answers, seen = [], set()
        for e in msgs:
            if not e.text:
                continue
            if e.person_id in insiders:
                answers.append(e)
            elif is_question(e.text):
                evidence = f"{e.connection}:{e.id}"
                if evidence not in seen:  # as INSERT OR IGNORE keeps the first of a key
                    seen.add(evidence)
                    asked.append([e.group_id, e.person_id, evidence, e.id, e.user or "", e.text.strip()[:500], e.ts,
                                  None])
        if answers:
            _match(ws, answers, asked, answered)
    by_rule = {p.evidence: p.rule for p in replies if (p.rule or "").startswith("content:keyword:") and p.evidence}
    if by_rule:
        now = ws.now()
        for qid, ev in rows_in(ws.store, "SELECT id, evidence FROM content_questions WHERE status = 'open' AND evidence"
                                         " IN ({marks})", sorted(by_rule)):
            answered.setdefault(qid, (now, by_rule[ev].replace("content:keyword:", "rule:")))
        for q in asked:
            if q[7] is None and q[2] in by_rule:
                q[7] = (now, by_rule[q[2]].replace("content:keyword:", "rule:"))
    fresh = sum(q[7] is not None for q in asked)
    if asked:
        with ws.store.write() as c:
            last = c.execute("SELECT coalesce(max(id), 0) FROM content_questions").fetchone()[0]
            done = c.executemany("INSERT OR IGNORE INTO content_questions(group_id, person_id, evidence, message_id,"
                                 " asker, text, asked_at, status, answered_at, answered_by) VALUES"
                                 " (?,?,?,?,?,?,?,?,?,?)", [(*q[:7], "open", None, "") if q[7] is None
                                                            else (*q[:7], "answered", *q[7]) for q in asked]).rowcount
            if done != len(asked):  # a message recorded before (fed twice): its row stands, matched as an earlier one
                twins = {ev for (ev,) in rows_in(c, "SELECT evidence FROM content_questions WHERE id <= ? AND evidence"
                                                    " IN ({marks})", [q[2] for q in asked], before=(last,))}
                fresh = sum(q[7] is not None and q[2] not in twins for q in asked)
    if answered:
        with ws.store.write() as c:
            c.executemany("UPDATE content_questions SET status = 'answered', answered_at = ?, answered_by = ? WHERE"
                          " id = ? AND status = 'open'", [(ts, by, q) for q, (ts, by) in answered.items()])
        settle_tasks(ws, sorted({t for (t,) in rows_in(ws.store, "SELECT task_id FROM content_questions WHERE task_id IS"
                                                                 " NOT NULL AND id IN ({marks})", sorted(answered))}))
    return len(answered) + fresh


def _match(ws, answers: list[Any], asked: list[list[Any]], answered: dict[int, tuple[int, str]]) -> None:
    """Insiders' ``answers`` answer an open question of their group asked before them: within
    ``question_minutes`` of it, or replying to it, or mentioning its asker. A question takes
    the first answer that qualifies. Earlier batches' open questions (only those these answers
    can answer: recent ones, or the ones they reply to or mention the asker of) land in
    ``answered`` by id; the batch's own ``asked`` get their answer in place (index 7)."""
    window = settings_of(ws).question_minutes * 60
    open_: dict[int, list[list[Any]]] = {}  # per group: [id or None, message id, asker, asked at, row of asked]
    refs, who = set(), set()
    for e in answers:
        data = e.data
        if data:
            if data.get("reply_to"):
                refs.add(str(data["reply_to"]))
            who.update(str(m) for m in data.get("mentions") or ())
    since = min(e.ts for e in answers) - window
    # one statement over the open questions of the answers' groups (the partial index holds them
    # and the columns read), keeping those these answers can answer
    for qid, gid, message_id, asker, at in rows_in(
            ws.store, "SELECT id, group_id, message_id, asker, asked_at FROM content_questions WHERE status = 'open'"
                      " AND (asked_at >= ? OR message_id IN (SELECT value FROM json_each(?)) OR asker IN (SELECT value"
                      " FROM json_each(?))) AND group_id IN ({marks})", sorted({e.group_id for e in answers}),
            before=(since, json.dumps(sorted(refs)), json.dumps(sorted(who)))):
        open_.setdefault(gid, []).append([qid, message_id, asker, at, None])
    for q in asked:  # [group, person, evidence, message id, asker, text, asked at, answer]
        open_.setdefault(q[0], []).append([None, q[3], q[4], q[6], q])
    for e in answers:
        qs = open_.get(e.group_id)
        if not qs:
            continue
        data, ts = e.data, e.ts
        mentions = {str(m) for m in data.get("mentions") or ()} if data else ()
        reply_to = str(data.get("reply_to") or "") if data else ""
        by = None
        for q in qs:
            message_id, asker, at = q[1], q[2], q[3]
            if at <= ts and (ts - at <= window or reply_to == message_id or (asker and asker in mentions)):
                by = by or (ts, f"person:{e.person_id}")
                if q[4] is None:
                    answered[q[0]] = by
                else:
                    q[4][7] = by
        if by is not None:  # a question takes the first answer: the answered leave the group's list
            open_[e.group_id] = [q for q in qs if (answered.get(q[0]) if q[4] is None else q[4][7]) is None]


def settle_tasks(ws, task_ids: list[int]) -> None:
    """Close tasks with no open question left (done, or dismissed when only stale ones were
    left unanswered); retitle the others with their open count."""
    if not task_ids:
        return
    now = ws.now()
    with ws.store.write() as c:
        for tid in task_ids:
            counts = dict(c.execute("SELECT status, count(*) FROM content_questions WHERE task_id = ? GROUP BY status",
                                    (tid,)).fetchall())
            if counts.get("open"):
                _retitle(ws, c, tid)
            else:
                status = "done" if counts.get("answered") else "dismissed"
                c.execute("UPDATE tasks SET status = ?, done_at = ? WHERE id = ? AND status = 'open'", (status, now, tid))


def _retitle(ws, c, task_id: int) -> None:
    qs = c.execute("SELECT q.text, q.asked_at, p.display_name, g.name FROM content_questions q JOIN people p ON p.id ="
                   " q.person_id JOIN groups g ON g.id = q.group_id WHERE q.task_id = ? AND q.status = 'open'"
                   " ORDER BY q.asked_at, q.id", (task_id,)).fetchall()
    if not qs:
        return
    from .schedules import when_text

    title = ws.tr("{count} unanswered questions in {group}" if len(qs) > 1 else "1 unanswered question in {group}",
                  count=len(qs), group=qs[0][3])
    detail = "\n".join(f"{when_text(ws, at)}  {name or '群友'}: {text}" for text, at, name, _ in qs[-DETAIL:])
    if len(qs) > DETAIL:  # the newest are listed; the count in the title is all of them
        detail = ws.tr("… and {n} earlier", n=len(qs) - DETAIL) + "\n" + detail
    c.execute("UPDATE tasks SET title = ?, detail = ? WHERE id = ?", (title, detail, task_id))


#: a group is unattended when question_task_min of its questions asked within this hour wait
#: unanswered at once: a question or two missed now and then over a day (3% of them, in the
#: sandbox) add up to five without saying that anyone is missing now
UNATTENDED_SECONDS = 3600


def check(ws) -> int:
    """The job: overdue questions into their group's task; stale ones out. Returns the
    number of questions put in the queue."""
    cfg = settings_of(ws)
    now = ws.now()
    stale = ws.store.query("SELECT id, task_id FROM content_questions WHERE status = 'open' AND asked_at <= ?",
                           (now - cfg.question_stale_hours * 3600,))
    if stale:
        with ws.store.write() as c:
            c.executemany("UPDATE content_questions SET status = 'stale' WHERE id = ?", [(q["id"],) for q in stale])
        settle_tasks(ws, sorted({q["task_id"] for q in stale if q["task_id"]}))
    due = ws.store.query("SELECT id, group_id, asked_at FROM content_questions WHERE status = 'open' AND task_id IS NULL"
                         " AND asked_at <= ? ORDER BY group_id, asked_at, id", (now - cfg.question_minutes * 60,))
    if not due:
        return 0
    by_group: dict[int, list[int]] = {}
    recent: dict[int, int] = {}  # per group, the overdue ones asked within the last UNATTENDED_SECONDS
    for q in due:
        by_group.setdefault(q["group_id"], []).append(q["id"])
        if q["asked_at"] >= now - UNATTENDED_SECONDS:
            recent[q["group_id"]] = recent.get(q["group_id"], 0) + 1
    put = 0
    for gid, qids in by_group.items():
        tid = ws.store.scalar("SELECT t.id FROM tasks t WHERE t.kind = ? AND t.group_id = ? AND t.status = 'open'"
                              " ORDER BY t.id DESC LIMIT 1", (KIND, gid))
        if tid is None and recent.get(gid, 0) < cfg.question_task_min:
            continue  # a few the staff missed wait for them; the owner hears when the group is unattended
        put += len(qids)
        if tid is None:
            group = ws.store.scalar("SELECT name FROM groups WHERE id = ?", (gid,), "")
            tid = ws.add_task(KIND, ws.tr("1 unanswered question in {group}", group=group), group_id=gid,
                              source="plugin:content", dedupe_key=f"content:questions:{gid}:{qids[0]}")
        with ws.store.write() as c:
            c.executemany("UPDATE content_questions SET task_id = ? WHERE id = ?", [(tid, q) for q in qids])
            _retitle(ws, c, tid)
    return put


def listing(ws, *, status: str = "open", limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """A page of questions, newest first. The answerer is found by key (the id after
    ``person:``; the second condition keeps only an exact ``person:ID``): matched on the
    text alone, each question walked every person, minutes for a month of questions."""
    where, params = ("WHERE q.status = ?", [status]) if status != "all" else ("", [])
    return ws.store.query(
        "SELECT q.*, g.name AS group_name, p.display_name AS name, coalesce(a.display_name, q.answered_by) AS answerer"
        " FROM content_questions q JOIN groups g ON g.id = q.group_id JOIN people p ON p.id = q.person_id LEFT JOIN"
        " people a ON a.id = CAST(substr(q.answered_by, 8) AS INTEGER) AND q.answered_by = 'person:' || a.id"
        f" {where} ORDER BY q.asked_at DESC, q.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset])
