"""The OneBot v11 actions of the fake bridge, over the state in ``onebot_state.py``.

One handler per action (``_a_<name>``), each checking what the real bridges check:
the bot's rank against the target's, go-cqhttp's 30-day mute limit, the owner-only
admin appointment, a join request's flag and sub_type (go-cqhttp) or flag alone
(NapCat), plus the quick operations an HTTP POST reply may carry (PROTOCOLS.md 1.3,
1.5). Split out of ``onebot_state.py`` so the model and the actions each fit a file;
a mixin of :class:`FakeOneBot` (``onebot.py``) next to :class:`OneBotState`.
"""

from __future__ import annotations

import copy
import time
from typing import Any, Callable

from .onebot_cq import normalize_message
from .onebot_state import ROLE_RANK, ActionError, UnknownAction, _as_bool

MAX_BAN_SECONDS = 2592000  # 30 days: go-cqhttp refuses longer mutes


class OneBotActions:
    """Action name -> handler, and the handlers; needs :class:`OneBotState`'s state and helpers."""

    def action_table(self) -> dict[str, Callable[[dict], Any]]:
        """Action name -> handler, honouring ``supports_notice`` and dialect-only actions."""
        table = {
            "get_login_info": self._a_get_login_info,
            "get_group_list": self._a_get_group_list,
            "get_group_info": self._a_get_group_info,
            "get_group_member_list": self._a_get_group_member_list,
            "get_group_member_info": self._a_get_group_member_info,
            "get_stranger_info": self._a_get_stranger_info,
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
        if self.dialect == "gocq":  # the others have no such action
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
        if gid in self.foreign_groups and gid not in self.groups:  # invited, not in it: name and number only
            return {"group_id": gid, "group_name": self.foreign_groups[gid], "member_count": 0,
                    "max_member_count": 0}
        self._group(gid)
        return self._group_info(gid)

    def _a_get_stranger_info(self, p: dict) -> dict:
        uid = self._int(p, "user_id")
        for members in self.members.values():
            if uid in members:
                return {"user_id": uid, "nickname": members[uid]["nickname"], "sex": "unknown", "age": 0}
        return {"user_id": uid, "nickname": self.strangers.get(uid, f"user{uid}"), "sex": "unknown", "age": 0}

    def _a_get_group_member_list(self, p: dict) -> list:
        gid = self._int(p, "group_id")
        self._group(gid)
        return [dict(m) for m in self.members[gid].values()]

    def _a_get_group_member_info(self, p: dict) -> dict:
        gid, uid = self._int(p, "group_id"), self._int(p, "user_id")
        self._group(gid)
        member = self.members[gid].get(uid)
        if member is None:
            raise ActionError("MEMBER_NOT_FOUND", "群员不存在", f"群成员{uid}不存在", lagrange=-1)
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
        if self._lagrange and uid not in self.members.get(gid, {}):
            return None  # Lagrange answers ok whatever the kick did (``bool _ = await KickGroupMember``)
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
        if self._lagrange and uid not in self.members.get(gid, {}):
            return None  # as for the kick: ok whatever happened
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
        if self._lagrange:  # the flag is seq-group-type; a refusal is retcode 1 without words
            approve = _as_bool(p.get("approve"), True)
            if req is None:
                raise ActionError("FLAG_NOT_FOUND", "FLAG不存在", lagrange=1)
        elif self._napcat:
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
        if req["sub_type"] == "invite":  # the bot invited: nobody's rank is needed, the bot joins
            del self.requests[flag]
            self.handled_requests.append({**req, "approve": approve, "reason": str(p.get("reason") or "")})
            if approve:
                self.bot_joins(gid, self.foreign_groups.get(gid, f"group{gid}"), req["user_id"])
            return None
        try:
            self._group(gid)
            self._need_admin(gid, "PERMISSION_DENIED", "权限不足")
        except ActionError as e:
            e.lagrange = 1
            raise
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
        if self._lagrange:
            return {"app_name": "Lagrange.OneBot", "app_version": "0.0.3", "protocol_version": "v11",
                    "nt_protocol": "Linux | 3.2.10-25765"}
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
