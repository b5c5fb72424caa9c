"""zh-CN words over CLI tables (console/cli/headers.py), added to the host catalogue only
where it has no word yet, so no screen's word changes."""

ZH_CN_CLI = {
    "id": "编号", "task": "待办", "alert": "提醒", "group id": "群编号", "member id": "成员编号", "member": "群成员",
    "waited": "已等待", "expires in": "剩余有效期", "rule's decision": "规则意见", "assignee": "负责人", "why": "原因",
    "added by": "添加人", "added at": "添加时间", "rule mode": "模式", "cases": "处理记录", "to review": "待复核",
    "settled by rule": "规则已处理", "confirmed": "已确认", "overturned": "已推翻", "precision": "准确率",
    "settles on its own": "自行处理", "summary": "摘要", "sent in 1 h": "近 1 小时已发送", "refused in 1 h": "近 1 小时被拒",
    "timed out in 1 h": "近 1 小时超时", "backoff": "退避", "last event": "最近事件", "last error": "最近错误",
    "previous period": "上一周期", "change on previous": "较上期", "advice": "建议", "accounts": "账号", "other person": "另一人",
    "their accounts": "其账号", "version number": "版本号", "path": "路径", "hooks implemented": "已实现的钩子",
    "low-need": "低需求", "opened at": "时间", "step": "处理", "referrer": "推荐人", "comment": "附言",
    "group": "群", "rule": "规则", "reason": "理由", "what": "内容", "severity": "级别", "status": "状态",
    "category": "类别", "groups": "群数", "scope": "范围", "name": "名称", "kind": "类型", "connection": "连接",
    "platform": "平台", "state": "状态", "account": "账号", "stage": "阶段", "value": "数值", "note": "备注",
    "type": "类型", "members": "成员", "(none)": "（无）",
}
