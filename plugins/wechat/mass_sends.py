"""The workspace side of WeCom's customer-group mass sends (groupmsg.py has the API side).

A ``send`` or ``announce`` done on a WeChat connection means WeCom holds a mass-send task
that the group's owner still has to confirm in WeCom. It is recorded in
``wechat_mass_sends`` as *awaiting* with a task for the owner saying so; the job
``wechat.mass_sends`` reads WeCom's progress and marks it sent (the task done), or says
why WeCom did not deliver it (the group had already received its one mass send of the
day; it is no longer the owner's customer group).

One its owner leaves unconfirmed would otherwise await for good, its task open, polled
every run: after the connection's ``mass_send_remind_hours`` (default 4) WeCom reminds the
owner once (``remind_groupmsg_send``; the time goes into the task), and after
``mass_send_expire_hours`` (default 24) shequn stops it (``cancel_groupmsg_send``), marks
it *expired*, dismisses the task and tells the owner to post it again if it matters. A
failed call changes nothing but ``error`` (shown by ``shequn wechat mass-sends``): the
next run tries again.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
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
    "expired": "WeCom's mass send to {group} was never confirmed and has been stopped: post it again if it still "
               "matters",
    "not_delivered": "WeCom did not deliver the mass send to {group}: it is no longer a customer group of {owner}",
    "over_limit": "WeCom did not deliver the mass send to {group}: the group had already received its one mass "
                  "send of the day",
}


def poll(ws) -> int:
    """Read WeCom's progress of every awaiting mass send, remind or stop the ones left
    unconfirmed too long. Returns how many were settled (sent, not delivered, expired)."""
    from shequn.connections import build_connector

    settled = 0
    for conn in wechat_connections(ws):
        rows = ws.store.query("SELECT * FROM wechat_mass_sends WHERE connection_id = ? AND status = 'awaiting'"
                              " ORDER BY id", (conn,))
        if not rows:
            continue

        async def go(rows=rows, conn=conn):
            c = build_connector(ws, conn)
            try:
                return await _read_and_act(ws, c, rows)
            finally:
                await c.aclose()

        got, calls = asyncio.run(go())
        for r in rows:
            status, at = (got.get(r["msgid"]) or {}).get(r["chat_id"], (0, 0))
            if status in OUTCOME:
                settled += _settle(ws, r, OUTCOME[status], at)
        for msgid, (what, error) in calls.items():
            for r in rows:
                if r["msgid"] != msgid:
                    continue
                if error:  # nothing is marked: the next run calls again; the operator sees why
                    ws.store.write_one("UPDATE wechat_mass_sends SET error = ? WHERE id = ? AND status = 'awaiting'",
                                       (error, r["id"]))
                elif what == "cancel":
                    settled += _settle(ws, r, "expired", 0)
                else:
                    _reminded(ws, r)
    return settled


async def _read_and_act(ws, c, rows) -> tuple[dict, dict[str, tuple[str, str | None]]]:
    """WeCom's progress by msgid, then the remind or cancel calls due for those still unsent:
    {msgid: ("remind" or "cancel", the error or None)}."""
    from .api import ApiError
    from .groupmsg import cancel, progress, remind

    got = {m: await progress(c, m) for m in dict.fromkeys(r["msgid"] for r in rows)}
    remind_h, expire_h = c.config["mass_send_remind_hours"], c.config["mass_send_expire_hours"]
    now = ws.now()
    calls: dict[str, tuple[str, str | None]] = {}
    for msgid in got:
        left = [r for r in rows if r["msgid"] == msgid
                and (got[msgid] or {}).get(r["chat_id"], (0, 0))[0] not in OUTCOME]
        if not left:
            continue
        age = now - min(r["created_at"] for r in left)
        if expire_h and age >= expire_h * 3600:
            what, call = "cancel", cancel
        elif remind_h and age >= remind_h * 3600 and not any(r["reminded_at"] for r in left):
            what, call = "remind", remind
        else:
            continue
        try:
            await call(c, msgid)
        except ApiError as e:
            calls[msgid] = (what, str(e))
        else:
            calls[msgid] = (what, None)
    return got, calls


def _reminded(ws, r: dict[str, Any]) -> None:
    now = ws.now()
    line = ws.tr("Reminded at {time}: WeCom notified {owner} again.",
                 time=datetime.fromtimestamp(now, ws.tz).strftime("%H:%M"), owner=r["sender"])
    with ws.store.write() as c:
        if not c.execute("UPDATE wechat_mass_sends SET reminded_at = ?, error = NULL WHERE id = ?"
                         " AND status = 'awaiting' AND reminded_at IS NULL", (now, r["id"])).rowcount:
            return
        if r["task_id"]:
            c.execute("UPDATE tasks SET detail = detail || ? WHERE id = ? AND status = 'open'",
                      ("\n" + line, r["task_id"]))
        ws.audit("wechat_mass_send_reminded", "action", r["action_id"], {"msgid": r["msgid"], "chat_id": r["chat_id"]},
                 actor=ACTOR)


def _settle(ws, r: dict[str, Any], outcome: str, at: int) -> int:
    now = ws.now()
    with ws.store.write() as c:
        if not c.execute("UPDATE wechat_mass_sends SET status = ?, sent_at = ?, error = NULL WHERE id = ?"
                         " AND status = 'awaiting'",
                         (outcome, at or None, r["id"])).rowcount:
            return 0
        if r["task_id"]:
            c.execute("UPDATE tasks SET status = ?, done_at = ? WHERE id = ? AND status = 'open'",
                      ("done" if outcome == "sent" else "dismissed", now, r["task_id"]))
        ws.audit("wechat_mass_send_" + outcome, "action", r["action_id"],
                 {"msgid": r["msgid"], "chat_id": r["chat_id"]}, actor=ACTOR)
    if outcome != "sent":
        group = _group_name(ws, r["group_id"], r["chat_id"])
        detail = (ws.tr("{owner} did not confirm mass send {msgid} ({connection}), made {time}, in WeCom; shequn "
                        "stopped it so it cannot go out late.", owner=r["sender"], msgid=r["msgid"],
                        connection=r["connection_id"], time=_when(ws, r["created_at"])) if outcome == "expired"
                  else ws.tr("Mass send {msgid} ({connection}); post it again on another day if it still matters.",
                             msgid=r["msgid"], connection=r["connection_id"]))
        ws.add_task(TASK, ws.tr(WHY[outcome], group=group, owner=r["sender"]), detail=detail,
                    group_id=r["group_id"], source=ACTOR, dedupe_key=f"{TASK}:{outcome}:{r['id']}")
    return 1


def _when(ws, ts: int | None) -> str:
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M") if ts else ""


def listing(ws) -> list[dict[str, Any]]:
    rows = [dict(r) for r in ws.store.query(
        "SELECT m.connection_id AS connection, m.msgid, coalesce(g.name, m.chat_id) AS \"group\", m.sender AS owner,"
        " m.day, m.status, m.reminded_at AS reminded, m.error, m.action_id FROM wechat_mass_sends m"
        " LEFT JOIN groups g ON g.id = m.group_id ORDER BY m.id DESC")]
    for r in rows:
        r["reminded"], r["error"] = _when(ws, r["reminded"]), r["error"] or ""
    return rows
