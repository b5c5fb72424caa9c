"""zh-CN words of an event's detail on the Activity screen (console/tui/event_words.py),
merged into the host's catalogue in console/i18n.py."""

ZH_CN_EVENTS = {
    "joined by invitation": "邀请入群", "joined when approved": "审核通过入群", "joined by QR code": "扫码入群",
    "joined by link": "链接入群", "found in the member list": "成员列表中发现", "joined, how not known": "入群（方式未知）",
    "left by themselves": "主动退群", "removed": "被踢出", "the bot was removed": "机器人被移出",
    "the group was dismissed": "群已解散",
    "invited by {name}": "邀请人 {name}", "by {name}": "操作者 {name}", "card {card}": "群名片 {card}",
    "channel {channel}": "渠道 {channel}", "says: {comment}": "留言：{comment}",
    "muted {minutes} min": "禁言 {minutes} 分钟", "mute lifted": "解除禁言",
    "made admin": "设为管理员", "admin removed": "取消管理员", "made owner": "设为群主",
    "{old} -> {new}": "{old} → {new}", "a message recalled": "撤回了一条消息",
    "group created: {value}": "建群：{value}", "group renamed: {value}": "群名改为：{value}",
    "group dismissed": "群解散", "group {change}: {value}": "群变更（{change}）：{value}",
    " · ": " · ",  # the parts of one detail
}
