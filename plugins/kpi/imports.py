"""Inputs from outside the chat platforms: orders, costs and channel exposure.

Every row is checked before anything is stored; a problem is reported with its line
and what was expected, and nothing is imported unless every row is good (or
``skip_bad``, which stores the good rows and reports the rest). One write transaction,
so an import is never half-applied. Columns are documented in docs/kpis.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

KINDS = {
    "orders": {"required": ["order_id", "amount", "ordered_at"],
               "optional": ["person_id", "platform", "platform_user_id", "group_id", "platform_group_id", "product",
                            "phone"]},
    "costs": {"required": ["day", "amount"],
              "optional": ["group_id", "platform_group_id", "platform", "category", "note"]},
    "exposure": {"required": ["day", "channel", "impressions"],
                 "optional": ["group_id", "platform_group_id", "platform"]},
}


NOT_A_NUMBER = "{name}: {value} is not a number (expected an amount such as 39.90)"


def shown(value: Any) -> str:
    """A cell's value as a message shows it: quoted, and cut at 40 characters (a cell may be
    131,072 characters long)."""
    text = repr(str(value)) if value is not None else "''"
    return text if len(text) <= 42 else text[:40] + "…'"


class ImportProblem(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, wrong columns)."""


@dataclass
class ImportResult:
    kind: str
    good: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    stored: int = 0
    skipped: int = 0


class _Resolver:
    """Looks up members and groups named by a row, caching what it found."""

    def __init__(self, ws):
        self.ws = ws
        self.people: dict[Any, int | None] = {}
        self.groups: dict[Any, int | None] = {}

    def person(self, row: dict) -> tuple[int | None, str | None]:
        pid, plat, user = row.get("person_id"), row.get("platform"), row.get("platform_user_id")
        if pid not in (None, ""):
            key = ("id", str(pid))
            if key not in self.people:
                ok = str(pid).isdigit() and self.ws.store.scalar("SELECT id FROM people WHERE id = ?", (int(pid),))
                self.people[key] = int(pid) if ok else None
            return (self.people[key], None) if self.people[key] else (None, self.ws.tr("person_id: unknown member {value}", value=shown(pid)))
        if user not in (None, "") and plat not in (None, ""):
            key = ("ident", str(plat), str(user))
            if key not in self.people:
                self.people[key] = self.ws.store.scalar(
                    "SELECT person_id FROM identities WHERE platform = ? AND platform_user_id = ?", (plat, str(user)))
            return ((self.people[key], None) if self.people[key]
                    else (None, self.ws.tr("platform_user_id: unknown member {value} on {platform}", value=shown(user),
                                              platform=shown(plat))))
        return None, self.ws.tr("member: expected person_id, or platform and platform_user_id")

    def group(self, row: dict) -> tuple[int | None, str | None]:
        gid, pg, plat = row.get("group_id"), row.get("platform_group_id"), row.get("platform")
        if gid not in (None, ""):
            key = ("id", str(gid))
            if key not in self.groups:
                ok = str(gid).isdigit() and self.ws.store.scalar("SELECT id FROM groups WHERE id = ?", (int(gid),))
                self.groups[key] = int(gid) if ok else None
            return (self.groups[key], None) if self.groups[key] else (None, self.ws.tr("group_id: unknown group {value}", value=shown(gid)))
        if pg not in (None, ""):
            key = ("pg", str(pg), plat or "")
            if key not in self.groups:
                q, p = "SELECT id FROM groups WHERE platform_group_id = ?", [str(pg)]
                if plat:
                    q, p = q + " AND platform = ?", p + [plat]
                ids = [r[0] for r in self.ws.store.execute(q, p)]
                self.groups[key] = ids[0] if len(ids) == 1 else (-len(ids) if ids else None)
            g = self.groups[key]
            if g is None:
                return None, self.ws.tr("platform_group_id: unknown group {value}", value=shown(pg))
            if g < 0:
                return None, self.ws.tr("platform_group_id: {value} names {n} groups; add a platform column", value=shown(pg),
                                        n=-g)
            return g, None
        return None, None  # no group: the whole operation


def _amount(ws, v: Any, name: str) -> tuple[float | None, str | None]:
    try:
        a = float(str(v).strip())
    except (TypeError, ValueError):
        return None, ws.tr(NOT_A_NUMBER, name=name, value=shown(v))
    if math.isnan(a) or math.isinf(a):
        return None, ws.tr(NOT_A_NUMBER, name=name, value=shown(v))
    if a < 0:
        return None, ws.tr("{name}: {value} is negative (expected 0 or more)", name=name, value=shown(v))
    return a, None


