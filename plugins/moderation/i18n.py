"""zh-CN strings of the moderation plugin, in the words of DOMAIN.md, and a small lookup
that works in the ingest hot path (no import of the console's translation machinery)."""

from __future__ import annotations

ZH_CN = {
    # rule kinds and neutral rule titles (shown to members)
    "Ads": "广告", "Abuse": "辱骂", "Flooding": "刷屏", "Off-topic": "跑题", "Custom pattern": "自定义规则",
    "no advertising": "禁止发广告",
    "be respectful to other members": "请文明发言，尊重其他群成员",
    "no flooding": "禁止刷屏",
    "Scams": "诈骗", "no scams or requests for money": "禁止诈骗和索要钱款",
    "scam: account number to pay into": "诈骗：发布收款账号", "scam: transfer to an account": "诈骗：要求转账到指定账户",
    "scam: impersonating an authority": "诈骗：冒充公检法、银行、客服或平台",
    "scam: prize or refund script": "诈骗：中奖、退款、理赔话术", "scam: loan or credit fraud": "诈骗：贷款、信用卡诈骗",
    "scam: a stranger's service call": "诈骗：冒充客服来电话术", "scam: money asked by someone close": "诈骗：冒充熟人借钱",
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
    "reviewed": "已复核", "undone": "已撤销",  # open, appealed: the host's words
    "link": "链接", "phone number": "手机号", "WeChat id": "微信号", "promotional keyword": "推广关键词",
    "QQ number": "QQ号", "QQ group number": "QQ群号", "bank card": "银行卡号",
    "sales pitch": "推销话术",
    "QR code": "二维码", "mini-program card": "小程序卡片", "abuse word": "辱骂用语", "flooding": "刷屏",
    # abuse severities (plugins/moderation/abuse.py): the case's category and the ladders' names
    "profanity in passing": "顺口脏话", "insult aimed at a person": "针对他人的辱骂",
    "passing": "顺口脏话", "insult": "辱骂", "aimed": "针对他人", "built-in lexicon": "内置词库",
    # a rule's one-line summary on the Rules tab (kinds.describe)
    "links": "链接", "qr": "二维码", "phones": "手机号", "wechat ids": "微信号", "cards": "卡片/小程序",
    "qq ids": "QQ 号", "bank cards": "银行卡", "pitches": "推销话术", "{n} keywords": "{n} 个关键词",
    "{n} words": "{n} 个词", "{n} msgs in {s}s": "{s} 秒内 {n} 条", "same text x{n}": "相同内容 {n} 次",
    "{n} themes": "{n} 个主题", "{n} scam patterns": "{n} 类诈骗话术", "{n} patterns": "{n} 个匹配式",
    "mute {m}m": "禁言 {m} 分钟", "{ladder} within {days}d": "{days} 天内：{ladder}", "scope {scope}": "处罚范围：{scope}",
    "second opinion": "第二意见", "second_opinion": "第二意见", "review": "请人工查看", "report": "举报",
    "reported": "已举报",
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
    # outcomes, precision, door check, blacklist, probation, raids
    "settled": "规则已处理", "overturned": "已推翻", "confirmed": "已确认", "precision": "准确率",
    "settles": "自动处理", "cases waiting": "待复核处理记录",
    "Your request could not be accepted because of a recent breach of the group rules.":
        "你近期有违反群规的记录，暂时无法通过入群申请。",
    "Cases: the queue holds removals, appeals and an audit sample of what rules settled. v marks reviewed, U undoes "
    "(re-invites where the platform allows), T undoes and allows the matched text in the rule, P undoes and allows the "
    "member in the rule, n adds a note; f shows the queue or all. Rules: e enables or disables (enabling shows a "
    "dry-run over the last 7 days first), D switches dry-run mode, p previews what the rule would have done. "
    "Blacklist: x removes the entry. Raids: L lifts the hold, X holds 30 minutes more, H mutes everyone who joined in "
    "the last minutes you give. 1-5 switch tabs.":
        "处理记录：待复核只包含踢出、申诉，以及从规则已处理中抽查的部分。v 标记为已复核，U 撤销（平台允许时重新邀请），"
        "T 撤销并让规则放行匹配到的文字，P 撤销并让规则放行该群成员，n 添加备注；f 切换待复核/全部。"
        "规则：e 启用或停用（启用前先显示过去 7 天的试运行结果），D 切换试运行，p 预览规则会做什么。"
        "黑名单：x 移出黑名单。入群激增：L 解除人工审核，X 再延长 30 分钟，H 禁言最近若干分钟内入群的所有人。1-5 切换标签页。",
    "Give a number of minutes": "请输入分钟数", "Hold 30 min more": "人工审核延长30分钟", "Lift hold": "解除人工审核",
    "Mute everyone who joined in the last how many minutes?": "禁言最近多少分钟内入群的所有人？",
    "Mute latest joiners": "禁言最新入群者", "Newcomers": "新人观察期", "No group is holding joins": "没有群在人工审核入群",
    "No silent newcomers": "没有未发言的新人", "Nobody is blacklisted": "黑名单为空", "Nothing selected": "未选择",
    "Raids": "入群激增", "Remove from blacklist": "移出黑名单",
    "Take {person} off the blacklist ({scope})?": "将 {person} 移出黑名单（{scope}）？",
    "The rule will allow the matched text from now on.": "此后规则将放行匹配到的这段文字。",
    "The rule will leave this member alone from now on.": "此后规则将不再处理该群成员。",
    "Undo, allow member": "撤销并放行该成员", "Undo, allow text": "撤销并放行该文字",
    "Precision {measured} (bar {bar:.0%}): {what}": "准确率 {measured}（门槛 {bar:.0%}）：{what}",
    "settles its warnings and mutes": "警告和禁言由规则自动处理",
    "below the bar, its warnings and mutes wait for a person": "低于门槛，警告和禁言交由人工复核",
    "Undo case {id}: {step} of {person} in one group?": "撤销处理记录 {id}：{person} 在 1 个群中的{step}？",
    "days silent": "未发言天数", "held until": "审核至", "how joined": "入群方式", "since": "开始于",
    "Custom rule {rule} ran out of time on {count} message(s); those messages were let through.":
        "自定义规则 {rule} 在 {count} 条消息上匹配超时，这些消息已放行。",
}

