"""The join queue with connections whose platforms keep a request for different times:
each request is live for its own connection's lifetime, and a connection with no known
lifetime keeps its old requests in the queue (the queue's bound on age must not cut them)."""

from __future__ import annotations

from tests.conftest import make_config

from console.workspace import Workspace
from plugins.entry_rules.api import queue

DAY = 86400
NOW = 1_800_000_000


def _ws(tmp_path, third: str = ""):
    extra = ('[connections.long]\nplatform = "sandbox"\nenabled = false\njoin_request_hours = 168\n' + third)
    ws = Workspace.open(make_config(tmp_path, extra))
    ws.clock = lambda: NOW
    return ws


def _requests(ws, rows):
    with ws.store.write() as c:
        for i, (conn, days_old) in enumerate(rows, 1):
            c.execute("INSERT INTO join_requests(connection_id, platform_request_id, requested_at) VALUES (?, ?, ?)",
                      (conn, f"r{i}", NOW - int(days_old * DAY)))


def _live(ws):
    got = queue(ws, "pending", limit=200)
    return got["total"], sorted((r["id"]) for r in got["rows"])


def test_each_request_lives_for_its_own_connections_lifetime(tmp_path):
    ws = _ws(tmp_path)
    # sandbox keeps 3 days, "long" 7 (join_request_hours = 168)
    _requests(ws, [("sandbox", 2), ("sandbox", 5), ("sandbox", 8), ("long", 2), ("long", 5), ("long", 8)])
    assert _live(ws) == (3, [1, 4, 5])
    assert queue(ws, "expired")["total"] == 3
    ws.close()


def test_a_connection_without_a_known_lifetime_keeps_its_old_requests(tmp_path):
    # a connector that declares no lifetime (None): its requests never expire by age
    ws = _ws(tmp_path, '[connections.forever]\nplatform = "nowhere"\nenabled = false\n')
    _requests(ws, [("sandbox", 8), ("forever", 30), ("long", 5)])
    assert _live(ws) == (2, [2, 3])
    ws.close()
