"""zh-CN for scripts tested against each other (话术 A/B), the entry ritual (自我介绍),
unanswered questions (未回复提问) and invite campaigns (拉新任务); merged into translations.ZH_CN.
Words follow shared/DOMAIN.md (话术版本, 自我介绍, 未回复提问, 拉新任务, 排行榜)."""

ZH_CN_MORE: dict[str, str] = {
    # --- the Content screen ----------------------------------------------------------------------
    "The content calendar of a month per group type and family: each day's topics, gaps (—, no topic planned) and "
    "collisions (⚠, the same library item twice within a few days), holidays and the purpose mix against its target; "
    "[ and ] change the month. The next 24 hours of scheduled posts, one line per schedule and time, with why posts "
    "are held back. Runs with their progress: S stops what has not been sent, R resumes failed and stopped posts. "
    "Scripts tested against each other: each version's posts, trials and rate, and whether the difference is more "
    "than chance. Invite campaigns: progress per member towards the goal. 1-5 switch tabs; enter opens a row.":
        "按群类型和群矩阵查看一个月的内容日历：每天的话题、空缺（—，没有排话题）和重复（⚠，同一素材几天内排了两次）、"
        "节假日，以及用途占比与目标的对比；[ 和 ] 切换月份。未来 24 小时的定时发送，每个定时任务和时间一行，并说明哪些没有发送及原因。"
        "发送批次及进度：S 停止尚未发送的，R 恢复失败和已停止的。话术 A/B 测试：每个版本的发送次数、样本数和比率，以及差异是否超出偶然。"
        "拉新任务：每位成员离目标还差多少。1-5 切换标签页；回车打开一行。",
    "scripts": "话术测试", "invite campaigns": "拉新任务", "script": "话术", "version": "话术版本", "sent": "已发送",
    "trials": "样本数", "rate": "比率", "invite campaign": "拉新任务", "progress": "进度", "not counted": "不计入",
    "No script is tested yet": "还没有在测试的话术", "No invite campaign yet": "还没有拉新任务",
    # --- words shown in tables -------------------------------------------------------------------
    "successes": "成功数", "got replies": "有回复", "seed": "随机种子", "versions": "版本", "newcomers": "新人",
    "prompted": "已提示", "introduced": "已自我介绍", "share": "占比", "introduction": "自我介绍", "asked": "提问时间",
    "answered by": "回答者", "goal": "目标", "reward": "奖励积分", "points per invite": "每邀请一人积分",
    "invites": "邀请人数", "inviters": "邀请人", "reached the goal": "已达标", "inviter": "邀请人", "newcomer": "新成员",
    "assigned per": "分配单位",
    "a post": "群发内容", "a welcome": "欢迎语", "testing": "测试中", "decided (script)": "已定版", "running (campaign)": "进行中",
    "ended (campaign)": "已结束", "waiting for an answer": "待回复", "answered": "已回复", "stale": "已过期",
    "an insider's invite": "内部人员邀请", "was in a group before": "之前已在群里",
    "participation": "参与率", "introduced themselves": "完成自我介绍率",
    # --- scripts: refusals and lines ---------------------------------------------------------------
    "script: no script named {name!r}": "script：没有名为 {name!r} 的话术",
    "name: {n} characters; expected 1 to 50": "name：{n} 个字符，应为 1 到 50 个",
    "name: a script named {name!r} exists already": "name：已有名为 {name!r} 的话术",
    "versions: {n}; expected 2 to {most} versions to test against each other":
        "versions：{n} 个；应有 2 到 {most} 个版本相互测试",
    "seed: {value}; expected a whole number from 0 to 2,147,483,647": "seed：{value}，应为 0 到 2,147,483,647 的整数",
    "scope: a post script goes wherever its items are posted; leave scope as all":
        "scope：群发话术跟随其素材发到哪里，范围请保持 all",
    "version {label}: no library item {ref!r} (an id of an item not archived)":
        "版本 {label}：没有素材 {ref!r}（应为未归档素材的编号）",
    "version {label}: library item {id} is tested in script {script!r} already":
        "版本 {label}：素材 {id} 已在话术 {script!r} 中测试",
    "versions: the same library item twice; each version is its own item": "versions：同一素材出现两次；每个版本应是不同的素材",
    "version {label}: {n} characters; expected 1 to 1000": "版本 {label}：{n} 个字符，应为 1 到 1000 个",
    "versions: the same text twice; each version says it differently": "versions：同一文字出现两次；每个版本应说法不同",
    "version: {name!r} has no version {label!r}; it has {labels}": "version：{name!r} 没有版本 {label!r}；现有 {labels}",
    "version: {label} of {name!r} is retired already": "version：{name!r} 的版本 {label} 已停用",
    "version: {label} is the last version of {name!r} still tested; it cannot be retired":
        "version：{label} 是 {name!r} 最后一个在用的版本，不能停用",
    "Testing {name}: versions {labels}, seed {seed}": "开始测试 {name}：版本 {labels}，随机种子 {seed}",
    "Retired {labels} of {name}; tested now: {live}": "已停用 {name} 的版本 {labels}；现在使用：{live}",
    "{name} ({kind}), seed {seed}": "{name}（{kind}），随机种子 {seed}",
    "Decided: only version {label} is used now.": "已定版：现在只使用版本 {label}。",
    "Too few to tell yet ({metric}, trials: {counts}; at least {least} each and 5 successes and 5 failures expected "
    "are needed).": "样本还太少，无法判断（{metric}，样本数：{counts}；每个版本至少需要 {least} 个样本，且预期成功和失败各不少于 5 个）。",
    "{best} beats {other}: {metric} {a} against {b} ({diff} points), more than chance (z = {z}, p = {p}; groups "
    "{groups}).": "{best} 胜过 {other}：{metric} {a} 对 {b}（{diff} 个百分点），超出偶然（z = {z}，p = {p}；群数 {groups}）。",
    "{best} leads {other}: {metric} {a} against {b} ({diff} points), but that could be chance (z = {z}, p = {p}); "
    "about {need} trials per version would tell.":
        "{best} 领先 {other}：{metric} {a} 对 {b}（{diff} 个百分点），但可能只是偶然（z = {z}，p = {p}）；"
        "每个版本约需 {need} 个样本才能判断。",
    "Retire the loser: shequn content scripts retire {name} {labels}": "停用落后版本：shequn content scripts retire {name} {labels}",
    # --- the entry ritual and questions ------------------------------------------------------------
    "Self-introduction prompt for {count} newcomers": "提示 {count} 位新人自我介绍",
    "1 unanswered question in {group}": "{group} 有 1 条未回复提问",
    "{count} unanswered questions in {group}": "{group} 有 {count} 条未回复提问",
    "… and {n} earlier": "……及更早的 {n} 条",
    # --- invite campaigns --------------------------------------------------------------------------
    "campaign: no campaign named {name!r}": "campaign：没有名为 {name!r} 的拉新任务",
    "name: a campaign named {name!r} exists already": "name：已有名为 {name!r} 的拉新任务",
    "reward: 0 and per_invite 0; a campaign rewards its inviters with points":
        "reward 为 0 且 per_invite 为 0；拉新任务需要用积分奖励邀请人",
    "start: the campaign would end on {end}, in the past; it could never count a join":
        "start：任务将在 {end} 结束，已经过去，不会统计到任何入群",
    "{field}: {value!r}; expected a day YYYY-MM-DD": "{field}：{value!r}，应为日期 YYYY-MM-DD",
    "Campaign {name}: invite {goal} friends by {until}": "拉新任务 {name}：{until} 前邀请 {goal} 位好友",
    "Ended campaign {name}": "已结束拉新任务 {name}",
    "level {n}, beyond the referral limit": "第 {n} 级，超出邀请层级上限",
}

