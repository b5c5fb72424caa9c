"""Messages to customer groups through WeCom's mass send (企业群发 to 客户群).

WeCom gives an app no API that posts into a customer group. What it has is a mass-send
task (``externalcontact/add_msg_template``, ``chat_type`` ``group``): it reaches the
group's owner in the WeCom client (群发助手), and the message goes out only when the
owner confirms it there. So a ``send`` (the outbox, content's scheduled posts) or an
``announce`` (the entry plugin's announcements: WeCom cannot set a 群公告, so the text
goes out as a message) to a WeChat group becomes such a task for that one group:

- the action is done once WeCom holds the task (its ``msgid``); the plugin records it as
  *awaiting the owner's confirmation in WeCom* and gives the owner a task that says so;
- the job ``wechat.mass_sends`` reads the progress (``get_groupmsg_task``: has the
  owner sent it; ``get_groupmsg_send_result``: what each group got) and marks it sent,
  closing the task, or says why WeCom did not deliver it;
- WeCom's limits, respected before asking: a customer group receives **one mass send a
  day** (China time; a second is answered "already received" and never arrives), so a
  second message for a group the same day waits for the next day; text at most 4,000
  bytes. A crash after WeCom took the task is reconciled with ``get_groupmsg_list_v2``
  (the same text for the same owner since the action was asked): never two tasks.
- a task its owner leaves unconfirmed is reminded once (``remind_groupmsg_send``, WeCom
  allows three a task in 24 hours) and, later, stopped (``cancel_groupmsg_send``): see
  mass_sends.py and the connection's ``mass_send_remind_hours``/``mass_send_expire_hours``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shequn import ActionRequest, ActionResult, Status

from .api import ApiError
from .statistics import CHINA, china_day

if TYPE_CHECKING:
    from .connector import WeChatConnector

TEXT_BYTES = 4000  # add_msg_template's text.content
PER_GROUP_A_DAY = 1  # WeCom: a customer group receives one enterprise mass send a day
LIST_SPAN = 30 * 86400  # get_groupmsg_list_v2 takes at most a month
DISPATCHING = 41063  # WeCom is still handing the task out: read it later


def message_text(req: ActionRequest) -> str:
    p = req.params
    if req.kind == "announce":  # no 群公告 through the API: the announcement goes out as a message
        return "\n".join(x for x in (str(p.get("title") or "").strip(), str(p.get("text") or p.get("content")
                                                                               or "").strip()) if x)
    return str(p.get("text") or "").strip()


def seconds_to_china_midnight(now: float) -> float:
    nxt = datetime.combine(china_day(now) + timedelta(days=1), datetime.min.time(), CHINA)
    return max(1.0, nxt.timestamp() - now)


async def mass_send(c: "WeChatConnector", req: ActionRequest) -> ActionResult:
    chat = str(req.group or "")
    if not chat:
        raise ValueError(f"a {req.kind} to WeChat needs the customer group")
    text = message_text(req)
    if not text:
        raise ValueError(f"a {req.kind} to a WeChat group needs text (WeCom's mass send carries text here)")
    if len(text.encode()) > TEXT_BYTES:
        raise ValueError(f"text is {len(text.encode())} bytes; WeCom's mass send takes at most {TEXT_BYTES}")
    now = c.now()
    day = china_day(now).isoformat()
    if await c.mass_sent_on(chat, day) >= PER_GROUP_A_DAY:
        return ActionResult(Status.RETRY, f"{c.name}: WeCom lets a customer group receive one mass send a day; group "
                            f"{chat} already has one for {day} (China time), so this waits until the next day",
                            retry_after=seconds_to_china_midnight(now))
    sender = await owner(c, chat)
    body = {"chat_type": "group", "sender": sender, "chat_id_list": [chat], "allow_select": False,
            "text": {"content": text}}
    data = await c.api.call("externalcontact/add_msg_template", body, idempotent=False)
    if chat in [str(x) for x in data.get("fail_list") or []] or not data.get("msgid"):
        return ActionResult.failed(f"{c.name}: WeCom did not take group {chat} into the mass send (is {sender} still "
                                   "its owner?)")
    c.mass_days.add((chat, day))
    return _created(str(data["msgid"]), sender, chat, day)


def _created(msgid: str, sender: str, chat: str, day: str, **extra: Any) -> ActionResult:
    return ActionResult.done("mass send created in WeCom: awaiting the owner's confirmation in WeCom", msgid=msgid,
                             sender=sender, chat_id=chat, day=day, awaiting="owner", **extra)


async def owner(c: "WeChatConnector", chat: str) -> str:
    """The group's owner (the mass send's sender), from what was last read or groupchat/get."""
    seen = c.seen.get(chat)
    if seen is not None and seen.owner:
        return seen.owner
    from .callbacks import UnknownGroup

    try:
        d = await c.details(chat)
    except UnknownGroup as e:
        raise ApiError(str(e), ActionResult.failed(f"{c.name}: {e}", gone="group")) from None
    if not d or not d.get("owner"):
        raise ApiError("no owner", ActionResult.retry(f"{c.name}: could not read the owner of group {chat}"))
    return str(d["owner"])


async def reconcile(c: "WeChatConnector", req: ActionRequest, since: float) -> ActionResult:
    """After a crash mid-send: WeCom's list of mass sends since the action was asked shows
    whether the task was made (the same text, for this group's owner): done with its
    msgid, else it never reached WeCom and is made now, once."""
    chat, text = str(req.group or ""), message_text(req)
    sender = await owner(c, chat)
    now = c.now()
    cursor = ""
    while True:
        body: dict[str, Any] = {"chat_type": "group", "start_time": int(max(since - 60, now - LIST_SPAN)),
                                "end_time": int(now) + 60, "filter_type": 0, "limit": 100}
        if cursor:
            body["cursor"] = cursor
        data = await c.api.call("externalcontact/get_groupmsg_list_v2", body)
        for m in data.get("group_msg_list") or []:
            if str((m.get("text") or {}).get("content") or "").strip() != text:
                continue
            if await _sender_of(c, str(m.get("msgid"))) == sender and await _covers(c, str(m["msgid"]), sender, chat):
                day = china_day(float(m.get("create_time") or now)).isoformat()
                c.mass_days.add((chat, day))
                return _created(str(m["msgid"]), sender, chat, day, in_doubt=True)
        cursor = str(data.get("next_cursor") or "")
        if not cursor:
            return await mass_send(c, req)


async def _sender_of(c: "WeChatConnector", msgid: str) -> str | None:
    try:
        data = await c.api.call("externalcontact/get_groupmsg_task", {"msgid": msgid, "limit": 1000})
    except ApiError as e:
        if e.errcode == DISPATCHING:
            return None
        raise
    users = [str(t.get("userid")) for t in data.get("task_list") or []]
    return users[0] if users else None


async def _covers(c: "WeChatConnector", msgid: str, sender: str, chat: str) -> bool:
    """Whether a mass send is for ``chat`` (the same text may have gone to another group of
    the same owner): its send results list the groups it is for."""
    cursor = ""
    while True:
        body: dict[str, Any] = {"msgid": msgid, "userid": sender, "limit": 1000}
        if cursor:
            body["cursor"] = cursor
        try:
            data = await c.api.call("externalcontact/get_groupmsg_send_result", body)
        except ApiError as e:
            if e.errcode == DISPATCHING:
                return False
            raise
        if any(str(r.get("chat_id")) == chat for r in data.get("send_list") or []):
            return True
        cursor = str(data.get("next_cursor") or "")
        if not cursor:
            return False


async def progress(c: "WeChatConnector", msgid: str) -> dict[str, tuple[int, int]] | None:
    """{chat_id: (status, send_time)} of a mass send once its owner sent it; {} while they
    have not; None while WeCom still hands it out. Statuses: 1 sent, 2 not delivered, 3
    the group had already received its mass send for the day."""
    senders: list[str] = []
    cursor = ""
    while True:
        body: dict[str, Any] = {"msgid": msgid, "limit": 1000, **({"cursor": cursor} if cursor else {})}
        try:
            data = await c.api.call("externalcontact/get_groupmsg_task", body)
        except ApiError as e:
            if e.errcode == DISPATCHING:
                return None
            raise
        senders += [str(t["userid"]) for t in data.get("task_list") or [] if int(t.get("status") or 0) == 2]
        cursor = str(data.get("next_cursor") or "")
        if not cursor:
            break
    out: dict[str, tuple[int, int]] = {}
    for user in senders:
        cursor = ""
        while True:
            body = {"msgid": msgid, "userid": user, "limit": 1000, **({"cursor": cursor} if cursor else {})}
            data = await c.api.call("externalcontact/get_groupmsg_send_result", body)
            for r in data.get("send_list") or []:
                out[str(r.get("chat_id"))] = (int(r.get("status") or 0), int(r.get("send_time") or 0))
            cursor = str(data.get("next_cursor") or "")
            if not cursor:
                break
    return out


async def remind(c: "WeChatConnector", msgid: str) -> None:
    """WeCom notifies the owner of the mass send again (提醒成员群发); ApiError if it refuses."""
    await c.api.call("externalcontact/remind_groupmsg_send", {"msgid": msgid}, idempotent=False)


async def cancel(c: "WeChatConnector", msgid: str) -> None:
    """WeCom stops the mass send: its owner can no longer send it (停止企业群发). Asking twice
    does no harm, so it is sent again after a lost answer."""
    await c.api.call("externalcontact/cancel_groupmsg_send", {"msgid": msgid})


async def sent_on(ws, connection: str, chat: str, day: str) -> int:
    """Mass sends recorded for a group on a China day (off the event loop)."""
    return await asyncio.to_thread(
        ws.store.scalar, "SELECT count(*) FROM wechat_mass_sends WHERE connection_id = ? AND chat_id = ? AND day = ?"
        " AND status IN ('awaiting', 'sent')", (connection, chat, day), 0)
