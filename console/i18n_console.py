"""zh-CN of the console's keys, marks, bulk acts, undo, detail views and Textual's own
words (merged into console.i18n.ZH_CN, and winning over its older entries).

Chinese typography: full-width punctuation (：，；（）？) after Chinese, a space between
Chinese and Latin letters or digits, typed words (filter words, keys, config keys) in
backticks so they read as what to type.
"""

ZH_CN_CONSOLE: dict[str, str] = {
    # --- keys (console.tui.keymap) and the key bar --------------------------------------------
    "Up": "上移", "Down": "下移", "Page up": "上一页", "Page down": "下一页", "First row": "第一行", "Last row": "最后一行",
    "Details": "详情", "Mark all shown": "标记全部显示的行", "Mark recent joiners": "标记新入群成员", "Undo": "撤销",
    "Esc": "Esc", "typing: {box}": "输入中：{box}", "back to the keys": "返回按键操作", "{n} marked": "已标记 {n} 项",
    "filter": "筛选", "search": "搜索", "answer": "回答", "welcome template": "欢迎语模板", "text": "文字",
    "palette": "命令面板", "Enter": "回车",
    "Keys that collide in [console] bindings": "[console] bindings 中有冲突的按键",
    # --- Textual's own: palette, help, messages ------------------------------------------------
    "Search for commands…": "搜索命令…", "Theme": "主题", "Change the colours": "更换配色", "Maximize": "最大化",
    "Let the focused panel fill the screen": "让当前面板占满屏幕", "Minimize": "还原",
    "Show every panel again": "重新显示所有面板", "Screenshot": "截图",
    "Save a picture of the screen as an SVG file": "把当前屏幕保存为 SVG 图片", "Close the console": "关闭控制台",
    "Keys and help": "按键与帮助", "What this screen is for and its keys (?)": "此界面的用途和按键（?）",
    "Undo your last decision (z)": "撤销你最近的一次决定（z）", "Press {key} to quit": "按 {key} 退出",
    "Quit?": "要退出吗？", "Focus Next": "下一个控件", "Focus Previous": "上一个控件",
    "Copy selected text": "复制选中的文字", "Exit the command palette": "退出命令面板",
    "Ctrl+P opens the command palette; Ctrl+T switches 中文/English; Ctrl+Q quits.":
        "Ctrl+P 打开命令面板；Ctrl+T 切换中文/English；Ctrl+Q 退出。",
    "z undoes your last decision (within 30 minutes); Esc always goes back to the keys.":
        "z 撤销你最近的一次决定（30 分钟内）；Esc 总能回到按键操作。",
    # --- dialogs, detail views, bulk acts ---------------------------------------------------------
    "Enter confirms · Esc cancels": "回车确认 · Esc 取消", "Enter picks · Esc cancels": "回车选定 · Esc 取消",
    "Enter takes the highlighted reason · Tab: type one · Esc cancels": "回车使用选中的理由 · Tab：自己输入 · Esc 取消",
    "or type a reason here and press Enter": "或在这里输入理由后按回车", "default": "默认", "preset": "预设",
    "recent": "最近用过", "Open the group": "打开所在群", "Open the person": "打开成员档案",
    "It no longer exists": "已不存在", "Stop": "停止", "stops after the current one": "做完当前这一项后停止",
    "Stopped: {n} not tried": "已停止：{n} 项未执行", "Enter or Esc closes": "回车或 Esc 关闭",
    "Not done: {n}": "未完成：{n} 项", "To do by hand: {n}": "需要人工处理：{n} 项",
    "That acts on another tab's rows: switch to it first": "该操作针对另一个标签页中的行：请先切换过去",
    "Nothing selected: move to a row or mark some with space": "未选择：请移到某一行，或用空格标记",
    "Marked the first {n} of {total} rows": "已标记前 {n} 行（共 {total} 行）",
    "people": "人数", "{kind}: {what}": "{kind}：{what}", " — ": "——", "; ": "；", ": ": "：",
    # detail views' fields
    "referrer": "推荐人", "requested": "申请时间", "decided by": "决定人", "decided": "决定时间",
    "platform id": "平台编号", "attempts": "尝试次数", "in doubt since": "结果未知自", "created": "创建时间",
    "updated": "更新时间", "cause": "原因", "severity": "级别", "opened": "出现时间", "resolved": "处理时间",
    "what to do": "要做什么", "for": "负责人", "from": "来源", "category": "类别", "matched": "命中内容", "model score": "模型与得分",
    "note": "备注", "warning": "警告", "critical": "紧急", "info": "提示",
    # --- undo ---------------------------------------------------------------------------------------
    "Undo {what} (made at {time})?": "撤销 {time} 的操作：{what}？", "Undo {what}": "撤销：{what}",
    "What the platform has not done yet is cancelled; what it did and cannot take back becomes a task that says "
    "what to do by hand.": "平台尚未执行的会被取消；平台已执行且无法撤回的，会生成任务说明需要人工做什么。",
    "Undone: {n}": "已撤销：{n} 项", "Not undone: {n}": "未能撤销：{n} 项",
    "Left to do by hand or waiting on the platform: {n}": "需人工处理或等待平台：{n} 项",
    "Nothing to undo: no decision of yours in the last {minutes} minutes": "没有可撤销的：近 {minutes} 分钟内你没有做过决定",
    "approve {n} join requests": "通过 {n} 条入群申请", "reject {n} join requests": "拒绝 {n} 条入群申请",
    "hold {n} join requests": "暂缓 {n} 条入群申请", "review {n} cases": "复核 {n} 条处理记录",
    "retry {n} actions": "重试 {n} 个操作", "assign {n} roles": "分配 {n} 个角色", "unassign {n} roles": "取消 {n} 个角色",
    "set the type of {n} groups": "设置 {n} 个群的类型",
    "Approved by mistake: {person} is in {group}; remove them by hand if they should not be there":
        "误通过：{person} 已进入{group}；如不该入群，请手动移出",
    "Rejected by mistake: invite {person} to {group} by hand": "误拒绝：请手动邀请 {person} 加入{group}",
    "{who} undid the approval of join request {id} after the platform had let them in.":
        "{who} 在平台通过入群申请 {id} 之后撤销了这次通过。",
    "{who} undid the rejection of join request {id} after the platform had turned it down; this platform cannot "
    "invite.": "{who} 在平台拒绝入群申请 {id} 之后撤销了这次拒绝；该平台无法邀请。",
    "the platform let them in already: a task asks the owner to look": "平台已让其入群：已生成任务请群主查看",
    "the platform had rejected it: an invitation is on its way": "平台已拒绝：已发出邀请",
    "the platform had rejected it and cannot invite: a task says what to do by hand": "平台已拒绝且无法邀请：已生成人工处理任务",
    "the platform had refused it; it is waiting in the queue": "平台未执行这次决定；申请仍在待审核中",
    # --- deciding join requests (console.tui.decide) -------------------------------------------------
    "Leave held": "暂缓", "Held": "已暂缓", "Held: {n}": "已暂缓：{n} 条",
    "Reason for rejecting {n} join requests (the applicants see it)": "拒绝 {n} 条入群申请的理由（申请人可见）",
    "Reason for rejecting {who} (the applicant sees it)": "拒绝 {who} 的理由（申请人可见）",
    "Sent to the platform: {n}; waiting for its answers": "已提交平台：{n} 条；等待平台回复",
    "Sent to the platform; waiting for its answer": "已提交平台，等待平台回复",
    "{verb} {n} join requests in {groups} groups ({people} people)?": "{verb} {groups} 个群的 {n} 条入群申请（{people} 人）？",
    "The platform answered {n} join requests": "平台回复了 {n} 条入群申请",
    "Your request does not meet this group's entry rules": "你的申请不符合本群的入群规则",
    # --- owner's queue ----------------------------------------------------------------------------
    "Mark {n} tasks done": "将 {n} 个任务标为完成", "Tasks done: {n}": "已完成任务：{n} 个",
    "Resolve {n} alerts": "处理 {n} 条提醒", "Alerts resolved: {n}": "已处理提醒：{n} 条",
    "Everything waiting on you (config console.owner) across platforms, urgent alerts and live join requests "
    "first. Enter shows an item in full (and opens its group). Space marks, * marks every row shown; y approves and "
    "x rejects the join requests marked (or the one under the cursor), l leaves them held, D marks tasks done, X "
    "resolves alerts (until their cause changes); z undoes. f filters: `alert`, `join`, `case` or `task`; `>2d` or "
    "`<6h` by age; `#12` or words of a group's name.":
        "各平台等你处理的所有事项（config 中的 `console.owner`），紧急提醒和仍有效的入群申请在前。回车查看详情"
        "（并可打开所在群）。空格标记，* 标记全部显示的行；y 通过、x 拒绝标记的入群申请（未标记时为光标所在行），"
        "l 暂缓，D 完成任务，X 处理提醒（原因不变就不会再出现）；z 撤销。f 筛选：`alert`、`join`、`case` 或 `task`；"
        "`>2d` 或 `<6h` 按时长；`#12` 或群名中的词。",
    # --- groups, members, group detail ---------------------------------------------------------------
    "Every group across platforms. / filters as you type (all words must match; Enter or Esc goes back to the "
    "table), s sorts, S reverses, space marks groups for a bulk action and * marks every group shown, enter opens "
    "a group. Bulk actions ask for confirmation naming the groups and show progress; actions a platform cannot do "
    "are disabled with the reason. Esc drops the marks, then clears the filter.":
        "各平台的所有群。/ 边输入边筛选（所有词都要匹配；回车或 Esc 回到表格），s 排序，S 倒序，空格标记群以批量操作，"
        "* 标记全部显示的群，回车打开群。批量操作会先列出群名请你确认，并显示进度；平台不支持的操作显示为不可用并说明原因。"
        "Esc 先取消标记，再清除筛选。",
    "{n} groups set to {type}": "已将 {n} 个群设为{type}",
    "Everyone in your groups, across platforms. / searches by name, nickname, group nickname, platform id "
    "(exact), tag (e.g. churned) or person id; enter opens the profile: identities, groups, roles, tags with "
    "provenance, segment and why, orders, cases, referral tree. Esc leaves the search box, then clears the search.":
        "各平台群里的所有人。/ 按名称、昵称、群名片、平台 ID（精确）、标签（如 `churned`）或编号搜索；回车打开成员档案："
        "各平台身份、所在群、角色、标签及来源、用户分类及原因、订单、处理记录、邀请关系。Esc 先离开搜索框，再清除搜索。",
    "One group: its members (space marks, * marks every one, J marks who joined in the last minutes you give, K "
    "kicks, u mutes, enter opens a person), roles, the policies that apply to it, recent events and cases. Kick "
    "and mute act on the Members tab only. Escape drops the marks, then goes back.":
        "单个群：成员（空格标记，* 全部标记，J 标记最近若干分钟内入群的人，K 踢出，u 禁言，回车打开成员档案）、角色、"
        "适用的规则、最近事件和处理记录。踢出和禁言只作用于“群成员”标签页。Esc 先取消标记，再返回。",
    "Mark who joined in the last how many minutes?": "标记最近多少分钟内入群的人？",
    "Give a number of minutes from 1 to 10080": "请输入 1 到 10080 之间的分钟数",
    "Give a number of minutes from 1 to 1440": "请输入 1 到 1440 之间的分钟数",
    "{n} members joined in the last {m} minutes": "最近 {m} 分钟内有 {n} 人入群",
    "{what} {people} people in {group}?": "在{group}中{what} {people} 人？",
    # --- activity, connections, dashboard ----------------------------------------------------------------
    "Events as they arrive, the outbox (pending, done, failed with the reason) and the audit log. f filters the "
    "current tab (event kind; action status such as failed; the audit log by the actor's stored code: rule:, "
    "operator:, plugin:, job: or outbox), space marks and * marks every row shown, R retries the failed actions "
    "marked (z takes it back), enter shows a row in full (an action's whole error and parameters).":
        "实时事件、待执行操作（待执行、已完成、失败及原因）和操作日志。f 筛选当前标签页（事件类型；操作状态如 `failed`；"
        "操作日志按操作人的存储代码，如 `rule:` 即规则、`operator:` 即操作员等），"
        "空格标记，* 标记全部显示的行，R 重试标记的失败操作（z 可撤回），回车查看详情（操作的完整错误和参数）。",
    "Retry {n} failed actions": "重试 {n} 个失败的操作", "Queued again: {n}": "已重新排队：{n} 个",
    "Each connection (platform account): state, last event, last error, what its platform can do. t tests it "
    "(reaches the platform once), s syncs its groups and members (first sync or after shequn was offline).":
        "每个连接（平台账号）：状态、最近事件、最近错误、平台支持的操作。t 测试（连接平台一次），s 同步群和成员"
        "（首次同步或 shequn 离线之后）。",
    "Not synced yet: press s for the first sync.": "尚未同步：按 s 进行首次同步。",
    "switched off": "已停用", "switched off in config.toml": "已在 config.toml 中停用",
    "{groups} groups ({new} new)": "{groups} 个群（新增 {new} 个）",
    ", {members} members ({new} new, {left} no longer listed)": "，{members} 名成员（新增 {new} 名，{left} 名已不在列表中）",
    "What happened in the last 24 hours, open alerts, and the KPIs by lifecycle stage. Enter on a line opens what "
    "it is about, on an alert its cause (and from there its group); Tab moves between the lists; x resolves the "
    "selected alert.":
        "过去 24 小时发生了什么、未处理的提醒，以及按生命周期阶段的指标。回车打开对应内容，在提醒上回车查看原因"
        "（并可打开所在群）；Tab 在列表间切换；x 处理选中的提醒。",
    "{what}: today {today}, 30 days {total}": "{what}：今日 {today}，30 天 {total}",
    # --- workflows, moderation, roles --------------------------------------------------------------------
    "The join queue: space marks requests, * marks every one shown; y approves, x rejects with a reason the "
    "applicant sees (a preset, a recent one or typed), l leaves them held; enter shows a request in full; z undoes. "
    "Entry policies per group type and group (e enables or disables, E edits one with its preview before saving, D "
    "toggles dry-run), welcome templates with a live preview (type in the box), and announcements. 1-4 switch tabs.":
        "待审核：空格标记申请，* 标记全部显示的申请；y 通过，x 拒绝并给出申请人可见的理由（预设、最近用过或自己输入），"
        "l 暂缓；回车查看申请详情；z 撤销。按群类型和群设置的入群规则（e 启用或停用，E 编辑规则并在保存前预览，D 切换试运行），"
        "欢迎语模板及实时预览"
        "（在输入框中输入），以及群公告。1-4 切换标签页。",
    "Cases: the queue holds removals, appeals and an audit sample of what rules settled. Space marks cases (* every "
    "one shown); v marks them reviewed, U undoes them (re-invites where the platform allows), T undoes and allows "
    "the matched text in the rule, P undoes and allows the member in the rule, n adds a note; enter shows a case in "
    "full; f shows the queue or all, t only today's; z takes your last review back. Rules: e enables or disables "
    "(enabling shows a dry-run over the last 7 days first), E edits one (scope and config, previewed before saving), "
    "D switches dry-run mode, p previews what the rule would "
    "have done. Blacklist: x removes the entry. Raids: L lifts the hold, X holds 30 minutes more, H mutes everyone "
    "who joined in the last minutes you give. 1-5 switch tabs.":
        "处理记录：待复核中有移出、申诉，以及规则已处理事项的抽查。空格标记（* 标记全部显示的），v 标为已复核，U 撤销"
        "（平台允许时重新邀请），T 撤销并让规则放行命中的文字，P 撤销并让规则放过该成员，n 添加备注；回车查看详情；"
        "f 切换待复核/全部，t 只看今天的；z 撤回你最近的复核。规则：e 启用或停用（启用前先显示近 7 天的试运行结果），"
        "E 编辑规则（范围和配置，保存前先预览），D 切换试运行，"
        "p 预览规则会做什么。黑名单：x 移除。刷屏入群：L 解除暂停，X 再暂停 30 分钟，H 禁言最近若干分钟内入群的人。"
        "1-5 切换标签页。",
    "Today only": "只看今天", "opened today": "今天出现的",
    "Review {n} cases": "复核 {n} 条处理记录", "Reviewed: {n}": "已复核：{n} 条", "Reviewed: {who}": "已复核：{who}",
    "Add a note to {n} cases": "给 {n} 条处理记录添加备注", "Notes added: {n}": "已添加备注：{n} 条",
    "Undo {n} cases": "撤销 {n} 条处理记录", "Undo case {id}: {step} of {person} in {group}?":
        "撤销处理记录 {id}：{person} 在{group}的{step}？",
    "Undo {n} cases of {people} people in {groups} groups?": "撤销 {groups} 个群中 {people} 人的 {n} 条处理记录？",
    "Taken off the blacklist": "已移出黑名单", "Joins open again in {group}": "{group}已恢复入群",
    "Joins held 30 minutes more in {group}": "{group}再暂停入群 30 分钟",
    "Mute everyone who joined {group} in the last {n} minutes?": "禁言最近 {n} 分钟内加入{group}的所有人？",
    "Mutes queued": "禁言已加入待执行操作", "{name} enabled": "已启用 {name}", "{name} disabled": "已停用 {name}",
    "{name}: dry-run on": "{name}：已开启试运行", "{name}: dry-run off": "{name}：已关闭试运行",
    "The staffing matrix: owner, admins (guideline 1-3), cheer squad (2-3), KOLs and insiders per group. Red rows "
    "are understaffed, yellow overstaffed, with the reason. Space marks groups; + assigns roles (type who and which "
    "role, several at once: `李雷 admin, 王芳 cheer`), - unassigns; a name several people share is chosen from a "
    "list before anything is confirmed; z undoes; enter opens the group.":
        "人员配置表：每个群的群主、管理员（建议 1-3 人）、气氛组（2-3 人）、KOL 和自己人。红色为人手不足，黄色为人手过多，"
        "并说明原因。空格标记群；+ 分配角色（输入人和角色，可一次多个：`李雷 admin, 王芳 cheer`），- 取消；多人同名时先从列表中"
        "选定再确认；z 撤销；回车打开群。",
    "Who and which role, several with commas (e.g. `李雷 admin, 王芳 cheer` or `1234 admin`)":
        "谁、什么角色，多个用逗号分隔（如 `李雷 admin, 王芳 cheer` 或 `1234 admin`）",
    "{n} people are called {who}: which one?": "有 {n} 人叫 {who}：是哪一位？", "in {groups}": "在 {groups}",
    "in no group": "不在任何群", "{who} is not a member of {groups}": "{who} 不是 {groups} 的成员",
    "Nothing was asked or changed": "没有提问，也没有做任何修改", "{what} {people} in {n} groups?": "在 {n} 个群中{what}：{people}？",
    "{what}: {n} roles": "{what}：{n} 个角色", "Saved: {n}": "已保存：{n} 项", "nothing to change: already so": "无需修改：已经如此",
}
ZH_CN_CONSOLE.update({
    "{verb} the join request of {who} to {group}?": "{verb} {who} 加入{group}的申请？",
    "{verb} {n} join requests to {group} ({people} people)?": "{verb}{group}的 {n} 条入群申请（{people} 人）？",
    "y: {yes} · n or Esc: {no}": "y：{yes} · n 或 Esc：{no}",
})
ZH_CN_CONSOLE["Mark {n} cases of {people} people in {groups} groups reviewed?"] = \
    "将 {groups} 个群中 {people} 人的 {n} 条处理记录标为已复核？"
