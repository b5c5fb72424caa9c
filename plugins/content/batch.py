"""What several parts of the plugin read about one ingest batch, read once: the members'
messages among its events (topics, scripts, introductions and questions all count only
those) and the insiders among its people (scripts, introductions, questions and campaigns
all leave them out). A batch holds thousands of messages: one pass, not four.

Both are kept in the plugin's state with the batch itself (the list object, so it cannot be
freed and its address reused by the next batch while kept) and its length; another list, or
this one grown, is another batch."""

from __future__ import annotations

from shequn import messages_of

from .settings import state_of


def _slot(ws, events) -> dict:
    state = state_of(ws)
    slot = state.get("batch")
    if slot is None or slot["events"] is not events or slot["length"] != len(events):
        slot = state["batch"] = {"events": events, "length": len(events)}
    return slot


def messages(ws, events) -> list:
    """The batch's messages in a group from a person, not the bot's own (``from_self``), in
    arrival order."""
    slot = _slot(ws, events)
    found = slot.get("messages")
    if found is None:
        found = slot["messages"] = [e for e in messages_of(events) if e.group_id is not None
                                    and e.person_id is not None and not (e.data and e.data.get("from_self"))]
    return found


def insiders(ws, events) -> set[int]:
    """Ids of the batch's people who are insiders: the operation's few insiders (one short
    query, by their partial index) met with the batch's people, where looking each of a
    batch's thousands of people up took a query per 400 of them."""
    slot = _slot(ws, events)
    found = slot.get("insiders")
    if found is None:
        people = {e.person_id for e in events if e.person_id is not None}
        found = slot["insiders"] = {r[0] for r in ws.store.execute("SELECT id FROM people WHERE is_insider = 1")} \
            & people if people else set()
    return found
