"""In-memory QQ group state of the fake bridge: groups, members, requests, messages.

Split out of ``onebot.py`` so that the transport code (HTTP, WebSocket, POST
delivery, fault injection) and the group model stay readable on their own; the
OneBot actions over this state are in ``onebot_actions.py``. The mixin expects
its host class to provide ``dialect``, ``self_id``, ``bot_role``,
``message_format``, ``echo_own_messages``, ``supports_notice``,
``admin_requires_owner`` and ``_emit(event)``.

Failure wording follows go-cqhttp (``msg`` code + Chinese ``wording``) in the
"gocq" dialect, NapCat-style messages in the "napcat" dialect and a bare retcode
in the "lagrange" dialect (PROTOCOLS.md 1.2, 1.3, 1.7). Codes and texts are realistic but connectors must never depend
on them: success is ``status == "ok"``.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from typing import Any, Callable

from .onebot_cq import normalize_message, to_cq_string

ROLE_RANK = {"member": 1, "admin": 2, "owner": 3}
_INT_RE = re.compile(r"-?\d+")


class ActionError(Exception):
    """An action failed: the transport turns it into the dialect's failure envelope."""

    def __init__(self, msg: str, wording: str, napcat: str | None = None, *, bad_param: bool = False,
                 lagrange: int = 200):
        super().__init__(wording)
        self.msg = msg  # go-cqhttp error code string, e.g. GROUP_NOT_FOUND
        self.wording = wording  # go-cqhttp human text
        self.napcat = napcat or wording  # NapCat ``message``
        self.bad_param = bad_param  # NapCat: retcode 400/1400 instead of 200/1200
        self.lagrange = lagrange  # Lagrange's retcode (no words): 200 for an exception, -1 or 1 for a refusal


class UnknownAction(Exception):
    """The bridge does not implement this action (gocq retcode 404, NapCat 200/1404)."""


def coerce_params(params: dict[str, Any]) -> dict[str, Any]:
    """Coerce numeric strings for ``*_id``/duration keys to ints, like the bridges' schemas do."""
    out = dict(params)
    for key, value in params.items():
        if (key.endswith("_id") or key in ("duration", "ban_duration")) and isinstance(value, str):
            if _INT_RE.fullmatch(value.strip()):
                out[key] = int(value.strip())
    return out


def _as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


