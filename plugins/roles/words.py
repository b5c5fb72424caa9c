"""Every visible string of the roles plugin, and its zh-CN translation.

Strings are kept here, not scattered, so the test that every one has a translation can
find them all. Reason texts are templates (``{n}``, ``{min}``...) translated first and
filled in after, so a translated sentence keeps its own word order.
Words follow DOMAIN.md "Words on screen" (总负责人, 群主, 管理员, KOL, 气氛组, 自己人).
"""

from __future__ import annotations

#: Roles the core ``roles`` table accepts, in the order screens list them.
ROLES = ("lead", "owner", "admin", "kol", "cheer")
#: Roles that make a person an insider (left out of KPIs). KOLs count as members.
INSIDER_ROLES = ("lead", "owner", "admin", "cheer")

ROLE_LABELS = {"lead": "lead", "owner": "owner", "admin": "admin", "kol": "KOL", "cheer": "cheer squad",
               "staff": "staff"}

#: What operators may type for a role (English and Chinese words, a few spellings).
ROLE_ALIASES = {
    "lead": "lead", "总负责人": "lead", "负责人": "lead",
    "owner": "owner", "群主": "owner",
    "admin": "admin", "管理员": "admin",
    "kol": "kol", "KOL": "kol",
    "cheer": "cheer", "cheer squad": "cheer", "cheer_squad": "cheer", "cheer-squad": "cheer",
    "气氛组": "cheer", "水军": "cheer",
}

PLATFORM_STATES = {
    "synced": "synced",
    "pending": "waiting for platform",
    "shequn only": "shequn only",
    "failed": "platform refused",
    "n/a": "n/a",
}

STATUS_LABELS = {
    "ok": "ok",
    "understaffed": "understaffed",
    "overstaffed": "overstaffed",
    "overloaded": "overloaded",
    "light": "light",
}

CHANGE_LABELS = {
    "assigned": "assigned",
    "unassigned": "unassigned",
    "replaced": "replaced",
    "platform_synced": "confirmed on the platform",
    "platform_failed": "platform refused",
    "platform_cancelled": "platform request cancelled",
}

#: Reason templates for guideline checks (filled with str.format after translation).
REASONS = {
    "no_owner": "no owner",
    "admins_low": "{n} admins, guideline {min}-{max}",
    "admins_high": "{n} admins, guideline {min}-{max}",
    "cheer_low": "{n} cheer squad, guideline {min}-{max}",
    "cheer_high": "{n} cheer squad, guideline {min}-{max}",
    "new_insiders_low": "new group ({days} days old): {n} insiders, about {want} wanted",
    "owner_light": "{n} groups, a full-time owner runs {min}-{max}",
    "owner_heavy": "{n} groups, a full-time owner runs {min}-{max}",
    "no_cheer": "no cheer squad",
    "cheer_silent": "cheer squad did not speak on {day}",
}

# Labels avoid bare words other plugins may translate differently ("pending", "failed",
# "platform"): translations from all plugins share one table per language.

#: Column headers of tables (CLI and anything else that prints rows).
HEADERS = {
    "person_id": "person id", "person": "person", "group_id": "group id", "group": "group", "role": "role",
    "source": "source", "platform_state": "on platform", "assigned_by": "assigned by", "assigned_at": "assigned at",
    "owner": "owner", "admins": "admins", "cheer": "cheer squad", "kols": "KOLs", "insiders": "insiders",
    "members": "members", "status": "status", "reasons": "why", "groups": "groups run", "group_names": "group names",
    "cheer_speakers": "cheer squad who spoke", "cheer_messages": "cheer squad messages", "covered": "covered",
    "ts": "time", "change": "change", "actor": "by", "reason": "reason", "result": "result", "is_staff": "staff",
    "is_insider": "insider", "day": "day", "new": "new group",
}

#: Other sentences shown to people (alerts, tasks, CLI lines).
MESSAGES = {
    "group_understaffed": "Group {group} is understaffed",
    "family_understaffed": "Family {family}: {n} groups understaffed alike",
    "and_more": "and {n} more",
    "group_overstaffed": "Group {group} is overstaffed",
    "owner_overloaded": "Owner {person} is overloaded",
    "task_set_admin": "Make {person} admin of {group} by hand",
    "task_unset_admin": "Remove {person} as admin of {group} by hand",
    "task_failed_detail": "The platform refused: {reason}. Assigned in shequn by {actor}.",
    "task_no_capability_detail": "The {platform} platform cannot change admins through shequn.",
    "result_assigned": "assigned",
    "result_unchanged": "already held",
    "result_unassigned": "unassigned",
    "result_not_held": "not held",
    "staff_on": "{person} is marked staff (insider)",
    "staff_off": "{person} is no longer marked staff",
    "yes": "yes",
    "no": "no",
    "(none)": "(none)",
    "Roles": "Roles",
    "Staffing": "Staffing",
    "Owner load": "Owner load",
    "Cheer squad coverage": "Cheer squad coverage",
    "Role history": "Role history",
    "Role guidelines": "Role guidelines",
    "Raise alerts for understaffed groups and overloaded owners": (
        "Raise alerts for understaffed groups and overloaded owners"),
}

