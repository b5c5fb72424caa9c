"""Dead letters: what could not be stored, kept so that it can be stored after a fix.

A letter of ``source = 'ingest'`` is an event that failed alone (after its batch failed
and was retried event by event): ``raw`` is the event as JSON (``{"shequn_event": 1,
...fields}``, ASCII-escaped, so even a lone surrogate survives), ``error`` says what
failed in words, ``connection_id`` where it came from. ``replay`` rebuilds the events
and ingests them again (after the bug is fixed), marking each letter ``replayed``; a
letter that fails again stays ``new`` with the new error. Other letters (a signed but
malformed payload) keep the platform's bytes for a person to read; they are not events.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from .model import DeadLetter, Event

EVENT_FIELDS = ("connection", "id", "kind", "ts", "group", "user", "nickname", "text", "data", "raw", "group_name")
MARK = "shequn_event"


def event_letter(ev: Event, error: BaseException) -> DeadLetter:
    """The dead letter of an event that could not be stored: the event as replayable JSON."""
    doc: dict[str, Any] = {MARK: 1}
    for f in EVENT_FIELDS:
        doc[f] = getattr(ev, f)
    try:
        raw = json.dumps(doc, ensure_ascii=True, default=str)
    except ValueError as e:  # a circular structure in data: keep what can be kept
        raw = json.dumps({MARK: 0, "repr": repr(ev)[:10_000], "why": str(e)})
    return DeadLetter(ev.connection, "ingest", f"{type(error).__name__}: {error}", raw.encode("ascii"))


def event_of(raw: bytes | str | None) -> Event:
    """The event a letter of failed ingest holds; ValueError when it holds none."""
    if raw is None:
        raise ValueError("the letter holds no payload")
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"not an event record ({e})") from None
    if not isinstance(doc, dict) or doc.get(MARK) != 1:
        raise ValueError("not an event record (written by an older shequn, or a platform payload)")
    known = {f.name for f in fields(Event)}
    return Event(**{k: doc.get(k) for k in EVENT_FIELDS if k in known and k in doc})


def write(store, now: int, letter: DeadLetter) -> int:
    """Store ``letter``; its id."""
    raw = letter.raw if isinstance(letter.raw, bytes) else str(letter.raw).encode("utf-8", "replace")
    with store.write() as c:
        cur = c.execute(
            "INSERT INTO dead_letters(ts, connection_id, source, error, raw, headers) VALUES (?,?,?,?,?,?)",
            (now, letter.connection, letter.source, letter.error, raw,
             json.dumps(letter.headers, ensure_ascii=False) if letter.headers else None))
        return cur.lastrowid or 0


COLUMNS = "id, ts, connection_id, source, status, error, replayed_at"


def listing(store, *, status: str | None, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page of letters, newest first) with ``status`` (None: every status)."""
    where, args = ("WHERE status = ?", (status,)) if status else ("", ())
    total = store.scalar(f"SELECT count(*) FROM dead_letters {where}", args, 0)
    rows = store.query(f"SELECT {COLUMNS}, length(raw) AS bytes FROM dead_letters {where}"
                       " ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset))
    return total, rows


def show(store, letter_id: int) -> dict[str, Any] | None:
    row = store.one(f"SELECT {COLUMNS}, raw, headers FROM dead_letters WHERE id = ?", (letter_id,))
    if row is None:
        return None
    raw = row.pop("raw")
    row["raw"] = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    row["replayable"] = row["source"] == "ingest"
    return row


def replay(ws, ids: list[int], engine=None) -> list[dict[str, Any]]:
    """Ingest again the events the letters ``ids`` hold, one at a time; each outcome
    (``replayed``, or ``failed`` with the reason) is in the returned rows. A replayed
    letter is marked ``replayed`` in the same transaction as its event."""
    from .engine import Engine

    engine = engine or Engine(ws)
    out = []
    for lid in ids:
        row = ws.store.one("SELECT id, source, status, raw FROM dead_letters WHERE id = ?", (lid,))
        if row is None:
            out.append({"id": lid, "outcome": "missing", "why": "no such dead letter"})
            continue
        if row["status"] == "replayed":
            out.append({"id": lid, "outcome": "skipped", "why": "already replayed"})
            continue
        if row["source"] != "ingest":
            out.append({"id": lid, "outcome": "skipped",
                        "why": f"a {row['source']} letter holds a platform payload, not an event"})
            continue
        try:
            ev = event_of(row["raw"])
            with ws.store.write() as c:
                res = engine.ingest([ev])
                c.execute("UPDATE dead_letters SET status = 'replayed', replayed_at = ? WHERE id = ?", (ws.now(), lid))
        except Exception as e:  # noqa: BLE001 - the outcome says why, the letter stays
            engine.forget_caches()  # the rollback may have taken rows they name
            why = f"{type(e).__name__}: {e}"
            ws.store.write_one("UPDATE dead_letters SET error = ? WHERE id = ?", (why, lid))
            out.append({"id": lid, "outcome": "failed", "why": why})
            continue
        out.append({"id": lid, "outcome": "replayed", "why": "stored" if res.stored else "already stored"})
    return out


def purge(store, *, status: str, before_ts: int | None) -> int:
    """Delete letters of ``status`` (older than ``before_ts`` when given); how many."""
    sql, args = "DELETE FROM dead_letters WHERE status = ?", [status]
    if before_ts is not None:
        sql += " AND ts < ?"
        args.append(before_ts)
    with store.write() as c:
        return c.execute(sql, args).rowcount
