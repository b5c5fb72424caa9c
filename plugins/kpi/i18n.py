"""zh-CN strings of the kpi plugin, in the words of DOMAIN.md ("Words on screen")."""

ZH = {
    "KPIs": "数据看板", "previous": "上一周期",
    "acquisition": "获客期", "activation": "激活期", "retention": "留存期", "monetisation": "变现期",
    "spread": "传播期",
    "join rate": "入群率", "churn rate": "退群率", "interaction rate": "互动率", "message volume": "消息总量",
    "messages per member": "人均消息量", "retention rate": "留存率", "conversion rate": "转化率",
    "average order value": "客单价", "ROI": "投入产出比", "segment mix": "用户分类占比",
    "segment": "用户分类", "loyal": "忠实型", "bargain": "羊毛型", "need": "需求型", "low-need": "低需求",
    "silent group": "僵尸群", "channel exposure": "渠道曝光量", "orders": "订单", "costs": "成本",
    "tag": "标签", "fact": "事实标签", "rule": "规则标签", "predicted": "预测标签",
    "static": "静态", "dynamic": "动态", "churned": "已流失", "lurker": "潜水", "top talker": "活跃分子",
    "new": "新成员", "likely buyer": "潜在买家",
    "no data": "无数据", "missing input": "缺少数据",
    "bargain-heavy: offer bundles": "羊毛型居多：推组合套餐",
    "loyal-heavy: offer higher-ticket items and better service": "忠实型居多：推高客单价商品并提升服务",
    "join week": "入群周", "joined": "入群人数", "left by themselves": "主动退群", "removed": "被踢出",
    "group dismissed": "群解散", "time in group": "在群时长",
    "churn spike": "退群激增", "near capacity": "接近群上限", "low interaction": "互动率过低",
    "join requests waiting": "入群申请待审核",
    # alerts (plugins/kpi/alerts.py): stored in the language of the workspace when they fire
    "{name}: silent group (僵尸群)": "{name}：僵尸群",
    "last message from a member on {day}; {members} members; threshold {days} days":
        "成员最后发言于 {day}；{members} 名成员；阈值 {days} 天",
    "no message from a member since it was added on {day}; {members} members; threshold {days} days":
        "自 {day} 加入以来成员无人发言；{members} 名成员；阈值 {days} 天",
    "{name}: {n} people left today": "{name}：今天 {n} 人退群",
    "baseline {mean}/day (sd {sd}) over {days} days; fires above {limit} and at least {least}":
        "基线 {mean} 人/天（标准差 {sd}，近 {days} 天）；超过 {limit} 且至少 {least} 人时提醒",
    "{name}: interaction rate {rate} over 7 days": "{name}：近 7 天互动率 {rate}",
    "threshold {threshold}; {members} members": "阈值 {threshold}；{members} 名成员",
    "{name}: {count}/{capacity} members ({share})": "{name}：{count}/{capacity} 人（{share}）",
    "at or above {share} of capacity": "达到群上限的 {share} 或以上",
    # the near-capacity task (a group in no family): older alerts above stay readable
    "{name}: {count}/{capacity} members ({share}); give it a family or create a sibling":
        "{name}：{count}/{capacity} 人（{share}）；请把它加入群矩阵或新建一个兄弟群",
    "at or above {share} of capacity and in no family, so no overflow can take its newcomers":
        "已达到群上限的 {share} 或以上，且不属于任何群矩阵，没有兄弟群可以分流新人",
    "{name}: 1 join request waiting": "{name}：1 条入群申请待审核",
    "{name}: {n} join requests waiting": "{name}：{n} 条入群申请待审核",
    "oldest waiting {hours} h; threshold {limit} h": "最早的已等待 {hours} 小时；阈值 {limit} 小时",
}