ZH_CN.update({  # penalize.py: a case's reason, as the outbox, the blacklist and the audit log keep it
    "{rule}: {category} (offence {n}, {step})": "{rule}：{category}（第 {n} 次，{step}）",
    ", newcomer probation": "，新人观察期",
})

ZH_CN.update({  # cli.py, cli_more.py: which rows of how many a page shows (entry_rules says it the same way)
    "{first}-{last} of {total}": "第 {first}-{last} 条，共 {total} 条", "none of {total}": "本页没有内容；共 {total} 条",
})

ZH_CN.update({  # budget.py
    "Rule {rule} took {ms} ms of one ingest batch of {n} messages (budget {budget} ms): it is suspended for "
    "{minutes} minutes and the batch went on without it. Editing the rule lifts the suspension.":
        "规则 {rule} 在一批 {n} 条消息上用了 {ms} 毫秒（上限 {budget} 毫秒）：已暂停 {minutes} 分钟，这批消息在没有它的情况下继续处理。"
        "修改该规则会立即解除暂停。",
})


def tr(ws, text: str, **kw) -> str:
    """``text`` in the console language, formatted with ``kw`` (the host's ``ws.tr``)."""
    return ws.tr(text, **kw)

ZH_CN.update({  # task and alert kinds, as console.words.kind_text says them
    "readmit": "重新拉回群", "rule broken": "规则无法执行", "pattern timeout": "规则匹配超时", "join burst": "入群突增",
})

ZH_CN.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "blacklist added": "加入黑名单", "blacklist enforced": "执行黑名单", "blacklist removed": "移出黑名单",
    "case opened": "开立处理记录", "case would open": "试运行：将开立处理记录", "case reopened": "重开处理记录",
    "case reviewed": "处理记录已复核", "case undone": "撤销处理", "case appeal": "处理记录被申诉", "case note": "处理记录加备注",
    "message reported": "消息被举报", "raid guard on": "开启防刷屏入群", "raid guard off": "关闭防刷屏入群",
    "raid guard extended": "延长防刷屏入群", "raid hold": "禁言突击入群者", "raid remove": "移出突击入群者",
    "rule saved": "保存规则", "rule enabled": "启用规则", "rule disabled": "停用规则", "rule dry run on": "规则改为试运行",
    "rule dry run off": "规则结束试运行", "rule suspended": "规则被暂停", "second opinion learned": "复核模型重新学习",
})
ZH_CN.update({  # audit-log detail keys (console/tui/audit_words.detail_words: "<key with spaces>: {v}")
    "offence: {v}": "第 {v} 次违规", "probation: {v}": "新人观察期：{v}",
})
ZH_CN.update({  # `shequn rules list`'s settles column, and this plugin's door check as a join request's deciding
    # rule (console.words.rule_text says a code as its words with spaces)
    "no (below the bar)": "否（低于准确率门槛）", "door check": "入群前核查",
})
