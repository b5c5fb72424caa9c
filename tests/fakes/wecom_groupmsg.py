"""The fake WeCom's enterprise mass send (企业群发) to customer groups.

WeCom gives an app no way to post into a customer group; what it has is a mass-send task
(``externalcontact/add_msg_template`` with ``chat_type`` ``group``): the task reaches the
group's owner (``sender``) in the WeCom client, and only when the owner confirms it does
the message go to the groups. Progress is read with ``get_groupmsg_list_v2`` (the tasks
made in a time range), ``get_groupmsg_task`` (each sender's state: 0 not sent, 2 sent)
and ``get_groupmsg_send_result`` (each group's: 0 not sent, 1 sent, 2 not delivered, 3
the group had already received its mass send for the day). Shapes from WeCom's document
92135/93338 as the SDKs carry them; limits: text at most 4,000 bytes, at most 9
attachments, at most 2,000 groups a task, list pages of at most 100 (50 by default),
task and result pages of at most 1,000 (500 by default), a list range of at most a month.

WeCom's receiving limit: a customer group receives one enterprise mass send a day (China
time); a second confirmed the same day is answered status 3 for that group. While WeCom
is still handing a new task out, reading it answers 41063 (``dispatching``).

A task the owner has not sent can be reminded (``remind_groupmsg_send``: WeCom notifies the
owner again; at most 3 reminders a task in 24 hours, the 4th refused) and stopped
(``cancel_groupmsg_send``: the owner can no longer send it; the progress reads keep
answering "not sent", status 0, as WeCom documents no other; a sent message is not
recalled). Both take ``{"msgid"}`` and answer errcode 0; an unknown msgid is 40058.

Tests drive the owner with :meth:`MassSends.confirm` (the owner presses send in WeCom).
"""

from __future__ import annotations

import base64
from typing import Any

from .wecom_state import DAY, WeComError, midnight

TEXT_BYTES, ATTACHMENTS, CHATS = 4000, 9, 2000
LIST_MAX, LIST_DEFAULT, TASK_MAX, TASK_DEFAULT = 100, 50, 1000, 500
RANGE_MAX = 31 * DAY
REMINDS, REMIND_SPAN = 3, DAY  # 提醒成员群发: at most three reminders a mass send within 24 hours
# WeCom's documents name the limit but not its errcode; the fake answers this one for the 4th reminder
# and for reminding a stopped mass send (both: the request cannot be done, nothing to retry)
REMIND_REFUSED = 41102


