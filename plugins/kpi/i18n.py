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
}
