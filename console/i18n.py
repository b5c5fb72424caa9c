"""Translations of every string the host shows, plus the plugins' own.

No Textual here: the CLI and ``ws.t()`` use it too. Keys are the English strings
themselves (what a developer reads in the code is what an English operator sees);
a missing translation falls back to English rather than to a message id, so a new
string is never blank. Plugins add theirs with ``register_translations`` and win over
the host's catalogue, so a plugin can correct a word for its own screen.

Strings with ``{placeholders}`` are translated first and formatted after, so the
translation may move the placeholder (Chinese word order differs).
"""

from __future__ import annotations

LANGUAGES = ("en", "zh-CN")

#: The host's zh-CN catalogue. The words of shared/DOMAIN.md ("Words on screen") first,
#: then the console's own strings. tests/tui/test_tui_i18n.py fails when a string the
#: console passes to ``t()`` has no entry here or in a plugin's translations.
ZH_CN: dict[str, str] = {
    # --- DOMAIN.md: words on screen -------------------------------------------------
    "group": "群", "groups": "社群", "Groups": "社群", "member": "群成员", "Members": "群成员",
    "group type": "群类型", "traffic group": "引流群", "welfare group": "福利群", "flash group": "快闪群",
    "traffic": "引流群", "welfare": "福利群", "flash": "快闪群",
    "theme": "社群主题", "tier": "分级", "family": "群矩阵", "capacity": "群上限",
    "lead": "总负责人", "owner": "群主", "admin": "管理员", "kol": "KOL", "KOL": "KOL", "cheer": "气氛组",
    "cheer squad": "气氛组", "insider": "自己人", "staff": "内部人员",
    "join request": "入群申请", "join queue": "待审核", "approve": "通过", "reject": "拒绝", "reason": "理由",
    "invite-only": "邀请制", "referral": "推荐制", "activity entry": "活动入群", "paid entry": "付费入群",
    "nickname format": "群名片格式", "group nickname": "群名片", "welcome message": "欢迎语",
    "announcement": "群公告", "conduct rules": "群规", "penalty": "处罚", "warn": "警告", "mute": "禁言",
    "kick": "踢出", "blacklist": "拉黑", "recall": "撤回", "recall a message": "撤回", "case": "处理记录",
    "undo": "撤销", "appeal": "申诉", "flooding": "刷屏", "ads": "广告", "content calendar": "内容日历",
    "scheduled post": "定时发送", "topic": "话题", "check-in": "签到", "keyword reply": "关键词回复",
    "tag": "标签", "segment": "用户分类", "loyal": "忠实型", "bargain": "羊毛型", "need": "需求型",
    "low-need": "低需求", "referral tree": "邀请关系", "join rate": "入群率", "churn rate": "退群率",
    "interaction rate": "互动率", "message volume": "消息总量", "messages per member": "人均消息量",
    "retention rate": "留存率", "conversion rate": "转化率", "average order value": "客单价", "ROI": "投入产出比",
    "silent group": "僵尸群", "channel exposure": "渠道曝光量", "orders": "订单", "connection": "连接",
    "outbox": "待执行操作", "audit log": "操作日志", "dashboard": "数据看板",
    # lifecycle stages
    "acquisition": "获客期", "activation": "激活期", "retention": "留存期", "monetisation": "变现期",
    "spread": "传播期",
}

