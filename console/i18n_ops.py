"""zh-CN of the console's day-to-day operations: export (ctrl+e), the KPI table, scheduling
an announcement, a group's theme/tier/capacity, editing a rule with its dry-run preview
(merged into console.i18n.ZH_CN; only words it does not have yet). Chinese typography as in console/i18n_console.py."""

ZH_CN_OPS: dict[str, str] = {
    # --- keys ----------------------------------------------------------------------------------
    "Export": "导出", "Theme, tier, capacity": "主题、分级、群上限", "Schedule announcement": "定时群公告",
    "Edit rule": "编辑规则", "Window": "时间范围",
    # --- export (console.tui.export) -------------------------------------------------------------
    "CSV (a spreadsheet: numbers as numbers)": "CSV（电子表格：数字保持为数字）", "JSON (for tools)": "JSON（供程序读取）",
    "Markdown (a table to paste in a note)": "Markdown（可贴进笔记的表格）", "File": "文件",
    "Enter picks the format, then Enter in the file box exports · Esc cancels":
        "回车选择格式，再在文件框中回车即导出 · Esc 取消",
    "Export the {n} rows shown ({what})": "导出当前显示的 {n} 行（{what}）",
    "Export the 1 row shown ({what})": "导出当前显示的 1 行（{what}）",
    "Exported {n} rows to {path}": "已导出 {n} 行到 {path}", "Exported 1 row to {path}": "已导出 1 行到 {path}",
    "Exporting…": "正在导出…", "Not exported": "未导出", "Replace {path}?": "覆盖 {path}？", "Replace": "覆盖",
    "Could not write {path}: {why}": "无法写入 {path}：{why}",
    "Nothing to export here: this screen shows no table": "此处没有可导出的内容：本界面没有表格",
    "file: give a path to write to": "文件：请给出要写入的路径",
    "file: {path} is a folder; give a file name in it": "文件：{path} 是文件夹，请给出其中的文件名",
    "file: {path} is not a folder": "文件：{path} 不是文件夹",
    # --- the KPI table (console.tui.kpi_table) ---------------------------------------------------
    "KPI table": "KPI 表", "KPI": "KPI", "KPI id": "KPI 标识", "stage": "阶段", "value": "数值", "before": "上期",
    "unit": "单位",
    "Every KPI the plugins register, for a window (the last 7 days until you change it with p), against the window "
    "before it. ctrl+e exports the table to CSV, JSON or Markdown: the values themselves, not as shown. Esc goes "
    "back.": "插件登记的每个 KPI，按时间范围（默认最近 7 天，按 p 修改）与上一个同长时段对比。ctrl+e 把表格导出为 "
             "CSV、JSON 或 Markdown：导出的是数值本身，而非显示的文字。Esc 返回。",
    "Give a window: 7d, 30d, one day YYYY-MM-DD, or two days (from and to)":
        "请给出时间范围：7d、30d、某一天 YYYY-MM-DD，或两天（起止）",
    "Window: 7d, 30d, one day YYYY-MM-DD, or two days (from and to)":
        "时间范围：7d、30d、某一天 YYYY-MM-DD，或两天（起止）",
    "Window not changed": "时间范围未更改", "from {since} to {until}": "{since} 至 {until}",
    "the last 7 days, against the 7 before": "最近 7 天，对比之前 7 天",
    "computed by its plugin elsewhere": "由其插件在别处计算",
    "ratio": "比例", "share": "占比", "messages/member": "条/人", "yuan/buyer": "元/买家",
    # --- the palette (console.tui.ops_palette) -----------------------------------------------------
    "Save the table shown as CSV, JSON or Markdown (ctrl+e)": "把当前表格保存为 CSV、JSON 或 Markdown（ctrl+e）",
    "Every KPI for a window, to read row by row and export": "某一时间范围的全部 KPI，逐行查看并可导出",
    "Publish an announcement later, in the marked groups or the group shown (B)":
        "在已标记的群或当前群定时发布群公告（B）",
    "Set a group's theme, tier and capacity (e)": "设置群的社群主题、分级和群上限（e）",
    "Edit a rule or policy": "编辑规则或策略", "Change its config, see the dry-run preview, then save":
        "修改配置，先看试运行预览，再保存",
    "Scheduling works on Groups or a group's page: mark groups there first": "定时群公告在社群界面或群详情中使用：请先在那里标记群",
    "Theme, tier and capacity are set on Groups or a group's page": "社群主题、分级和群上限在社群界面或群详情中设置",
    # --- scheduling an announcement (console.tui.schedule_dialog) -----------------------------------
    "Schedule": "定时发布", "announcement text": "群公告内容",
    "Schedule an announcement in {group}": "在 {group} 定时发布群公告",
    "Schedule an announcement in {n} groups": "在 {n} 个群定时发布群公告",
    "time: 21:30, 11-19 09:00, tomorrow 09:00, +2h": "时间：21:30、11-19 09:00、明天 09:00、+2h",
    "Enter: next box, then check · Esc cancels": "回车：下一个输入框，最后一个回车即检查 · Esc 取消",
    "Publish “{title}” in {group} at {when}?": "在 {group} 于 {when} 发布“{title}”？",
    "Publish “{title}” in {n} groups at {when}?": "在 {n} 个群于 {when} 发布“{title}”？",
    "Announcement scheduled in {group} for {when}": "已定时：{when} 在 {group} 发布群公告",
    "Announcement scheduled in {n} groups for {when}": "已定时：{when} 在 {n} 个群发布群公告",
    "Scheduling announcements needs the entry_rules plugin": "定时群公告需要 entry_rules 插件",
    "schedule an announcement in {n} groups": "在 {n} 个群定时发布群公告", "tomorrow": "明天", "in {n} days": "{n} 天后",
    "title: give the announcement a title": "标题：请给群公告一个标题", "text: the announcement has no text": "内容：群公告没有内容",
    "text: {n} characters; the limit is {max}": "内容：{n} 个字符，上限为 {max}",
    "time: give a time ({forms})": "时间：请给出时间（{forms}）",
    "HH:MM, MM-DD HH:MM, YYYY-MM-DD HH:MM, +30m, +2h or +1d": "HH:MM、MM-DD HH:MM、YYYY-MM-DD HH:MM、+30m、+2h 或 +1d",
    "time: {typed!r} is not a time; expected {forms}": "时间：{typed!r} 不是时间，应为 {forms}",
    "time: {when} has passed (it is {now} now)": "时间：{when} 已过（现在是 {now}）",
    "time: {when} is more than {days} days ahead": "时间：{when} 超过 {days} 天以后",
    # --- a group's theme, tier, capacity (console.tui.group_edit) --------------------------------------
    "Every group across platforms. / filters as you type (all words must match; Enter or Esc goes back to the "
    "table), s sorts, S reverses, space marks groups for a bulk action and * marks every group shown, e sets their "
    "theme, tier and capacity, B schedules an announcement, enter opens a group. Bulk actions ask for confirmation "
    "naming the groups and show progress; actions a platform cannot do are disabled with the reason. Esc drops the "
    "marks, then clears the filter.":
        "各平台的所有群。/ 边输入边筛选（所有词都要匹配；回车或 Esc 回到表格），s 排序，S 倒序，空格标记群以批量操作，"
        "* 标记全部显示的群，e 设置社群主题、分级和群上限，B 定时发布群公告，回车打开群。批量操作会先列出群名请你确认，"
        "并显示进度；平台不支持的操作显示为不可用并说明原因。Esc 先取消标记，再清除筛选。",
    "One group: its members (space marks, * marks every one, J marks who joined in the last minutes you give, K "
    "kicks, u mutes, enter opens a person), roles, the policies that apply to it, recent events and cases. Kick "
    "and mute act on the Members tab only. e sets the group's theme, tier and capacity, B schedules an "
    "announcement, E on the Policies tab edits the rule with its dry-run preview. Escape drops the marks, then "
    "goes back.":
        "单个群：成员（空格标记，* 全部标记，J 标记最近若干分钟内入群的人，K 踢出，u 禁言，回车打开成员档案）、角色、"
        "适用的规则、最近事件和处理记录。踢出和禁言只作用于“群成员”标签页。e 设置本群的社群主题、分级和群上限，"
        "B 定时发布群公告，在“规则”标签页按 E 编辑规则并先看试运行预览。Esc 先取消标记，再返回。",
    "Theme, tier and capacity of {group}": "{group} 的社群主题、分级和群上限",
    "Theme, tier and capacity of {n} groups": "{n} 个群的社群主题、分级和群上限",
    "several: {values}": "各不相同：{values}", "Nothing changed": "没有改动", "(none)": "（无）",
    "A box left as it was changes nothing; - clears · Enter: next, then check · Esc cancels":
        "未改动的输入框不会修改；输入 - 清空 · 回车：下一个，最后一个回车即检查 · Esc 取消",
    "Set {changes} in {group}?": "在 {group} 设置 {changes}？", "Set {changes} in {n} groups?": "在 {n} 个群设置 {changes}？",
    "{group}: {changes}": "{group}：{changes}", "{n} groups: {changes}": "{n} 个群：{changes}",
    "set the theme, tier or capacity of {n} groups": "设置 {n} 个群的社群主题、分级或群上限",
    "{field}: {n} characters; expected at most {max}": "{field}：{n} 个字符，最多 {max} 个",
    "capacity: {value!r} is not a whole number from 1 to {max}": "群上限：{value!r} 不是 1 到 {max} 之间的整数",
    "capacity: {cap} is below the {n} members of {group}; expected {n} to {max}":
        "群上限：{cap} 低于 {group} 现有的 {n} 名成员，应为 {n} 到 {max}",
    # --- editing a rule or policy (console.tui.rule_edit) ---------------------------------------------
    "Edit rule": "编辑规则", "Dry-run preview": "试运行预览", "Save": "保存", "Not saved": "未保存",
    "Saved {rule}": "已保存 {rule}", "Save {rule} (scope: {scope})?": "保存 {rule}（范围：{scope}）？",
    "Which rule or policy?": "编辑哪条规则或策略？", "No rules or policies yet": "还没有规则或策略",
    "scope (all, type:welfare, group:ID)": "范围（all、type:welfare、group:群编号）",
    "ctrl+r dry-run preview · ctrl+s save (after its preview) · Esc cancels":
        "ctrl+r 试运行预览 · ctrl+s 保存（先预览再保存）· Esc 取消",
    "Checking and replaying the last {days} days…": "正在检查并回放最近 {days} 天…", "note: {note}": "注意：{note}",
    "read-only: rules cannot be changed here": "只读：此处不能修改规则",
    "Last {days} days: {messages} of {people} in {groups} (saved config: {old})":
        "最近 {days} 天：{groups}中 {people}的 {messages}（已保存的配置：{old}）",
    "Last {days} days' join requests: approve {a}, hold {h}, reject {r} (saved config: {a0}, {h0}, {r0})":
        "最近 {days} 天的入群申请：通过 {a}，暂缓 {h}，拒绝 {r}（已保存的配置：{a0}，{h0}，{r0}）",
    "1 message": "1 条消息", "{n} messages": "{n} 条消息", "1 person": "1 人",
    "1 group": "1 个群", "{n} groups": "{n} 个群", "edit a rule or policy": "编辑规则或策略",
    "config: not valid JSON (line {line}, column {col}): {why}": "配置：不是有效的 JSON（第 {line} 行第 {col} 列）：{why}",
    "config: expected a JSON object {{…}} of the rule's settings": "配置：应为包含规则设置的 JSON 对象 {{…}}",
    "rules of the {plugin} plugin are changed with its own commands": "{plugin} 插件的规则请用它自己的命令修改",
    "no rule named {name}": "没有名为 {name} 的规则",
    # shequn sync's summary line (console/sync.py)
    "{connection}: {groups} groups ({new} new)": "{connection}：{groups} 个群（新增 {new} 个）",
    ", {members} members ({new} new, {left} no longer listed)": "，{members} 名群成员（新增 {new} 名，{left} 名已不在名单中）",
    ", members not listed (the platform cannot list them)": "，未列出群成员（该平台无法列出）",
    ", {n} errors": "，{n} 个错误",
    "groups being read": "正在读取群", "group {name}": "群 {name}",
}
