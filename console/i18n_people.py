"""zh-CN words of people's screens and verbs: labels, linked accounts, numbers (console-people's
catalogue, merged into the host's in console/i18n.py)."""

ZH_CN_PEOPLE: dict[str, str] = {
    "not computed yet": "尚未计算",
    "no plugin computes segments (the kpi plugin does)": "没有插件计算用户分类（kpi 插件会计算）",
    "KPIs of plugins (7 days, change against the 7 before)": "插件的指标（近 7 天，与前 7 天相比）",
    # linking one person's accounts (console/identity.py, shequn people, L / U on Members and profiles)
    "no person with id {id}": "没有 id 为 {id} 的人",
    "no account {account}": "没有账号 {account}",
    "{text}: expected a person id (123) or an account (platform:id, e.g. qq:10001)":
        "{text}：应为人员 id（如 123）或账号（平台:id，如 qq:10001）",
    "#{a} and #{b} are already one person (#{root})": "#{a} 和 #{b} 已经是同一个人（#{root}）",
    "#{id} is the person the others are linked to: unlink one of them instead":
        "其他账号都关联到 #{id}：请改为解除其中某个账号的关联",
    "#{id} is not linked to anyone": "#{id} 没有关联任何人",
    "nothing to undo: no link or unlink": "没有可撤销的操作：没有关联或解除关联",
    "no link or unlink {op}": "没有编号为 {op} 的关联或解除关联",
    "act {op} was already undone by {who}": "操作 {op} 已由 {who} 撤销",
    "act {op} changed these people since: undo it first": "此后操作 {op} 又改动了这些人：请先撤销它",
    "{name} (#{id}) is a person of their own again": "{name}（#{id}）重新成为独立的人",
    "{name} (#{id}) is linked to #{root} again": "{name}（#{id}）重新关联到 #{root}",
    "same phone {phone} in orders": "订单中电话相同：{phone}",
    "same nickname {nick} in family {family} ({groups})": "群矩阵 {family} 中昵称相同：{nick}（{groups}）",
    "linked (act {op}): #{person} is now {accounts}; undo: shequn people undo {op}":
        "已关联（操作 {op}）：#{person} 现在包括 {accounts}；撤销：shequn people undo {op}",
    "unlinked (act {op}): #{person} is a person of their own; undo: shequn people undo {op}":
        "已解除关联（操作 {op}）：#{person} 成为独立的人；撤销：shequn people undo {op}",
    "suggestion": "条建议", "suggestions": "条建议",
    " (--page {next} for more)": "（--page {next} 查看更多）",
    "#{person}: {accounts}": "#{person}：{accounts}",
    "by hand": "手动",
    "Link accounts": "关联账号", "Unlink account": "解除账号关联",
    "Link #{id} with whom? A person id or an account (platform:id)": "把 #{id} 与谁关联？输入人员 id 或账号（平台:id）",
    "Link {a} and {b} as one person?": "把 {a} 和 {b} 关联为同一个人？",
    "Their groups, messages and orders stay as they are; KPIs count them as one person. z undoes it.":
        "群、消息和订单保持不变；数据指标按一个人计算。按 z 撤销。",
    "Link": "关联", "Unlink": "解除关联", "Linked: one person": "已关联为同一个人", "Unlinked": "已解除关联",
    "link {n} accounts": "关联 {n} 组账号", "unlink {n} accounts": "解除 {n} 个账号的关联",
    "Another person: type an id or an account…": "其他人：输入 id 或账号…",
    "Link #{id} with…": "把 #{id} 关联到…", "Link #{id} with… (no suggestions)": "把 #{id} 关联到…（没有建议）",
    "#{id} has no linked accounts": "#{id} 没有关联的账号",
    "Unlink which account from #{id}?": "解除 #{id} 的哪个账号？",
    "Unlink #{id}: a person of their own again?": "解除 #{id} 的关联，使其重新成为独立的人？",
    "z undoes it.": "按 z 撤销。",
    "#{id} is linked to this person": "#{id} 已关联到此人",
    "linked #{id} by {who} on {day}: {reason}": "#{id} 由 {who} 于 {day} 关联：{reason}",
    "Select a person first": "请先选择一个人",
    "Everyone in your groups, across platforms. / searches by name, nickname, group nickname, platform id (exact), "
    "tag (e.g. churned) or person id; enter opens the profile: identities, groups, roles, tags with provenance, "
    "segment and why, orders, cases, referral tree. L links the person with another account of theirs (suggestions: "
    "the same phone in orders, the same nickname in one family), U unlinks one, z undoes. Esc leaves the search box, "
    "then clears the search.":
        "各平台群里的所有人。/ 按名称、昵称、群名片、平台 ID（精确）、标签（如 `churned`）或编号搜索；回车打开成员档案："
        "各平台身份、所在群、角色、标签及来源、用户分类及原因、订单、处理记录、邀请关系。L 把此人与其另一个账号关联"
        "（建议：订单中电话相同、同一群矩阵中昵称相同），U 解除其中一个，z 撤销。Esc 先离开搜索框，再清除搜索。",
    "One person across platforms and groups. L links another account of theirs, U unlinks one, z undoes. "
    "Escape goes back.": "一个人在各平台、各群的情况。L 关联其另一个账号，U 解除其中一个，z 撤销。Esc 返回。",
    "{name}: {fill} of capacity": "{name}：已达群上限 {fill}",
    "1 person": "1 人",
}
