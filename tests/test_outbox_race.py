"""Two executors (two workspaces on one database file, as ``serve`` and a console are)
racing for the same due actions: each action is carried out exactly once.

Both executors read the same due rows before either claims one: a barrier inside
``due()`` holds each thread until the other has read too, so the race is certain, not
left to the scheduler. Then each claims and calls its connector. The claim must be a
compare-and-set on ``status = 'pending'`` under the store's write lock; a claim that
ignores what another executor did runs the action twice. The barrier's timeout is a
hang guard only: it never fires when the code is right.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from console.connector import Connector, Pacing
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability, Proposal
from console.outbox import Executor
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from tests.conftest import make_config

CONFIG = """
[operator]
name = "tester"
[database]
path = "race.db"
[connections.shared]
platform = "sharedplat"
enabled = true
"""

HANG_GUARD = 60  # seconds; only a deadlock would reach it


class Counting(Connector):
    """Records every action it is asked to carry out; all succeed."""

    platform = "sharedplat"
    capabilities = frozenset({Capability.SEND, Capability.KICK})
    pacing = Pacing(rate=1000.0, burst=1000)
    calls: list[tuple[str, int]] = []  # (executor, action id), shared by both instances
    lock = threading.Lock()

    def __init__(self, name, options=None, who=""):
        super().__init__(name, options or {})
        self.who = who

    async def act(self, request):
        with self.lock:
            self.calls.append((self.who, request.action_id))
        await asyncio.sleep(0)  # let the other side run between call and result
        return ActionResult.done()


class Plug:
    @hookimpl
    def register_connectors(self, register):
        register(Counting)


def _open(path):
    return Workspace.open(path, pm=get_plugin_manager(load_entrypoints=False, extra=[("sharedplugin", Plug())]))


class Rendezvous(Executor):
    """An executor whose read of the due actions waits for the other executor's read."""

    def __init__(self, *a, barrier: threading.Barrier, **k):
        super().__init__(*a, **k)
        self.barrier = barrier
        self.seen: list[int] = []

    def due(self, limit: int = 200):
        rows = super().due(limit)
        if not self.seen:  # the first read of each executor meets the other's
            self.seen = [r["id"] for r in rows]
            self.barrier.wait(HANG_GUARD)
        return rows


@pytest.fixture
def two(tmp_path):
    cfg = make_config(tmp_path, base=CONFIG)
    a, b = _open(cfg), _open(cfg)
    a.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name)"
                    " VALUES ('shared', 'sharedplat', 'G', 'g')")
    Counting.calls = []
    yield a, b
    a.close()
    b.close()


def _race(a, b, barrier) -> tuple[Rendezvous, Rendezvous]:
    exa = Rendezvous(a, {"shared": Counting("shared", who="A")}, pacing=False, barrier=barrier)
    exb = Rendezvous(b, {"shared": Counting("shared", who="B")}, pacing=False, barrier=barrier)
    errors: list[BaseException] = []

    def run(ex):
        try:
            asyncio.run(ex.run_once())
        except BaseException as e:  # surfaced below, with the thread's own traceback
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(ex,)) for ex in (exa, exb)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG_GUARD)
        assert not t.is_alive(), "an executor hung"
    if errors:
        raise errors[0]
    return exa, exb


def test_two_executors_never_run_one_action_twice(two):
    a, b = two
    ids = a.enqueue([Proposal("kick", f"ad {i}", group_id=1, evidence=f"m{i}") for i in range(6)], "rule:ads")
    exa, exb = _race(a, b, threading.Barrier(2))
    assert exa.seen == exb.seen == ids  # both saw every action due before either claimed one
    called = [aid for _, aid in Counting.calls]
    assert sorted(called) == ids  # each action once, none twice, none lost
    rows = a.store.query("SELECT id, status, attempts FROM actions ORDER BY id")
    assert [(r["status"], r["attempts"]) for r in rows] == [("done", 1)] * 6
    assert a.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_done'") == 6


def test_an_action_claimed_by_the_other_executor_is_left_to_it(two):
    """Sequential form of the race: B read the due list, then A carried everything out;
    B's stale list must not make it act again."""
    a, b = two
    ids = a.enqueue([Proposal("send", f"m{i}", group_id=1, params={"text": str(i)}) for i in range(3)], "operator:t")
    stale = b.store.query("SELECT * FROM actions WHERE status = 'pending' ORDER BY id")
    exa = Executor(a, {"shared": Counting("shared", who="A")}, pacing=False)
    asyncio.run(exa.run_once())
    exb = Executor(b, {"shared": Counting("shared", who="B")}, pacing=False)
    exb.due = lambda limit=200: stale  # what B read before A ran
    assert asyncio.run(exb.run_once()) == 0
    assert Counting.calls == [("A", i) for i in ids]
    assert {r["status"] for r in a.store.query("SELECT status FROM actions")} == {"done"}
