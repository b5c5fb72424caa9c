"""``shequn.connections.carry_out_now``: one queued action carried out from a verb while no
serve runs (the entry plugin's ``joins approve --wait``), through the host's outbox, so a
plugin never builds the outbox itself (issue 22: built-ins use only the public API)."""

from __future__ import annotations

import pytest

from console.connector import Connector, Pacing
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability, Proposal
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from shequn.connections import carry_out_now
from tests.conftest import make_config

CONFIG = """
[operator]
name = "tester"
[database]
path = "o.db"
[connections.fake]
platform = "fakeplat"
enabled = true
[connections.busy]
platform = "busyplat"
enabled = true
[connections.off]
platform = "fakeplat"
enabled = false
"""

CALLS: list[tuple[str, str]] = []


class Answers(Connector):
    platform = "fakeplat"
    capabilities = frozenset({Capability.SEND})
    pacing = Pacing(rate=0.001, burst=1)  # paced, a second send would wait: carry_out_now does not pace

    async def act(self, request):
        CALLS.append((self.name, request.params["text"]))
        return ActionResult.done("sent")

    async def stop(self):
        CALLS.append((self.name, "stopped"))


class Busy(Answers):
    platform = "busyplat"

    async def act(self, request):
        CALLS.append((self.name, request.params["text"]))
        return ActionResult.retry("slow down", retry_after=60)


class Plug:
    @hookimpl
    def register_connectors(self, register):
        register(Answers)
        register(Busy)


@pytest.fixture
def ws(tmp_path):
    CALLS.clear()
    w = Workspace.open(make_config(tmp_path, base=CONFIG),
                       pm=get_plugin_manager(load_entrypoints=False, extra=[("fakeplugin", Plug())]))
    for conn, plat, gid in (("fake", "fakeplat", "G"), ("busy", "busyplat", "B"), ("off", "fakeplat", "O")):
        w.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES (?,?,?,?)",
                        (conn, plat, gid, gid))
    yield w
    w.close()


def _send(ws, group: str, text: str) -> int:
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (group,))
    return ws.enqueue([Proposal("send", text, group_id=gid, params={"text": text}, evidence=text)], "operator:t")[0]


def test_one_action_is_carried_out_and_only_that_one(ws):
    first, second = _send(ws, "G", "one"), _send(ws, "G", "two")
    word, row = carry_out_now(ws, second)
    assert (word, row["id"], row["status"]) == ("done", second, "done")
    # then stopped, as the runtime stops it: the sandbox saves the world the action changed
    assert CALLS == [("fake", "two"), ("fake", "stopped")]
    assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (first,)) == "pending"
    assert carry_out_now(ws, second) == ("not_pending", None)  # done already: nothing runs twice
    assert carry_out_now(ws, 999) == ("not_pending", None)
    assert CALLS == [("fake", "two"), ("fake", "stopped")]


def test_a_platform_asking_to_wait_leaves_it_pending_for_the_outbox(ws):
    aid = _send(ws, "B", "later")
    word, row = carry_out_now(ws, aid)
    assert (word, row["status"], row["connection_id"]) == ("retry", "pending", "busy")
    assert "slow down" in row["last_error"] and CALLS == [("busy", "later"), ("busy", "stopped")]


def test_a_disabled_connection_is_not_used(ws):
    aid = _send(ws, "O", "quiet")
    word, row = carry_out_now(ws, aid)
    assert (word, row["connection_id"], row["status"]) == ("not_enabled", "off", "pending") and CALLS == []


def test_a_running_serve_carries_it_out_instead(ws):
    from console.engine_lock import clear_lock, write_lock

    aid = _send(ws, "G", "served")
    write_lock(ws, "serve")
    assert carry_out_now(ws, aid) == ("served", None) and CALLS == []
    clear_lock(ws)
    assert carry_out_now(ws, aid)[0] == "done" and CALLS == [("fake", "served"), ("fake", "stopped")]


def test_a_backfill_carries_out_on_its_own_loop_and_serve_off_it(ws, monkeypatch):
    """A back-fill's loop serves nothing else, so its outbox reads and writes in place (two
    thread hand-offs an action saved); serve's outbox (the default) keeps them off its loop."""
    import asyncio
    import threading

    from console.executor import Executor
    from console.offline import Backfill

    claimed_in: list[int] = []
    real = Executor._claim

    def claim(self, row, held=None):
        claimed_in.append(threading.get_ident())
        return real(self, row, held)

    monkeypatch.setattr(Executor, "_claim", claim)
    conn = Answers("fake", {})
    loop_thread: list[int] = []

    async def drain(executor) -> int:
        loop_thread.append(threading.get_ident())
        return await executor.drain()

    _send(ws, "G", "back-filled")
    assert asyncio.run(drain(Backfill(ws, conn)._executor)) == 1
    _send(ws, "G", "served")
    assert asyncio.run(drain(Executor(ws, {"fake": conn}, pacing=False))) == 1
    assert CALLS == [("fake", "back-filled"), ("fake", "served")]
    assert claimed_in[0] == loop_thread[0]  # the back-fill: on its loop's thread
    assert claimed_in[1] != loop_thread[1]  # serve's: in a worker thread
    assert ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'done'") == 2
