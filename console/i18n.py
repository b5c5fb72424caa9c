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
