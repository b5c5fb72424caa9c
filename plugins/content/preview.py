"""What goes where in the next hours: the plan merged with what the outbox already holds,
as posts (one row each) or slots (one row per source and time), with every skipped post's
reason in words."""

from __future__ import annotations

from typing import Any

from .planner import plan
from .runs import _STATE_SQL
from .schedules import when_text

#: a skipped post's note code -> its words ({value}: what follows the colon)
NOTES = {"holiday": "holiday: {value}", "paused": "the group is paused", "cap": "the platform's cap of {value} a day",
         "too_long": "too long: {value}", "no_item": "no library item fits (tag or item {value})",
         "cannot_send": "{value} cannot post: a task asks a person", "missed": "missed: its time passed while the "
         "engine was stopped", "withdrawn": "withdrawn: the plan changed before it was sent"}


def note_text(ws, note: str) -> str:
    code, _, value = (note or "").partition(":")
    words = NOTES.get(code)
    return ws.tr(words, value=value) if words else note


def posts(ws, hours: float = 24, *, start: int | None = None) -> list[dict[str, Any]]:
    """Every post of the next ``hours`` in time order, each with its state: planned (not
    in the outbox yet), or as the outbox has it (waiting, sent, failed ...), task, skipped."""
    start = ws.now() if start is None else start
    end = start + int(hours * 3600)
    planned = plan(ws, start, end)
    known: dict[tuple[str, int, int], dict[str, Any]] = {}
    for r in ws.store.query(f"SELECT r.source, r.fire_at, p.group_id, p.not_before, {_STATE_SQL} AS state"
                            " FROM content_runs r JOIN content_posts p ON p.run_id = r.id LEFT JOIN actions a"
                            " ON a.id = p.action_id WHERE r.fire_at >= ? AND r.fire_at < ?", (start, end)):
        known[(r["source"], r["fire_at"], r["group_id"])] = r
    out = []
    for p in planned:
        was = known.get((p.source, p.fire_at, p.group_id))
        state = was["state"] if was else ("planned" if p.status == "queued" else p.status)
        at = was["not_before"] if was and was["not_before"] else p.not_before
        out.append({"time": when_text(ws, at), "at": at, "fire_at": p.fire_at, "source": p.source, "name": p.name,
                    "group_id": p.group_id, "group": p.group, "platform": p.platform, "state": state,
                    "note": note_text(ws, p.note) if p.note else "", "text": p.text, "item_id": p.item_id})
    out.sort(key=lambda r: (r["at"], r["fire_at"], r["group_id"]))
    return out


def slots(ws, hours: float = 24, *, start: int | None = None) -> list[dict[str, Any]]:
    """One row per source and time: how many groups, in which states, over which span."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for p in posts(ws, hours, start=start):
        r = rows.get((p["fire_at"], p["source"]))
        if r is None:
            r = rows[(p["fire_at"], p["source"])] = {"time": when_text(ws, p["fire_at"]), "fire_at": p["fire_at"],
                                                     "name": p["name"], "source": p["source"], "groups": 0,
                                                     "states": {}, "first": p["at"], "last": p["at"], "notes": {}}
        r["groups"] += 1
        r["states"][p["state"]] = r["states"].get(p["state"], 0) + 1
        r["first"], r["last"] = min(r["first"], p["at"]), max(r["last"], p["at"])
        if p["note"]:
            r["notes"][p["note"]] = r["notes"].get(p["note"], 0) + 1
    out = sorted(rows.values(), key=lambda r: (r["fire_at"], r["source"]))
    for r in out:
        r["spread"] = f"{(r['last'] - r['first']) // 60}m{(r['last'] - r['first']) % 60:02d}s"
    return out
