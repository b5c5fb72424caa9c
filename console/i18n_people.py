"""zh-CN words of people's screens and verbs: labels, linked accounts, numbers (console-people's
catalogue, merged into the host's in console/i18n.py)."""

ZH_CN_PEOPLE: dict[str, str] = {
    "not computed yet": "尚未计算",
    "no plugin computes segments (the kpi plugin does)": "没有插件计算用户分类（kpi 插件会计算）",
    "KPIs of plugins (7 days, change against the 7 before)": "插件的指标（近 7 天，与前 7 天相比）",
}
