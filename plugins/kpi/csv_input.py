"""Reading an operator's CSV line by line, so a broken line costs only itself (issue 16).

Python's csv reader over the whole file let an unclosed quote swallow every row after it
into one cell (a file "imported 1 row" and lost 10), and a cell over 131,072 characters
ended in a traceback. Here each physical line is one record, decoded and parsed on its
own, and a problem is said with its line number:

- no cell of an import holds a line break (orders, costs and exposure have none), so a
  quote that is not closed on its line is an error of that line, never a cell that runs
  on into the next rows;
- a line that is not UTF-8 is an error of that line; when the whole file is GBK (Excel's
  default for Chinese) every line with Chinese in it is, even one whose bytes happen to
  be valid UTF-8, and the message says to save as "CSV UTF-8";
- a cell longer than csv's limit (131,072 characters) is an error of its line.

The caller (imports.read_csv) then refuses the whole file, or with ``--skip-bad`` stores
the good lines. Messages are templates translated with ``ws.tr`` (zh-CN in i18n.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

FIELD_LIMIT = 131_072  # csv's field_size_limit default: the reader refuses a longer cell

NOT_UTF8 = "not UTF-8 text (byte 0x{byte} at column {col}); save the sheet as \"CSV UTF-8\""
LOOKS_GBK = ("not UTF-8 text (byte 0x{byte} at column {col}): the file reads as GBK/GB18030, Excel's default "
             "for Chinese; save the sheet as \"CSV UTF-8\"")
UNCLOSED = ("a quote opened on this line is not closed on it (a cell of an import holds no line break; an "
            "unclosed quote would swallow the rows after it)")
STRAY_QUOTE = "a quote inside a quoted cell must be doubled (\"\"), and nothing may follow the closing quote but a comma"
TOO_LONG = "a cell is longer than {limit} characters"
NOT_CSV = "cannot be read as CSV ({detail})"
NUL = "holds a NUL byte (a binary file, not CSV text)"


@dataclass
class Line:
    number: int  # the physical line in the file, from 1
    cells: list[str] | None  # None when ``error``
    error: str = ""


class CsvProblem(ValueError):
    """The file as a whole cannot be read: no such file, an unreadable header line."""


def _split(data: bytes) -> list[bytes]:
    """Physical lines without their ends (\\n, \\r\\n, or \\r alone in an old Mac file)."""
    if b"\n" not in data and b"\r" in data:
        return data.split(b"\r")
    return [line[:-1] if line.endswith(b"\r") else line for line in data.split(b"\n")]


def _decode(raw: bytes, ws, gbk: bool) -> tuple[str | None, str]:
    if gbk and max(raw) >= 0x80:
        # in a GBK file a line that happens to be valid UTF-8 (小 is D0 A1, also U+0421) is still
        # GBK: decoding it as UTF-8 would store the wrong characters without a word
        col = next(i for i, b in enumerate(raw) if b >= 0x80)
        return None, ws.tr(LOOKS_GBK, byte=f"{raw[col]:02X}", col=col + 1)
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as e:
        return None, ws.tr(NOT_UTF8, byte=f"{raw[e.start]:02X}", col=e.start + 1)


def _is_gbk(data: bytes, raws: list[bytes]) -> bool:
    """The file is GBK/GB18030 (Excel's default for Chinese) rather than UTF-8 with a few
    broken lines: it is not UTF-8 as a whole, it reads as GB18030, and more of its
    non-ASCII lines fail UTF-8 than pass (UTF-8 Chinese often reads as GB18030 too)."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    fail = ok = 0
    for raw in raws:
        if raw and max(raw) >= 0x80:
            try:
                raw.decode("utf-8")
                ok += 1
            except UnicodeDecodeError:
                fail += 1
    return fail > ok


def _parse(text: str, ws) -> tuple[list[str] | None, str]:
    if "\x00" in text:
        return None, ws.tr(NUL)
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as e:
        msg = str(e)
        if "unexpected end of data" in msg:
            return None, ws.tr(UNCLOSED)
        if "expected after" in msg:
            return None, ws.tr(STRAY_QUOTE)
        if "field larger than field limit" in msg:
            return None, ws.tr(TOO_LONG, limit=f"{csv.field_size_limit():,}")
        return None, ws.tr(NOT_CSV, detail=msg)
    cells = rows[0] if rows else []
    if any(len(c) > FIELD_LIMIT for c in cells):  # a raised field_size_limit elsewhere must not let it in
        return None, ws.tr(TOO_LONG, limit=f"{FIELD_LIMIT:,}")
    return cells, ""


def read_lines(ws, path: str | Path) -> tuple[int, list[str], list[Line]]:
    """(the header's line number, its cells, every non-blank line after it).

    Raises :class:`CsvProblem` for a missing file, an empty one, or a header line that
    cannot be read: without columns no line can be checked."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CsvProblem(ws.tr("{file}: no such file", file=p)) from None
    except OSError as e:
        raise CsvProblem(ws.tr("{file}: cannot be read ({reason})", file=p, reason=e.strerror or str(e))) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Excel's "CSV UTF-8" begins with a byte order mark
    raws = _split(data)
    gbk = _is_gbk(data, raws)
    header: tuple[int, list[str]] | None = None
    lines: list[Line] = []
    for number, raw in enumerate(raws, start=1):
        if not raw.strip():
            continue
        text, error = _decode(raw, ws, gbk)
        cells = None
        if text is not None:
            cells, error = _parse(text, ws)
        if header is None:
            if cells is None:
                raise CsvProblem(ws.tr("{file}: line {line}: {problem}", file=p, line=number, problem=error))
            header = (number, cells)
            continue
        lines.append(Line(number, cells, error))
    if header is None:
        raise CsvProblem(ws.tr("{file}: line 1: no header row", file=p))
    return header[0], header[1], lines
