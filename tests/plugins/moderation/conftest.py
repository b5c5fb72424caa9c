"""Fixtures for the moderation tests."""

from __future__ import annotations

import pytest

from moderation_helpers import T0, feed, join


@pytest.fixture
def mws(ws):
    """The workspace with three sandbox groups (g1, g2 in family 'fam', g3 alone) and members
    who joined three days ago (past newcomer probation, whose tests join people themselves)."""
    evs = [join(g, u, T0 - 3 * 86400) for g in ("g1", "g2", "g3") for u in ("alice", "bob", "kol1", "carol")]
    feed(ws, evs, T0 - 3 * 86400)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'fam' WHERE platform_group_id IN ('g1', 'g2')")
    return ws