#: The console's own strings (console/tui and the plugin screens it draws).
ZH_CN.update({
    # screens and modes
    "Dashboard": "数据看板", "Activity": "动态", "Connections": "连接", "Owner's queue": "群主待办",
    "Roles": "角色", "Workflows": "入群流程", "Moderation": "群管", "Group": "群", "Profile": "成员档案",
    "Screen unavailable": "界面不可用", "Screens": "界面", "Keys": "按键", "key": "按键", "does": "作用",
    "Go to": "前往", "Open this screen": "打开此界面", "Help": "帮助", "Quit": "退出", "中文/English": "中文/English",
    "operator": "操作员", "read-only": "只读", "disabled": "不可用", "Not available": "不可用",
    "Not done": "未完成", "Could not read": "读取失败", "Loading…": "加载中…", "Saved": "已保存",
    "Confirm": "确认", "Cancel": "取消", "Close": "关闭", "Back": "返回", "OK": "成功", "Failed": "失败",
    "Ctrl+P opens the command palette; Ctrl+T switches 中文/English; Ctrl+Q quits.":
        "Ctrl+P 打开命令面板；Ctrl+T 切换中文/English；Ctrl+Q 退出。",
    "That screen is not installed: {mode}": "未安装该界面：{mode}",
    "The screen {title} of plugin {plugin} could not be opened:": "插件 {plugin} 的界面 {title} 无法打开：",
    "A plugin's screen could not be opened; the error says why. Other screens work.":
        "某个插件的界面无法打开，错误信息说明了原因；其他界面可正常使用。",
    "engine running in this console": "引擎在本控制台运行", "attached to serve": "已连接到 serve",
    "read-only: engine not started": "只读：未启动引擎", "another console runs the engine": "另一个控制台正在运行引擎",
    "engine not started": "引擎未启动",
    "read-only console (opened with --read-only)": "只读控制台（以 --read-only 打开）",
    "the {platform} platform cannot {action}": "{platform}平台不支持{action}",
    # the platforms by the names operators use (a platform code stays the code in English)
    "douyin": "抖音", "wechat": "微信", "qq": "QQ", "sandbox": "沙盒",
    # dashboard
    "What happened (24 h)": "过去 24 小时", "Alerts": "提醒", "No open alerts": "没有未处理的提醒",
    "Trends (30 days)": "趋势（30 天）", "today": "今日", "30 days": "30 天", "messages": "消息",
    "speakers": "发言人数", "joins": "入群", "leaves": "退群", "Resolve alert": "处理提醒",
    "Alert resolved": "提醒已处理", "Select an alert first": "请先选择一条提醒",
    "{n} joins": "{n} 人入群", "{n} leaves ({k} removed)": "{n} 人退群（其中 {k} 人被移出）",
    "{n} cases: {step}": "{n} 条处理记录：{step}", "{n} join requests waiting": "{n} 条入群申请待审核",
    "{n} actions failed": "{n} 个操作失败", "{n} join": "{n} 人入群", "{n} leave ({k} removed)": "{n} 人退群（其中 {k} 人被移出）",
    "{n} case: {step}": "{n} 条处理记录：{step}", "{step} {n} min": "{step} {n} 分钟", "{n} join request waiting": "{n} 条入群申请待审核",
    "{n} action failed": "{n} 个操作失败", "{name} at {pct}% of capacity": "{name} 已达群上限的 {pct}%",
    "{name} silent for {days} days": "{name} 已沉默 {days} 天",
    "Panel {title} ({plugin}) failed: {error}": "面板 {title}（{plugin}）出错：{error}",
    "This workspace has no groups yet. Run `shequn demo` for a sample month, or enable a connection in "
    "config.toml and run `shequn sync NAME`.":
        "这个工作区还没有群。运行 `shequn demo` 生成一个月的示例数据，或在 config.toml 中启用连接后运行 `shequn sync 名称`。",
    "What happened in the last 24 hours, open alerts, and the KPIs by lifecycle stage. Enter on a line opens what "
    "it is about; x resolves the selected alert.":
        "过去 24 小时发生了什么、未处理的提醒，以及按生命周期阶段的指标。回车打开对应内容；x 处理选中的提醒。",
    "KPIs (7 days, change against the 7 before)": "指标（近 7 天，与前 7 天相比）", "No KPIs": "没有指标",
    # groups
    "Filter": "筛选", "Sort": "排序", "Reverse": "倒序", "Mark": "标记", "Open": "打开", "Clear": "清除",
    "Send message": "发消息", "Announce": "发公告", "Set type": "设置群类型", "filter": "筛选", "sorted by": "排序",
    "added": "添加顺序", "name": "名称", "members": "成员", "fill": "满员率", "messages today": "今日消息",
    "platform": "平台", "type": "类型", "staffing": "人员配置", "speakers today": "今日发言",
    "filter: words in name, theme, type, platform, owner": "筛选：名称、主题、类型、平台、群主中的词",
    "Filter groups": "筛选社群", "Send a message to the marked groups": "向标记的群发消息",
    "Announce in the marked groups": "在标记的群发布群公告", "Set the group type": "设置群类型",
    "No groups match": "没有匹配的群", "No groups": "没有群", "No group selected": "未选择群",
    "Message to send": "要发送的消息", "Announcement to publish": "要发布的群公告",
    "{what} in {groups} groups ({people} members)?": "在 {groups} 个群（{people} 名成员）中{what}？",
    "send": "发消息", "by hand from the console": "控制台手动操作", "{n} actions queued": "已加入 {n} 个待执行操作",
    "Group type must be traffic, welfare or flash": "群类型必须是引流群、福利群或快闪群",
    "Set {n} groups to {type}?": "将 {n} 个群设为{type}？", "New group type (traffic, welfare, flash)":
        "新的群类型（traffic 引流群、welfare 福利群、flash 快闪群）",
    "Every group across platforms. / filters as you type (all words must match), s sorts, S reverses, space marks "
    "groups for a bulk action, enter opens a group. Bulk actions ask for confirmation and show progress; actions a "
    "platform cannot do are disabled with the reason.":
        "各平台的所有群。/ 边输入边筛选（所有词都要匹配），s 排序，S 倒序，空格标记群以批量操作，回车打开群。"
        "批量操作会先确认并显示进度；平台不支持的操作显示为不可用并说明原因。",
    # group detail and profile
    "Members": "群成员", "Policies": "规则", "Events": "事件", "Cases": "处理记录", "Kick": "踢出", "Mute": "禁言",
    "No members": "没有成员", "No roles assigned": "未分配角色", "No rules apply": "没有适用的规则",
    "No events yet": "还没有事件", "No cases": "没有处理记录", "No member selected": "未选择成员",
    "joined": "入群时间", "role": "角色", "on platform": "平台状态", "by": "操作人", "rule": "规则", "kind": "类型",
    "plugin": "插件", "scope": "范围", "state": "状态", "time": "时间", "detail": "详情", "step": "处理", "status": "状态",
    "platform can": "平台支持", "This group no longer exists": "该群已不存在",
    "Reason (recorded with the action)": "理由（随操作记录）",
    "{what} {people} people in {groups} groups?": "在 {groups} 个群中{what} {people} 人？",
    "One group: its members (space marks, k kicks, u mutes, enter opens a person), roles, the policies that apply to "
    "it, recent events and cases. Escape goes back.":
        "单个群：成员（空格标记，k 踢出，u 禁言，回车打开成员档案）、角色、适用的规则、最近事件和处理记录。Esc 返回。",
    "Identities": "各平台身份", "Tags": "标签", "left": "已退群", "all groups": "所有群",
    "This person does not exist": "此人不存在", "One person across platforms and groups. Escape goes back.":
        "一个人在各平台和各群的情况。Esc 返回。",
    "not computed yet (the kpi plugin computes segments)": "尚未计算（由 kpi 插件计算用户分类）",
    "invited {n} more: a third level": "又邀请了 {n} 人：已到第三级",
    "fact": "事实", "predicted": "预测", "static": "静态", "dynamic": "动态",
    # members
    "Search": "搜索", "Search members": "搜索群成员", "Nobody matches": "没有匹配的人", "{n} people": "{n} 人",
    "search: name, nickname, platform id, tag": "搜索：名称、昵称、平台 ID、标签", "platform ids": "平台 ID",
    "id": "ID", "city": "城市",
    "Everyone in your groups, across platforms. / searches by name, nickname, group nickname, platform id (exact), "
    "tag (e.g. churned) or person id; enter opens the profile: identities, groups, roles, tags with provenance, "
    "segment and why, orders, cases, referral tree.":
        "各平台群里的所有人。/ 按名称、昵称、群名片、平台 ID（精确）、标签（如 churned）或编号搜索；回车打开成员档案："
        "各平台身份、所在群、角色、标签及来源、用户分类及原因、订单、处理记录、邀请关系。",
    # activity
    "Audit log": "操作日志", "Outbox": "待执行操作", "Retry": "重试", "action": "操作", "target": "对象",
    "The outbox is empty": "没有待执行操作", "Nothing recorded yet": "还没有记录", "Queued again": "已重新排队",
    "Only failed actions are retried": "只能重试失败的操作", "Show failed actions": "显示失败的操作",
    "Event kind (join, leave, message, join_request...; empty for all)": "事件类型（join、leave、message、join_request…；留空为全部）",
    "Action status (pending, running, done, failed, unsupported; empty for all)":
        "操作状态（pending、running、done、failed、unsupported；留空为全部）",
    "Actor prefix (operator:, rule:, plugin:...; empty for all)": "操作人前缀（operator:、rule:、plugin:…；留空为全部）",
    "Events as they arrive, the outbox (pending, done, failed with the reason) and the audit log. f filters the "
    "current tab (event kind; action status such as failed; audit actor such as rule: or operator:), R retries a "
    "failed action, enter on an event opens its group.":
        "实时事件、待执行操作（待执行、已完成、失败及原因）和操作日志。f 筛选当前标签页（事件类型；操作状态如 failed；"
        "操作人如 rule: 或 operator:），R 重试失败的操作，回车打开事件所在的群。",
    # connections
    "Test": "测试", "Sync": "同步", "Test the connection": "测试连接", "Sync groups and members": "同步群和成员",
    "Sync groups and members of {name}?": "同步 {name} 的群和成员？", "No connections configured": "没有配置连接",
    "No connection selected": "未选择连接", "last event": "最近事件", "last error": "最近错误", "account": "账号",
    "disabled in config.toml": "在 config.toml 中未启用", "This connection is disabled in config.toml":
        "此连接在 config.toml 中未启用", "Not synced yet: press y for the first sync.": "尚未同步：按 y 进行首次同步。",
    "Each connection (platform account): state, last event, last error, what its platform can do. t tests it "
    "(reaches the platform once), y syncs its groups and members (first sync or after shequn was offline).":
        "每个连接（平台账号）：状态、最近事件、最近错误、平台支持的操作。t 测试（连接平台一次），y 同步群和成员"
        "（首次同步或 shequn 离线之后）。",
    # owner's queue
    "Approve": "通过", "Reject": "拒绝", "Task done": "任务完成", "Approved": "已通过", "Rejected": "已拒绝",
    "what": "内容", "Nothing is waiting on you": "没有等你处理的事项", "every group": "所有群",
    "{n} waiting": "{n} 项待处理", "Select a {kind} first": "请先选择{kind}", "task": "任务", "alert": "提醒",
    "approved by hand": "人工通过", "Reason (shown to the applicant)": "理由（申请人可见）",
    "Everything waiting on you (config console.owner) across platforms, urgent alerts and live join requests "
    "first. Enter opens the group; a approves and x rejects a join request, D marks a task done, X resolves an "
    "alert (until its cause changes). f filters: alert, join, case or task; >2d or <6h by age; #12 or words of a "
    "group's name.":
        "各平台等你处理的所有事项（config 的 console.owner），紧急提醒和仍有效的入群申请在前。回车打开群；a 通过、"
        "x 拒绝入群申请，D 完成任务，X 处理提醒（原因不变就不会再出现）。f 筛选：alert、join、case 或 task；"
        ">2d 或 <6h 按时长；#12 或群名中的词。",
    "Filter: alert, join, case, task; >2d or <6h; #12 or a group's name (empty for everything)":
        "筛选：alert、join、case、task；>2d 或 <6h；#12 或群名（留空显示全部）",
    "Filter not applied: {error}": "筛选未生效：{error}",
    ", ": "，", " ({items})": "（{items}）",
    "age {word} is not understood; expected > or < then a whole number and m, h or d, e.g. >2d or <6h":
        "无法识别时长 {word}；应为 > 或 < 加整数和 m、h 或 d，如 >2d 或 <6h",
    "group {word} is not understood; expected # then a group id, e.g. #12": "无法识别群 {word}；应为 # 加群编号，如 #12",
    "{n} open": "{n} 条未处理", "… {n} more in the owner's queue": "… 还有 {n} 条，在群主待办中查看",
    "{n} open task": "{n} 个待办任务", "{n} open tasks": "{n} 个待办任务",
    "{n} open alert": "{n} 条未处理提醒", "{n} open alerts": "{n} 条未处理提醒",
    # roles screen
    "Assign": "分配", "Unassign": "取消分配", "Problems only": "只看有问题的", "Assign a role": "分配角色",
    "Unassign a role": "取消角色", "Show only understaffed groups": "只显示人手不足的群", "insider": "自己人",
    "assign": "分配", "unassign": "取消", "{n} groups understaffed": "{n} 个群人手不足",
    "✗ understaffed": "✗ 人手不足", "! overstaffed": "! 人手过多", "ok": "正常",
    "Who and which role (e.g. `Li Lei cheer` or `1234 admin`)": "谁、什么角色（如 `李雷 cheer` 或 `1234 admin`）",
    "Type who and a role (owner, admin, kol, cheer), e.g. `Li Lei cheer`":
        "请输入人和角色（owner、admin、kol、cheer），如 `李雷 cheer`",
    "{what} {role} for {who} in {n} groups?": "在 {n} 个群中为 {who} {what}{role}？",
    "The staffing matrix: owner, admins (guideline 1-3), cheer squad (2-3), KOLs and insiders per group. Red rows "
    "are understaffed, yellow overstaffed, with the reason. Space marks groups; a assigns a role (type who and which "
    "role, e.g. `Li Lei cheer`), u unassigns; enter opens the group.":
        "人员配置表：每个群的群主、管理员（建议 1-3 人）、气氛组（2-3 人）、KOL 和自己人。红色为人手不足，黄色为人手过多，"
        "并说明原因。空格标记群；a 分配角色（输入人和角色，如 `李雷 cheer`），u 取消；回车打开群。",
    # workflows screen
    "Leave held": "暂缓", "Enable/disable": "启用/停用", "Dry-run": "试运行", "dry-run": "试运行",
    "enabled": "已启用", "Approve the selected join request": "通过选中的入群申请",
    "Reject the selected join request": "拒绝选中的入群申请", "Preview a welcome message": "预览欢迎语",
    "Nobody is waiting": "没有待审核的申请", "No entry policies": "没有入群规则", "No welcome policies": "没有欢迎语规则",
    "No announcements yet": "还没有群公告", "comment": "附言", "waited": "等待", "rule says": "规则意见",
    "template": "模板", "title": "标题", "posted": "已发布", "groups": "群数",
    "welcome template, e.g. Welcome {nickname} to {group}! {rules}": "欢迎语模板，如：欢迎 {nickname} 加入 {group}！{rules}",
    "The join queue (a approves, x rejects with a reason the applicant sees, l leaves it held for later), entry "
    "policies per group type and group (e enables or disables, D toggles dry-run), welcome templates with a live "
    "preview (type in the box), and announcements. 1-4 switch tabs.":
        "待审核（a 通过，x 拒绝并填写申请人可见的理由，l 暂缓），按群类型和群设置的入群规则（e 启用或停用，D 切换试运行），"
        "欢迎语模板及实时预览（在输入框中输入），以及群公告。1-4 切换标签页。",
    # moderation screen
    "Reviewed": "已复核", "Undo": "撤销", "Note": "备注", "Open/all": "未处理/全部", "Preview": "预览",
    "Rules": "规则", "Undo the selected case": "撤销选中的处理记录", "Preview a rule over history": "用历史数据预览规则",
    "open cases": "未处理记录", "all cases": "全部处理记录", "open": "未处理", "evidence": "证据",
    "to review": "待复核",  # an open case: the rule's action is done, a person's look is what waits
    "No conduct rules": "没有言行规则", "No case selected": "未选择处理记录", "No rule selected": "未选择规则",
    "Undone": "已撤销", "Re-invited where the platform allows; otherwise a task.": "平台允许时重新邀请入群；否则生成一个任务。",
    "Undo case {id}: {step} of {person} in {groups} groups?": "撤销处理记录 {id}：{person} 在 {groups} 个群中的{step}？",
    "Last {days} days: {n} messages, {people} people, {groups} groups": "近 {days} 天：{n} 条消息、{people} 人、{groups} 个群",
    "Enable {name}? Over the last {days} days it would have acted on {n} messages of {people} people in {groups} "
    "groups.": "启用 {name}？近 {days} 天内它会处理 {groups} 个群中 {people} 人的 {n} 条消息。",
    "Cases: v marks reviewed, U undoes (re-invites where the platform allows), n adds a note; f shows open or all. "
    "Rules: e enables or disables (enabling shows a dry-run over the last 7 days first), D switches dry-run mode, p "
    "previews what the rule would have done. 1-2 switch tabs.":
        "处理记录：v 标记已复核，U 撤销（平台允许时重新邀请），n 添加备注；f 切换未处理/全部。规则：e 启用或停用"
        "（启用前先显示近 7 天的试运行结果），D 切换试运行，p 预览规则会做什么。1-2 切换标签页。",
    "live": "生效中", "off": "已停用",
    # statuses, kinds and steps stored in the database
    "pending": "待执行", "running": "执行中", "done": "已完成", "failed": "失败", "cancelled": "已取消",
    "unsupported": "平台不支持", "dry_run": "试运行", "reviewed": "已复核", "undone": "已撤销", "appealed": "已申诉",
    "held": "暂缓", "approved": "已通过", "rejected": "已拒绝", "expired": "已过期",
    "active": "活跃", "closing": "即将关闭", "archived": "已归档", "dismissed": "已解散",
    "online": "在线", "offline": "离线", "error": "出错", "unknown": "未知",
    "message": "消息", "join": "入群", "leave": "退群", "nickname": "昵称",
    "join_request": "入群申请", "lifecycle": "连接状态", "announce": "群公告", "set_card": "改群名片",
    "approve_join": "通过入群", "reject_join": "拒绝入群", "create_group": "建群", "invite": "邀请",
    "set_admin": "设管理员", "unset_admin": "取消管理员", "whole_mute": "全员禁言", "unmute": "解除禁言",
    "set_group_name": "改群名", "penalty": "处罚", "admission": "入群审核", "welcome": "欢迎语", "overflow": "满员分流",
    "low_need": "低需求",
    "reject_reason": "拒绝理由可见",  # the capability: the applicant sees why a join request was rejected
})

