"""Member figures a platform cannot vouch for: groups whose connector lists no members.

Douyin fan groups have no member list (PROTOCOLS.md 3.1): shequn knows their members
only from joins, leaves, messages and applications since it first saw the group, plus
the platform's head count at each sync. KPIs whose denominator is members (churn,
interaction, messages per member, retention, conversion, segment mix) are then not
complete, so they say so ("members from events since DATE") rather than pass for
complete. The connector's capabilities decide (``list_members``), not the platform's
name; a group whose connection is not configured any more is left alone. With several
such groups the latest first day is named: from it on, events cover every one of them.
"""

from __future__ import annotations

from typing import Any

from shequn import Capability

MEMBER_KPIS = frozenset({"churn_rate", "interaction_rate", "messages_per_member", "retention_rate",
                         "conversion_rate", "segment_mix"})
NOTE = "members from events since {date}"


def events_only_since(ws, group_ids: list[int]) -> str | None:
    """The day since which events are all shequn knows of the members of the groups that
    list none (None when every group of ``group_ids`` can list its members)."""
    if not group_ids:
        return None
    marks = ",".join("?" * len(group_ids))
    first = None
    for conn, created in ws.store.execute(f"SELECT connection_id, max(created_at) FROM groups WHERE id IN ({marks})"
                                          " GROUP BY connection_id", list(group_ids)).fetchall():
        cls = ws.connector_class(conn)
        if cls is not None and not cls.can(Capability.LIST_MEMBERS) and created:
            first = created if first is None else max(first, created)
    return None if first is None else ws.day(first)


def mark(ws, rows: list[dict[str, Any]], group_ids: list[int]) -> list[dict[str, Any]]:
    """Add the note to the member KPIs of ``rows`` (the panel's) when the scope has such groups."""
    since = events_only_since(ws, group_ids)
    if since is None:
        return rows
    words = ws.tr(NOTE, date=since)
    for r in rows:
        if r["name"] in MEMBER_KPIS and r["value"] is not None:  # a KPI without a value says why already
            if not r["note"]:
                r["note"], r["note_words"] = words, [NOTE, {"date": since}]
            r["partial_members"] = True
    return rows


def note_for(ws, group_id: int) -> str | None:
    """The words for one group (``by_group``), or None when its members are listed."""
    since = events_only_since(ws, [group_id])
    return None if since is None else ws.tr(NOTE, date=since)
