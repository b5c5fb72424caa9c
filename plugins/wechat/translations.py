"""zh-CN words of the WeChat plugin (keys are the English text shown or stored)."""

from .actions import BY_HAND

ZH = {
    "WeChat (WeCom customer groups)": "微信（企业微信客户群）",
    "join_way": "群活码", "a member": "一位群成员", "the group": "该群",
    "Welcome template {rule} kept equal to the welcome policy": "入群欢迎语素材 {rule} 与欢迎语策略保持一致",
    "Pick the welcome template of {rule} for its groups in WeCom": "请在企业微信中为 {rule} 的群选择入群欢迎语",
    "WeCom keeps welcome template {template} ({connection}); the owner picks it in WeCom (客户群 > 入群欢迎语) for "
    "the groups of policy {rule}, and WeCom then welcomes newcomers by name.":
        "企业微信已保存入群欢迎语素材 {template}（{connection}）；请群主在企业微信（客户群 > 入群欢迎语）中为策略 {rule} "
        "的群选用它，之后企业微信会按昵称欢迎新成员。",
    "no active group of family {family} on connection {connection}": "连接 {connection} 上没有群矩阵 {family} 的可用群",
    "Join way of family {family}": "群矩阵 {family} 的群活码",
    "no WeChat connection named {connection}": "没有名为 {connection} 的微信连接",
    "Join way of family {family} queued as action {id}; its QR code shows in `shequn wechat join-ways` once WeCom "
    "has it": "群矩阵 {family} 的群活码已加入待执行操作 {id}；企业微信生成后，二维码见 `shequn wechat join-ways`",
    "{n} template changes queued": "已加入 {n} 个欢迎语素材变更", "1 template change queued": "已加入 1 个欢迎语素材变更",
    "{n} days of WeCom statistics stored": "已保存企业微信统计 {n} 天", "1 day of WeCom statistics stored":
        "已保存企业微信统计 1 天",
    "Confirm the mass send to {group} in WeCom: it is awaiting the owner's confirmation":
        "请在企业微信中确认发往{group}的群发：正在等待群主确认",
    "WeCom lets an app post into a customer group only as a mass send its owner confirms: {owner} opens WeCom > "
    "客户联系 > 群发助手 and presses send for task {msgid} ({connection}). WeCom delivers one mass send a day to a "
    "customer group (China time). shequn marks it sent once WeCom reports it.":
        "企业微信只允许应用以群主确认的群发形式向客户群发消息：请 {owner} 打开企业微信 > 客户联系 > 群发助手，"
        "发送群发任务 {msgid}（{connection}）。每个客户群每天只能收到一条群发（北京时间）。企业微信报告已发送后，"
        "shequn 会标记为已发送。",
    "WeCom did not deliver the mass send to {group}: it is no longer a customer group of {owner}":
        "企业微信未将群发送达{group}：该群已不是 {owner} 的客户群",
    "WeCom did not deliver the mass send to {group}: the group had already received its one mass send of the day":
        "企业微信未将群发送达{group}：该群当天已收到过一条群发",
    "Mass send {msgid} ({connection}); post it again on another day if it still matters.":
        "群发 {msgid}（{connection}）；如仍需要，请改日再发。",
    "WeCom's mass send to {group} was never confirmed and has been stopped: post it again if it still matters":
        "企业微信发往{group}的群发一直未被确认，已停止：如仍需要，请重新发布",
    "{owner} did not confirm mass send {msgid} ({connection}), made {time}, in WeCom; shequn stopped it so it cannot "
    "go out late.": "{owner} 未在企业微信中确认 {time} 创建的群发 {msgid}（{connection}）；shequn 已停止该群发，以免延迟发出。",
    "Reminded at {time}: WeCom notified {owner} again.": "已于 {time} 提醒：企业微信已再次通知 {owner}。",
    "{n} mass sends settled": "已确认 {n} 条群发的结果", "1 mass send settled": "已确认 1 条群发的结果",
    "invited by {inviter}": "由 {inviter} 邀请", "through an invite link of {inviter}": "通过 {inviter} 的邀请链接",
    "through the group's QR code": "通过群二维码", "through the QR code of campaign {campaign}": "通过活动 {campaign} 的二维码",
    "{name} joined {group} {how} without meeting its admission policy: remove them in WeCom by hand if they should not "
    "stay": "{name} {how}加入了{group}，但不符合入群策略：如不应留在群内，请在企业微信中手动移出",
    "{rule}: {reason}. WeCom customer groups take no join requests, and WeCom cannot remove a member for an app.":
        "{rule}：{reason}。企业微信客户群没有入群申请，应用也无法移出群成员。",
    BY_HAND["kick"]: "请在企业微信中手动将 {person} 移出{group}",
    BY_HAND["mute"]: "企业微信无法禁言：请手动提醒{group}中的 {person}，或将其移出",
    BY_HAND["unmute"]: "企业微信无法禁言，{group}中的 {person} 从未被禁言：无需解除",
    BY_HAND["whole_mute"]: "企业微信无法全员禁言：请手动在{group}发提醒",
    BY_HAND["set_card"]: "请提醒 {person} 修改在{group}的群昵称：企业微信无法代改",
    BY_HAND["approve_join"]: "企业微信客户群没有入群申请：请通过邀请或群活码让 {person} 入群",
    BY_HAND["reject_join"]: "企业微信客户群没有入群申请：无需拒绝 {person}",
    BY_HAND["recall"]: "请在企业微信中手动删除 {person} 在{group}的消息（企业微信无法撤回）",
    BY_HAND["set_admin"]: "请在企业微信中手动将 {person} 设为{group}的管理员",
    BY_HAND["unset_admin"]: "请在企业微信中手动取消 {person} 在{group}的管理员",
    BY_HAND["set_group_name"]: "请在企业微信中手动修改{group}的群名",
    BY_HAND["invite"]: "请在企业微信中手动邀请 {person} 加入{group}（或发给对方群活码）",
    BY_HAND["create_group"]: "请在企业微信中手动建群（开启自动建群的群活码会自动建群）",
}

ZH.update({  # task and alert kinds, as console.words.kind_text says them
    "wechat welcome": "企业微信欢迎语", "wechat join outside policy": "企业微信入群不合规则", "wechat mass send": "企业微信群发",
})

ZH.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "wechat join judged": "企业微信入群审核", "wechat mass send sent": "群发已送达", "wechat mass send reminded": "已提醒群主确认群发",
    "wechat mass send not delivered": "群发未送达", "wechat mass send over limit": "群发超出限额",
    "wechat mass send expired": "群发已过期",
})
