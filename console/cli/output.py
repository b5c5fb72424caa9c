"""Tables and JSON for CLI verbs, so every plugin's output looks the same.

Column widths count East Asian wide characters as two cells, so Chinese names line up.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any, Iterable, Sequence

import click


def cell_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


def clip(text: str, width: int) -> str:
    if cell_width(text) <= width:
        return text
    out, w = "", 0
    for ch in text:
        cw = cell_width(ch)
        if w + cw > width - 1:
            break
        out += ch
        w += cw
    return out + "…"


#: the operator's time zone for times in tables (set when a verb opens the workspace)
ZONE: list[Any] = [None]


def fmt(value: Any, column: str = "") -> str:
    """A cell as people read it: unix seconds in a time column (``ts``, ``*_at``) as the
    operator's clock (``2026-11-26 12:16``, never ``1795625678``), text of several lines
    on one line with a marker (``问题：… ⏎ 答案：…``), whole numbers with separators."""
    from ..numbers import clock, is_time_column, one_line

    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if column and is_time_column(column) and isinstance(value, int) and value > 10 ** 8:
        return clock(value, ZONE[0])
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):  # a count reads 11,981; an id or a number stays as typed
        plain = column == "id" or column.endswith(("_id", "id")) or column in ("act", "op", "pid", "port", "hour", "year")
        return str(value) if plain or abs(value) < 1000 else f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    return one_line(value)


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
                 headers: dict[str, str] | None = None, max_width: int = 48) -> str:
    """Rows as a table a person reads: the column keys (or a verb's own English ``headers``
    for them) as words in the verb's language (headers.py); JSON and CSV keep the keys."""
    from .context import _t, language
    from .headers import header_words

    tr = None if language() == "en" else _t
    if not rows:
        return tr("(none)") if tr else "(none)"
    columns = list(columns or rows[0].keys())
    headers = headers or {}
    cells = [[clip(fmt(r.get(c), c), max_width) for c in columns] for r in rows]
    heads = [header_words(headers.get(c) or c, tr) for c in columns]  # a verb's own English words too
    widths = [max(cell_width(h), *(cell_width(row[i]) for row in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(pad(h, w) for h, w in zip(heads, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(v, w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def render_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
                    headers: dict[str, str] | None = None) -> str:
    if not rows:
        return "_no rows_"
    columns = list(columns or rows[0].keys())
    headers = headers or {}
    out = ["| " + " | ".join(headers.get(c, c) for c in columns) + " |",
           "| " + " | ".join("---" for _ in columns) + " |"]
    for r in rows:
        out.append("| " + " | ".join(fmt(r.get(c), c).replace("|", "\\|") for c in columns) + " |")
    return "\n".join(out)


#: a text cell a spreadsheet would run as a formula (CSV injection): = + - @, and tab or CR before them
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def neutralised(value: Any) -> Any:
    """A text cell that starts like a formula, with a ' in front: Excel and WPS then show it
    as text instead of running it (a member's nickname "=HYPERLINK(...)" in an export). A
    plain number written as text ("-12.5") is left alone: it cannot be a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    buf = io.StringIO()
    columns = list(columns or (rows[0].keys() if rows else []))
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: neutralised(r.get(c)) for c in columns})
    return buf.getvalue()


def emit(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None, *, as_json: bool = False,
         fmt_name: str = "table", headers: dict[str, str] | None = None, max_width: int = 48) -> None:
    """Print rows as a table (default), JSON, CSV or Markdown."""
    rows = list(rows)
    if as_json or fmt_name == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt_name == "csv":
        click.echo(render_csv(rows, columns), nl=False)
    elif fmt_name == "md":
        click.echo(render_markdown(rows, columns, headers))
    else:
        click.echo(render_table(rows, columns, headers, max_width))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
