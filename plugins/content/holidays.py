"""Holidays as data the operator edits: Chinese public holidays (the days off of the State
Council's yearly notice: 2025 and 2026 ship in holidays.csv) and the shopping festivals
618, 双11 and 双12 (2025 to 2027). Seeded once into ``content_holidays`` when a workspace
first opens (meta ``content.holidays_seeded``), then only the operator's edits change it:
add next year's notice when it is published, or a shop's own day (kind ``custom``).

Scheduled posts may skip them (``skip_holidays``: public, or all), the calendar shows
them, and a calendar entry can be a holiday's own post.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .errors import ContentError, ImportRefused

KINDS = ("public", "shopping", "custom")
KIND_WORDS = {"public": "public holiday", "shopping": "shopping festival", "custom": "the operation's own day"}
SEED = Path(__file__).with_name("holidays.csv")


def _day(value: str, field: str = "day") -> str:
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ContentError("{field}: {value!r} is not a date; expected YYYY-MM-DD", field=field,
                           value=str(value)) from None


def clean(raw: dict[str, Any]) -> tuple[str, str, str]:
    day = _day(raw.get("day", ""))
    name = str(raw.get("name") or "").strip()
    if not 1 <= len(name) <= 40:
        raise ContentError("name: {n} characters; expected 1 to 40", n=len(name))
    kind = str(raw.get("kind") or "custom").strip().lower()
    if kind not in KINDS:
        raise ContentError("kind: {value!r} is not one of {choices}", value=kind, choices=", ".join(KINDS))
    return day, name, kind


def seed(ws) -> int:
    if ws.read_only or ws.store.get_meta("content.holidays_seeded"):
        return 0
    from .transfer import csv_rows

    rows = [clean(r) for _, r in csv_rows(SEED.read_text(encoding="utf-8"), SEED.name, ("day", "name", "kind"),
                                          ("day", "name", "kind"))]
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO content_holidays(day, name, kind) VALUES (?,?,?)", rows)
        c.execute("INSERT INTO meta(key, value) VALUES ('content.holidays_seeded', ?) ON CONFLICT(key) DO UPDATE"
                  " SET value = excluded.value", (str(ws.now()),))
    return len(rows)


def between(ws, first: str, last: str) -> dict[str, list[tuple[str, str]]]:
    """Holidays from ``first`` to ``last`` (days, inclusive): day -> [(name, kind)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for day, name, kind in ws.store.execute("SELECT day, name, kind FROM content_holidays WHERE day BETWEEN ? AND ?"
                                            " ORDER BY day, kind, name", (first, last)):
        out.setdefault(day, []).append((name, kind))
    return out


def listing(ws, year: int | None = None) -> list[dict[str, Any]]:
    if year:
        return ws.store.query("SELECT * FROM content_holidays WHERE day LIKE ? ORDER BY day, name", (f"{year}-%",))
    return ws.store.query("SELECT * FROM content_holidays ORDER BY day, name")


def add(ws, day: str, name: str, kind: str = "custom") -> None:
    d, n, k = clean({"day": day, "name": name, "kind": kind})
    with ws.store.write() as c:
        c.execute("INSERT INTO content_holidays(day, name, kind) VALUES (?,?,?) ON CONFLICT(day, name) DO UPDATE"
                  " SET kind = excluded.kind", (d, n, k))
        ws.audit("content_holiday_added", "holiday", d, {"name": n, "kind": k})


def remove(ws, day: str, name: str) -> None:
    d = _day(day)
    with ws.store.write() as c:
        if not c.execute("DELETE FROM content_holidays WHERE day = ? AND name = ?", (d, name)).rowcount:
            raise ContentError("day: no holiday {name} on {day}", name=name, day=d)
        ws.audit("content_holiday_removed", "holiday", d, {"name": name})


def import_csv(ws, path: Path) -> int:
    """Holidays from a CSV (day,name,kind), all or nothing."""
    from .transfer import _checked, csv_rows, read_text

    path = Path(path)
    if not path.is_file():
        raise ContentError("{source}: no such file", source=str(path))
    rows = csv_rows(read_text(path), path.name, ("day", "name", "kind"), ("day", "name"))
    good = _checked(ws, rows, path.name, clean)
    if not good:
        raise ImportRefused([ContentError("the file has no rows").at(2, path.name)], path.name)
    with ws.store.write() as c:
        c.executemany("INSERT INTO content_holidays(day, name, kind) VALUES (?,?,?) ON CONFLICT(day, name) DO UPDATE"
                      " SET kind = excluded.kind", [r for _, r in good])
        ws.audit("content_holidays_imported", "file", path.name, {"rows": len(good)})
    return len(good)
