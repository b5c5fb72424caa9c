"""The workspace side of WeCom's customer-group mass sends (groupmsg.py has the API side).

A ``send`` or ``announce`` done on a WeChat connection means WeCom holds a mass-send task
that the group's owner still has to confirm in WeCom. It is recorded in
``wechat_mass_sends`` as *awaiting* with a task for the owner saying so; the job
``wechat.mass_sends`` reads WeCom's progress and marks it sent (the task done), or says
why WeCom did not deliver it (the group had already received its one mass send of the
day; it is no longer the owner's customer group).
"""

from __future__ import annotations

import asyncio
from typing import Any

from .hooks import ACTOR, wechat_connections

TASK = "wechat_mass_send"


def _group_name(ws, gid: int | None, chat: str) -> str:
    return (ws.store.scalar("SELECT name FROM groups WHERE id = ?", (gid,), "") if gid else "") or chat


def recorded(ws, action: dict[str, Any], result) -> None:
    """A done send/announce: the mass send awaits the owner's confirmation in WeCom."""
    data = getattr(result, "data", {}) or {}
    if action["status"] != "done" or not data.get("msgid"):
        return
    conn, gid, chat = action["connection_id"], action.get("group_id"), str(data.get("chat_id") or "")
    group = _group_name(ws, gid, chat)
    task = ws.add_task(
        TASK, ws.tr("Confirm the mass send to {group} in WeCom: it is awaiting the owner's confirmation", group=group),
        detail=ws.tr("WeCom lets an app post into a customer group only as a mass send its owner confirms: {owner} "
                     "opens WeCom > 客户联系 > 群发助手 and presses send for task {msgid} ({connection}). WeCom "
                     "delivers one mass send a day to a customer group (China time). shequn marks it sent once "
                     "WeCom reports it.", owner=data.get("sender") or "", msgid=data["msgid"], connection=conn),
        group_id=gid, source=ACTOR, dedupe_key=f"{TASK}:{conn}:{data['msgid']}:{chat}")
    with ws.store.write() as c:
        c.execute("INSERT INTO wechat_mass_sends(connection_id, msgid, chat_id, group_id, action_id, sender, day,"
                  " task_id, created_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(connection_id, msgid, chat_id)"
                  " DO NOTHING", (conn, data["msgid"], chat, gid, action["id"], str(data.get("sender") or ""),
                                  str(data.get("day") or ""), task, ws.now()))


OUTCOME = {1: "sent", 2: "not_delivered", 3: "over_limit"}
WHY = {
    "not_delivered": "WeCom did not deliver the mass send to {group}: it is no longer a customer group of {owner}",
    "over_limit": "WeCom did not deliver the mass send to {group}: the group had already received its one mass "
                  "send of the day",
}


def poll(ws) -> int:
    """Read WeCom's progress of every awaiting mass send. Returns how many were settled."""
    from shequn.connections import build_connector

    from .groupmsg import progress

    settled = 0
    for conn in wechat_connections(ws):
        rows = ws.store.query("SELECT * FROM wechat_mass_sends WHERE connection_id = ? AND status = 'awaiting'"
                              " ORDER BY id", (conn,))
        if not rows:
            continue

        async def go(rows=rows, conn=conn) -> dict[str, dict[str, tuple[int, int]] | None]:
            c = build_connector(ws, conn)
            try:
                return {m: await progress(c, m) for m in dict.fromkeys(r["msgid"] for r in rows)}
            finally:
                await c.aclose()

        got = asyncio.run(go())
        for r in rows:
            status, at = (got.get(r["msgid"]) or {}).get(r["chat_id"], (0, 0))
            if status in OUTCOME:
                settled += _settle(ws, r, OUTCOME[status], at)
    return settled


def _settle(ws, r: dict[str, Any], outcome: str, at: int) -> int:
    now = ws.now()
    with ws.store.write() as c:
        if not c.execute("UPDATE wechat_mass_sends SET status = ?, sent_at = ? WHERE id = ? AND status = 'awaiting'",
                         (outcome, at or None, r["id"])).rowcount:
            return 0
        if r["task_id"]:
            c.execute("UPDATE tasks SET status = ?, done_at = ? WHERE id = ? AND status = 'open'",
                      ("done" if outcome == "sent" else "dismissed", now, r["task_id"]))
        ws.audit("wechat_mass_send_" + outcome, "action", r["action_id"],
                 {"msgid": r["msgid"], "chat_id": r["chat_id"]}, actor=ACTOR)
    if outcome != "sent":
        group = _group_name(ws, r["group_id"], r["chat_id"])
        ws.add_task(TASK, ws.tr(WHY[outcome], group=group, owner=r["sender"]),
                    detail=ws.tr("Mass send {msgid} ({connection}); post it again on another day if it still "
                                 "matters.", msgid=r["msgid"], connection=r["connection_id"]),
                    group_id=r["group_id"], source=ACTOR, dedupe_key=f"{TASK}:{outcome}:{r['id']}")
    return 1


def listing(ws) -> list[dict[str, Any]]:
    return [dict(r) for r in ws.store.query(
        "SELECT m.connection_id AS connection, m.msgid, coalesce(g.name, m.chat_id) AS \"group\", m.sender AS owner,"
        " m.day, m.status, m.action_id FROM wechat_mass_sends m LEFT JOIN groups g ON g.id = m.group_id"
        " ORDER BY m.id DESC")]