ZH_CN = {
    # roles
    "lead": "总负责人", "owner": "群主", "admin": "管理员", "KOL": "KOL", "cheer squad": "气氛组", "staff": "内部人员",
    # platform states
    "synced": "已同步", "waiting for platform": "等待平台", "shequn only": "仅 shequn", "n/a": "不适用",
    # statuses
    "ok": "正常", "understaffed": "人手不足", "overstaffed": "人手过多", "overloaded": "超负荷", "light": "负荷偏低",
    # changes
    "assigned": "已分配", "unassigned": "已取消", "replaced": "被替换", "confirmed on the platform": "平台已确认",
    "platform refused": "平台拒绝", "platform request cancelled": "已撤回平台请求",
    # reasons
    "no owner": "没有群主",
    "{n} admins, guideline {min}-{max}": "{n} 名管理员，建议 {min}-{max} 名",
    "{n} cheer squad, guideline {min}-{max}": "气氛组 {n} 人，建议 {min}-{max} 人",
    "new group ({days} days old): {n} insiders, about {want} wanted": "新群（{days} 天）：自己人 {n} 个，建议约 {want} 个",
    "{n} groups, a full-time owner runs {min}-{max}": "负责 {n} 个群，全职群主建议 {min}-{max} 个",
    "no cheer squad": "没有气氛组",
    "cheer squad did not speak on {day}": "气氛组 {day} 没有发言",
    # headers
    "person id": "成员编号", "person": "成员", "group id": "群编号", "group": "群", "role": "角色", "source": "来源",
    "on platform": "平台状态", "assigned by": "分配人", "assigned at": "分配时间", "admins": "管理员",
    "KOLs": "KOL", "insiders": "自己人", "status": "状态", "why": "原因", "groups run": "负责群数",
    "group names": "群名", "cheer squad who spoke": "发言的气氛组", "cheer squad messages": "气氛组消息数",
    "covered": "已覆盖", "time": "时间", "change": "变更", "by": "操作人", "reason": "理由", "result": "结果",
    "insider": "自己人", "day": "日期", "new group": "新群",
    # messages
    "Group {group} is understaffed": "群「{group}」人手不足",
    "Family {family}: {n} groups understaffed alike": "{family} 系列：{n} 个群人手不足，原因相同",
    "and {n} more": "另有 {n} 个群",
    "Group {group} is overstaffed": "群「{group}」人手过多",
    "Owner {person} is overloaded": "群主 {person} 超负荷",
    "Make {person} admin of {group} by hand": "请手动将 {person} 设为 {group} 的管理员",
    "Remove {person} as admin of {group} by hand": "请手动取消 {person} 在 {group} 的管理员",
    "The platform refused: {reason}. Assigned in shequn by {actor}.": "平台拒绝：{reason}。在 shequn 中由 {actor} 操作。",
    "The {platform} platform cannot change admins through shequn.": "{platform} 平台不支持通过 shequn 设置管理员。",
    "already held": "已是该角色", "not held": "未担任该角色",
    "{person} is marked staff (insider)": "{person} 已标记为内部人员（自己人）",
    "{person} is no longer marked staff": "{person} 已取消内部人员标记",
    "yes": "是", "no": "否", "(none)": "（无）",
    "Roles": "角色", "Staffing": "人员配置", "Owner load": "群主负荷", "Cheer squad coverage": "气氛组覆盖",
    "Role history": "角色记录", "Role guidelines": "角色配置建议",
    "Raise alerts for understaffed groups and overloaded owners": "为人手不足的群和超负荷的群主发出提醒",
}


def visible_strings() -> set[str]:
    """Every English string this plugin may show (the translation test walks these)."""
    out = set(ROLE_LABELS.values()) | set(PLATFORM_STATES.values()) | set(STATUS_LABELS.values())
    out |= set(CHANGE_LABELS.values()) | set(REASONS.values()) | set(HEADERS.values()) | set(MESSAGES.values())
    return out


def tr(ws, text: str) -> str:
    """``text`` in the workspace's language (the host's ``ws.t``)."""
    return ws.t(text)


def say(ws, key: str, **values) -> str:
    """A MESSAGES or REASONS entry, translated, then filled in."""
    template = MESSAGES.get(key) or REASONS[key]
    return tr(ws, template).format(**values)


def role_label(ws, role: str) -> str:
    return tr(ws, ROLE_LABELS.get(role, role))

ZH_CN.update({  # task and alert kinds, as console.words.kind_text says them
    "unset admin by hand": "手动取消管理员", "set admin by hand": "手动设置管理员", "understaffed group": "群人手不足", "overloaded owner": "群主负担过重",
})

ZH_CN.update({  # audit-log actions, as console/tui/audit_words.action_words says them (the code with spaces)
    "role assigned": "角色已分配", "role unassigned": "角色已取消", "role replaced": "角色被替换",
    "role platform synced": "角色已同步到平台", "role platform failed": "平台角色设置失败",
    "staff marked": "标为工作人员", "staff unmarked": "取消工作人员标记",
})
