"""zh-CN strings of the entry_rules plugin, in the words of DOMAIN.md."""

ZH_CN = {
    # rule kinds
    "Admission": "入群方式",
    "Nickname format": "群昵称格式",
    "Welcome message": "欢迎语",
    "Overflow to sibling groups": "满员分流",
    # decisions the applicant sees
    "This group is closed and no longer takes new members": "本群已关闭，不再接受新成员",
    "Already a member of {group}, a group of the same family": "你已在同一群矩阵的「{group}」中，无需重复入群",
    "This group is full": "本群已满（已达群上限）",
    "This group is full; please join {group} instead": "本群已满，请加入「{group}」",
    "This group is full and {platform} shows the applicant no reason: point them to {group}, which has room":
        "本群已满，且{platform}不会向申请人显示理由：请引导其加入有空位的「{group}」",
    "This group is full; you have been invited to {group} instead": "本群已满，已邀请你加入「{group}」",
    "Every group of family {family} is full; waiting for a new sibling group": "群矩阵「{family}」的群都已满，正在等待新群",
    "Open entry": "自由入群",
    # a policy's one-line summary (policies.describe_policy)
    "open entry": "自由入群", "invite-only": "邀请制", "activity code": "活动码", "paid entry": "付费入群",
    "{modes} (any of them)": "{modes}（满足其一即可）", "{modes} (all of them)": "{modes}（须全部满足）",
    "at {share} of capacity": "达到群上限的 {share} 时",
    "Open entry, referred by {name}": "自由入群，由 {name} 推荐",
    "Open entry; the referral by {name} is not recorded: it would be level {level}, and chains stop at level {limit}":
        "自由入群；{name} 的推荐不记录：将是第 {level} 级，推荐关系最多 {limit} 级",
    "Invite-only: an admin or above must invite you": "邀请制：需由管理员或以上邀请入群",
    "Invite-only: {name} who invited you is not an admin of this group": "邀请制：邀请人 {name} 不是本群管理员",
    "Invited by {name} ({role})": "由 {name}（{role}）邀请",
    "Referral entry: no referrer given": "推荐制：没有推荐人",
    "Referral entry: referrer {name} is not a current member": "推荐制：推荐人 {name} 不是现有群成员",
    "Referral entry: referrer {name} is not in good standing": "推荐制：推荐人 {name} 已被处罚或拉黑",
    "Referral entry: this referral would be level {level}; chains stop at level {limit} (deeper chains cross a legal line)":
        "推荐制：本次推荐将是第 {level} 级；邀请关系最多 {limit} 级（更深的层级触及法律红线）",
    "Referred by {name} (level {level} of {limit})": "由 {name} 推荐（第 {level} 级，最多 {limit} 级）",
    "Activity entry: campaign code {code}": "活动入群：活动口令 {code}",
    "Activity entry: answer mentions {keyword}": "活动入群：回答包含 {keyword}",
    "New sibling of family {family}: staffed like {template}": "{family} 系列的新群：按 {template} 配置自己人",
    "Activity entry: answer mentions {keyword} (written {answer})": "活动入群：回答包含 {keyword}（写作 {answer}）",
    "Activity entry: campaign code {code} (answered {answer}, a typo)": "活动入群：活动码 {code}（回答为 {answer}，有笔误）",
    "Activity entry: took part in {activity}": "活动入群：参加过 {activity}",
    "Activity entry: answer {answer!r} is close to a campaign code; a person should check it":
        "活动入群：回答 {answer!r} 与活动口令相近，需人工审核",
    "Activity entry: no answer given": "活动入群：没有填写回答",
    "Activity entry: the answer does not match the campaign": "活动入群：回答与活动不符",
    "Paid entry: no orders data yet, so payment cannot be checked": "付费入群：还没有订单数据，无法核对付款",
    "Paid entry: no matching order found": "付费入群：没有找到对应订单",
    "Paid entry: order {order}": "付费入群：订单 {order}",
    "Approved by {who}": "由 {who} 通过",
    "Held by {who}": "由 {who} 暂缓，待审核",
    # welcome, nickname, flash, overflow
    "Merged welcome for {count} joins": "合并欢迎 {count} 位新成员",
    "Welcome {nickname}": "欢迎 {nickname}",
    "Sample group": "示例群",
    "(group rules)": "（群规）",
    "Nickname {nickname} does not follow {format}": "群名片 {nickname} 不符合格式 {format}",
    "Grace period over: nickname {old} set to {new}": "宽限期已过：群名片 {old} 改为 {new}",
    "the platform cannot set group nicknames": "平台不支持修改群名片",
    "automatic fixing is off for this format": "该格式未开启自动修改",
    "shequn does not know every field of the format for this member": "缺少该成员的部分字段信息",
    "Fix the group nickname of {name} in {group}": "修改 {name} 在「{group}」的群名片",
    "Now {old!r}; format {format}; suggested {new!r} ({why})": "当前 {old!r}；格式 {format}；建议 {new!r}（{why}）",
    "Fix a group nickname by hand": "手动修改群名片",
    "Setting it to {new!r} failed: {error}": "改为 {new!r} 失败：{error}",
    "This group closes in {hours} hours. Make the most of it!": "本群将在 {hours} 小时后关闭，抓紧参与哦！",
    "Flash group countdown": "快闪群倒计时",
    "Flash group closed": "快闪群已关闭",
    "Family {family} is full: new sibling group {name}": "群矩阵「{family}」已满：新建群「{name}」",
    "Create sibling group {name}": "新建同矩阵群「{name}」",
    "Every group of family {family} is full. Create a group from the template of {template} on {platform}, then register it: shequn entry family GROUP {family}":
        "群矩阵「{family}」的群都已满。请在 {platform} 按「{template}」的模板建群，然后登记：shequn entry family 群 {family}",
    "Register sibling group {name}": "登记新群「{name}」",
    "The platform created it but did not say its id: register it with shequn entry family GROUP {family}":
        "平台已建群但未返回群号：请用 shequn entry family 群 {family} 登记",
    "Creating it failed ({error}); create it by hand and register it with shequn entry family GROUP {family}":
        "建群失败（{error}）；请手动建群并用 shequn entry family 群 {family} 登记",
    "Invite the cheer squad into {group}": "邀请气氛组进入「{group}」",
    "New sibling of family {family}. Cheer squad of {template}: {names}": "群矩阵「{family}」的新群。「{template}」的气氛组：{names}",
    "(none assigned in the template group)": "（模板群未指定气氛组）",
    "Routed from full group {group}": "从已满的「{group}」分流",
    "{name} is in two groups of family {family}": "{name} 同时在群矩阵「{family}」的两个群里",
    "Member of {a} and {b}; remove them from one": "在「{a}」和「{b}」中；请移出其中一个",
    "Announcement: {title}": "群公告：{title}",
    "{n} join requests waiting longer than {minutes} minutes": "{n} 条入群申请等待超过 {minutes} 分钟",
    "Open the join queue (shequn joins) and decide them": "打开待审核（shequn joins）处理",
    # screen words
    "Join queue": "待审核",
    "Join request": "入群申请",
    "Approve": "通过",
    "Reject": "拒绝",
    "Hold": "暂缓",
    "Reason": "理由",
    "Invite-only": "邀请制",
    "Referral": "推荐制",
    "Activity entry": "活动入群",
    "Paid entry": "付费入群",
    "Referral tree": "邀请关系",
    "Family": "群矩阵",
    "Capacity": "群上限",
    "Announcement": "群公告",
    "Flash group": "快闪群",
    "Dry-run": "试运行",
    "would have": "本应",
    # the platform's answer and expiry
    "{n} join request waiting longer than {minutes} minutes": "{n} 条入群申请等待超过 {minutes} 分钟",
    "The platform refused to {verdict}: {words}": "平台未能{verdict}：{words}",
    "join request {id} expired at {when}: the platform no longer keeps it": "入群申请 {id} 已于 {when} 过期：平台已不再保留",
    "Join request {id}: not done": "入群申请 {id}：未完成",
    "Join request {id}: expired": "入群申请 {id}：已过期",
    "Join request {id}: {status}": "入群申请 {id}：{status}",
    "The platform no longer keeps this request": "平台已不再保留这条申请",
    "Held": "已暂缓",
    "expires in": "剩余有效期",
    "approving": "通过中（等待平台）",
    "rejecting": "拒绝中（等待平台）",
    "{first}-{last} of {total}": "第 {first}-{last} 条，共 {total} 条",
    "nothing on page {page}; {total} in all": "第 {page} 页没有内容；共 {total} 条",
    "no join requests of this kind": "没有这类入群申请",
    "join request {id}: {verdict} sent to the platform; waiting for its answer": "入群申请 {id}：{verdict}已发送到平台，等待平台答复",
    " (`--wait` carries it out now when no serve runs)": "（未运行 serve 时，加 `--wait` 立即执行）",
    "join request {id}: expired: the platform no longer knows it": "入群申请 {id}：已过期，平台已不再保留",
    "join request {id}: not done; back in the queue: {reason}": "入群申请 {id}：未完成，已退回待审核：{reason}",
    "join request {id}: {status} ({reason})": "入群申请 {id}：{status}（{reason}）",
    "held": "暂缓", "approved": "已通过", "rejected": "已拒绝", "expired": "已过期",
    # joins_cli.py: a request's state in the queue's table
    "undecided": "待决定", "approving: awaiting the platform": "通过中：等待平台答复",
    "rejecting: awaiting the platform": "拒绝中：等待平台答复", "would approve": "试运行：将通过",
    "would reject": "试运行：将拒绝", "would hold": "试运行：将暂缓",
}

