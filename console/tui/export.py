"""Export the table shown (any ``VirtualTable``) to CSV, JSON or Markdown: ``ctrl+e`` (as in
Harlequin) or "Export" in the command palette.

What is exported is what the table shows after its filter or search, every page of it
(read from the table's own source in a thread worker, not the loaded pages), in the
table's columns. A spreadsheet gets values it can compute with: numbers as numbers (no
thousands separators, no ``%``: a share is the fraction), an empty cell for "no value"
(``—``), times as ISO 8601 in the operator's zone; text that starts like a formula is
neutralised as the CLI's CSV does it (``console.cli.output.render_csv``, reused). JSON
has the same values under the column keys; Markdown has the cells as the screen shows
them (words translated, never cut).

The file goes to a path asked for in a prompt, by default ``exports/`` beside the
workspace's config (``<screen>-<table>-<date>-<time>.csv``); a toast says how many rows
and where.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.widgets.option_list import Option

from .pickers import CSS, KeyList
from .rows import Column, TableSource, one_line

FORMATS = (("csv", "CSV (a spreadsheet: numbers as numbers)"), ("json", "JSON (for tools)"),
           ("md", "Markdown (a table to paste in a note)"))
#: an export reads at most this many rows (the 500,000 people of a whole workspace fit)
EXPORT_LIMIT = 2_000_000

_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?|[+-]?\d+(\.\d+)?")
_DASHES = {"—", "–", "-", "…"}


def is_time(col: Column, value: Any) -> bool:
    """A unix time: the column is a time by its key (``ts``, ``*_at``) or its formatter
    (``when``), and the value is a number of seconds after 2001."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1e9:
        return False
    name = getattr(col.fmt, "__name__", "")
    return col.key == "ts" or col.key.endswith("_at") or name in ("when", "ago") or col.key in ("until", "since")


def number(text: str) -> int | float | None:
    """A number written for people ("11,981", "12.5%", "-3") as a number; None when the text is not one."""
    s = text.strip()
    pct = s.endswith("%")
    if pct:
        s = s[:-1].strip()
    if not _NUMBER.fullmatch(s):
        return None
    s = s.replace(",", "")
    value: int | float = float(s) if "." in s else int(s)
    return round(value / 100, 10) if pct else value


def typed(col: Column, row: dict[str, Any], tz: Any) -> Any:
    """A cell's value for CSV and JSON: a number, an ISO time, text, a list or mapping, or None."""
    value = row.get(col.key)
    if value is None:
        return None
    if is_time(col, value):
        return datetime.fromtimestamp(int(value), tz).isoformat(timespec="seconds")
    if isinstance(value, (bool, int, float, dict, list)):
        return value
    text = str(value)
    if col.fmt is not None:
        try:
            text = str(col.fmt(value))
        except Exception:  # a formatter that expects another kind of value: the stored text
            text = str(value)
    if text.strip() in _DASHES or not text.strip():
        return None
    got = number(text)
    return got if got is not None else text


def shown(col: Column, row: dict[str, Any]) -> str:
    """A cell as the screen shows it (Markdown), whole: one line, never cut."""
    value = row.get(col.key)
    try:
        text = col.fmt(value) if col.fmt else value
    except Exception:
        text = value
    return one_line(text)


def pages(source: TableSource, limit: int = EXPORT_LIMIT, page: int = 5000) -> Iterator[list[dict[str, Any]]]:
    """Every row of a source, a page at a time (in a worker): what the filter shows, not the
    pages loaded; never all of a 500,000-row table in memory at once."""
    total, done = min(source.count(), limit), 0
    while done < total:
        got = source.rows(done, min(page, total - done))
        if not got:
            break
        done += len(got)
        yield got


def titles_of(columns: list[Column], t: Callable[[str], str]) -> list[str]:
    titles = [t(c.title) for c in columns]
    return titles if len(set(titles)) == len(titles) else [c.key for c in columns]  # two alike: the keys


def render(fmt: str, columns: list[Column], rows: list[dict[str, Any]], t: Callable[[str], str], tz: Any,
           first: bool = True) -> str:
    """One page of the file: CSV (titles as the header, typed values, formulas neutralised by the
    CLI's ``render_csv``), JSON (objects keyed by column key, one a line) or Markdown (the cells
    as shown, by the CLI's ``render_markdown``). The header only on the ``first`` page."""
    from console.cli.output import render_csv, render_markdown

    titles = titles_of(columns, t)
    if fmt == "json":
        return ",\n".join(json.dumps({c.key: typed(c, r, tz) for c in columns}, ensure_ascii=False, default=str)
                          for r in rows)
    if fmt == "md":
        if not rows:
            return ("| " + " | ".join(titles) + " |\n| " + " | ".join("---" for _ in titles) + " |\n") if first else ""
        text = render_markdown([{title: shown(c, r) for title, c in zip(titles, columns)} for r in rows], titles)
        return (text if first else text.split("\n", 2)[2]) + "\n"
    cells = []
    for r in rows:
        line = {}
        for title, c in zip(titles, columns):
            v = typed(c, r, tz)
            line[title] = json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else (
                str(v).lower() if isinstance(v, bool) else v)
        cells.append(line)
    text = render_csv(cells, titles)
    return text if first else text.split("\n", 1)[1]


def default_path(ws: Any, name: str, fmt: str) -> Path:
    """``exports/<name>-<date>-<time>.<fmt>`` beside the workspace's config file."""
    stamp = datetime.fromtimestamp(ws.now(), ws.tz).strftime("%Y%m%d-%H%M")
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "table"
    return ws.settings.root / "exports" / f"{safe}-{stamp}.{fmt}"


