"""Retry pauses grow: base_backoff * 2 ** (attempt - 1), capped at max_backoff, each
stretched by a jitter of 1 to 1.25, and a platform's Retry-After wins.

test_outbox.py only checks that a retry is "later than now", which a pause that never
grows (or starts at the cap) also passes. Here every attempt's pause is pinned to its
range, worked out by hand, with the workspace clock moved by the test (no wall clock):
``not_before = now + int(delay)`` and ``delay`` lies in [b, 1.25 * b] for
``b = min(max_backoff, base * 2 ** (attempt - 1))``.
"""

from __future__ import annotations

import asyncio

import pytest

from console.connector import Connector, Pacing
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability, Proposal, Status
from console.outbox import Executor
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from tests.conftest import make_config

CONFIG = """
[operator]
name = "tester"
[database]
path = "b.db"
[connections.flaky]
platform = "flakyplat"
enabled = true
"""

T0 = 1_750_000_000


class AlwaysBusy(Connector):
    """Answers every call with the same transient result, counting calls."""

    platform = "flakyplat"
    capabilities = frozenset({Capability.SEND, Capability.KICK})
    pacing = Pacing(rate=100.0, burst=100)

    def __init__(self, *a, answer=None, **k):
        super().__init__(*a, **k)
        self.answer = answer or ActionResult.retry("timeout")
        self.calls = 0

    async def act(self, request):
        self.calls += 1
        return self.answer


class Plug:
    @hookimpl
    def register_connectors(self, register):
        register(AlwaysBusy)


@pytest.fixture
def bws(tmp_path):
    w = Workspace.open(make_config(tmp_path, base=CONFIG),
                       pm=get_plugin_manager(load_entrypoints=False, extra=[("flakyplugin", Plug())]))
    w.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name)"
                    " VALUES ('flaky', 'flakyplat', 'G', 'g')")
    w.clock = lambda: T0
    yield w
    w.close()


def _attempt(ws, ex, at: int) -> dict:
    with ws.clock_at(at):
        asyncio.run(ex.run_once())
    return ws.store.one("SELECT status, attempts, not_before, last_error FROM actions")


def test_each_retry_waits_twice_as_long_as_the_last(bws):
    bws.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = AlwaysBusy("flaky", {})
    ex = Executor(bws, {"flaky": conn}, pacing=False, max_attempts=6, base_backoff=2.0, max_backoff=900.0)
    # attempt k waits base * 2 ** (k - 1) = 2, 4, 8, 16, 32 s, times 1..1.25, whole seconds:
    # [2, 2.5] -> 2; [4, 5] -> 4..5; [8, 10]; [16, 20]; [32, 40]
    expected = [(2, 2), (4, 5), (8, 10), (16, 20), (32, 40)]
    now = T0
    waits = []
    for k, (lo, hi) in enumerate(expected, 1):
        row = _attempt(bws, ex, now)
        assert (row["status"], row["attempts"], conn.calls) == ("pending", k, k)
        wait = row["not_before"] - now
        waits.append(wait)
        assert lo <= wait <= hi, (k, wait)
        # one second before it is due nothing is tried; at not_before it is
        before = _attempt(bws, ex, row["not_before"] - 1)
        assert (before["attempts"], conn.calls) == (k, k)
        now = row["not_before"]
    assert waits == sorted(waits) and waits[-1] >= 16 * waits[0]
    row = _attempt(bws, ex, now)  # the 6th attempt is the last: max_attempts = 6
    assert row["status"] == "failed" and row["attempts"] == 6 and "gave up after 6 attempts" in row["last_error"]
    assert bws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_retry'") == 5


def test_the_pause_stops_growing_at_max_backoff(bws):
    bws.enqueue([Proposal("kick", "ad", group_id=1)], "rule:ads")
    conn = AlwaysBusy("flaky", {})
    ex = Executor(bws, {"flaky": conn}, pacing=False, max_attempts=10, base_backoff=3.0, max_backoff=10.0)
    # 3, 6, then min(10, 12) = 10, min(10, 24) = 10: [3, 3.75] -> 3; [6, 7.5] -> 6..7; [10, 12.5] -> 10..12 twice
    expected = [(3, 3), (6, 7), (10, 12), (10, 12)]
    now = T0
    for k, (lo, hi) in enumerate(expected, 1):
        row = _attempt(bws, ex, now)
        assert lo <= row["not_before"] - now <= hi, (k, row["not_before"] - now)
        now = row["not_before"]


def test_a_platforms_retry_after_is_used_instead_of_the_backoff(bws):
    bws.enqueue([Proposal("send", "hello", group_id=1, params={"text": "hi"})], "operator:t")
    conn = AlwaysBusy("flaky", {}, answer=ActionResult(Status.RATE_LIMITED, "slow down", retry_after=120))
    ex = Executor(bws, {"flaky": conn}, pacing=False, base_backoff=2.0)
    row = _attempt(bws, ex, T0)
    assert row["status"] == "pending" and 120 <= row["not_before"] - T0 <= 150  # 120 * [1, 1.25], not 2 s
