"""What a console table shows: its columns, where its rows come from, and cell fitting.

A table never holds all its rows: a :class:`TableSource` gives the count and one page at
a time (both called in thread workers). ``fit`` cuts or pads text to a number of
terminal cells, CJK-aware (a Chinese character takes two cells).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

from rich.cells import cell_len, set_cell_size

PAGE = 100
KEEP_PAGES = 12


@dataclass
class Column:
    key: str
    title: str
    width: int = 0  # cells; 0 = share what is left
    align: str = "left"
    fmt: Callable[[Any], str] | None = None


class TableSource(Protocol):
    """Where rows come from. Both methods run in a thread worker, never on the event loop."""

    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]: ...


class ListSource:
    """Rows already in memory (the 1,000 groups): filtering happened before."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.data = rows

    def count(self) -> int:
        return len(self.data)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.data[offset:offset + limit]


def column_widths(columns: list, titles: list[str], width: int) -> list[int]:
    """Each column's cells in a line of ``width``: fixed columns as declared, the others
    sharing the rest; no column narrower than its (translated) title, since what a column is
    may not be cut while what it holds may (Enter opens a row in full). The room comes from
    the widest fixed columns, down to their title or 8 cells; past that the line is cut at
    the right edge."""
    lens = [cell_len(t) for t in titles]
    out = [max(c.width, n) if c.width else 0 for c, n in zip(columns, lens)]
    flex = [i for i, c in enumerate(columns) if not c.width]
    seps = len(columns) + 1
    share = max(6, (width - sum(out) - seps) // len(flex)) if flex else 0
    for i in flex:
        out[i] = max(share, lens[i])
    while sum(out) + seps > width:
        room = [i for i, c in enumerate(columns) if c.width and out[i] > max(lens[i], 8)]
        if not room:
            break
        out[max(room, key=lambda i: out[i])] -= 1
    return out


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells (CJK-aware)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        text = set_cell_size(text, max(0, width - 1)) + "…"
        return set_cell_size(text, width)
    pad = width - cell_len(text)
    return (" " * pad + text) if align == "right" else (text + " " * pad)


def one_line(text: Any) -> str:
    """Text for one table cell: line breaks shown as ⏎ (a two-line join comment
    ``问题：…\\n答案：…`` garbled the row it was drawn in)."""
    if text is None:
        return ""
    s = str(text)
    if "\n" in s or "\r" in s:
        s = " ⏎ ".join(part.strip() for part in s.replace("\r\n", "\n").replace("\r", "\n").split("\n") if part.strip())
    return s.replace("\t", " ")


#: "mark all shown" reads at most this many rows' keys (a mark on 500,000 people is not a selection)
MARK_LIMIT = 10_000


def all_rows(source: TableSource, limit: int = MARK_LIMIT, page: int = 1000) -> tuple[int, list[dict[str, Any]]]:
    """(the count, up to ``limit`` rows) of a source, read page by page (in a worker)."""
    total = source.count()
    out: list[dict[str, Any]] = []
    while len(out) < min(total, limit):
        got = source.rows(len(out), min(page, limit - len(out)))
        if not got:
            break
        out += got
    return total, out
