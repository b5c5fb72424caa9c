"""zh-CN words of the entry rules' audit-log actions and target types, as the Activity screen says them
(console/tui/audit_words.action_words: the code with spaces, translated by the writing plugin's
catalogue, so the host lists no plugin's codes). Kept apart from translations.py so the CLI's
words and these change without meeting."""

ZH_CN_AUDIT = {
    "activity participants added": "添加活动参与者", "announcement drafted": "起草群公告",
    "announcement published": "发布群公告", "entry policies seeded": "添加入群规则", "entry policy changed": "切换入群规则",
    "entry policy saved": "保存入群规则", "family joined": "群加入群矩阵", "family started": "新建群矩阵",
    "flash closing set": "设置快闪群关闭时间", "flash group closing": "快闪群即将关闭", "flash group archived": "快闪群已归档",
    "group capacity set": "设置群容量", "join request approved": "入群申请已通过", "join request rejected": "入群申请已拒绝",
    "join request refused": "平台未执行审核结果", "nickname misformatted": "群昵称不合格式",
    "sibling requested": "申请新建同矩阵群", "sibling would be created": "试运行：将新建同矩阵群",
    # target types (console/tui/audit_words.target_words: the type with spaces)
    "announcement #{id}": "群公告 #{id}", "activity {id}": "活动 {id}",
}
