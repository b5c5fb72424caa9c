"""In-memory QQ group state and the OneBot v11 actions of the fake bridge.

Split out of ``onebot.py`` so that the transport code (HTTP, WebSocket, POST
delivery, fault injection) and the group model stay readable on their own.
The mixin expects its host class to provide ``dialect``, ``self_id``,
``bot_role``, ``message_format``, ``echo_own_messages``, ``supports_notice``,
``admin_requires_owner`` and ``_emit(event)``.

Failure wording follows go-cqhttp (``msg`` code + Chinese ``wording``) in the
"gocq" dialect and NapCat-style messages in the "napcat" dialect (PROTOCOLS.md
1.2, 1.3, 1.7). Codes and texts are realistic but connectors must never depend
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
MAX_BAN_SECONDS = 2592000  # 30 days: go-cqhttp refuses longer mutes
_INT_RE = re.compile(r"-?\d+")


class ActionError(Exception):
    """An action failed: the transport turns it into the dialect's failure envelope."""

    def __init__(self, msg: str, wording: str, napcat: str | None = None, *, bad_param: bool = False):
        super().__init__(wording)
        self.msg = msg  # go-cqhttp error code string, e.g. GROUP_NOT_FOUND
        self.wording = wording  # go-cqhttp human text
        self.napcat = napcat or wording  # NapCat ``message``
        self.bad_param = bad_param  # NapCat: retcode 400/1400 instead of 200/1200


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
    """Groups, members, join requests, notices, messages, and the actions over them."""

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
        if self._napcat:
            event.update(message_format=self.message_format, real_id=record["message_id"],
                         message_seq=record["message_id"])
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
            flag = str(self._next_flag)
            self._next_flag += 1
            event = self._event("request", request_type="group", sub_type=sub_type, group_id=group_id,
                                user_id=user_id, comment=comment, flag=flag)
            self.requests[flag] = {"flag": flag, "sub_type": sub_type, "group_id": group_id, "user_id": user_id,
                                   "comment": comment, "time": event["time"]}
        return self._emit(event)

    # ---------------------------------------------------------------- actions
    def action_table(self) -> dict[str, Callable[[dict], Any]]:
        """Action name -> handler, honouring ``supports_notice`` and dialect-only actions."""
        table = {
            "get_login_info": self._a_get_login_info,
            "get_group_list": self._a_get_group_list,
            "get_group_info": self._a_get_group_info,
            "get_group_member_list": self._a_get_group_member_list,
            "get_group_member_info": self._a_get_group_member_info,
            "send_group_msg": self._a_send_group_msg,
            "delete_msg": self._a_delete_msg,
            "set_group_kick": self._a_set_group_kick,
            "set_group_ban": self._a_set_group_ban,
            "set_group_whole_ban": self._a_set_group_whole_ban,
            "set_group_admin": self._a_set_group_admin,
            "set_group_card": self._a_set_group_card,
            "set_group_name": self._a_set_group_name,
            "set_group_add_request": self._a_set_group_add_request,
            "_send_group_notice": self._a_send_group_notice,
            "_get_group_notice": self._a_get_group_notice,
            "get_version_info": self._a_get_version_info,
            "get_status": self._a_get_status,
            ".handle_quick_operation": self._a_handle_quick_operation,
        }
        if not self.supports_notice:
            del table["_send_group_notice"], table["_get_group_notice"]
        if not self._napcat:
            table["get_supported_actions"] = lambda p: sorted(self.action_table())
        return table

    def run_action(self, action: str, params: dict) -> Any:
        """Execute one action under the state lock; raises ActionError / UnknownAction."""
        handler = self.action_table().get(action)
        if handler is None:
            raise UnknownAction(action)
        with self._lock:
            return handler(params)

    def _a_get_login_info(self, p: dict) -> dict:
        return {"user_id": self.self_id, "nickname": self.nickname}

    def _group_info(self, group_id: int) -> dict:
        self._refresh_count(group_id)
        info = dict(self.groups[group_id])
        if not self._napcat:
            info.update(group_memo="", group_create_time=0, group_level=0)
        return info

    def _a_get_group_list(self, p: dict) -> list:
        return [self._group_info(g) for g in self.groups]

    def _a_get_group_info(self, p: dict) -> dict:
        gid = self._int(p, "group_id")
        self._group(gid)
        return self._group_info(gid)

    def _a_get_group_member_list(self, p: dict) -> list:
        gid = self._int(p, "group_id")
        self._group(gid)
        return [dict(m) for m in self.members[gid].values()]

    def _a_get_group_member_info(self, p: dict) -> dict:
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        self._group(gid)
        member = self.members[gid].get(uid)
        if member is None:
            raise ActionError("MEMBER_NOT_FOUND", "群员不存在", f"群成员{uid}不存在")
        return dict(member)

    def _a_send_group_msg(self, p: dict) -> dict:
        gid = self._int(p, "group_id")
        self._group(gid)
        try:
            segments = normalize_message(p.get("message"), auto_escape=_as_bool(p.get("auto_escape"), False))
        except ValueError as exc:
            raise ActionError("BAD_PARAM", str(exc), f"参数错误: {exc}", bad_param=True) from None
        if not segments:
            raise ActionError("EMPTY_MSG_ERROR", "消息为空", "消息体无法解析, 请检查是否发送了不支持的消息类型")
        record = self._store_message(gid, self.self_id, segments)
        self.sent.append({"group_id": gid, "message": copy.deepcopy(p.get("message")),
                          "message_id": record["message_id"], "time": record["time"],
                          "segments": copy.deepcopy(segments), "raw_message": record["raw_message"]})
        if self.echo_own_messages:
            self._emit(self._message_event(record, self.own_message_post_type))
        return {"message_id": record["message_id"]}

    def _a_delete_msg(self, p: dict) -> None:
        record = self.messages.get(self._int(p, "message_id"))
        if record is None or record["deleted"]:
            raise ActionError("MESSAGE_NOT_FOUND", "消息不存在", "消息不存在")
        gid, uid = record["group_id"], record["user_id"]
        if uid != self.self_id:
            sender = self.members.get(gid, {}).get(uid) or {"role": "member"}
            try:
                self._need_outrank(gid, sender)
            except ActionError:
                raise ActionError("RECALL_API_ERROR", "机器人权限不足", "撤回失败: 权限不足") from None
        record["deleted"] = True
        self._emit(self._event("notice", notice_type="group_recall", group_id=gid, user_id=uid,
                               operator_id=self.self_id, message_id=record["message_id"]))

    def _a_set_group_kick(self, p: dict) -> None:
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        member = self._member(gid, uid)
        self._need_outrank(gid, member)
        del self.members[gid][uid]
        self._refresh_count(gid)
        if _as_bool(p.get("reject_add_request"), False):
            self.blocked.add((gid, uid))
        self._emit(self._event("notice", notice_type="group_decrease", sub_type="kick", group_id=gid,
                               operator_id=self.self_id, user_id=uid))

    def _a_set_group_ban(self, p: dict) -> None:
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        duration = self._int(p, "duration", 1800)
        member = self._member(gid, uid)
        if duration > MAX_BAN_SECONDS or duration < 0:
            raise ActionError("DURATION_IS_NOT_IN_RANGE", "非法的禁言时长", "禁言时长超出范围")
        self._need_outrank(gid, member)
        member["shut_up_timestamp"] = int(time.time()) + duration if duration else 0
        self._emit(self._event("notice", notice_type="group_ban", sub_type="ban" if duration else "lift_ban",
                               group_id=gid, operator_id=self.self_id, user_id=uid, duration=duration))

    def _a_set_group_whole_ban(self, p: dict) -> None:
        gid = self._int(p, "group_id")
        enable = _as_bool(p.get("enable"), True)
        self._group(gid)
        self._need_admin(gid)
        self.whole_ban[gid] = enable
        # user_id 0 marks a whole-group mute (go-cqhttp style; UNCONFIRMED across bridges)
        self._emit(self._event("notice", notice_type="group_ban", sub_type="ban" if enable else "lift_ban",
                               group_id=gid, operator_id=self.self_id, user_id=0, duration=-1 if enable else 0))

    def _a_set_group_admin(self, p: dict) -> None:
        """Only the group owner may appoint admins (QQ rule; go-cqhttp checks OwnerUin)."""
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        enable = _as_bool(p.get("enable"), True)
        need = "owner" if self.admin_requires_owner else "admin"
        if gid not in self.groups or ROLE_RANK.get(self._role_of_bot(gid), 1) < ROLE_RANK[need]:
            raise ActionError("PERMISSION_DENIED", "群不存在或权限不足", "权限不足: 只有群主可以设置管理员")
        member = self.members[gid].get(uid)
        if member is None:
            raise ActionError("GROUP_MEMBER_NOT_FOUND", "群成员不存在", f"群成员{uid}不存在")
        if member["role"] == "owner":
            raise ActionError("PERMISSION_DENIED", "群不存在或权限不足", "无法修改群主的身份")
        member["role"] = "admin" if enable else "member"
        self._emit(self._event("notice", notice_type="group_admin", sub_type="set" if enable else "unset",
                               group_id=gid, user_id=uid))

    def _a_set_group_card(self, p: dict) -> None:
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        card = str(p.get("card") or "")
        if uid == self.self_id and uid not in self.members.get(gid, {}):
            self._group(gid)
            return None  # the bot renaming itself: allowed, nothing tracked
        member = self._member(gid, uid)
        if uid != self.self_id:
            self._need_outrank(gid, member)
        old, member["card"] = member["card"], card
        if old != card:
            self._emit(self._event("notice", notice_type="group_card", group_id=gid, user_id=uid,
                                   card_new=card, card_old=old))

    def _a_set_group_name(self, p: dict) -> None:
        gid = self._int(p, "group_id")
        self._group(gid)
        self._need_admin(gid)
        self.groups[gid]["group_name"] = str(p.get("group_name") or "")

    def _a_set_group_add_request(self, p: dict) -> None:
        """go-cqhttp looks the flag up among ``add`` or ``invite`` requests by sub_type/type
        (missing means invite); NapCat ignores sub_type and treats only "false" as reject."""
        flag = str(p.get("flag") or "")
        req = self.requests.get(flag)
        if self._napcat:
            approve_raw = p.get("approve", True)
            approve = approve_raw != "false" if isinstance(approve_raw, str) else bool(approve_raw)
            if req is None:
                raise ActionError("FLAG_NOT_FOUND", "No such request", "No such request")
        else:
            approve = _as_bool(p.get("approve"), True)
            sub_type = str(p.get("sub_type") or p.get("type") or "")
            if req is None and any(h["flag"] == flag for h in self.handled_requests):
                raise ActionError("FLAG_HAS_BEEN_CHECKED", "消息已被处理")
            if req is None or (req["sub_type"] == "add") != (sub_type == "add"):
                raise ActionError("FLAG_NOT_FOUND", "FLAG不存在")
        gid, uid = req["group_id"], req["user_id"]
        self._group(gid)
        self._need_admin(gid, "PERMISSION_DENIED", "权限不足")
        del self.requests[flag]
        reason = str(p.get("reason") or ("" if not self._napcat else " "))
        self.handled_requests.append({**req, "approve": approve, "reason": "" if approve else reason})
        if approve and req["sub_type"] == "add":
            if uid not in self.members[gid]:
                self.add_member(gid, uid, f"user{uid}")
            self._emit(self._event("notice", notice_type="group_increase", sub_type="approve", group_id=gid,
                                   operator_id=self.self_id, user_id=uid))

    def _a_send_group_notice(self, p: dict) -> None:
        gid = self._int(p, "group_id")
        self._group(gid)
        self._need_admin(gid, "PERMISSION_DENIED", "权限不足")
        content = str(p.get("content") or "")
        if not content:
            raise ActionError("BAD_PARAM", "公告内容为空", "参数错误: content is required", bad_param=True)
        images = [{"height": "0", "width": "0", "id": str(p["image"])}] if p.get("image") else []
        self.notices[gid].append({"sender_id": self.self_id, "publish_time": int(time.time()),
                                  "message": {"text": content, "images": images}})

    def _a_get_group_notice(self, p: dict) -> list:
        gid = self._int(p, "group_id")
        self._group(gid)
        return copy.deepcopy(self.notices.get(gid, []))

    def _a_get_version_info(self, p: dict) -> dict:
        if self._napcat:
            return {"app_name": "NapCat.Onebot", "app_version": "4.8.0", "protocol_version": "v11"}
        return {"app_name": "go-cqhttp", "app_version": "v1.2.0", "app_full_name": "go-cqhttp-v1.2.0_fake",
                "protocol_version": "v11", "coolq_edition": "pro", "coolq_directory": "", "go-cqhttp": True,
                "plugin_version": "4.15.0", "plugin_build_number": 99, "plugin_build_configuration": "release",
                "runtime_version": "go1.20", "runtime_os": "linux", "version": "v1.2.0", "protocol": 6}

    def _a_get_status(self, p: dict) -> dict:
        return {"app_initialized": True, "app_enabled": True, "plugins_good": None, "app_good": True,
                "online": self.online, "good": self.online, "stat": {}}

    def _a_handle_quick_operation(self, p: dict) -> None:
        self.apply_quick_operation(p.get("context") or {}, p.get("operation") or {})

    def apply_quick_operation(self, context: dict, op: dict) -> list[tuple[str, Any]]:
        """Perform a quick operation (1.5) like go-cqhttp: ``at_sender`` only when explicitly true,
        ``ban_duration`` defaults to 30 min. Returns (action, result-or-ActionError) pairs."""
        done: list[tuple[str, Any]] = []

        def attempt(action: str, params: dict) -> None:
            try:
                done.append((action, self.run_action(action, params)))
            except ActionError as exc:
                done.append((action, exc))

        gid, uid = context.get("group_id"), context.get("user_id")
        if context.get("post_type") == "message" and context.get("message_type") == "group":
            if "reply" in op and op["reply"] is not None:
                reply, auto_escape = op["reply"], _as_bool(op.get("auto_escape"), False)
                if _as_bool(op.get("at_sender"), False):
                    reply = [{"type": "at", "data": {"qq": str(uid)}}] + normalize_message(reply, auto_escape=auto_escape)
                attempt("send_group_msg", {"group_id": gid, "message": reply, "auto_escape": auto_escape})
            if _as_bool(op.get("delete"), False):
                attempt("delete_msg", {"message_id": context.get("message_id")})
            if _as_bool(op.get("kick"), False):
                attempt("set_group_kick", {"group_id": gid, "user_id": uid,
                                           "reject_add_request": op.get("reject_add_request", False)})
            if _as_bool(op.get("ban"), False):
                attempt("set_group_ban", {"group_id": gid, "user_id": uid, "duration": op.get("ban_duration", 1800)})
        elif context.get("post_type") == "request" and context.get("request_type") == "group" and "approve" in op:
            attempt("set_group_add_request", {"flag": context.get("flag"), "sub_type": context.get("sub_type"),
                                              "approve": _as_bool(op.get("approve"), True),
                                              "reason": op.get("reason", "")})
        return done
