"""Windows (which days) and scopes (which groups) that every KPI is asked for.

A window is a closed range of operator days ``since..until`` ('YYYY-MM-DD'); its
previous window is the same number of days just before, so every KPI can say how it
changed. A scope is a SQL condition on ``groups`` kept as a sub-query, so 1,000 groups
never become a 1,000-parameter IN list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

SCOPE_KINDS = ("all", "group", "type", "family", "owner", "platform")


class KpiInputError(ValueError):
    """A window or scope the operator asked for does not make sense; says what and why."""


@dataclass(frozen=True)
class Window:
    since: str
    until: str

    @property
    def days(self) -> list[str]:
        a, b = date.fromisoformat(self.since), date.fromisoformat(self.until)
        return [(a + timedelta(n)).isoformat() for n in range((b - a).days + 1)]

    @property
    def length(self) -> int:
        return (date.fromisoformat(self.until) - date.fromisoformat(self.since)).days + 1

    def previous(self) -> "Window":
        a = date.fromisoformat(self.since)
        return Window((a - timedelta(self.length)).isoformat(), (a - timedelta(1)).isoformat())

    def __str__(self) -> str:
        return self.since if self.since == self.until else f"{self.since}..{self.until}"


def shift(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(n)).isoformat()


def parse_day(text: str, today: str, *, end: bool = False) -> str:
    """'YYYY-MM-DD', 'today', 'yesterday', or 'Nd' (N days back from today, inclusive)."""
    t = text.strip().lower()
    if t == "today":
        return today
    if t == "yesterday":
        return shift(today, -1)
    m = re.fullmatch(r"(\d+)d", t)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise KpiInputError(f"{text!r}: a number of days must be 1 or more (for example 7d)")
        return shift(today, -(n - 1))
    try:
        return date.fromisoformat(t).isoformat()
    except ValueError:
        raise KpiInputError(f"{text!r} is not a day (expected YYYY-MM-DD, today, yesterday or Nd such as 7d)") from None


def make_window(ws, since: str | None = None, until: str | None = None, period: str | None = None) -> Window:
    """The window for ``--since/--until`` or ``--period day|week|month`` (default: last 7 days)."""
    today = ws.day(ws.now())
    if period:
        d = date.fromisoformat(today)
        if period == "day":
            return Window(today, today)
        if period == "week":
            return Window((d - timedelta(d.weekday())).isoformat(), today)
        if period == "month":
            return Window(d.replace(day=1).isoformat(), today)
        raise KpiInputError(f"period {period!r}: expected day, week or month")
    u = parse_day(until, today, end=True) if until else today
    s = parse_day(since, today) if since else shift(u, -6)
    if s > u:
        raise KpiInputError(f"since {s} is after until {u}")
    return Window(s, u)


@dataclass(frozen=True)
class Scope:
    kind: str = "all"
    value: str = ""

    def __str__(self) -> str:
        return "all groups" if self.kind == "all" else f"{self.kind} {self.value}"

    def sql(self) -> tuple[str, list]:
        """``(condition on groups g, params)``."""
        v = self.value
        if self.kind == "all":
            return "1", []
        if self.kind == "group":
            if v.isdigit():
                return "(g.id = ? OR g.platform_group_id = ?)", [int(v), v]
            return "(g.name = ? OR g.platform_group_id = ?)", [v, v]
        if self.kind == "type":
            return "g.type = ?", [v]
        if self.kind == "family":
            return "g.family = ?", [v]
        if self.kind == "platform":
            return "g.platform = ?", [v]
        if self.kind == "owner":
            return ("g.id IN (SELECT r.group_id FROM roles r JOIN people p ON p.id = r.person_id"
                    " WHERE r.role = 'owner' AND (p.display_name = ? OR CAST(p.id AS TEXT) = ?))"), [v, v]
        raise KpiInputError(f"scope {self.kind!r}: expected one of {', '.join(SCOPE_KINDS)}")

    def subquery(self) -> tuple[str, list]:
        cond, params = self.sql()
        return f"SELECT g.id FROM groups g WHERE {cond}", params

    def group_ids(self, ws) -> list[int]:
        q, p = self.subquery()
        return [r[0] for r in ws.store.execute(q + " ORDER BY g.id", p).fetchall()]

    def check(self, ws) -> None:
        """Refuse a scope that matches no group, naming what was asked."""
        if self.kind == "type" and self.value not in ("traffic", "welfare", "flash"):
            raise KpiInputError(f"group type {self.value!r}: expected traffic, welfare or flash")
        if not self.group_ids(ws):
            raise KpiInputError(f"no group matches {self}")


def scope_from(group: str | None = None, type_: str | None = None, owner: str | None = None,
               platform: str | None = None, family: str | None = None) -> Scope:
    given = [(k, v) for k, v in (("group", group), ("type", type_), ("owner", owner), ("platform", platform),
                                 ("family", family)) if v]
    if len(given) > 1:
        raise KpiInputError("give one of --group, --type, --owner, --platform, --family")
    return Scope(*given[0]) if given else Scope()
