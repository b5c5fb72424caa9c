"""What each bridge sends beyond the common OneBot v11 events, in its own shape.

The three bridges shequn meets differ in notices, request fields, message fields and
answers (read from their event and action code: go-cqhttp ``coolq/event.go`` and
``server/api.go``, NapCat ``src/onebot/event/**``, Lagrange.OneBot ``Core/Entity/Notify``
and ``Core/Operation``). The test drivers here emit each in the shape of the fake's
``dialect`` and refuse what that bridge never sends, so a test of a NapCat notice cannot
pass with a go-cqhttp payload:

- the bot itself invited into a group (all three: ``request``/``group``/``invite``,
  ``user_id`` is whoever invites; Lagrange's flag is ``seq-group-type``);
- a member's join request naming who invited them (go-cqhttp and Lagrange:
  ``invitor_id`` on an ``add`` request; Lagrange always sends it, 0 when nobody);
- a rename (NapCat ``notify``/``group_name`` with ``name_new``; Lagrange
  ``group_name_change`` with ``name``; go-cqhttp reports none);
- a disband (NapCat and Lagrange ``group_decrease``/``disband``);
- the account pushed offline (NapCat and Lagrange ``bot_offline`` with ``tag`` and
  ``message``; older Lagrange ``notify``/``bot_offline``);
- the bot's own join (``group_increase`` whose ``user_id`` is the bot) and its own
  messages (``message_sent``, NapCat and go-cqhttp);
- cards: ``share``, ``json`` (mini-program and link arks), ``xml`` and ``forward``
  segments (NapCat sends a forward's ``content`` inline).

A mixin of :class:`FakeOneBot` (``onebot.py``) over :class:`OneBotState`.
"""

from __future__ import annotations

import json
import time
from typing import Any

#: What each dialect can send; a driver asked for something else raises ValueError.
SENDS = {
    "rename": {"napcat", "lagrange"},
    "disband": {"napcat", "lagrange"},
    "bot_offline": {"napcat", "lagrange"},
    "invitor_id": {"gocq", "lagrange"},
    "message_sent": {"napcat", "gocq"},
    "forward_content": {"napcat"},
}


def ark(app: str, prompt: str, title: str, desc: str, url: str, *, mini: bool) -> str:
    """A QQ ark card as a ``json`` segment carries it (a string of JSON)."""
    if mini:
        meta = {"detail_1": {"appid": "1109937557", "title": title, "desc": desc, "qqdocurl": url,
                             "preview": "https://pic.example/p.png"}}
    else:
        meta = {"news": {"title": title, "desc": desc, "jumpUrl": url, "tag": "QQ"}}
    return json.dumps({"app": app, "desc": "", "view": "detail_1" if mini else "news", "ver": "1.0.0.0",
                       "prompt": prompt, "meta": meta}, ensure_ascii=False)


