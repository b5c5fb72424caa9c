"""Import and export so a team edits in a spreadsheet or in Markdown files: the library as
CSV or as Markdown with a front matter per item, the calendar as CSV (calendar.py).

An import is checked row by row first; any bad row refuses the whole file with every
bad row's line, field and limit (``ImportRefused``), and nothing is written. CSV files from
Excel come as UTF-8 with a BOM or as GB18030 (WPS and Excel on Chinese Windows): both read.
A cell exported with a ' in front (so a spreadsheet does not run it as a formula) is read
back without it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Callable

from shequn.cli import render_csv

from . import library
from .errors import ContentError, ImportRefused

CSV_COLUMNS = ("id",) + library.FIELDS
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ContentError("{source}: neither UTF-8 nor GB18030 text", source=path.name)


def _cell(v: str | None) -> str:
    v = v or ""
    return v[1:] if len(v) > 1 and v[0] == "'" and v[1] in _FORMULA else v


def csv_rows(text: str, source: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line, row) for every record of a CSV text, the line where the record starts."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ContentError("the file is empty; expected a header row: {columns}", source=source, line=1,
                           columns=", ".join(columns)) from None
    bad = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    if bad or missing:
        raise ContentError("header: unknown column(s) {bad}, missing {missing}; the columns are {columns}",
                           source=source, line=1, bad=", ".join(bad) or "none", missing=", ".join(missing) or "none",
                           columns=", ".join(columns))
    out, start = [], reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) != len(header):
                out.append((start, ContentError("{n} cells; the header has {m}", n=len(cells), m=len(header))))
            else:
                out.append((start, {h: _cell(c) for h, c in zip(header, cells)}))
        start = reader.line_num + 1
    return out


def md_items(text: str, source: str) -> list[tuple[int, dict | ContentError]]:
    """(line, fields) for every item of a Markdown text: a front matter between --- lines
    (key: value, lists as [a, b] or a, b), then the body up to the next front matter."""
    lines = text.splitlines()
    out: list[tuple[int, dict | ContentError]] = []
    i, n = 0, len(lines)

    def opens(j: int) -> bool:
        return j + 1 < n and lines[j].strip() == "---" and ":" in lines[j + 1] and not lines[j + 1].startswith(" ")

    while i < n and not lines[i].strip():
        i += 1
    if i < n and not opens(i):
        raise ContentError("expected --- and a front matter (title: ..., purpose: ...) to open an item",
                           source=source, line=i + 1)
    while i < n:
        start, fields, problem = i + 1, {}, None
        i += 1
        while i < n and lines[i].strip() != "---":
            key, sep, value = lines[i].partition(":")
            if not sep or not key.strip():
                problem = problem or ContentError("front matter: {text!r} is not key: value", text=lines[i][:60]).at(i + 1)
            else:
                v = value.strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                    v = v[1:-1]
                elif v.startswith("[") and v.endswith("]"):
                    v = v[1:-1]
                fields[key.strip().lower()] = v
            i += 1
        if i >= n:
            out.append((start, ContentError("front matter: no closing ---")))
            break
        i += 1
        body: list[str] = []
        while i < n and not opens(i):
            body.append(lines[i])
            i += 1
        if "text" not in fields:
            fields["text"] = "\n".join(body).strip()
        out.append((problem.line if problem else start, problem or fields))
    return out


def _checked(ws, rows: list[tuple[int, Any]], source: str, check: Callable[[dict], Any]) -> list[tuple[int, Any]]:
    good, errors = [], []
    for line, row in rows:
        try:
            if isinstance(row, ContentError):
                raise row
            good.append((line, check(row)))
        except ContentError as e:
            errors.append(e.at(e.line or line, source))
    if errors:
        raise ImportRefused(errors, source)
    return good


def import_library(ws, path: Path, *, dry_run: bool = False) -> dict[str, int]:
    """Every item of a .csv or .md file, checked, then written in one transaction (an id
    updates that item; none adds one). Returns counts; ImportRefused lists bad rows."""
    path = Path(path)
    source = path.name
    if not path.is_file():
        raise ContentError("{source}: no such file", source=str(path))
    text = read_text(path)
    if path.suffix.lower() == ".csv":
        rows = csv_rows(text, source, CSV_COLUMNS, ("title", "purpose"))
    elif path.suffix.lower() in (".md", ".markdown"):
        rows = md_items(text, source)
    else:
        raise ContentError("{source}: expected a .csv or .md file", source=source)
    known = {r[0] for r in ws.store.execute("SELECT id FROM content_items")}

    def check(row: dict) -> tuple[int | None, dict]:
        raw_id = str(row.pop("id", "") or "").strip()
        item_id = None
        if raw_id:
            if not raw_id.isdigit() or int(raw_id) not in known:
                raise ContentError("id: no library item {id}; leave id empty to add the row as a new item", id=raw_id)
            item_id = int(raw_id)
        return item_id, library.clean(ws, row, base=path.parent)

    good = _checked(ws, rows, source, check)
    counts = {"added": sum(1 for _, (i, _) in good if i is None), "updated": sum(1 for _, (i, _) in good if i)}
    if not dry_run and good:
        library.write(ws, [pair for _, pair in good], actor=f"operator:{ws.operator}")
        ws.audit("content_library_imported", "file", source, counts)
    return counts


def export_library(ws, fmt: str, *, include_archived: bool = False) -> str:
    rows = library.items(ws)
    if include_archived:
        rows += library.items(ws, archived=True)
    rows.sort(key=lambda r: r["id"])
    if fmt == "csv":
        return render_csv(rows, CSV_COLUMNS)
    if fmt != "md":
        raise ContentError("format: {fmt!r}; expected csv or md", fmt=fmt)
    out: list[str] = []
    for r in rows:
        out.append("---")
        out.append(f"id: {r['id']}")
        for k in library.FIELDS:
            if k != "text" and r[k] not in ("", None):
                out.append(f"{k}: [{r[k]}]" if k == "tags" else f"{k}: {r[k]}")
        out += ["---", r["text"], ""]
    return "\n".join(out)
