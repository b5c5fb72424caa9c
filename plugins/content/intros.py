"""The entry ritual (入群仪式): a self-introduction prompt (自我介绍) after the welcome, and
who introduced themselves.

A member's join (not an insider's, not the bot's) is noted as a newcomer. The prompt waits
``intro_delay_seconds`` after the join, so it follows the welcome (which waits for its own
burst) and names every newcomer of a group due together in one post, through the outbox.
A newcomer's first message within ``intro_hours`` of joining that reads as an introduction
(at least ``intro_min_chars`` characters and one of ``CUES``: 我是, 我叫, 来自, 坐标, 职业, 爱好 ...)
is their introduction: kept with its time and text,
read per group and, for a welcome script, per version (script_results.py).
"""

from __future__ import annotations

import re
from typing import Any

from shequn import Capability, Kind, Proposal, others_of, rows_in

from .batch import insiders as batch_insiders
from .batch import messages as batch_messages
from .settings import settings_of, state_of
from .texts import render

#: words an introduction uses ("我是杭州的设计师", "坐标成都", "爱好跑步"); a "谢谢" or a question is none
CUES = ("我是", "我叫", "来自", "坐标", "从事", "职业", "工作", "爱好", "喜欢", "自我介绍", "城市")
_CUE = re.compile("|".join(CUES))  # one pass per message: a batch has hundreds


def _name(e) -> str:
    return next((n for n in ((e.data or {}).get("card"), e.nickname) if n and not (n == e.user and n.isdigit())), "")


def note_joins(ws, events) -> int:
    joins = [e for e in others_of(events) if e.kind == Kind.JOIN and e.group_id is not None
             and e.person_id is not None and not (e.data and e.data.get("from_self"))]
    if not joins:
        return 0
    insiders = batch_insiders(ws, events)
    delay = settings_of(ws).intro_delay_seconds
    rows = [(e.group_id, e.person_id, e.ts, _name(e), e.ts + delay) for e in joins if e.person_id not in insiders]
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO content_newcomers(group_id, person_id, joined_at, name, prompt_due)"
                      " VALUES (?,?,?,?,?)", rows)
    if rows:
        _next_due(ws, min(r[4] for r in rows))
    return len(rows)


def _next_due(ws, due: int | None = None) -> int | None:
    """The earliest prompt still to send as this process knows it (None: not read yet), so a
    batch with nothing due asks nothing. Only ingest adds newcomers, and it runs in one process
    at a time; a prompt another process sent leaves this figure early, which costs one read."""
    state = state_of(ws)
    known = state.get("prompt_due")
    if due is not None:
        known = state["prompt_due"] = due if known is None or known is False else min(known, due)
    return known


def note_messages(ws, events) -> int:
    """Mark the newcomers whose message of the batch introduces them."""
    cfg = settings_of(ws)
    msgs = [e for e in batch_messages(ws, events) if e.text and _CUE.search(e.text)
            and len(e.text.strip()) >= cfg.intro_min_chars]
    if not msgs:
        return 0
    oldest = min(e.ts for e in msgs) - cfg.intro_hours * 3600
    waiting = {(g, p): j for g, p, j in rows_in(
        ws.store, "SELECT group_id, person_id, max(joined_at) FROM content_newcomers WHERE introduced_at IS NULL AND"
                  " joined_at >= ? AND person_id IN ({marks}) GROUP BY group_id, person_id",
        sorted({e.person_id for e in msgs}), before=(oldest,))}
    if not waiting:
        return 0
    done: dict[tuple[int, int], tuple[int, str]] = {}
    for e in msgs:
        j = waiting.get((e.group_id, e.person_id))
        if j is None or (e.group_id, e.person_id) in done or not j <= e.ts < j + cfg.intro_hours * 3600:
            continue
        done[(e.group_id, e.person_id)] = (e.ts, e.text.strip()[:500])
    with ws.store.write() as c:
        c.executemany("UPDATE content_newcomers SET introduced_at = ?, intro_text = ? WHERE group_id = ? AND"
                      " person_id = ? AND joined_at = ? AND introduced_at IS NULL",
                      [(ts, text, g, p, waiting[(g, p)]) for (g, p), (ts, text) in done.items()])
    return len(done)


def flush_prompts(ws) -> list[Proposal]:
    """One prompt per group for its newcomers due now (still members, not yet introduced)."""
    cfg = settings_of(ws)
    known = _next_due(ws)
    if known is False or (known is not None and known > ws.now()):
        return []  # nothing is due yet (False: nothing at all is waiting)
    due = ws.store.query("SELECT n.*, g.name AS group_name, g.status AS group_status FROM content_newcomers n JOIN"
                         " groups g ON g.id = n.group_id WHERE n.prompted = 0 AND n.prompt_due <= ? ORDER BY"
                         " n.group_id, n.joined_at", (ws.now(),))
    later = ws.store.scalar("SELECT min(prompt_due) FROM content_newcomers WHERE prompted = 0 AND prompt_due > ?",
                            (ws.now(),))
    state_of(ws)["prompt_due"] = later if later is not None else False
    if not due:
        return []
    by_group: dict[int, list[dict[str, Any]]] = {}
    for n in due:
        by_group.setdefault(n["group_id"], []).append(n)
    out: list[Proposal] = []
    for gid, ns in by_group.items():
        members = {r[0] for r in rows_in(ws.store, "SELECT person_id FROM memberships WHERE status = 'member' AND"
                                                   " group_id = ? AND person_id IN ({marks})",
                                         [n["person_id"] for n in ns], before=(gid,))}
        here = [n for n in ns if n["person_id"] in members and n["introduced_at"] is None]
        if (not cfg.intro_prompt or not here or ns[0]["group_status"] != "active"
                or Capability.SEND not in ws.group_capabilities(gid)):
            continue
        names = "、".join(n["name"] for n in here if n["name"]) or "新朋友"
        first = here[0]
        out.append(Proposal("send", ws.tr("Self-introduction prompt for {count} newcomers", count=len(here)),
                            group_id=gid, params={"text": render(cfg.intro_prompt, {"names": names,
                                                                                     "group": first["group_name"]})},
                            evidence=f"content:intro:{gid}:{first['person_id']}",
                            key=f"content:intro:{gid}:{first['person_id']}:{first['joined_at']}"))
    with ws.store.write() as c:
        c.executemany("UPDATE content_newcomers SET prompted = 1 WHERE group_id = ? AND person_id = ? AND joined_at = ?",
                      [(n["group_id"], n["person_id"], n["joined_at"]) for n in due])
    return out


def summary(ws, *, since: int | None = None) -> list[dict[str, Any]]:
    """Per group: newcomers, prompted, introduced and the share that introduced themselves."""
    rows = ws.store.query(
        "SELECT g.name AS group_name, count(*) AS newcomers, sum(n.prompted) AS prompted,"
        " sum(n.introduced_at IS NOT NULL) AS introduced FROM content_newcomers n JOIN groups g ON g.id = n.group_id"
        " WHERE n.joined_at >= ? GROUP BY n.group_id ORDER BY g.name", (since or 0,))
    for r in rows:
        r["share"] = f"{r['introduced'] / r['newcomers']:.0%}" if r["newcomers"] else ""
    return rows


def newcomers(ws, *, group_id: int | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    where, params = ("WHERE n.group_id = ?", [group_id]) if group_id else ("", [])
    return ws.store.query(
        "SELECT n.*, g.name AS group_name FROM content_newcomers n JOIN groups g ON g.id = n.group_id"
        f" {where} ORDER BY n.joined_at DESC, n.person_id LIMIT ? OFFSET ?", [*params, limit, offset])