class OneBotState:
    """Groups, members, join requests, notices, messages; the helpers the actions share."""

    dialect: str
    self_id: int
    bot_role: str
    echo_own_messages: bool
    supports_notice: bool
    admin_requires_owner: bool
    _emit: Callable[[dict], dict]

    def _init_state(self) -> None:
        self._lock = threading.RLock()
        self.nickname = "FakeBot"
        self.online = True  # get_status / heartbeat ``online`` and ``good``
        self.groups: dict[int, dict] = {}
        self.members: dict[int, dict[int, dict]] = {}
        self.bot_roles: dict[int, str] = {}  # per-group override of ``bot_role``
        self.whole_ban: dict[int, bool] = {}
        self.requests: dict[str, dict] = {}
        self.foreign_groups: dict[int, str] = {}  # groups the bot is invited to but not in: id -> name
        self.strangers: dict[int, str] = {}  # get_stranger_info nicknames of people in none of the groups
        self.handled_requests: list[dict] = []  # requests after approve/reject, with approve/reason
        self.blocked: set[tuple[int, int]] = set()  # (group, user) kicked with reject_add_request
        self.notices: dict[int, list[dict]] = {}
        self.messages: dict[int, dict] = {}  # message_id -> record (group_id, user_id, segments, ...)
        self.sent: list[dict] = []
        self.calls: list[tuple[str, dict]] = []
        self.events: list[dict] = []  # every event emitted, in order
        self._next_message_id = 1001
        self._next_flag = 1700000000001

    # ------------------------------------------------------------------ setup
    def add_group(self, group_id: int, name: str, max_member_count: int = 500) -> None:
        """Make the bot a member of a group (the bot itself is not listed in ``members``)."""
        with self._lock:
            self.groups[group_id] = {
                "group_id": group_id,
                "group_name": name,
                "member_count": 0,
                "max_member_count": max_member_count,
            }
            self.members.setdefault(group_id, {})
            self.notices.setdefault(group_id, [])
            self._refresh_count(group_id)

    def add_member(self, group_id: int, user_id: int, nickname: str, *, card: str = "",
                   role: str = "member", join_time: int | None = None) -> None:
        """Add a member with every get_group_member_info field filled."""
        with self._lock:
            if group_id not in self.groups:
                self.add_group(group_id, f"group{group_id}")
            self.members[group_id][user_id] = {
                "group_id": group_id, "user_id": user_id, "nickname": nickname, "card": card,
                "sex": "unknown", "age": 0, "area": "",
                "join_time": int(time.time()) if join_time is None else join_time,
                "last_sent_time": 0, "level": "1", "role": role, "unfriendly": False,
                "title": "", "title_expire_time": 0, "card_changeable": False, "shut_up_timestamp": 0,
            }
            self._refresh_count(group_id)

    def set_bot_role(self, group_id: int, role: str) -> None:
        """Per-group bot role (otherwise ``bot_role`` applies to every group)."""
        with self._lock:
            self.bot_roles[group_id] = role

    # ---------------------------------------------------------------- helpers
    @property
    def _napcat(self) -> bool:
        return self.dialect == "napcat"

    @property
    def _lagrange(self) -> bool:
        return self.dialect == "lagrange"

    def _refresh_count(self, group_id: int) -> None:
        self.groups[group_id]["member_count"] = len(self.members.get(group_id, {}))

    def _event(self, post_type: str, **fields: Any) -> dict:
        return {"time": int(time.time()), "self_id": self.self_id, "post_type": post_type, **fields}

    def _role_of_bot(self, group_id: int) -> str:
        own = self.members.get(group_id, {}).get(self.self_id)
        if own:
            return own["role"]
        return self.bot_roles.get(group_id, self.bot_role)

    def _int(self, p: dict, key: str, default: Any = ...) -> int:
        """Read an int param. Missing/garbage: NapCat rejects (400); go-cqhttp reads 0 (gjson)."""
        value = p.get(key)
        if value is None or value == "":
            if default is not ...:
                return default
            if self._napcat:
                raise ActionError("BAD_PARAM", f"{key} 是必需参数", f"参数错误: {key} is required", bad_param=True)
            return 0
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value)
        if self._napcat:
            raise ActionError("BAD_PARAM", f"{key} 类型错误", f"参数错误: {key} must be a number", bad_param=True)
        return 0

    def _group(self, group_id: int) -> dict:
        group = self.groups.get(group_id)
        if group is None:
            raise ActionError("GROUP_NOT_FOUND", "群聊不存在", f"群{group_id}不存在")
        return group

    def _member(self, group_id: int, user_id: int) -> dict:
        """Target member; go-cqhttp's kick/ban/card answer GROUP_NOT_FOUND for a missing member."""
        self._group(group_id)
        member = self.members[group_id].get(user_id)
        if member is None:
            raise ActionError("GROUP_NOT_FOUND", "群聊不存在", f"群成员{user_id}不存在")
        return member

    def _need_admin(self, group_id: int, msg: str = "NOT_MANAGEABLE", wording: str = "机器人权限不足") -> None:
        if ROLE_RANK.get(self._role_of_bot(group_id), 1) < ROLE_RANK["admin"]:
            raise ActionError(msg, wording, "权限不足: 机器人不是管理员")

    def _need_outrank(self, group_id: int, member: dict) -> None:
        """Admins manage members only; owners manage admins too; nobody manages the owner."""
        self._need_admin(group_id)
        if ROLE_RANK.get(member["role"], 1) >= ROLE_RANK.get(self._role_of_bot(group_id), 1):
            raise ActionError("NOT_MANAGEABLE", "机器人权限不足", "权限不足: 无法管理群主或管理员")

    def _sender(self, group_id: int, user_id: int) -> dict:
        m = self.members.get(group_id, {}).get(user_id)
        if user_id == self.self_id and not m:
            return {"user_id": user_id, "nickname": self.nickname, "card": "", "sex": "unknown", "age": 0,
                    "area": "", "level": "1", "role": self._role_of_bot(group_id), "title": ""}
        if not m:
            return {"user_id": user_id, "nickname": f"user{user_id}", "card": "", "role": "member"}
        return {k: m[k] for k in ("user_id", "nickname", "card", "sex", "age", "area", "level", "role", "title")}

    def _message_event(self, record: dict, post_type: str = "message") -> dict:
        segments = record["segments"]
        event = self._event(
            post_type, message_type="group", sub_type="normal", message_id=record["message_id"],
            group_id=record["group_id"], user_id=record["user_id"], anonymous=None,
            message=copy.deepcopy(segments) if self.message_format == "array" else to_cq_string(segments),
            raw_message=to_cq_string(segments), font=0, sender=self._sender(record["group_id"], record["user_id"]),
        )
        if self._napcat:  # NapCat names the group on every message
            event.update(message_format=self.message_format, real_id=record["message_id"],
                         message_seq=record["message_id"],
                         group_name=self.groups.get(record["group_id"], {}).get("group_name", ""))
        return event

    def _store_message(self, group_id: int, user_id: int, segments: list, message_id: int | None = None) -> dict:
        if message_id is None:
            message_id = self._next_message_id
            self._next_message_id = self._next_message_id + 1 if self._next_message_id < 2**31 - 1 else 1
        record = {"message_id": message_id, "group_id": group_id, "user_id": user_id, "segments": segments,
                  "raw_message": to_cq_string(segments), "time": int(time.time()), "deleted": False}
        self.messages[message_id] = record
        return record

    # ----------------------------------------------------------- test drivers
    def inject_message(self, group_id: int, user_id: int, message: str | list, *,
                       message_id: int | None = None) -> dict:
        """A group member speaks. A ``str`` is read as CQ-code text; a list as segments."""
        with self._lock:
            segments = normalize_message(message)
            record = self._store_message(group_id, user_id, segments, message_id)
            member = self.members.get(group_id, {}).get(user_id)
            if member:
                member["last_sent_time"] = record["time"]
            event = self._message_event(record)
        return self._emit(event)

    def inject_join_request(self, group_id: int, user_id: int, comment: str = "", sub_type: str = "add") -> dict:
        """Someone asks to join (``add``) or invites the bot (``invite``); creates a pending flag."""
        with self._lock:
            flag = self._flag(group_id, 1 if sub_type == "add" else 2)
            event = self._event("request", request_type="group", sub_type=sub_type, group_id=group_id,
                                user_id=user_id, comment=comment, flag=flag)
            if self._lagrange:
                event["invitor_id"] = 0  # Lagrange always sends it; 0 when nobody invited them
            self.requests[flag] = {"flag": flag, "sub_type": sub_type, "group_id": group_id, "user_id": user_id,
                                   "comment": comment, "time": event["time"]}
        return self._emit(event)
