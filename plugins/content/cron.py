"""Cron expressions for recurring posts, read in the workspace's time zone.

Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or jan-dec),
day of week (0-7, 0 and 7 are Sunday, or sun-sat). Each is ``*``, a number, a range
``a-b``, a step ``*/n`` or ``a-b/n``, or a list of those. As in Vixie cron, when both the
day of month and the day of week are restricted a day matching either fires.

Expansion walks the days of a window and, on a matching day, its hours and minutes: a
day of 1,000 groups' greetings is a few dozen timestamps, never a minute-by-minute scan.
A schedule that cannot fire in the next five years (``0 9 31 2 *``: 31 February) is
refused when saved (``next_fire`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import ContentError

NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), start=1)}
DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
HORIZON_DAYS = 5 * 366 + 1  # long enough for 29 February
EXAMPLE = "e.g. 30 7 * * * (07:30 every day) or 0 20 * * sun (Sundays 20:00)"


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    doms: frozenset[int]
    months: frozenset[int]
    dows: frozenset[int]  # 0 = Sunday
    dom_any: bool
    dow_any: bool

    def day_matches(self, d: date) -> bool:
        if d.month not in self.months:
            return False
        dom_ok = d.day in self.doms
        dow_ok = (d.isoweekday() % 7) in self.dows
        if self.dom_any and self.dow_any:
            return True
        if self.dom_any:
            return dow_ok
        if self.dow_any:
            return dom_ok
        return dom_ok or dow_ok

    def times_between(self, tz: ZoneInfo, start: int, end: int) -> list[int]:
        """Every firing in [start, end), oldest first."""
        out: list[int] = []
        d = datetime.fromtimestamp(start, tz).date()
        last = datetime.fromtimestamp(max(start, end - 1), tz).date()
        while d <= last:
            if self.day_matches(d):
                for h in self.hours:
                    for m in self.minutes:
                        ts = int(datetime(d.year, d.month, d.day, h, m, tzinfo=tz).timestamp())
                        if start <= ts < end:
                            out.append(ts)
            d += timedelta(days=1)
        return out

    def next_fire(self, tz: ZoneInfo, after: int, *, until: date | None = None) -> int | None:
        """The first firing at or after ``after`` within five years (and by ``until``), or None."""
        d = datetime.fromtimestamp(after, tz).date()
        for _ in range(HORIZON_DAYS):
            if until is not None and d > until:
                return None
            if self.day_matches(d):
                for h in self.hours:
                    for m in self.minutes:
                        ts = int(datetime(d.year, d.month, d.day, h, m, tzinfo=tz).timestamp())
                        if ts >= after:
                            return ts
            d += timedelta(days=1)
        return None


def _number(token: str, i: int) -> int:
    names = MONTHS if i == 3 else DAYS if i == 4 else {}
    t = token.lower()
    if t in names:
        return names[t]
    if not t.isdigit():
        raise ContentError("cron: field {pos} ({field_name}) has {token!r}, not a number{names}; {example}",
                           example=EXAMPLE, pos=i + 1, field_name=NAMES[i], token=token,
                           names=" or a name" if names else "")
    n = int(t)
    lo, hi = BOUNDS[i]
    if not lo <= n <= hi:
        raise ContentError("cron: field {pos} ({field_name}) has {n}, outside {lo}-{hi}; {example}", example=EXAMPLE,
                           pos=i + 1, field_name=NAMES[i], n=n, lo=lo, hi=hi)
    return n


def _field(text: str, i: int) -> tuple[set[int], bool]:
    lo, hi = BOUNDS[i]
    out: set[int] = set()
    for part in text.split(","):
        rng, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise ContentError("cron: field {pos} ({field_name}) has step {step!r}; a step is a whole number of 1 or "
                                   "more; {example}", example=EXAMPLE, pos=i + 1, field_name=NAMES[i], step=step_text)
            step = int(step_text)
        if rng == "*":
            a, b = lo, hi
        elif "-" in rng:
            x, _, y = rng.partition("-")
            a, b = _number(x, i), _number(y, i)
            if a > b:
                raise ContentError("cron: field {pos} ({field_name}) has the range {rng}, which runs backwards; {example}",
                               example=EXAMPLE,
                                   pos=i + 1, field_name=NAMES[i], rng=rng)
        else:
            a = b = _number(rng, i)
            if step_text:
                b = hi
        out.update(range(a, b + 1, step))
    return out, text == "*"


def parse(text: str) -> Cron:
    """A cron, or ContentError naming the field and its range."""
    parts = str(text or "").split()
    if len(parts) != 5:
        raise ContentError("cron: {text!r} has {n} fields; expected 5 (minute hour day-of-month month day-of-week), "
                           "{example}", example=EXAMPLE, text=str(text or ""), n=len(parts))
    fields = [_field(p, i) for i, p in enumerate(parts)]
    dows = frozenset(d % 7 for d in fields[4][0])
    return Cron(" ".join(parts), tuple(sorted(fields[0][0])), tuple(sorted(fields[1][0])), frozenset(fields[2][0]),
                frozenset(fields[3][0]), dows, fields[2][1], fields[4][1])


def from_words(daily: str | None = None, weekly: str | None = None) -> str:
    """``--daily 07:30`` or ``--weekly "sun 20:00"`` (days comma-separated) as a cron."""
    if daily:
        h, m = _hhmm(daily, "daily")
        return f"{m} {h} * * *"
    assert weekly is not None
    days, _, at = weekly.strip().rpartition(" ")
    if not days:
        raise ContentError("weekly: {text!r}; expected days and a time, e.g. \"sun 20:00\" or \"mon,thu 21:00\"",
                           text=weekly)
    for d in days.replace(" ", "").split(","):
        if d.lower() not in DAYS:
            raise ContentError("weekly: {day!r} is not a day; expected sun, mon, tue, wed, thu, fri or sat", day=d)
    h, m = _hhmm(at, "weekly")
    return f"{m} {h} * * {days.replace(' ', '').lower()}"


def _hhmm(text: str, field: str) -> tuple[int, int]:
    h, sep, m = text.strip().partition(":")
    if not (sep and h.isdigit() and m.isdigit() and len(m) == 2 and int(h) < 24 and int(m) < 60):
        raise ContentError("{field}: {text!r} is not a time of day; expected HH:MM from 00:00 to 23:59", field=field,
                           text=text)
    return int(h), int(m)