def _day(ws, v: Any, name: str) -> tuple[str | None, str | None]:
    try:
        return datetime.strptime(str(v).strip(), "%Y-%m-%d").date().isoformat(), None
    except ValueError:
        return None, ws.tr("{name}: {value} is not a date (expected YYYY-MM-DD)", name=name, value=shown(v))


def _time(ws, v: Any, name: str) -> tuple[int | None, str | None]:
    s = str(v).strip()
    if s.isdigit():
        return int(s), None
    for f in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            dt = datetime.strptime(s, f)
        except ValueError:
            continue
        return int(dt.replace(tzinfo=ws.tz).timestamp()), None
    return None, ws.tr("{name}: {value} is not a time (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or unix seconds)",
                       name=name, value=shown(v))


def _phone(ws, v: Any) -> tuple[str | None, str | None]:
    """The buyer's phone as digits (spaces, dashes and a +86 / 0086 prefix dropped): the same
    phone on two people's orders suggests one person (console/identity.py)."""
    text = "".join(ch for ch in str(v or "") if ch not in " -()")
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if text and not (text.isdigit() and 5 <= len(text) <= 15):
        return None, ws.tr("phone: {value} is not a phone number (5 to 15 digits)", value=shown(v))
    return text, None


def check_row(ws, kind: str, row: dict, res: _Resolver, seen: set[str]) -> tuple[dict | None, list[str]]:
    """A row ready to store, or the list of what is wrong with it."""
    errs: list[str] = []
    out: dict[str, Any] = {}
    for col in KINDS[kind]["required"]:
        if row.get(col) in (None, ""):
            errs.append(ws.tr("{col}: empty (required)", col=col))
    if errs:
        return None, errs

    def take(pair):
        value, err = pair
        if err:
            errs.append(err)
        return value

    if kind == "orders":
        oid = str(row["order_id"]).strip()
        if oid in seen:
            errs.append(ws.tr("order_id: {value} appears twice in this input", value=shown(oid)))
        elif ws.store.scalar("SELECT 1 FROM orders WHERE order_id = ?", (oid,)):
            errs.append(ws.tr("order_id: {value} is already imported", value=shown(oid)))
        seen.add(oid)
        out.update(order_id=oid, amount=take(_amount(ws, row["amount"], "amount")),
                   ordered_at=take(_time(ws, row["ordered_at"], "ordered_at")),
                   person_id=take(res.person(row)), group_id=take(res.group(row)),
                   product=str(row.get("product") or ""), phone=take(_phone(ws, row.get("phone"))))
    elif kind == "costs":
        out.update(day=take(_day(ws, row["day"], "day")), amount=take(_amount(ws, row["amount"], "amount")),
                   group_id=take(res.group(row)), category=str(row.get("category") or ""),
                   note=str(row.get("note") or ""))
    else:
        imp = str(row["impressions"]).strip()
        if not imp.isdigit():
            errs.append(ws.tr("impressions: {value} is not a whole number of 0 or more", value=shown(row["impressions"])))
        out.update(day=take(_day(ws, row["day"], "day")), channel=str(row["channel"]).strip(),
                   impressions=int(imp) if imp.isdigit() else None, group_id=take(res.group(row)))
    return (None, errs) if errs else (out, [])


def read_csv(ws, kind: str, path: str | Path) -> ImportResult:
    """Check every line of a CSV file; nothing is stored here. A line that cannot be read
    (not UTF-8, an unclosed quote, a cell over 131,072 characters) is an error of that
    line (csv_input.py), like a row whose values are wrong."""
    from .csv_input import CsvProblem, read_lines

    if kind not in KINDS:
        raise ImportProblem(f"unknown import {kind!r}: expected one of {', '.join(KINDS)}")
    p = Path(path)
    try:
        header_line, header, lines = read_lines(ws, p)
    except CsvProblem as e:
        raise ImportProblem(str(e)) from None
    cols = [c.strip() for c in header]
    spec = KINDS[kind]
    missing = [c for c in spec["required"] if c not in cols]
    unknown = [c for c in cols if c not in spec["required"] + spec["optional"]]
    if missing or unknown:
        what = "; ".join(x for x in (ws.tr("missing {cols}", cols=", ".join(missing)) if missing else "",
                                     ws.tr("unknown {cols}", cols=", ".join(unknown)) if unknown else "") if x)
        raise ImportProblem(ws.tr("{file}: line {line}: wrong columns ({what}); expected columns {required} and "
                                  "optionally {optional}", file=p, line=header_line, what=what,
                                  required=", ".join(spec["required"]), optional=", ".join(spec["optional"])))
    res, seen = _Resolver(ws), set()
    result = ImportResult(kind)
    for ln in lines:
        if ln.cells is None:
            result.errors.append((ln.number, ln.error))
            continue
        if len(ln.cells) > len(cols):
            extra = len(ln.cells) - len(cols)
            result.errors.append((ln.number, ws.tr("1 more field than the header has" if extra == 1 else
                                                   "{n} more fields than the header has", n=extra)))
            continue
        row = dict(zip(cols, ln.cells))
        good, errs = check_row(ws, kind, row, res, seen)
        if good is None:
            result.errors.extend((ln.number, e) for e in errs)
        else:
            good["_line"] = ln.number
            result.good.append(good)
    return result