ZH_CN_CONSOLE.update({"list_groups": "列出群", "list_members": "列出成员", "welcome_template": "入群欢迎语模板",
                      "join_way": "群活码", "statistics": "群统计数据", "job": "定时任务", "outbox": "待执行操作",
                      "platform": "平台"})
ZH_CN_CONSOLE["waiting"] = "待审核"  # a join request no one decided yet (not an action's "pending")
# the built-in rules' names (moderation) and entry policies' kinds, shown as words
ZH_CN_CONSOLE.update({"flood": "刷屏", "abuse": "辱骂", "scam": "诈骗"})
# confirmations' lists, as templates: a plugin translating "people" or "groups" for its own screen
# (the sandbox: 人数) cannot change what a confirmation says
ZH_CN_CONSOLE.update({"groups: {names}": "涉及的群：{names}", "people: {names}": "涉及的人：{names}",
                      "reason: {reason}": "理由：{reason}"})
# Textual's own toasts (App.deliver_screenshot), read back through the catalogue by ShequnApp.notify
ZH_CN_CONSOLE.update({"Saved screenshot": "截图已保存", "Saved screenshot to [$text-success]{path}":
                      "截图已保存到 [$text-success]{path}", "Failed to save screenshot": "截图保存失败"})

ZH_CN_CONSOLE.update({  # task and alert kinds, as console.words.kind_text says them
    "do by hand": "需手动处理", "check action": "核实操作", "bot invitation": "机器人入群邀请", "account backoff": "账号限速退避", "store fault": "存储故障", "engine loop failed": "引擎循环出错",
})