#: ``shequn tasks`` and ``shequn alerts`` (console/cli/queue_verbs.py).
ZH_CN.update({
    "{total} open task; page {page} of {pages}": "共 {total} 个待办；第 {page} / {pages} 页",
    "{total} open tasks; page {page} of {pages}": "共 {total} 个待办；第 {page} / {pages} 页",
    "{total} open alert; page {page} of {pages}": "共 {total} 条未处理提醒；第 {page} / {pages} 页",
    "{total} open alerts; page {page} of {pages}": "共 {total} 条未处理提醒；第 {page} / {pages} 页",
    "no task {id}": "没有编号为 {id} 的待办", "task {id} is already done": "待办 {id} 已完成过",
    "task {id} is already dismissed": "待办 {id} 已忽略过", "task {id}: done": "待办 {id}：已完成",
    "task {id}: dismissed": "待办 {id}：已忽略", "no alert {id}": "没有编号为 {id} 的提醒",
    "alert {id} is already resolved": "提醒 {id} 已处理过",
    "alert {id}: resolved (it comes back only if its cause changes)": "提醒 {id}：已处理（只有原因变化时才会再次出现）",
})

#: ``shequn deadletters`` (console/cli/deadletter_verbs.py).
ZH_CN.update({
    "dead letter": "条死信", "dead letters": "条死信", "{total} {noun}; page {page} of {pages}":
        "共 {total} {noun}；第 {page} / {pages} 页", "no dead letter {id}": "没有编号为 {id} 的死信",
    "name letter ids, or --all": "请给出死信编号，或使用 --all", "replayed": "已重放", "failed": "失败",
    "skipped": "跳过", "missing": "不存在", "stored": "已入库", "already stored": "此前已入库",
    "already replayed": "已重放过", "no such dead letter": "没有这条死信",
    "{done} of {total} replayed": "{total} 条中已重放 {done} 条",
    "{count} dead letters deleted": "已删除 {count} 条死信", "1 dead letter deleted": "已删除 1 条死信",
})


