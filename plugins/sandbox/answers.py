"""How the simulated platform answers actions, in its own words (Chinese first, then English)."""

from __future__ import annotations

from typing import Any

from shequn import Kind

from . import texts
from .model import BOT, MSGS_PER_MEMBER, Group, Outcome, Person


class Answers:
    """The part of :class:`~plugins.sandbox.world.World` that carries out actions."""

    def adopt(self, gid: str | None, uid: str | None, *, as_member: bool = True) -> None:
        """Ids this world did not generate (tests, hand-fed events) are taken as groups and
        members that always existed, so actions on them behave as on a platform."""
        if gid and not gid.startswith("sb-") and gid not in self.groups:
            self.groups[gid] = Group(gid, gid, "traffic", "", "any", 500, "", None, texts.CHANNELS[0][0], self.clock)
            self.groups[gid].members[BOT] = [self.clock, "群助手", "admin", None]
        if uid and not uid.startswith("sb-") and gid in self.groups:
            if uid not in self.people:
                self.people[uid] = Person(uid, uid, "", "", "", "lurker", "")
            g = self.groups[gid]
            if as_member and uid not in g.members and uid not in g.blacklist:
                g.members[uid] = [self.clock, "", "member", None]
                self._changed(g)

    def apply(self, kind: str, gid: str | None, uid: str | None, params: dict[str, Any], now: int) -> Outcome:
        """Carry out an action as the platform would; resulting events go to the queue."""
        self.adopt(gid, uid, as_member=kind not in ("invite", "approve_join"))
        handler = getattr(self, f"_act_{kind}", None)
        if handler is None:
            return Outcome(False, f"不支持的操作 (the sandbox does not know action {kind!r})")
        if kind == "create_group":
            return handler(gid, params, now)
        g = self.groups.get(gid or "")
        if g is None or g.dismissed:
            return Outcome(False, f"群不存在 (group {gid} not found)")
        return handler(g, uid, params, now)

    def _target(self, g: Group, uid: str | None, verb: str) -> Outcome | None:
        """Why a kick or mute cannot be done, or None. A target who already left is not a
        failure: the wanted state (out of the group, silent in it) holds, so the platform's
        words say so and the action is done."""
        if not uid:
            return Outcome(False, f"{verb}失败：没有指定成员 (no user)")
        if uid not in g.members:
            return Outcome(True, f"对方已不在群内，无需{verb} (user {uid} is no longer in {g.gid}; nothing to do)",
                           {"gone": True})
        role = g.members[uid][2]
        if role == "owner":
            return Outcome(False, f"{verb}失败：不能对群主操作 (the target is the group owner)")
        if role == "admin" and verb in ("踢出", "禁言"):
            return Outcome(False, f"{verb}失败：权限不足，对方是管理员 (the target is an admin; the bot is an admin too)")
        return None

    def _penalised(self, g: Group, uid: str) -> None:
        """Remember where the platform kicked or muted someone (they may apply elsewhere)."""
        p = self.people.get(uid)
        if p is not None and g.gid not in p.penalised:
            p.penalised.append(g.gid)

    def _act_kick(self, g: Group, uid, params, now) -> Outcome:
        bad = self._target(g, uid, "踢出")
        if bad and not bad.ok:
            return bad
        if (params.get("reject_add_request") or params.get("blacklist")) and uid not in g.blacklist:
            g.blacklist.append(uid)  # also when already gone: "cannot come back" is still wanted
        if bad:
            return bad
        self._penalised(g, uid)
        e = self._leave(g, uid, now, "kick", BOT, self.queue)
        return Outcome(True, "已踢出", {"event": e.id})

    def _act_mute(self, g: Group, uid, params, now) -> Outcome:
        bad = self._target(g, uid, "禁言")
        if bad:
            return bad
        duration = int(params.get("duration") or params.get("seconds") or 600)
        if duration <= 0:
            return self._act_unmute(g, uid, params, now)
        g.muted[uid] = now + duration
        self._penalised(g, uid)
        self.queue.append(self._event(Kind.MUTE, now, g.gid, uid, data={"duration": duration, "operator": BOT}))
        return Outcome(True, f"已禁言 {duration} 秒", {"until": now + duration})

    def _act_unmute(self, g: Group, uid, params, now) -> Outcome:
        if not uid:
            return Outcome(False, "解除禁言失败：没有指定成员 (no user)")
        if uid not in g.members:  # gone: nobody is muted any more, as wanted
            return Outcome(True, f"对方已不在群内，无需解除禁言 (user {uid} is no longer in {g.gid}; nothing to do)",
                           {"gone": True})
        g.muted.pop(uid, None)
        self.queue.append(self._event(Kind.MUTE, now, g.gid, uid, data={"duration": 0, "operator": BOT}))
        return Outcome(True, "已解除禁言")

    def _act_whole_mute(self, g: Group, uid, params, now) -> Outcome:
        enable = bool(params.get("enable", True))
        g.whole_muted = enable
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "whole_mute", "value": enable}))
        return Outcome(True, "全员禁言已开启" if enable else "全员禁言已关闭")

    def _admin(self, g: Group, uid, enable: bool, now) -> Outcome:
        if not uid or uid not in g.members:
            return Outcome(False, f"设置管理员失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        if g.members[uid][2] == "owner":
            return Outcome(False, "设置管理员失败：对方是群主 (the target is the group owner)")
        g.members[uid][2] = "admin" if enable else "member"
        self._staff.pop(g.gid, None)
        self.queue.append(self._event(Kind.ADMIN, now, g.gid, uid, data={"enable": enable, "role": "admin"}))
        return Outcome(True, "已设为管理员" if enable else "已取消管理员")

    def _act_set_admin(self, g: Group, uid, params, now) -> Outcome:
        return self._admin(g, uid, True, now)

    def _act_unset_admin(self, g: Group, uid, params, now) -> Outcome:
        return self._admin(g, uid, False, now)

    def _act_set_card(self, g: Group, uid, params, now) -> Outcome:
        if not uid or uid not in g.members:
            return Outcome(False, f"修改群名片失败：对方不在群内 (user {uid} is not a member of {g.gid})")
        card = str(params.get("card") or params.get("nickname") or "")
        if len(card) > 60:
            return Outcome(False, "修改群名片失败：名片过长 (a group nickname holds at most 60 characters)")
        self._set_card(g, uid, card, now, self.queue)
        return Outcome(True, "群名片已修改")

    def _act_approve_join(self, g: Group, uid, params, now) -> Outcome:
        flag = str(params.get("flag") or "")
        req = self.requests.get(flag)
        if req is None and flag.startswith("sb-"):
            return Outcome(False, f"操作失败：申请不存在或已处理 (request {flag} is unknown, expired or already handled)",
                           {"gone": "request"})
        target = req["user"] if req else uid
        if not target:
            return Outcome(False, "操作失败：没有申请人 (no applicant)")
        if target in g.blacklist:
            return Outcome(False, "操作失败：对方已被拉黑 (the applicant is on this group's blacklist)")
        if self._full(g):
            return Outcome(False, f"操作失败：群已满 ({len(g.members)}/{g.capacity}) (the group is full)")
        self.requests.pop(flag, None)
        if target in g.members:
            return Outcome(True, "对方已在群内")
        e = self._join(g, target, now, "approve", req["inviter"] if req else None, self.queue)
        return Outcome(True, "已同意入群", {"event": e.id})

    def _act_reject_join(self, g: Group, uid, params, now) -> Outcome:
        flag = str(params.get("flag") or "")
        if flag not in self.requests and flag.startswith("sb-"):
            return Outcome(False, f"操作失败：申请不存在或已处理 (request {flag} is unknown, expired or already handled)",
                           {"gone": "request"})
        self.requests.pop(flag, None)
        return Outcome(True, "已拒绝")

    def _act_send(self, g: Group, uid, params, now) -> Outcome:
        text = str(params.get("text") or params.get("message") or "")
        if not text.strip():
            return Outcome(False, "发送失败：消息为空 (the message is empty)")
        e = self._event(Kind.MESSAGE, now, g.gid, BOT, nickname="群助手", text=text)
        self.queue.append(e)
        g.members.setdefault(BOT, [now, "群助手", "admin", None])[3] = now
        return Outcome(True, "已发送", {"message_id": e.id})

    def _act_recall(self, g: Group, uid, params, now) -> Outcome:
        mid = str(params.get("message_id") or "")
        if not mid:
            return Outcome(False, "撤回失败：没有消息编号 (no message_id)")
        if mid in self.recalled:  # gone already: the wanted state holds
            return Outcome(True, f"消息已被撤回或不存在，无需撤回 (message {mid} is already gone; nothing to do)",
                           {"gone": True})
        self.recalled.add(mid)
        self.queue.append(self._event(Kind.RECALL, now, g.gid, uid, data={"message_id": mid, "operator": BOT}))
        return Outcome(True, "已撤回")

    def _act_announce(self, g: Group, uid, params, now) -> Outcome:
        text = str(params.get("text") or params.get("content") or "")
        if not text.strip():
            return Outcome(False, "发布公告失败：公告为空 (the announcement is empty)")
        g.notice = text
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "notice", "value": text}))
        return Outcome(True, "公告已发布")

    def _act_set_group_name(self, g: Group, uid, params, now) -> Outcome:
        name = str(params.get("name") or "").strip()
        if not name:
            return Outcome(False, "修改群名失败：群名为空 (the name is empty)")
        g.name = name
        self.queue.append(self._event(Kind.GROUP, now, g.gid, BOT, data={"change": "name", "value": name}))
        return Outcome(True, "群名已修改")

    def _act_invite(self, g: Group, uid, params, now) -> Outcome:
        if not uid:
            return Outcome(False, "邀请失败：没有被邀请人 (no user to invite)")
        if uid in g.members:
            return Outcome(False, "邀请失败：对方已在群内 (already a member)")
        if uid in g.blacklist:
            return Outcome(False, "邀请失败：对方已被拉黑 (on this group's blacklist)")
        if self._full(g):
            return Outcome(False, f"邀请失败：群已满 ({len(g.members)}/{g.capacity})")
        inviter = str(params.get("inviter") or BOT)
        e = self._join(g, uid, now, "invite", inviter, self.queue)
        return Outcome(True, "已邀请入群", {"event": e.id})

    def _act_create_group(self, gid, params, now) -> Outcome:
        """A new group, made like ``params['template']`` (a platform group id) or ``gid``."""
        name = str(params.get("name") or "").strip()
        if not name:
            return Outcome(False, "建群失败：群名为空 (the name is empty)")
        like = self.groups.get(str(params.get("template") or gid or ""))
        new_id = f"sb-g{len(self.groups) + 1}"
        while new_id in self.groups:
            new_id += "x"
        g = Group(new_id, name, str(params.get("type") or (like.type if like else "welfare")),
                  str(params.get("theme") or (like.theme if like else "")), like.theme_key if like else "any",
                  int(params.get("capacity") or (like.capacity if like else 500)),
                  str(params.get("tier") or (like.tier if like else "")),
                  params.get("family") or (like.family if like else None),
                  like.channel if like else texts.CHANNELS[0][0], now)
        if g.type not in MSGS_PER_MEMBER:
            return Outcome(False, f"建群失败：未知群类型 {g.type!r} (traffic, welfare or flash)")
        g.members[BOT] = [now, "群助手", "owner", None]
        g.owner = BOT
        self.groups[new_id] = g
        self.queue.append(self._event(Kind.GROUP, now, new_id, BOT, data={"change": "create", "value": name},
                                      group_name=name))
        return Outcome(True, "群已创建", {"group": new_id})

    def was_applied(self, kind: str, gid: str | None, uid: str | None, params: dict[str, Any]) -> bool | None:
        """Does the world show the effect of this action? None when it cannot tell."""
        g = self.groups.get(gid or "")
        if g is None:
            return None
        if kind == "kick":
            return uid not in g.members
        if kind == "mute":
            return g.muted.get(uid or "", 0) > self.clock
        if kind == "unmute":
            return (uid or "") not in g.muted
        if kind in ("approve_join", "invite"):
            return uid in g.members
        if kind == "set_card":
            return uid in g.members and g.members[uid][1] == str(params.get("card") or "")
        return None
