"""zh-CN words of an audit-log row on the Activity screen (console/tui/audit_words.py):
who, what happened, on what and the detail's keys, merged into the host's catalogue in
console/i18n.py."""

ZH_CN_AUDIT = {
    # what happened: the host's own codes (audit_words.ACTIONS); a plugin's are in its own catalogue,
    # keyed by the code with spaces ("blacklist added")
    "action proposed": "提出操作", "action tried (dry run)": "操作试运行", "action not supported": "平台不支持此操作",
    "action done": "操作完成", "action failed": "操作执行失败", "action cancelled": "操作已取消",
    "action outcome unknown": "操作结果不明", "action retried": "操作重试", "retry taken back": "撤回重试",
    "alert resolved": "告警已处理", "announcement unscheduled": "取消定时公告",
    "accepting bot invitation": "接受机器人邀请", "declining bot invitation": "拒绝机器人邀请",
    "bot invitation accepted": "机器人邀请已接受", "bot invitation declined": "机器人邀请已拒绝",
    "bot invitation expired": "机器人邀请已过期", "bot invitation failed": "机器人邀请处理失败",
    "connection synced": "连接已同步", "connection error": "连接出错", "connection offline": "连接离线",
    "connection online": "连接在线", "dead letters purged": "清理死信", "group changed": "修改群信息",
    "join request to approve": "入群申请判为通过", "join request to reject": "入群申请判为拒绝",
    "join request held": "入群申请暂缓", "join request expired": "入群申请已过期",
    "join decision undone": "撤销入群审核", "join request (dry run)": "试运行：入群审核",
    "accounts linked": "账号已关联", "accounts unlinked": "账号已拆分",
    "link undone": "撤销关联", "unlink undone": "撤销拆分", "plugin error": "插件出错",
    "old message text blanked": "清空过期消息正文", "task done": "任务已完成", "task dismissed": "任务已忽略",
    # a code of a host family the list above does not have yet (audit_words.PREFIXES)
    "action: {what}": "操作：{what}", "bot invitation: {what}": "机器人邀请：{what}", "connection: {what}": "连接：{what}",
    "join request: {what}": "入群申请：{what}", "accounts: {what}": "账号：{what}", "task: {what}": "任务：{what}",
    # who
    "operator {name}": "操作员 {name}", "rule {name}": "规则 {name}", "plugin {name}": "插件 {name}",
    "scheduled job {name}": "定时任务 {name}", "connection {name}": "连接 {name}", "engine": "引擎",
    # on what: the host's target types (audit_words.NUMBERED, UNNUMBERED); a plugin's are in its own
    # catalogue, keyed by the type with spaces ("content item #{id}", "holiday {id}", "content")
    "case #{id}": "处理记录 #{id}", "task #{id}": "任务 #{id}", "alert #{id}": "告警 #{id}",
    "bot invitation #{id}": "机器人邀请 #{id}", "rule {id}": "规则 {id}", "connection {id}": "连接 {id}",
    "dead-letter queue": "死信队列", "old messages": "过期消息",
    "action #{id}": "操作 #{id}", "applicant {name}": "申请人 {name}", "join request #{id}": "入群申请 #{id}",
    "{person} in {group}": "{group} 的 {person}",
    # the host's detail keys (audit_words.KEYS); a plugin's key is "<key with spaces>: {v}" in its own catalogue
    "reason: {v}": "理由：{v}", "error: {v}": "错误：{v}", "platform: {v}": "平台：{v}", "note: {v}": "备注：{v}",
    "why: {v}": "原因：{v}", "step: {v}": "处理：{v}", "category: {v}": "类别：{v}",
    "verdict: {v}": "结论：{v}", "status: {v}": "状态：{v}", "outcome: {v}": "结果：{v}", "kind: {v}": "类型：{v}",
    "role: {v}": "角色：{v}", "{v} min": "{v} 分钟", "title: {v}": "标题：{v}", "name: {v}": "名称：{v}",
    "family {v}": "群矩阵 {v}", "scope {v}": "范围 {v}", "count {v}": "数量 {v}",
    "{v} people": "{v} 人", "says: {v}": "内容：{v}", "from: {v}": "依据：{v}",
    "member {v}": "成员 {v}", "group {v}": "群 {v}", "capacity {v}": "容量 {v}",
    "decided by {v}": "决定者 {v}", "{v} rules": "规则 {v} 条", "was {v}": "原为 {v}",
    "platform state: {v}": "平台状态：{v}", "{v} days": "{v} 天", "{v} new groups": "新群 {v} 个",
    "{v} new members": "新成员 {v} 人", "{v} members left": "退群 {v} 人", "member list read: {v}": "已读成员列表：{v}",
    "expired {v}": "过期于 {v}", "closes {v}": "关闭于 {v}",
    "until {v}": "直到 {v}", "at {v}": "时间 {v}", "template group {v}": "模板群 {v}", "sibling group {v}": "新群 {v}",
    "{k}: {v}": "{k}：{v}", "member list": "成员列表",
    # the detail view (Enter): the record as the database keeps it
    "stored as": "记录原文", "stored detail": "记录的详情",
    # values that are codes
    "hold": "暂缓处理", "lifetime": "超过有效期",
}