#: The file guard (console/store/guard.py), the config's range checks (console/config_checks.py), ``db check``.
_DAMAGED = ("{path}: the workspace file is damaged ({detail}); nothing was written to it. Stop every shequn on it, "
            "move it away and copy a backup made by `shequn db backup` in its place")
_DAMAGED_ZH = "{path}：工作区文件已损坏（{detail}），未向其写入任何内容。请停止所有使用它的 shequn，把它移走，再把 `shequn db backup` 做的备份复制到原位置"
_LOOK = " `shequn --read-only` can still look at it."
_NEWER = ("it has migrations this version does not know ({names}). Upgrade shequn to open it, or open a backup made "
          "before the upgrade; nothing was written.")
_NEWER_ZH = "其中有本版本不认识的迁移（{names}）。请升级 shequn 后再打开，或打开升级前的备份；未写入任何内容。"
ZH_CN.update({
    "Error: {message}": "错误：{message}",
    _DAMAGED + " (the newest is {backup})." + _LOOK: _DAMAGED_ZH + "（最新的备份是 {backup}）。仍可用 `shequn --read-only` 查看。",
    _DAMAGED + "; none was found in {folder}, and `sqlite3 {path} .recover` may save most rows." + _LOOK:
        _DAMAGED_ZH + "；{folder} 中没有备份，可用 `sqlite3 {path} .recover` 救回大部分数据。仍可用 `shequn --read-only` 查看。",
    "database disk image is malformed": "数据库文件结构损坏",
    "the file does not start with SQLite's header (not a SQLite database, or its first page is overwritten)":
        "文件开头不是 SQLite 文件头（不是 SQLite 数据库，或第一页被覆盖）",
    "{path}: the workspace file is read-only for this user (its permissions, or a read-only disk), and this command "
    "changes it. Look with `shequn --read-only`, or let this user write the file and its folder (chmod u+w).":
        "{path}：当前用户对工作区文件只有读权限（文件权限或只读磁盘），而此命令会修改它。可用 `shequn --read-only` 查看，"
        "或让当前用户可写该文件及其所在文件夹（chmod u+w）。",
    "{path}: written by shequn {theirs}, newer than this shequn {ours}: " + _NEWER:
        "{path}：由 shequn {theirs} 写入，比当前的 shequn {ours} 新：" + _NEWER_ZH,
    "{path}: written by a newer build of shequn than this one ({ours}; the file names {theirs}): " + _NEWER:
        "{path}：由比当前（{ours}）更新的 shequn 写入（文件记录的版本：{theirs}）：" + _NEWER_ZH,
    "no version": "无", "read-only file: looking only": "文件只读：仅可查看",
    "{file}: {key}: is {value} (expected {low} to {high} {unit})": "{file}：{key}：当前为 {value}（应为 {low} 到 {high} {unit}）",
    "milliseconds": "毫秒", "days (0 keeps text forever)": "天（0 表示永久保留消息内容）",
    "seconds (0: no limit)": "秒（0 表示不限）", "(a TCP port)": "（TCP 端口号）", "bytes": "字节", "seconds": "秒", "seconds (0: never)": "秒（0 表示从不）",
    "{file}: no such config file. Give the path of an existing config.toml, or leave out --config and "
    "$SHEQUN_CONFIG to use ./config.toml":
        "{file}：配置文件不存在。请给出已有 config.toml 的路径，或去掉 --config 和 $SHEQUN_CONFIG 以使用 ./config.toml",
    "{file}: {key}: {host} is not an address of this machine ({reason})": "{file}：{key}：{host} 不是本机地址（{reason}）",
    "{file}: {key}: {host}:{port} cannot be bound ({reason}); another program, or another shequn serve, listens "
    "there. Stop it, or choose a free port: shequn config set serve.port N":
        "{file}：{key}：无法监听 {host}:{port}（{reason}）；另一个程序或另一个 shequn serve 正在使用该端口。"
        "请停止它，或换一个空闲端口：shequn config set serve.port N",
    "quick check": "快速检查", "integrity check": "完整性检查",
    "{path}: {check} ok in {ms} ms, schema current": "{path}：{check}通过（{ms} 毫秒），结构为最新",
    "{path}: no workspace here yet; run `shequn demo` or `shequn db migrate` first":
        "{path}：这里还没有工作区；请先运行 `shequn demo` 或 `shequn db migrate`",
    "{path}: the workspace needs upgrading to this shequn first ({names}): run `shequn db migrate` (or open the "
    "console), then run this again. A read-only open cannot upgrade it.":
        "{path}：工作区需要先升级到当前版本的 shequn（{names}）：请运行 `shequn db migrate`（或打开控制台），"
        "然后再运行此命令。只读打开无法升级。",
    "{path}: read-only for this user: commands that change the workspace are refused":
        "{path}：当前用户只能读取：会修改工作区的命令将被拒绝",
})

