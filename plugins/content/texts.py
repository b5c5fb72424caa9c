"""What a post may say: its placeholders and each platform's length limit.

Placeholders are checked when a text is saved (library item, keyword reply, check-in
reply), never first found out when a post goes out at 07:00 to 300 groups. Limits are
per platform, in the platform's own unit: WeCom's customer-group mass send counts UTF-8
bytes (its add_msg_template text is "最多4000个字节"); the others count characters.
The QQ, Douyin and sandbox figures are cautious defaults (their bridges and docs publish
no exact figure); ``[content] max_length`` overrides any of them.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any, Iterable

from .errors import ContentError

#: what a library text may name, filled per group and post
PLACEHOLDERS = ("group", "owner", "date", "product", "link")
#: what a check-in reply may name (one member) and its merged form (several)
CHECKIN_VARS = ("name", "streak", "points", "total", "group")
CHECKIN_MERGED_VARS = ("names", "count", "group")
#: what a keyword reply may name
KEYWORD_VARS = ("group", "owner", "date", "name")


@dataclass(frozen=True)
class Limit:
    size: int
    unit: str  # characters / bytes

    def measure(self, text: str) -> int:
        return len(text.encode("utf-8")) if self.unit == "bytes" else len(text)


LIMITS = {"qq": Limit(4500, "characters"), "wechat": Limit(4000, "bytes"), "douyin": Limit(1000, "characters"),
          "sandbox": Limit(2000, "characters")}
#: a platform this plugin has no figure for (a third party's connector): cautious
UNKNOWN = Limit(1000, "characters")

#: a platform's daily cap of scheduled posts per group (None: no cap of the platform's own)
DAILY_POSTS = {"wechat": 1}


def limit_of(ws, platform: str) -> Limit:
    from .settings import settings_of

    base = LIMITS.get(platform, UNKNOWN)
    size = settings_of(ws).max_length.get(platform)
    return Limit(size, base.unit) if size else base


def daily_cap(ws, platform: str) -> int | None:
    from .settings import settings_of

    return settings_of(ws).daily_posts.get(platform) or DAILY_POSTS.get(platform)


def check_length(ws, text: str, platform: str, field: str = "text", group: str = "") -> None:
    lim = limit_of(ws, platform)
    n = lim.measure(text)
    if n > lim.size:
        if group:
            raise ContentError("{field}: {n} {unit} once filled in for group {group}; the limit on {platform} is "
                               "{limit} {unit}", field=field, n=n, unit=lim.unit, group=group, platform=platform,
                               limit=lim.size)
        raise ContentError("{field}: {n} {unit}; the limit on {platform} is {limit} {unit}", field=field, n=n,
                           unit=lim.unit, platform=platform, limit=lim.size)


def fields_of(text: str, allowed: Iterable[str], field: str = "text") -> set[str]:
    """The placeholders ``text`` uses; refuses an unknown one, a format spec or a stray brace."""
    allowed = tuple(allowed)
    out: set[str] = set()
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as e:
        raise ContentError("{field}: {problem}; write {{{{ and }}}} for a literal brace, placeholders are {allowed}",
                           field=field, problem=str(e).rstrip("."), allowed=_braced(allowed)) from None
    for _, name, spec, conv in parts:
        if name is None:
            continue
        if name not in allowed:
            raise ContentError("{field}: unknown placeholder {{{name}}}; allowed: {allowed}", field=field,
                               name=name, allowed=_braced(allowed))
        if spec or conv:
            raise ContentError("{field}: {{{name}}} takes no format or conversion; write it plain as {{{name}}}",
                               field=field, name=name)
        out.add(name)
    return out


def _braced(names: Iterable[str]) -> str:
    return " ".join("{" + n + "}" for n in names)


def render(text: str, values: dict[str, Any]) -> str:
    """``text`` with its (checked) placeholders filled."""
    return text.format_map(values) if "{" in text else text


def member_date(ts_day: str) -> str:
    """A day as members read it in Chinese: 6月18日."""
    _, m, d = ts_day.split("-")
    return f"{int(m)}月{int(d)}日"