# the console's preset reasons for rejecting join requests (reasons.py); the applicant reads them
ZH_CN.update({
    "Your request does not meet this group's entry rules": "你的申请不符合本群的入群规则",
    "Please answer the entry question and apply again": "请回答入群问题后重新申请",
    "This group admits by invitation or referral only": "本群仅限邀请或推荐入群",
    "Please join through the channel in our official account": "请通过公众号里的入口申请入群",
    "This group is for customers who have placed an order": "本群仅限已下单的顾客",
    "This event is full or has ended": "本次活动名额已满或已结束",
})

ZH_CN.update({  # task and alert kinds, as console.words.kind_text says them
    "fix nickname": "修改群昵称", "invite cheer": "邀请气氛组", "duplicate in family": "群矩阵重复成员", "create sibling": "新建同矩阵群", "queue waiting": "入群申请积压",
})

ZH_CN.update({  # a policy and a join request's deciding rule in the CLI's words (words.py, cli.py, joins_cli.py);
    # kinds, scopes and states are the host's words (admission 入群审核, all groups 所有群, enabled 已启用)
    "policy code": "代号", "saved {code} ({words})": "已保存 {code}（{words}）",
    "updated {code} ({words})": "已更新 {code}（{words}）",
    # the plugin's own checks (admission.py's rule codes), as console.words.rule_text says them
    "entry referral depth": "推荐层级上限（法律红线）", "entry closed": "群已关闭",
    "entry family": "同一群矩阵限进一个群", "entry capacity": "群上限",
})