#: ``shequn serve``'s faults (console/faults.py): /healthz, 503 answers and their alerts.
ZH_CN.update({
    "the store cannot write ({why}): events are not acknowledged until it can; retry later":
        "存储无法写入（{why}）：恢复写入前不确认任何事件，请稍后重试",
    "starting: the store is not taking events yet": "正在启动：存储尚未开始接收事件",
    "the {loop} loop stopped on an error and is restarting: {why}": "{loop} 循环出错停止，正在重新启动：{why}",
    "The store cannot write since {since}: {why}. Webhooks are answered 503 (bridges send again) and events wait "
    "in memory; free disk space or fix the file, and intake resumes by itself.":
        "存储自 {since} 起无法写入：{why}。Webhook 一律回复 503（桥接端会重发），事件暂存在内存中；"
        "请腾出磁盘空间或修复文件，接收会自动恢复。",
    "The store could not write from {since} to {until}: {why}. Webhooks were answered 503 meanwhile and the events "
    "held in memory are stored; nothing acknowledged was lost.":
        "存储在 {since} 至 {until} 期间无法写入：{why}。期间 Webhook 均回复 503，暂存在内存中的事件已入库；"
        "已确认的事件没有丢失。",
    "The {loop} loop of the engine stopped on an error and was restarted: {why}. See the log for the traceback.":
        "引擎的 {loop} 循环出错停止，已重新启动：{why}。详细错误见日志。",
})