class OneBotDialects:
    """Dialect-shaped drivers; needs ``dialect``, ``self_id``, the state and ``_emit``."""

    def _must_send(self, what: str) -> None:
        if self.dialect not in SENDS[what]:
            raise ValueError(f"{self.dialect} does not send {what}")

    def _flag(self, group_id: int, kind: int) -> str:
        flag = self._next_flag
        self._next_flag += 1
        return f"{flag}-{group_id}-{kind}" if self.dialect == "lagrange" else str(flag)

    # --------------------------------------------------------------- requests
    def inject_bot_invitation(self, group_id: int, inviter: int, group_name: str = "", comment: str = "") -> dict:
        """Someone invites the bot account into a group it is not in (all three dialects)."""
        with self._lock:
            flag = self._flag(group_id, 2)
            self.foreign_groups[group_id] = group_name or f"group{group_id}"
            event = self._event("request", request_type="group", sub_type="invite", group_id=group_id,
                                user_id=inviter, comment=comment, flag=flag)
            if self.dialect == "lagrange":
                event["invitor_id"] = 0
            self.requests[flag] = {"flag": flag, "sub_type": "invite", "group_id": group_id, "user_id": inviter,
                                   "comment": comment, "time": event["time"]}
        return self._emit(event)

    def inject_invited_request(self, group_id: int, user_id: int, invitor: int, comment: str = "") -> dict:
        """A member invited someone and an admin must approve: an ``add`` request with
        ``invitor_id`` (go-cqhttp and Lagrange)."""
        self._must_send("invitor_id")
        with self._lock:
            flag = self._flag(group_id, 1)
            event = self._event("request", request_type="group", sub_type="add", group_id=group_id,
                                user_id=user_id, comment=comment, flag=flag, invitor_id=invitor)
            self.requests[flag] = {"flag": flag, "sub_type": "add", "group_id": group_id, "user_id": user_id,
                                   "comment": comment, "time": event["time"]}
        return self._emit(event)

    # ---------------------------------------------------------------- notices
    def inject_rename(self, group_id: int, operator: int, name: str) -> dict:
        """The group is renamed (NapCat ``notify``/``group_name``, Lagrange ``group_name_change``)."""
        self._must_send("rename")
        with self._lock:
            self._group(group_id)["group_name"] = name
            if self.dialect == "napcat":
                event = self._event("notice", notice_type="notify", sub_type="group_name", group_id=group_id,
                                    user_id=operator, name_new=name)
            else:
                event = self._event("notice", notice_type="group_name_change", group_id=group_id, name=name)
        return self._emit(event)

    def inject_disband(self, group_id: int, operator: int) -> dict:
        """The owner disbands the group (``group_decrease``/``disband``); the bot is out of it."""
        self._must_send("disband")
        with self._lock:
            self._group(group_id)
            self.groups.pop(group_id)
            self.members.pop(group_id, None)
            event = self._event("notice", notice_type="group_decrease", sub_type="disband", group_id=group_id,
                                operator_id=operator, user_id=self.self_id)
        return self._emit(event)

    def inject_bot_offline(self, message: str = "你的账号在另一台设备登录", tag: str = "被挤下线", *,
                           old_lagrange: bool = False) -> dict:
        """QQ pushes the account offline (NapCat and Lagrange; ``old_lagrange``: the
        ``notify``/``bot_offline`` shape of earlier Lagrange.OneBot releases)."""
        self._must_send("bot_offline")
        with self._lock:
            self.online = False
            if old_lagrange:
                event = self._event("notice", notice_type="notify", sub_type="bot_offline", tag=tag, message=message)
            elif self.dialect == "napcat":
                event = self._event("notice", notice_type="bot_offline", user_id=self.self_id, tag=tag,
                                    message=message)
            else:
                event = self._event("notice", notice_type="bot_offline", tag=tag, message=message)
        return self._emit(event)

    def bot_joins(self, group_id: int, name: str, operator: int, sub_type: str = "invite") -> dict:
        """The bot account enters a group (after accepting an invitation): its own
        ``group_increase``, ``user_id`` = the bot."""
        with self._lock:
            self.foreign_groups.pop(group_id, None)
            self.add_group(group_id, name)
            event = self._event("notice", notice_type="group_increase", sub_type=sub_type, group_id=group_id,
                                operator_id=operator, user_id=self.self_id)
        return self._emit(event)

    def member_joins(self, group_id: int, user_id: int, nickname: str, *, card: str = "",
                     operator: int = 0, sub_type: str = "approve") -> dict:
        """A member enters (the notice carries no name: the connector looks them up)."""
        with self._lock:
            self.add_member(group_id, user_id, nickname, card=card)
            event = self._event("notice", notice_type="group_increase", sub_type=sub_type, group_id=group_id,
                                operator_id=operator or self.self_id, user_id=user_id)
        return self._emit(event)

    # --------------------------------------------------------------- messages
    def inject_own_message(self, group_id: int, text: str) -> dict:
        """The bot's own message reported back (``message_sent``: NapCat, go-cqhttp)."""
        self._must_send("message_sent")
        with self._lock:
            record = self._store_message(group_id, self.self_id, [{"type": "text", "data": {"text": text}}])
            event = self._message_event(record, "message_sent")
        return self._emit(event)

    def card_segments(self, url: str, title: str, text: str) -> dict[str, dict]:
        """The card segments this dialect reports, each carrying ``url``, ``title`` and ``text``."""
        segs = {
            "share": {"type": "share", "data": {"url": url, "title": title, "content": text,
                                                "image": "https://pic.example/s.png"}},
            "json_mini": {"type": "json", "data": {"data": ark("com.tencent.miniapp_01", f"[QQ小程序]{title}", title,
                                                               text, url, mini=True)}},
            "json_link": {"type": "json", "data": {"data": ark("com.tencent.structmsg", f"[分享]{title}", title,
                                                               text, url, mini=False)}},
            "xml": {"type": "xml", "data": {"data": (
                f'<?xml version="1.0" encoding="utf-8"?><msg serviceID="1" templateID="1" action="web" '
                f'brief="[分享]{title}" url="{url}"><item layout="2"><title>{title}</title>'
                f'<summary>{text}</summary></item></msg>')}},
        }
        if self.dialect == "napcat":  # NapCat reports a forward's messages inline (parseMultMsg)
            inner = {"self_id": self.self_id, "user_id": 555, "time": int(time.time()), "message_id": 9,
                     "message_type": "group", "sender": {"user_id": 555, "nickname": "转发者"},
                     "message": [{"type": "text", "data": {"text": f"{title} {text} {url}"}}],
                     "raw_message": f"{title} {text} {url}"}
            segs["forward"] = {"type": "forward", "data": {"id": "7390000000000000001", "content": [inner]}}
        else:
            segs["forward"] = {"type": "forward", "data": {"id": "7390000000000000001"}}
        return segs

    def inject_raw_message(self, group_id: int, user_id: int, message: Any, **extra: Any) -> dict:
        """A group message exactly as given (``message`` a string or segments, not checked):
        how a bridge reports what it could not parse itself."""
        with self._lock:
            event = self._event("message", message_type="group", sub_type="normal",
                                message_id=self._next_message_id, group_id=group_id, user_id=user_id,
                                anonymous=None, message=message, raw_message=message if isinstance(message, str)
                                else "", font=0, sender=self._sender(group_id, user_id), **extra)
            self._next_message_id += 1
        return self._emit(event)
