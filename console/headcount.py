"""Member counts where the platform lists no members: decided here, once, for the host.

A connector without ``list_members`` (Douyin) gives a head count per group in
``GroupInfo.member_count`` when synced; ``console.sync`` stores it as the group's count,
join and leave events move it, and a person first seen speaking gets a membership row
but is not added to the count of a group synced this way: the head count has them
already. A group never synced counts who it sees. A person who joined after the sync
and whose join event was lost is missing from the count until the next sync, the lesser
error. The KPI plugin notes such groups' member KPIs as "members from events since".
"""

from __future__ import annotations

from typing import Any

from .model import Capability


def head_counted_connections(ws: Any) -> frozenset[str]:
    """The configured connections whose connector lists no members (read once per workspace)."""
    state = ws.plugin_state("console.headcount")
    known = state.get("connections")
    if known is None:
        known = state["connections"] = frozenset(
            name for name, cs in ws.settings.connections.items()
            if (cls := ws.registry.connectors.get(cs.platform)) is not None and not cls.can(Capability.LIST_MEMBERS))
    return known


def counted_by_head(ws: Any, conn: Any, group_id: int) -> bool:
    """Whether ``group_id``'s count is the platform's head count taken at a sync (so a
    first-time speaker is not added). ``conn`` is the ingest transaction's connection."""
    connections = head_counted_connections(ws)
    if not connections:
        return False
    row = conn.execute("SELECT connection_id, synced_at FROM groups WHERE id = ?", (group_id,)).fetchone()
    return row is not None and row[1] is not None and row[0] in connections
