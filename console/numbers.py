"""Numbers and text as people read them, one way everywhere (console and CLI alike).

Issue 18 item 7 found the same figure read differently in two places: a join rate of
0.000416 shown as ``0.0%``, a group at 199/200 as 99% on one screen and 100% on another,
a wait as ``712h05m`` in the console and ``29d16h`` in the CLI, epoch seconds in CLI
tables, a two-line join comment breaking its row. Each of those now goes through one
function here. No Textual, no workspace: plain values in, text out.
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

#: what stands for a line break when text with several lines is shown on one
LINE_MARK = " ⏎ "


def percent(share: float | None, empty: str = "—") -> str:
    """A share as a percentage with the precision its size needs: one decimal from 1%
    up (``12.3%``), two significant digits below it (``0.042%``, ``0.50%``), so a small
    rate never reads as ``0.0%``; exactly 0 is ``0%``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return empty
    pct = share * 100
    if pct in (0, 100):  # exact: a full group is 100%, but 99.95% is not
        return f"{pct:.0f}%"
    digits = max(1, 1 - math.floor(math.log10(abs(pct))))
    return f"{pct:.{digits}f}%"


def change(rel: float | None) -> str:
    """A relative change with its arrow (``▲12%``, ``▼0.42%``); below 0.005% it is ``=``."""
    if rel is None:
        return ""
    if abs(rel) < 0.00005:
        return "="
    shown = f"{abs(rel) * 100:.0f}%" if abs(rel) >= 0.1 else percent(abs(rel))
    return ("▲" if rel > 0 else "▼") + shown


def signed_change(rel: float | None) -> str:
    """A relative change for tables (``+12%``, ``-0.42%``); empty when there is none."""
    if rel is None:
        return ""
    shown = f"{abs(rel) * 100:.0f}%" if abs(rel) >= 0.1 else percent(abs(rel))
    return ("-" if rel < 0 else "+") + shown


def capacity(members: int | None, cap: int | None) -> str:
    """How full a group is, the one figure every screen and verb shows: ``199/200 (99.5%)``.
    Rounding 99.5% up to 100% would call a group with a free place full."""
    if not cap:
        return f"{members or 0:,}"
    return f"{members or 0:,}/{cap:,} ({percent((members or 0) / cap)})"


def capacity_share(members: int | None, cap: int | None) -> str:
    """Only the percentage of :func:`capacity` (``99.5%``), for a narrow column."""
    return percent((members or 0) / cap) if cap else ""


def duration(seconds: Any) -> str:
    """A span of time, one format for console and CLI: ``12m``, ``5h05m``, ``29d16h``."""
    if seconds is None or seconds == "":
        return ""
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 86400}d{(s % 86400) // 3600}h"


def clock(ts: Any, tz: tzinfo | None, *, year: bool = True) -> str:
    """A unix time as the operator's wall clock: ``2026-11-26 04:16`` (``11-26 04:16``
    without the year). Empty for no time."""
    if ts is None or ts == "":
        return ""
    at = datetime.fromtimestamp(int(ts), tz)
    return at.strftime("%Y-%m-%d %H:%M" if year else "%m-%d %H:%M")


def is_time_column(name: str) -> bool:
    """Columns that hold unix seconds by the schema's convention (``ts``, ``*_at``)."""
    return name == "ts" or name.endswith("_at")


def one_line(text: Any) -> str:
    """Text with several lines on one line, each break marked (``问题：… ⏎ 答案：…``), so a
    row keeps its height and the reader still sees where the lines were."""
    if text is None:
        return ""
    s = str(text)
    if "\n" in s or "\r" in s:  # the console's tables do the same (console.tui.rows.one_line)
        s = LINE_MARK.join(p.strip() for p in s.replace("\r\n", "\n").replace("\r", "\n").split("\n") if p.strip())
    return s.replace("\t", " ")
