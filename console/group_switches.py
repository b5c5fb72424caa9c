"""Whole-group mute (全员禁言) and renaming a group (改群名), asked for by a person.

Both go through the outbox like every other action (audited, paced, retried, in doubt
after a crash), from the CLI (``shequn groups mute-all`` / ``rename``) and from the
console (a group's page). Where the group's platform lacks the capability (WeCom
cannot mute a whole group, Douyin's by-hand connections) they are refused before
anything is queued, with the platform's name; the console greys the keys out.

A group is named by its number on the platform, ``#ID`` (shequn's own id) or its exact
name; a name or number that fits several groups is refused with the candidates, so a
person never mutes the wrong one.
"""

from __future__ import annotations

from typing import Any

from .i18n import ZH_CN

NAME_MAX = 30  # QQ's limit for a group name (characters); the other platforms allow as many or more


class GroupSwitchError(ValueError):
    """A refusal in words, for the CLI's exit message and the console's notice."""


def find_group(ws: Any, ref: str) -> dict[str, Any]:
    """The group ``ref`` names: its platform number, ``#ID``, or its exact name."""
    ref = (ref or "").strip()
    cols = "SELECT id, connection_id, platform, platform_group_id, name FROM groups"
    if ref.startswith("#") and ref[1:].isdigit():
        rows = ws.store.query(f"{cols} WHERE id = ?", (int(ref[1:]),))
    else:
        rows = ws.store.query(f"{cols} WHERE platform_group_id = ? ORDER BY id", (ref,)) or \
            ws.store.query(f"{cols} WHERE name = ? ORDER BY id", (ref,))
    if not rows:
        raise GroupSwitchError(ws.tr("no group {ref}: give its number on the platform, #ID or its exact name", ref=ref))
    if len(rows) > 1:
        raise GroupSwitchError(ws.tr("{ref} names {n} groups ({which}): give #ID", ref=ref, n=len(rows),
                                     which=", ".join(f"#{r['id']} {label(r)}" for r in rows[:5])))
    return rows[0]


def label(g: dict[str, Any]) -> str:
    """"福利群 A (qq 123456, qq1)": a group named so that a person knows which one."""
    return f"{g['name'] or g['platform_group_id']} ({g['platform']} {g['platform_group_id']}, {g['connection_id']})"


def check_name(ws: Any, name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise GroupSwitchError(ws.tr("name is {n} characters long: a group name has 1 to {max}", n=len(name),
                                     max=NAME_MAX))
    return name


def _refused(ws: Any, kind: str, group: dict[str, Any]) -> None:
    from .tui.ops import why_not  # textual-free: the checks the console's keys use

    why = why_not(ws, kind, [group["id"]])
    if why:
        raise GroupSwitchError(label(group) + ws.t(": ") + ws.t(why))


def mute_all(ws: Any, group: dict[str, Any], on: bool, reason: str = "") -> int:
    """Queue the whole-group mute on (``on``) or off; the action's id."""
    _refused(ws, "whole_mute", group)
    from .tui.ops import act_on_groups

    why = reason or ws.t("whole-group mute on" if on else "whole-group mute off")
    return act_on_groups(ws, "whole_mute", [group["id"]], why, {"enable": bool(on)})[0]


def rename(ws: Any, group: dict[str, Any], name: str, reason: str = "") -> int:
    """Queue renaming the group to ``name`` (checked); the action's id."""
    name = check_name(ws, name)
    _refused(ws, "set_group_name", group)
    from .tui.ops import act_on_groups

    why = reason or ws.tr("rename to {name}", name=name)
    return act_on_groups(ws, "set_group_name", [group["id"]], why, {"name": name})[0]


ZH_CN.update({
    "no group {ref}: give its number on the platform, #ID or its exact name":
        "没有群 {ref}：请给出它在平台上的群号、#编号或完整群名",
    "{ref} names {n} groups ({which}): give #ID": "{ref} 对应 {n} 个群（{which}）：请用 #编号",
    "name is {n} characters long: a group name has 1 to {max}": "群名有 {n} 个字：群名应为 1 到 {max} 个字",
    "whole-group mute on": "开启全员禁言", "whole-group mute off": "解除全员禁言",
    "rename to {name}": "改名为 {name}",
    "Mute everyone in {group}? Only owners and admins can speak until it is lifted.":
        "对 {group} 开启全员禁言？解除之前只有群主和管理员能发言。",
    "Lift the whole-group mute in {group}?": "解除 {group} 的全员禁言？",
    "Rename {group} to {name}?": "将 {group} 改名为 {name}？",
    "Queued action {id}: {what}": "已加入待执行动作 {id}：{what}",
    "Whole-group mute in {group}": "{group} 的全员禁言",
    "Mute everyone": "全员禁言", "Lift the mute": "解除全员禁言",
    "New name for {group}": "{group} 的新群名",
    "Mute all": "全员禁言", "Rename group": "改群名",
})
