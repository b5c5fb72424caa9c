"""What members read is in their group's language, never the console's.

The operator may run the console in English while every group speaks Chinese: a
rejection reason, a warning, a nickname reminder or a flash group's countdown goes to
members, so it takes the group's language. ``[members]`` says which: ``language`` for
every group (zh-CN by default), ``by_type`` per group type, ``by_group`` per group (its
platform number, or ``CONNECTION:NUMBER``); the most specific wins.

:func:`for_members` gives a workspace whose ``t`` / ``tr`` speak that language and which
is otherwise the workspace itself, so a plugin's helpers that take ``ws`` (and call
``ws.tr``) build member-facing text by being handed it instead of ``ws``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LANGUAGES = ("zh-CN", "en")
GROUP_TYPES = ("traffic", "welfare", "flash")


@dataclass
class MembersSettings:
    language: Literal["zh-CN", "en"] = "zh-CN"
    """Language of the text members see (rejection reasons, warnings, reminders, countdowns), whatever the console's: zh-CN or en."""
    by_type: dict[str, str] = field(default_factory=dict)
    """Language per group type, overriding language: traffic, welfare or flash = "zh-CN" or "en"."""
    by_group: dict[str, str] = field(default_factory=dict)
    """Language per group, overriding by_type: its number on the platform (or "CONNECTION:NUMBER") = "zh-CN" or "en"."""

    def __post_init__(self) -> None:
        from .config import ConfigError

        for key, table in (("by_type", self.by_type), ("by_group", self.by_group)):
            for k, v in table.items():
                if key == "by_type" and k not in GROUP_TYPES:
                    raise ConfigError(None, f"members.by_type.{k}", "is not a group type", "traffic, welfare or flash")
                if v not in LANGUAGES:
                    raise ConfigError(None, f"members.{key}.{k}", f"is {v!r}", '"zh-CN" or "en"')


def group_language(ws: Any, group: dict[str, Any] | None) -> str:
    """The language of ``group`` (a ``groups`` row): by_group, then by_type, then language."""
    m: MembersSettings = ws.settings.members
    if group:
        if m.by_group and "platform_group_id" not in group and group.get("id") is not None:
            group = ws.store.one("SELECT * FROM groups WHERE id = ?", (group["id"],)) or group  # a partial row
        number = str(group.get("platform_group_id") or "")
        for key in (f"{group.get('connection_id')}:{number}", number):
            if key in m.by_group:
                return m.by_group[key]
        if group.get("type") in m.by_type:
            return m.by_type[group["type"]]
    return m.language


class MemberWords:
    """``ws`` speaking ``language``: ``t`` and ``tr`` translate into it; everything else
    (``store``, ``now``, ``enqueue``...) is the workspace's own."""

    def __init__(self, ws: Any, language: str):
        self._ws, self.language = ws, language

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def t(self, text: str) -> str:
        if self.language == "en" or not text:
            return text
        from .i18n import translate

        return translate(text, self.language, self._ws.registry.translations)

    def tr(self, text: str, **values: Any) -> str:
        template = self.t(text)
        try:
            return template.format(**values) if values else template
        except (KeyError, IndexError, ValueError):
            return text.format(**values) if values else text


def for_members(ws: Any, group: dict[str, Any] | None) -> MemberWords:
    """``ws`` in the language of ``group``'s members."""
    base = ws._ws if isinstance(ws, MemberWords) else ws
    return MemberWords(base, group_language(base, group))
