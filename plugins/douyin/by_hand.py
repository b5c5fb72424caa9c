"""What a person does in the Douyin app for what the open platform cannot do.

The outbox stores such an action as unsupported and asks the connector for the task's
title (``DouyinConnector.by_hand``): these sentences, naming the person and the fan group,
in the console's language (translations.py), instead of a bare "Do by hand: kick".
"""

from __future__ import annotations

BY_HAND = {
    "kick": "Remove {person} from fan group {group} in the Douyin app",
    "mute": "Mute {person} in fan group {group} in the Douyin app",
    "unmute": "Lift the mute of {person} in fan group {group} in the Douyin app",
    "whole_mute": "Mute or unmute everyone in fan group {group} in the Douyin app",
    "set_admin": "Make {person} an admin of fan group {group} in the Douyin app",
    "unset_admin": "Take the admin role from {person} in fan group {group} in the Douyin app",
    "set_card": "Change the group nickname of {person} in fan group {group} in the Douyin app",
    "set_group_name": "Rename fan group {group} in the Douyin app",
    "invite": "Invite {person} into fan group {group} in the Douyin app (send them the group's entry)",
}

ZH = {
    "Remove {person} from fan group {group} in the Douyin app": "在抖音 App 中将 {person} 移出粉丝群 {group}",
    "Mute {person} in fan group {group} in the Douyin app": "在抖音 App 中将粉丝群 {group} 的 {person} 禁言",
    "Lift the mute of {person} in fan group {group} in the Douyin app": "在抖音 App 中解除粉丝群 {group} 中 {person} 的禁言",
    "Mute or unmute everyone in fan group {group} in the Douyin app": "在抖音 App 中为粉丝群 {group} 开启或关闭全员禁言",
    "Make {person} an admin of fan group {group} in the Douyin app": "在抖音 App 中将 {person} 设为粉丝群 {group} 的管理员",
    "Take the admin role from {person} in fan group {group} in the Douyin app":
        "在抖音 App 中取消 {person} 在粉丝群 {group} 的管理员",
    "Change the group nickname of {person} in fan group {group} in the Douyin app":
        "在抖音 App 中修改 {person} 在粉丝群 {group} 的群昵称",
    "Rename fan group {group} in the Douyin app": "在抖音 App 中修改粉丝群 {group} 的群名",
    "Invite {person} into fan group {group} in the Douyin app (send them the group's entry)":
        "在抖音 App 中邀请 {person} 加入粉丝群 {group}（把入群入口发给对方）",
    "a member": "一位群成员", "the group": "该群",
}


def title(ws, kind: str, group_id: int | None, person_id: int | None) -> str | None:
    template = BY_HAND.get(kind)
    if template is None:
        return None
    person = (ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (person_id,), "") if person_id
              else "") or ws.t("a member")
    group = (ws.store.scalar("SELECT name FROM groups WHERE id = ?", (group_id,), "") if group_id else "") \
        or ws.t("the group")
    return ws.tr(template, person=person, group=group)