ZH_CN_MORE.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "content campaign saved": "保存裂变活动", "content campaign ended": "裂变活动结束",
    "content checkin rule saved": "保存签到规则", "content group paused": "暂停群内容发送", "content pause lifted": "恢复内容发送",
    "content holiday added": "添加节假日", "content holiday removed": "删除节假日", "content holidays imported": "导入节假日",
    "content item saved": "保存素材", "content item archived": "归档素材", "content item restored": "恢复素材",
    "content keyword rule saved": "保存关键词回复", "content keyword rule enabled": "启用关键词回复",
    "content keyword rule disabled": "停用关键词回复", "content library imported": "导入素材库",
    "content link mode": "设置商品链接方式", "content planned": "排定内容发送", "content run stopped": "停止发送批次",
    "content run resumed": "恢复发送批次", "content schedule saved": "保存发送计划", "content schedule enabled": "启用发送计划",
    "content schedule disabled": "停用发送计划", "content script saved": "保存话术脚本", "content script retired": "停用脚本版本",
    "content starter seeded": "添加入门内容", "content theme set": "设置主题", "content theme cleared": "清除主题",
    "content topic planned": "排定话题", "content topic removed": "删除话题", "content points spend": "积分消费",
    "content points adjust": "积分调整", "content points reset": "积分清零",
})
ZH_CN_MORE.update({  # audit-log detail keys (console/tui/audit_words.detail_words: "<key with spaces>: {v}")
    "delta: {v}": "积分 {v}", "queued: {v}": "排入 {v} 条", "missed: {v}": "错过 {v} 条", "withdrawn: {v}": "撤下 {v} 条",
    "tasks: {v}": "任务 {v} 个", "skipped: {v}": "跳过 {v} 条", "items: {v}": "素材 {v} 条", "schedules: {v}": "发送计划 {v} 个",
})
ZH_CN_MORE.update({  # audit-log target types (console/tui/audit_words.target_words: the type with spaces)
    "content item #{id}": "素材 #{id}", "content script #{id}": "话术脚本 #{id}", "content campaign #{id}": "裂变活动 #{id}",
    "content keyword rule #{id}": "关键词回复 #{id}", "content keyword rule {id}": "关键词回复 {id}",
    "content checkin rule #{id}": "签到规则 #{id}", "content schedule #{id}": "发送计划 #{id}",
    "content run #{id}": "发送批次 #{id}", "content pause #{id}": "暂停 #{id}", "content calendar #{id}": "话题 #{id}",
    "holiday {id}": "节假日 {id}", "content theme {id}": "主题 {id}", "file {id}": "文件 {id}", "content": "内容计划",
})