class MassSends:
    """The corp's mass-send tasks (behind the fake's lock)."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.sends: dict[str, dict[str, Any]] = {}
        self.dispatching: set[str] = set()  # msgids still being handed out: reads answer 41063
        self._seq = 0

    # --- the owner, in the WeCom client -------------------------------------------------------

    def confirm(self, msgid: str, at: float | None = None) -> dict[str, int]:
        """The sender presses send: each group gets it (1), or 3 when it already received a
        mass send that China day. Returns {chat_id: status}."""
        with self.fake._lock:
            s = self.sends[msgid]
            if s["cancelled_at"]:  # stopped: WeCom no longer offers it to the owner
                return {}
            when = int(self.fake.clock() if at is None else at)
            day = midnight(when)
            for chat in s["chats"]:
                got = any(o is not s and o["results"].get(chat, (0, 0))[0] == 1 and midnight(o["results"][chat][1]) == day
                          for o in self.sends.values())
                s["results"][chat] = (3, 0) if got else (1, when)
            s["sent_at"] = when
            self.dispatching.discard(msgid)
            return {chat: st for chat, (st, _t) in s["results"].items()}

    # --- the routes -------------------------------------------------------------------------

    def add(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("chat_type", "single") != "group":
            raise WeComError(40058, "the fake serves chat_type group only")
        sender = str(p.get("sender") or "")
        if not sender:
            raise WeComError(40058, "sender is required when chat_type is group")
        chats = p.get("chat_id_list") or []
        if not isinstance(chats, list) or len(chats) > CHATS:
            raise WeComError(40058, f"chat_id_list holds at most {CHATS} chat ids")
        content = str((p.get("text") or {}).get("content") or "")
        if len(content.encode()) > TEXT_BYTES:
            raise WeComError(40058, f"text.content longer than {TEXT_BYTES} bytes")
        attachments = p.get("attachments") or []
        if len(attachments) > ATTACHMENTS:
            raise WeComError(40058, f"at most {ATTACHMENTS} attachments")
        if not content and not attachments:
            raise WeComError(40058, "a mass send needs text or an attachment")
        with self.fake._lock:
            groups = self.fake.state.groups
            ok = [str(c) for c in chats if str(c) in groups and not groups[str(c)].dismissed
                  and groups[str(c)].owner == sender]
            if chats and not ok:
                raise WeComError(40058, "no chat in chat_id_list is a customer group of the sender")
            self._seq += 1
            msgid = f"msgGROUP{self._seq:06d}"
            self.sends[msgid] = {"msgid": msgid, "sender": sender, "chats": ok or [g.chat_id for g in groups.values()
                                                                                   if g.owner == sender],
                                 "text": content, "attachments": attachments, "create_time": int(self.fake.clock()),
                                 "results": {}, "sent_at": 0, "reminds": [],
                                 "cancelled_at": 0}
            if self.fake.dispatch_pending:
                self.dispatching.add(msgid)
        return {"msgid": msgid, "fail_list": [str(c) for c in chats if str(c) not in ok]}

    def list_v2(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("chat_type", "single") not in ("single", "group"):
            raise WeComError(40058, "chat_type must be single or group")
        start, end = p.get("start_time"), p.get("end_time")
        if not isinstance(start, int) or not isinstance(end, int) or end < start:
            raise WeComError(40058, "start_time and end_time are required, end_time not before start_time")
        if end - start > RANGE_MAX:
            raise WeComError(40058, "the range is longer than a month")
        limit = _limit(p, LIST_MAX, LIST_DEFAULT)
        with self.fake._lock:
            rows = [s for s in self.sends.values() if p.get("chat_type") == "group" and start <= s["create_time"] <= end
                    and (not p.get("creator") or p["creator"] == s["sender"]) and int(p.get("filter_type", 2)) in (0, 2)]
            page, cursor = _page(rows, p, limit)
            return {"group_msg_list": [{"msgid": s["msgid"], "creator": "", "create_time": str(s["create_time"]),
                                        "create_type": 0, "text": {"content": s["text"]},
                                        "attachments": s["attachments"]} for s in page], "next_cursor": cursor}

    def _known(self, p: dict[str, Any]) -> dict[str, Any]:
        msgid = str(p.get("msgid") or "")
        if msgid not in self.sends:
            raise WeComError(40058, "invalid msgid")
        if msgid in self.dispatching:
            raise WeComError(41063, "the mass send is still being dispatched, try again later")
        return self.sends[msgid]

    def remind(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.fake._lock:
            s = self._known(p)
            now = int(self.fake.clock())
            if s["cancelled_at"]:
                raise WeComError(REMIND_REFUSED, "the mass send was stopped: nothing to remind")
            recent = [t for t in s["reminds"] if now - t < REMIND_SPAN]
            if len(recent) >= REMINDS:
                raise WeComError(REMIND_REFUSED, f"at most {REMINDS} reminders per mass send within 24 hours")
            if not s["sent_at"]:  # a sent task has nothing left to remind of: WeCom answers ok, notifies nobody
                s["reminds"].append(now)
            return {}

    def cancel(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.fake._lock:
            s = self._known(p)
            if not s["sent_at"] and not s["cancelled_at"]:  # what was sent stays sent (WeCom cannot recall it)
                s["cancelled_at"] = int(self.fake.clock())
            return {}

    def task(self, p: dict[str, Any]) -> dict[str, Any]:
        limit = _limit(p, TASK_MAX, TASK_DEFAULT)
        with self.fake._lock:
            s = self._known(p)
            row: dict[str, Any] = {"userid": s["sender"], "status": 2 if s["sent_at"] else 0}
            if s["sent_at"]:
                row["send_time"] = s["sent_at"]
            page, cursor = _page([row], p, limit)
            return {"task_list": page, "next_cursor": cursor}

    def result(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("userid"):
            raise WeComError(40058, "userid is required")
        limit = _limit(p, TASK_MAX, TASK_DEFAULT)
        with self.fake._lock:
            s = self._known(p)
            rows = []
            if p["userid"] == s["sender"]:
                for chat in s["chats"]:
                    status, at = s["results"].get(chat, (0, 0))
                    rows.append({"chat_id": chat, "userid": s["sender"], "status": status,
                                 **({"send_time": at} if status == 1 else {})})
            page, cursor = _page(rows, p, limit)
            return {"send_list": page, "next_cursor": cursor}


def _limit(p: dict[str, Any], most: int, default: int) -> int:
    limit = p.get("limit")
    if not isinstance(limit, int) or limit <= 0 or limit > most:  # WeCom: over the maximum, the default
        return default
    return limit


def _page(rows: list, p: dict[str, Any], limit: int) -> tuple[list, str]:
    start = 0
    if p.get("cursor"):
        try:
            start = int(base64.b64decode(str(p["cursor"])).decode().split(":")[1])
        except (ValueError, IndexError, UnicodeDecodeError):
            raise WeComError(40058, "invalid cursor") from None
    more = start + limit < len(rows)
    return rows[start:start + limit], base64.b64encode(f"gm:{start + limit}".encode()).decode() if more else ""