def store_rows(ws, kind: str, rows: list[dict], source: str) -> int:
    """Insert checked rows in one transaction. Returns how many were stored."""
    with ws.store.write() as c:
        if kind == "orders":
            cur = c.executemany(
                "INSERT OR IGNORE INTO orders(order_id, person_id, group_id, amount, ordered_at, product, source, phone)"
                " VALUES (?,?,?,?,?,?,?,?)",
                [(r["order_id"], r["person_id"], r["group_id"], r["amount"], r["ordered_at"], r["product"], source,
                  r.get("phone") or "") for r in rows])
        elif kind == "costs":
            cur = c.executemany("INSERT INTO costs(day, group_id, amount, category, note, source) VALUES (?,?,?,?,?,?)",
                                [(r["day"], r["group_id"], r["amount"], r["category"], r["note"], source) for r in rows])
        else:
            cur = c.executemany("INSERT INTO exposure(day, channel, group_id, impressions, source) VALUES (?,?,?,?,?)",
                                [(r["day"], r["channel"], r["group_id"], r["impressions"], source) for r in rows])
        return cur.rowcount


def import_csv(ws, kind: str, path: str | Path, *, skip_bad: bool = False) -> ImportResult:
    """Check, then store all rows (or only the good ones with ``skip_bad``)."""
    result = read_csv(ws, kind, path)
    if result.errors and not skip_bad:
        return result
    result.skipped = len({line for line, _ in result.errors})
    if result.good:
        result.stored = store_rows(ws, kind, result.good, f"csv:{Path(path).name}")
        ws.audit(f"import_{kind}", "file", Path(path).name,
                 {"stored": result.stored, "skipped": result.skipped}, actor="plugin:kpi")
    return result


def fetch_orders_from_plugins(ws) -> dict[str, int]:
    """The orders job: ask every shop plugin (hook fetch_orders) for orders since the
    last fetch, check them like CSV rows, store the good ones and record the bad ones
    in the audit log. Duplicates by order_id are ignored (a shop resends)."""
    since = int(ws.store.get_meta("kpi.orders_fetched_at") or 0)
    started = ws.now()
    summary: dict[str, int] = {}
    for plugin, rows in ws.call("fetch_orders", since=since, ws=ws):
        res, seen, good, bad = _Resolver(ws), set(), [], []
        for i, row in enumerate(rows or []):
            if not isinstance(row, dict):
                bad.append((i, "not a dict"))
                continue
            oid = str(row.get("order_id") or "")
            if oid and (oid in seen or ws.store.scalar("SELECT 1 FROM orders WHERE order_id = ?", (oid,))):
                continue
            ok, errs = check_row(ws, "orders", row, res, seen)
            if ok is None:
                bad.extend((i, e) for e in errs)
            else:
                good.append(ok)
        stored = store_rows(ws, "orders", good, f"plugin:{plugin}") if good else 0
        summary[plugin] = stored
        if bad:
            ws.audit("orders_rejected", "plugin", plugin,
                     {"rows": [f"row {i}: {e}" for i, e in bad[:50]], "count": len(bad)}, actor="plugin:kpi")
    ws.store.set_meta("kpi.orders_fetched_at", str(started))
    return summary


def error_lines(ws, result: ImportResult, path: str | Path) -> list[str]:
    return [ws.tr("{file}: line {line}: {problem}", file=Path(path).name, line=line, problem=msg)
            for line, msg in result.errors]


__all__ = ["import_csv", "read_csv", "store_rows", "fetch_orders_from_plugins", "ImportProblem", "KINDS",
           "error_lines"]
