"""What the fake WeCom knows: customer groups and their members, welcome templates, join
ways (with auto-create), statistics, and the robot webhook's window.

Plain data behind the fake's lock (``wecom.py`` serves it over HTTP). Errors are
:class:`WeComError` with WeCom's errcode, so the HTTP layer answers the envelope
``{"errcode": n, "errmsg": ...}`` as WeCom does (shared/PROTOCOLS.md 2.2-2.9).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

CHINA = 8 * 3600
DAY = 86400


class WeComError(Exception):
    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


def midnight(ts: int) -> int:
    """00:00 China time of the day holding ``ts`` (WeCom floors statistics times to it)."""
    return (int(ts) + CHINA) // DAY * DAY - CHINA


@dataclass
class Member:
    userid: str
    type: int = 2  # 1 a WeCom member (staff), 2 an external WeChat user
    join_time: int = 0
    join_scene: int = 1  # groupchat/get scale: 1 direct invite, 2 invite link, 3 group QR code
    invitor: str | None = None
    group_nickname: str = ""
    name: str = ""
    unionid: str = ""
    state: str = ""

    def as_json(self, need_name: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"userid": self.userid, "type": self.type, "join_time": self.join_time,
                               "join_scene": self.join_scene, "group_nickname": self.group_nickname}
        if self.invitor:
            out["invitor"] = {"userid": self.invitor}
        if need_name and self.name:
            out["name"] = self.name
        if self.unionid:
            out["unionid"] = self.unionid
        if self.state:
            out["state"] = self.state
        return out


@dataclass
class Group:
    chat_id: str
    name: str
    owner: str
    create_time: int
    notice: str = ""
    status: int = 0  # 0 normal, 1 owner resigned, 2 inheritance under way, 3 inherited
    capacity: int = 200
    members: dict[str, Member] = field(default_factory=dict)
    admins: list[str] = field(default_factory=list)
    dismissed: bool = False

    @property
    def member_version(self) -> str:
        return hashlib.md5(",".join(sorted(self.members)).encode()).hexdigest()

    def as_json(self, need_name: bool) -> dict[str, Any]:
        return {"chat_id": self.chat_id, "name": self.name, "owner": self.owner, "create_time": self.create_time,
                "notice": self.notice, "member_version": self.member_version,
                "member_list": [m.as_json(need_name) for m in self.members.values()],
                "admin_list": [{"userid": u} for u in self.admins]}


class WeComState:
    """The corp's data. Lengths and limits are WeCom's where PROTOCOLS.md gives them."""

    def __init__(self, corp_id: str) -> None:
        self.corp_id = corp_id
        self._lock = threading.RLock()
        self.groups: dict[str, Group] = {}
        self.visible_users = 50  # the app's visible range; over 1,000 without owner_filter -> 81017
        self.templates: dict[str, dict[str, Any]] = {}
        self.template_limit = 100
        self.join_ways: dict[str, dict[str, Any]] = {}
        self.stats: dict[tuple[str, int], dict[str, int]] = {}  # (owner, day 00:00) -> data
        self._seq = 0

    def _next(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:06d}"

    # --- groups --------------------------------------------------------------------------------

    def add_group(self, chat_id: str, name: str, owner: str, *, create_time: int = 1_700_000_000,
                  capacity: int = 200, status: int = 0, notice: str = "") -> Group:
        with self._lock:
            g = Group(chat_id, name, owner, create_time, notice, status, capacity)
            g.members[owner] = Member(owner, 1, create_time, 1)
            self.groups[chat_id] = g
            return g

    def add_member(self, chat_id: str, userid: str, *, scene: int = 1, invitor: str | None = None,
                   join_time: int = 1_700_000_000, name: str = "", state: str = "", type: int = 2) -> Member:
        with self._lock:
            m = Member(userid, type, join_time, scene, invitor, name=name, state=state)
            self.groups[chat_id].members[userid] = m
            return m

    def group(self, chat_id: str) -> Group:
        g = self.groups.get(str(chat_id or ""))
        if g is None or g.dismissed:
            raise WeComError(49008 if g is not None else 40050, "chat_id not found" if g is None else
                             "group chat has been dismissed")
        return g

    def listing(self, status: int, owners: list[str] | None) -> list[Group]:
        with self._lock:
            return [g for g in self.groups.values() if not g.dismissed and (status == 0 or g.status == status)
                    and (not owners or g.owner in owners)]

    # --- welcome templates ------------------------------------------------------------------------

    def template_add(self, body: dict[str, Any]) -> str:
        with self._lock:
            if len(self.templates) >= self.template_limit:
                raise WeComError(41055, "welcome template count limit reached")
            tid = self._next("msg")
            self.templates[tid] = _template_content(body)
            return tid

    def template_edit(self, body: dict[str, Any]) -> None:
        with self._lock:
            tid = str(body.get("template_id") or "")
            if tid not in self.templates:
                raise WeComError(40058, "invalid template_id")
            self.templates[tid] = _template_content(body)

    # --- join ways ---------------------------------------------------------------------------------

    def join_way_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("scene") not in (1, 2):
            raise WeComError(40058, "scene must be 1 or 2")
        chats = body.get("chat_id_list")
        if not isinstance(chats, list) or not 1 <= len(chats) <= 5:
            raise WeComError(40058, "chat_id_list must hold 1 to 5 chat ids")
        for c in chats:
            self.group(c)
        for key, most in (("remark", 30), ("room_base_name", 40), ("state", 30)):
            if len(str(body.get(key) or "")) > most:
                raise WeComError(40058, f"{key} longer than {most} characters")
        return {"scene": body["scene"], "remark": str(body.get("remark") or ""),
                "auto_create_room": int(body.get("auto_create_room", 1)),
                "room_base_name": str(body.get("room_base_name") or ""),
                "room_base_id": int(body.get("room_base_id") or 1), "chat_id_list": [str(c) for c in chats],
                "state": str(body.get("state") or "")}

    # --- statistics ------------------------------------------------------------------------------------

    def set_stat(self, owner: str, day: int, **data: int) -> None:
        with self._lock:
            self.stats[(owner, midnight(day))] = {**_EMPTY_STAT, **data}

    def stat_range(self, body: dict[str, Any], today: int) -> tuple[int, int]:
        """The inclusive [begin, end] days asked for, floored to 00:00; 40058 for what WeCom refuses."""
        begin = body.get("day_begin_time")
        if not isinstance(begin, int) or begin <= 0:
            raise WeComError(40058, "day_begin_time is required")
        end = body.get("day_end_time") or begin
        begin, end = midnight(begin), midnight(end)
        if end < begin:
            raise WeComError(40058, "day_end_time before day_begin_time")
        if (end - begin) // DAY + 1 > 30:
            raise WeComError(40058, "the span is longer than 30 days")
        if begin < midnight(today) - 180 * DAY:
            raise WeComError(40058, "data older than 180 days is not kept")
        return begin, end

    def stat_days(self, begin: int, end: int, today: int, owners: list[str]) -> list[tuple[str, int, dict[str, int]]]:
        """(owner, day, data) of the range; today and later hold nothing yet (T+1)."""
        out = []
        for (owner, day), data in sorted(self.stats.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if begin <= day <= end and day < midnight(today) and (not owners or owner in owners):
                out.append((owner, day, data))
        return out


_EMPTY_STAT = {"new_chat_cnt": 0, "chat_total": 0, "chat_has_msg": 0, "new_member_cnt": 0, "member_total": 0,
               "member_has_msg": 0, "msg_total": 0, "migrate_trainee_chat_cnt": 0}
STAT_FIELDS = tuple(_EMPTY_STAT)
_ATTACHMENTS = ("image", "link", "miniprogram", "file", "video")


def _template_content(body: dict[str, Any]) -> dict[str, Any]:
    text = body.get("text") or {}
    content = str(text.get("content") or "") if isinstance(text, dict) else ""
    if len(content.encode()) > 3000:
        raise WeComError(40058, "text.content longer than 3000 bytes")
    attached = [k for k in _ATTACHMENTS if body.get(k)]
    if len(attached) > 1:
        raise WeComError(40058, "at most one attachment")
    if not content and not attached:
        raise WeComError(40058, "a template needs text or an attachment")
    out: dict[str, Any] = {"text": {"content": content}} if content else {}
    for k in attached:
        out[k] = body[k]
    return out
