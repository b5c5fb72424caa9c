"""The connector contract's obligations that only the host's source told before (issue 22,
item 2): attach(ws) declared by the base, a per-plugin state slot, pacing per group, polling
as configured, intake loops ended before their connectors stop, one platform name per
plugin, one group's refresh, and the reject_reason capability in the kit."""

from __future__ import annotations

import asyncio

import pytest

from console.connector import Connector, Pacing
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability, GroupInfo, Proposal
from console.outbox import Executor
from console.pluginmanager import get_plugin_manager
from console.runtime import Runtime
from console.sync import build_connector, refresh_group
from console.testing import ConnectorConformance
from console.workspace import Workspace
from tests.conftest import make_config

CONFIG = """
[database]
path = "c.db"
[connections.a]
platform = "plainplat"
enabled = true
"""


class Plain(Connector):
    """A connector that declares nothing beyond what it must: no attach of its own."""

    platform = "plainplat"
    capabilities = frozenset({Capability.SEND, Capability.LIST_GROUPS})
    intake = frozenset({"webhook", "poll"})
    options = ()
    pacing = Pacing(100, 100)
    group_pacing = Pacing(rate=1.0, burst=1)
    poll_interval = 0.01

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.calls: list[str] = []

    async def act(self, request):
        self.calls.append(request.group)
        return ActionResult.done()

    async def list_groups(self):
        return [GroupInfo("G1", "platform name", member_count=40, capacity=500), GroupInfo("G2", "other")]


class Chooser(Plain):
    """The same with an ``intake`` option: the operator picks webhook or poll."""

    from console.connector import Option

    platform = "chooser"
    options = (Option("intake", "webhook or poll", default="webhook"),)


def plugin(*classes, name="plainplugin"):
    class P:
        @hookimpl
        def register_connectors(self, register):
            for cls in classes:
                register(cls)
    return (name, P())


def open_ws(tmp_path, *plugins, extra=""):
    p = make_config(tmp_path, CONFIG + extra, base="")
    return Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=list(plugins)))


# --- attach and the state slot ----------------------------------------------------------------

def test_attach_is_declared_and_called_by_the_runtime_and_one_off_verbs(tmp_path):
    ws = open_ws(tmp_path, plugin(Plain))
    assert Plain("bare").ws is None  # a bare instance (a test) has no workspace
    assert Runtime(ws).connectors["a"].ws is ws
    assert build_connector(ws, "a").ws is ws
    ws.close()


def test_plugin_state_is_one_dict_per_plugin_for_the_workspaces_life(tmp_path):
    ws = open_ws(tmp_path, plugin(Plain))
    ws.plugin_state("one")["rules"] = 1
    assert ws.plugin_state("one") == {"rules": 1} and ws.plugin_state("two") == {}
    assert ws.plugin_state("one") is ws.plugin_state("one")
    ws.close()


# --- one platform name, one plugin -----------------------------------------------------------

def test_two_plugins_registering_one_platform_is_a_plugin_problem(tmp_path, capsys):
    class Other(Plain):
        pass

    ws = open_ws(tmp_path, plugin(Plain, name="first"), plugin(Other, name="second"))
    kept = ws.registry.connector_plugin["plainplat"]  # the first in pluggy's call order
    assert ws.registry.connectors["plainplat"] is {"first": Plain, "second": Other}[kept]
    (problem,) = [p for p in ws.pm.problems if p.hook == "register_connectors"]
    assert problem.plugin == ({"first", "second"} - {kept}).pop()
    assert f"platform 'plainplat' is already registered by plugin '{kept}'" in problem.error
    ws.close()


def test_one_plugin_registering_its_class_twice_is_not_a_problem(tmp_path):
    ws = open_ws(tmp_path, plugin(Plain, Plain))
    assert not ws.pm.problems
    ws.close()


# --- pacing per group -------------------------------------------------------------------------

def test_a_group_at_its_limit_waits_in_order_while_other_groups_go_on(tmp_path):
    ws = open_ws(tmp_path, plugin(Plain))
    for gid in ("G1", "G2"):
        ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name)"
                         " VALUES ('a','plainplat',?,?)", (gid, gid))
    g1, g2 = (ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (g,)) for g in ("G1", "G2"))
    ws.enqueue([Proposal("send", "1", group_id=g1, params={"text": "a"}),
                Proposal("send", "2", group_id=g1, params={"text": "b"}),
                Proposal("send", "3", group_id=g2, params={"text": "c"}),
                Proposal("send", "4", group_id=g1, params={"text": "d"})], "operator:t")
    clock = [0.0]
    conn = Plain("a", {})
    ex = Executor(ws, {"a": conn}, pacing=True, monotonic=lambda: clock[0])
    asyncio.run(ex.run_once())
    assert conn.calls == ["G1", "G2"]  # G1's second waits for G1's pace, G2 is not held up
    asyncio.run(ex.run_once())
    assert conn.calls == ["G1", "G2"]  # no time has passed
    clock[0] += 1.0
    asyncio.run(ex.run_once())
    assert conn.calls == ["G1", "G2", "G1"]
    texts = [r[0] for r in ws.store.execute("SELECT params FROM actions WHERE status = 'pending'")]
    assert texts == ['{"text": "d"}'] or texts == ['{"text":"d"}']  # order kept within G1
    ws.close()


