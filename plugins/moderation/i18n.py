"""zh-CN strings of the moderation plugin, in the words of DOMAIN.md, and a small lookup
that works in the ingest hot path (no import of the console's translation machinery)."""

from __future__ import annotations

ZH_CN = {
    # rule kinds and neutral rule titles (shown to members)
    "Ads": "广告", "Abuse": "辱骂", "Flooding": "刷屏", "Off-topic": "跑题", "Custom pattern": "自定义规则",
    "no advertising": "禁止发广告",
    "be respectful to other members": "请文明发言，尊重其他群成员",
    "no flooding": "禁止刷屏",
    "keep to the group's theme": "请围绕社群主题交流",
    "the group rules": "群规",
    # warnings sent to members (never containing the offending text)
    "Please keep to the group rules: {rule}.": "请遵守群规：{rule}。",
    "You are muted for {minutes} minutes: {rule}.": "你已被禁言{minutes}分钟：{rule}。",
    "A repeat within {days} days leads to: {step}.": "{days}天内再犯将被{step}。",
    "warning": "警告", "mute for {minutes} minutes": "禁言{minutes}分钟", "removal from the group": "踢出",
    "blacklist": "拉黑",
    "This group is not open to you.": "该群暂不接受你的申请。",
    "Joins are on manual approval for now; an admin will look at your request.": "当前入群需人工审核，管理员会尽快处理你的申请。",
    # steps, statuses, categories
    "warn": "警告", "mute": "禁言", "kick": "踢出", "recall": "撤回",
    "open": "待复核", "reviewed": "已复核", "undone": "已撤销", "appealed": "申诉中",
    "link": "链接", "phone number": "手机号", "WeChat id": "微信号", "promotional keyword": "推广关键词",
    "QR code": "二维码", "mini-program card": "小程序卡片", "abuse word": "辱骂用语", "flooding": "刷屏",
    "same text repeated": "重复发送相同内容", "off-topic keyword": "跑题关键词", "custom pattern": "自定义规则",
    # screens, CLI and tasks
    "Conduct rules": "言行规则", "Penalty": "处罚", "Cases": "处理记录", "Case": "处理记录",
    "Review queue": "待复核", "Undo": "撤销", "Appeal": "申诉", "Note": "备注", "Evidence": "证据",
    "Rule": "规则", "Step": "处罚", "Actor": "执行者", "Status": "状态", "Group": "群", "Member": "群成员",
    "Blacklist": "黑名单", "Allow list": "白名单", "Dry run": "试运行", "Live": "生效中", "Off": "已停用",
    "Join burst": "入群激增", "Manual approval": "人工审核",
    "Re-admit {person} to {group}": "重新邀请 {person} 加入 {group}",
    "Case {case} was undone; the platform cannot invite, so please bring them back by hand.":
        "处理记录 {case} 已撤销；该平台不支持邀请，请手动将其拉回群。",
    "Lift the mute of {person} in {group}": "解除 {person} 在 {group} 的禁言",
    "Join burst in {group}: {joins} joins in {seconds}s; join requests are held for manual approval until {until}.":
        "{group} 入群激增：{seconds}秒内 {joins} 人入群；在 {until} 前入群申请改为人工审核。",
    "Pattern time limit hit": "规则匹配超时",
    "Custom rule {rule} ran out of time on {count} message(s); those messages were let through.":
        "自定义规则 {rule} 在 {count} 条消息上匹配超时，这些消息已放行。",
}


def tr(ws, text: str, **kw) -> str:
    """``text`` in the console language, formatted with ``kw`` (the host's ``ws.tr``)."""
    return ws.tr(text, **kw)
