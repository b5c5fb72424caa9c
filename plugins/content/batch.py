"""What several parts of the plugin read about one ingest batch, read once: the insiders
among its people (scripts, introductions, questions and campaigns all leave them out)."""

from __future__ import annotations

from shequn import rows_in

from .settings import state_of


def insiders(ws, events) -> set[int]:
    """Ids of the batch's people who are insiders (one query per batch, kept on ``ws``
    in the plugin's state under a key made of the batch's identity, length and first event)."""
    key = (id(events), len(events), events[0].id if len(events) else None)
    state = state_of(ws)
    cached = state.get("batch_insiders")
    if cached is not None and cached[0] == key:
        return cached[1]
    people = sorted({e.person_id for e in events if e.person_id is not None})
    found = {r[0] for r in rows_in(ws.store, "SELECT id FROM people WHERE is_insider = 1 AND id IN ({marks})", people)}
    state["batch_insiders"] = (key, found)
    return found