ZH_CN.update({  # `shequn entry check` (checks.py) and the entry verbs' messages (cli.py)
    "entry policies: ok": "入群规则检查：没有问题", "problem": "问题",
    "its group {id} no longer exists": "它作用的群 {id} 已不存在", "group {id} {name}": "群 {id}「{name}」",
    "capacity {capacity} is below its {members} members": "群上限 {capacity} 低于现有的 {members} 名成员",
    "flash group without a closing date (shequn entry flash GROUP --closes ...)":
        "快闪群没有关闭时间（shequn entry flash 群 --closes ...）",
    "group {id} {name} is in family {family}": "群 {id}「{name}」已加入群矩阵「{family}」",
    "group {id} {name}: capacity {capacity} ({members} members)": "群 {id}「{name}」：群上限 {capacity}（现有 {members} 人）",
    "time {value!r}: expected YYYY-MM-DD HH:MM in {zone}": "时间 {value!r} 无法识别：应为 YYYY-MM-DD HH:MM（{zone} 时区）",
    "--config is not valid JSON: {error}": "--config 不是有效的 JSON：{error}",
    "--set {pair!r}: expected KEY=VALUE": "--set {pair!r} 无法识别：应为 KEY=VALUE",
    "say what to change: --enable/--disable and/or --dry-run/--live":
        "请说明要改什么：--enable/--disable 和（或）--dry-run/--live",
    "referred by: {chain}": "推荐人：{chain}", "flash group {name} closes at {when}": "快闪群「{name}」将于 {when} 关闭",
    "{activity}: {n} added": "{activity}：已添加 {n} 人", "announcement {id} saved": "群公告 {id} 已保存",
    "referral level": "推荐层级", "people referred": "推荐人数",
})

ZH_CN.update({  # a verb's request refused (PolicyError.of), as the CLI says it (cli._run)
    "scope {scope!r}: unknown group type {value!r}; choose from {choices}":
        "范围 {scope!r}：没有群类型 {value!r}；可选 {choices}",
    "scope {scope!r}: expected all, type:<traffic|welfare|flash> or group:<id or name>":
        "范围 {scope!r} 无法识别：应为 all、type:<traffic|welfare|flash> 或 group:<群编号或群名>",
    "group {ref!r} is ambiguous ({n} groups match); use its id": "群 {ref!r} 有 {n} 个同名群；请用群编号",
    "no group {ref!r} (give its id, platform id or exact name; see `shequn entry families`)":
        "没有群 {ref!r}（请给出群编号、平台群号或完整群名；见 `shequn entry families`）",
    "a rule named {name!r} already exists as {plugin}/{kind}; choose another name":
        "已有名为 {name!r} 的规则（{plugin}/{kind}）；请换一个名称",
    "no entry policy named {name!r} (see `shequn entry show`)": "没有代号为 {name!r} 的入群规则（见 `shequn entry show`）",
    "a family name is empty": "群矩阵名称为空", "no group {id}": "没有群 {id}",
    "capacity {capacity} for group {name}: expected 1 or more": "群「{name}」的群上限 {capacity} 无效：至少为 1",
    "capacity {capacity} for group {name} is below its {members} current members; set at least that, or remove "
    "members first": "群「{name}」的群上限 {capacity} 低于现有的 {members} 名成员；请至少设为该人数，或先移出成员",
    "group {name} is a {type} group; only flash groups have a closing date (set its type first)":
        "群「{name}」不是快闪群：只有快闪群有关闭时间（请先修改群类型）",
    "closing time {when} is in the past": "关闭时间 {when} 已经过去",
    "announcement title is empty": "群公告标题为空", "announcement text is empty": "群公告正文为空",
    "announcement text has {n} characters; the limit is {limit}": "群公告正文有 {n} 个字，上限 {limit} 个字",
    "no announcement {id}": "没有群公告 {id}",
    "unknown group type {value!r}; choose from {choices}": "没有群类型 {value!r}；可选 {choices}",
})
ZH_CN.update({  # the Workflows screen's Policies tab: the line under the table (screens.policy_line)
    "E shows and edits its whole config": "按 E 查看和修改完整配置",
})