def translate(text: str, lang: str, extra: dict[str, dict[str, str]] | None = None) -> str:
    """``text`` in ``lang``: a plugin's translation, else the host's, else ``text``."""
    if lang == "en" or not text:
        return text
    if extra:
        got = extra.get(lang, {}).get(text)
        if got is not None:
            return got
    table = CATALOGUES.get(lang)
    if table is None:
        return text
    return table.get(text, text)


CATALOGUES: dict[str, dict[str, str]] = {"zh-CN": ZH_CN}

# the console's keys, marks, bulk acts, undo and Textual's own words; they win over the entries above
from .i18n_console import ZH_CN_CONSOLE  # noqa: E402

ZH_CN.update(ZH_CN_CONSOLE)

# export, the KPI table, scheduling, a group's fields, editing rules (console/i18n_ops.py)
from .i18n_ops import ZH_CN_OPS  # noqa: E402

ZH_CN.update(ZH_CN_OPS)

# people's screens and verbs (labels, linked accounts, numbers)
from .i18n_people import ZH_CN_PEOPLE  # noqa: E402

ZH_CN.update(ZH_CN_PEOPLE)

# an event's detail in words (Activity screen's Events table)
from .i18n_events import ZH_CN_EVENTS  # noqa: E402

ZH_CN.update(ZH_CN_EVENTS)

# an audit-log row in words (Activity screen's audit log: console/tui/audit_words.py)
from .i18n_audit import ZH_CN_AUDIT  # noqa: E402

ZH_CN.update(ZH_CN_AUDIT)

# the words over CLI tables (console/cli/headers.py): only where the catalogue has no word yet
from .i18n_cli import ZH_CN_CLI  # noqa: E402

for _en, _zh in ZH_CN_CLI.items():
    ZH_CN.setdefault(_en, _zh)