# --- polling as configured, and the stop order ---------------------------------------------------

def test_polling_follows_the_configured_intake(tmp_path, monkeypatch):
    extra = '[connections.w]\nplatform = "chooser"\nenabled = true\nintake = "webhook"\n' \
            '[connections.p]\nplatform = "chooser"\nenabled = true\nintake = "poll"\n'
    ws = open_ws(tmp_path, plugin(Plain, Chooser), extra=extra)
    rt = Runtime(ws)
    assert rt.connectors["w"].intake_in_force() == {"webhook"}
    assert rt.connectors["p"].intake_in_force() == {"poll"}
    assert rt.connectors["a"].intake_in_force() == {"webhook", "poll"}  # no option: every declared intake
    polled: list[str] = []

    async def fake_poll_loop(name, c):
        polled.append(name)

    monkeypatch.setattr(rt, "_poll_loop", fake_poll_loop)

    async def go():
        rt.stop_event = asyncio.Event()
        rt.stop_event.set()  # the loop of a connection that does not poll returns at once
        for name, c in rt.connectors.items():
            await rt._connection_loop(name, c)
    asyncio.run(go())
    assert sorted(polled) == ["a", "p"]
    ws.close()


class SlowPoller(Plain):
    platform = "slowpoll"
    intake = frozenset({"poll"})
    log: list[str] = []

    async def poll(self):
        SlowPoller.log.append("poll")
        try:
            await asyncio.sleep(3600)  # a long request under way when the stop comes
        except asyncio.CancelledError:
            SlowPoller.log.append("poll cancelled")
            raise
        return []

    async def stop(self):
        SlowPoller.log.append("stop")


def test_a_stop_ends_the_poll_before_stopping_the_connector(tmp_path):
    extra = '[connections.s]\nplatform = "slowpoll"\nenabled = true\n'
    ws = open_ws(tmp_path, plugin(Plain, SlowPoller), extra=extra)
    SlowPoller.log = []
    rt = Runtime(ws, connectors=None)

    async def go():
        stop = asyncio.Event()
        task = asyncio.create_task(rt.run(stop))
        while "poll" not in SlowPoller.log:
            await asyncio.sleep(0)
        stop.set()
        await task
    asyncio.run(asyncio.wait_for(go(), 30))
    assert SlowPoller.log == ["poll", "poll cancelled", "stop"]
    assert ws.store.scalar("SELECT state FROM connections WHERE id = 's'") != "error"
    ws.close()


# --- one group's refresh -----------------------------------------------------------------------

def test_refresh_group_brings_one_groups_row_up_to_date(tmp_path):
    ws = open_ws(tmp_path, plugin(Plain))
    conn = build_connector(ws, "a")
    info = asyncio.run(refresh_group(ws, conn, "G1"))  # a group not known yet is added
    assert info.name == "platform name"
    row = ws.store.one("SELECT id, name, capacity, member_count FROM groups WHERE platform_group_id = 'G1'")
    assert (row["name"], row["capacity"], row["member_count"]) == ("platform name", 500, 40)
    ws.store.execute("UPDATE groups SET name = 'stale', member_count = 38 WHERE id = ?", (row["id"],))
    asyncio.run(refresh_group(ws, conn, "G1"))
    row = ws.store.one("SELECT name, member_count FROM groups WHERE platform_group_id = 'G1'")
    assert (row["name"], row["member_count"]) == ("platform name", 40)  # no member list: the head count
    from console.connector import ConnectorError

    with pytest.raises(ConnectorError, match="does not list group G9"):
        asyncio.run(refresh_group(ws, conn, "G9"))
    ws.close()


def test_refresh_group_keeps_the_member_count_of_a_connector_that_lists_members(tmp_path):
    class Lister(Plain):
        capabilities = Plain.capabilities | {Capability.LIST_MEMBERS}

    ws = open_ws(tmp_path, plugin(Lister))
    conn = build_connector(ws, "a")
    asyncio.run(refresh_group(ws, conn, "G1"))
    ws.store.execute("UPDATE groups SET member_count = 7 WHERE platform_group_id = 'G1'")
    asyncio.run(refresh_group(ws, conn, "G1"))
    assert ws.store.scalar("SELECT member_count FROM groups WHERE platform_group_id = 'G1'") == 7
    ws.close()


# --- the kit knows the new declarations -------------------------------------------------------

def test_the_kit_refuses_reject_reason_without_approve_join():
    class NoJoins(Plain):
        capabilities = frozenset({Capability.SEND, Capability.REJECT_REASON})

    class Kit(ConnectorConformance):
        connector_class = NoJoins

        def sample_requests(self):
            from console.model import ActionRequest

            return {"send": ActionRequest(1, "send", "k", group="G1", params={"text": "x"})}

    with pytest.raises(AssertionError, match="reject_reason without approve_join"):
        Kit().test_capabilities_are_consistent()
    NoJoins.capabilities = frozenset({Capability.SEND})
    Kit().test_capabilities_are_consistent()