class PathProblem(ValueError):
    """A file that cannot be written, in words with their values (translated when shown)."""

    def __init__(self, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def check_path(ws: Any, text: str) -> Path:
    """The path typed, resolved beside the workspace; PathProblem naming what is wrong."""
    text = (text or "").strip()
    if not text:
        raise PathProblem("file: give a path to write to")
    path = ws.settings.resolve_path(text)
    if path.is_dir():
        raise PathProblem("file: {path} is a folder; give a file name in it", path=str(path))
    probe = path.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise PathProblem("file: {path} is not a folder", path=str(probe))
    return path


def export(ws: Any, source: TableSource, columns: list[Column], fmt: str, path: Path,
           t: Callable[[str], str], page: int = 5000) -> int:
    """Read every row of ``source`` page by page and write them to ``path`` (in a worker); the
    row count. Written to a file beside it first and moved over it at the end, so a failed
    export never leaves half a file (nor spoils the one it was to replace). CSV has a BOM, so
    Excel and WPS read Chinese right."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    n = 0
    try:
        with open(part, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
            f.write("[\n" if fmt == "json" else "")
            for rows in pages(source, page=page):
                text = render(fmt, columns, rows, t, ws.tz, first=n == 0)
                f.write((",\n" if fmt == "json" and n else "") + text)
                n += len(rows)
            if n == 0 and fmt != "json":
                f.write(render(fmt, columns, [], t, ws.tz))
            f.write("\n]\n" if fmt == "json" else "")
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return n


class ExportScreen(ModalScreen[tuple[str, str] | None]):
    """Choose the format (Enter on the list) and the file (Enter in the box); Esc cancels.

    The list opens on CSV and the box holds the default path, so ``Enter Enter`` exports
    as CSV beside the workspace. Moving in the list changes the path's extension."""

    DEFAULT_CSS = CSS % (("ExportScreen",) * 4)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, question: str, path_for: Callable[[str], Path]):
        super().__init__()
        self.question, self.path_for = question, path_for
        self.fmt = FORMATS[0][0]

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.question)
            yield KeyList(*[Option(esc(t(label)), id=f"f-{key}") for key, label in FORMATS], id="formats")
            yield Label(t("File"))
            yield Input(str(self.path_for(self.fmt)), id="path", name="file")
            yield Static(t("Enter picks the format, then Enter in the file box exports · Esc cancels"), classes="hint",
                         markup=False)

    def on_mount(self) -> None:
        box = self.query_one("#formats", KeyList)
        box.highlighted = 0
        box.focus()

    def on_option_list_option_highlighted(self, event: KeyList.OptionHighlighted) -> None:
        fmt = (event.option.id or "f-csv")[2:]
        box = self.query_one("#path", Input)
        old = Path(box.value)
        if old.suffix.lstrip(".") in [k for k, _ in FORMATS]:
            box.value = str(old.with_suffix("." + fmt))
        self.fmt = fmt

    def on_option_list_option_selected(self, event: KeyList.OptionSelected) -> None:
        self.fmt = (event.option.id or "f-csv")[2:]
        box = self.query_one("#path", Input)
        box.focus()
        box.cursor_position = len(box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.app.bell()
            return
        self.dismiss((self.fmt, event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_table(screen: Any, table: Any, columns: list[Column] | None = None, name: str = "") -> None:
    """Ask for the format and file, then export what ``table`` shows (called by a screen)."""
    from .dialogs import ConfirmScreen

    app, ws, t = screen.app, screen.ws, screen.t
    if table is None or table.source is None:
        app.notify(t("Nothing to export here: this screen shows no table"), severity="warning")
        return
    columns = columns or list(table.columns)
    source = table.source
    name = name or "-".join(x for x in (getattr(screen, "MODE", "") or type(screen).__name__.lower().replace(
        "screen", ""), table.id or "") if x)
    question = t("Export the {n} rows shown ({what})", n=f"{table.total:,}", what=t(getattr(screen, "TITLE_EN", "")))
    if table.total == 1:
        question = t("Export the 1 row shown ({what})", what=t(getattr(screen, "TITLE_EN", "")))

    def run(fmt: str, path: Path) -> None:
        def done(n: int) -> None:
            words = t("Exported 1 row to {path}", path=str(path)) if n == 1 else t(
                "Exported {n} rows to {path}", n=f"{n:,}", path=str(path))
            app.notify(words, title=t("Export"), timeout=8)

        def work() -> None:
            try:
                n = export(ws, source, columns, fmt, path, t)
            except OSError as e:  # a full disk, no permission: said in words, never a traceback
                app.call_from_thread(app.notify, t("Could not write {path}: {why}", path=str(path),
                                                   why=e.strerror or type(e).__name__),
                                     severity="error", title=t("Not exported"))
                return
            app.call_from_thread(done, n)

        app.notify(t("Exporting…"), timeout=2)
        screen.run_worker(work, thread=True, group="export", exclusive=True)

    def chosen(answer: tuple[str, str] | None) -> None:
        if not answer:
            return
        fmt, text = answer
        try:
            path = check_path(ws, text)
        except PathProblem as e:
            app.notify(t(e.template, **e.values), severity="error", title=t("Not exported"))
            return
        if path.exists():
            app.push_screen(ConfirmScreen(t("Replace {path}?", path=str(path)), yes=t("Replace"), no=t("Cancel")),
                            lambda ok: ok and run(fmt, path))
            return
        run(fmt, path)

    app.push_screen(ExportScreen(question, lambda fmt: default_path(ws, name, fmt)), chosen)
