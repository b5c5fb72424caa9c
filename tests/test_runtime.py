"""The runtime: polled events are ingested in batches, proposals carried out, dead letters
kept, and a stop commits the in-flight batch and leaves pending actions pending."""

from __future__ import annotations

import asyncio

from console.connector import Connector, Pacing
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability, DeadLetter, Event, Kind, Proposal
from console.pluginmanager import get_plugin_manager
from console.runtime import Runtime, engine_lock_holder
from console.workspace import Workspace
from tests.conftest import make_config, run_runtime_until

CONFIG = """
[database]
path = "r.db"
[connections.p1]
platform = "poller"
enabled = true
"""


class Poller(Connector):
    platform = "poller"
    capabilities = frozenset({Capability.SEND})
    intake = frozenset({"poll"})
    pacing = Pacing(100, 100)
    poll_interval = 0.05

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.n = 0
        self.sent = []

    async def poll(self):
        self.n += 1
        if self.n == 2:
            self.sink.dead_letter(DeadLetter(None, "poll", "bad shape", b"{}"))
        if self.n > 3:
            return []
        return [Event(self.name, f"m{self.n}", Kind.MESSAGE, 1_700_000_000 + self.n, group="g", user="u",
                      text="ping")]

    async def act(self, request):
        self.sent.append(request.params["text"])
        return ActionResult.done()


class Pong:
    @hookimpl
    def register_connectors(self, register):
        register(Poller)

    @hookimpl
    def process_events(self, events, ws):
        return [Proposal("send", "pong", group_id=e.group_id, params={"text": f"pong {e.id}"}, evidence=e.id)
                for e in events if e.text == "ping"]




def test_runtime_polls_ingests_and_acts(tmp_path):
    p = make_config(tmp_path, base=CONFIG)
    ws = Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=[("pong", Pong())]))
    rt = Runtime(ws, batch_wait=0.05)
    conn = rt.connectors["p1"]
    asyncio.run(run_runtime_until(rt, lambda: len(conn.sent) == 3))
    assert sorted(conn.sent) == ["pong m1", "pong m2", "pong m3"]
    assert ws.store.scalar("SELECT count(*) FROM messages") == 3
    assert ws.store.scalar("SELECT count(*) FROM dead_letters") == 1
    assert engine_lock_holder(ws) is None  # released on the way out


def test_stop_commits_in_flight_batch(tmp_path):
    p = make_config(tmp_path, base=CONFIG)
    ws = Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=[("pong", Pong())]))
    rt = Runtime(ws, batch_wait=60)  # the loop would not get to it before the stop
    rt.intake.put([Event("p1", "late", Kind.MESSAGE, 1_700_000_100, group="g", user="u", text="late")])
    asyncio.run(run_runtime_until(rt, lambda: True, timeout=0.1))
    assert ws.store.scalar("SELECT count(*) FROM messages WHERE platform_msg_id = 'late'") == 1


def test_batches_grow_only_while_a_backlog_waits():
    from console.runtime import batch_limit

    assert batch_limit(0, 500) == 500 and batch_limit(500, 500) == 500  # steady traffic: small, quick batches
    assert batch_limit(501, 500, 5000) == 501 and batch_limit(12_000, 500, 5000) == 5000


def test_a_connection_with_bad_options_is_named_and_marked(tmp_path):
    """A connector that rejects its options stops the runtime with the file and key, and
    the Connections screen (the connections row) says why that connection is not running."""
    import pytest

    from console.config import ConfigError

    p = make_config(tmp_path, base='[database]\npath = "r.db"\n[connections.sb]\nplatform = "sandbox"\n'
                                   'enabled = true\ngroups = 0\n')
    ws = Workspace.open(p)
    with pytest.raises(ConfigError) as err:
        Runtime(ws)
    assert str(p) in str(err.value) and "connections.sb.groups" in str(err.value)
    row = ws.store.one("SELECT state, last_error FROM connections WHERE id = 'sb'")
    assert row["state"] == "error" and "connections.sb.groups" in row["last_error"]
    ws.close()


def test_connections_go_offline_when_the_engine_stops(tmp_path):
    p = make_config(tmp_path, base=CONFIG)
    ws = Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=[("pong", Pong())]))
    rt = Runtime(ws, batch_wait=0.05)
    states = []
    asyncio.run(run_runtime_until(
        rt, lambda: states.append(ws.store.scalar("SELECT state FROM connections WHERE id = 'p1'")) or len(rt.connectors["p1"].sent) == 3))
    assert "online" in states  # while events flowed
    assert ws.store.scalar("SELECT state FROM connections WHERE id = 'p1'") == "offline"


def test_a_replay_by_another_process_is_not_counted_twice_in_the_speaker_rollup(tmp_path):
    """`shequn deadletters replay` stores a message while serve runs: serve's cached
    speakers of that group-day miss the replayed speaker, who was then counted again when
    they spoke next (the known issue "replay overcounts speaker rollup under serve")."""
    from console import deadletters
    from console.deadletters import event_letter

    cfg = make_config(tmp_path, base=CONFIG)
    serve_ws = Workspace.open(cfg, pm=get_plugin_manager(extra=[("pong", Pong())]))
    rt = Runtime(serve_ws)
    t0 = 1_700_000_000

    def msg(mid, user, dt=0):
        return Event("p1", mid, Kind.MESSAGE, t0 + dt, group="g", user=user, text="hi")

    rt._store_batch([msg("a1", "alice")])  # serve knows alice spoke in g that day
    # the replay runs in another process: a connection of its own
    cli_ws = Workspace.open(cfg, pm=get_plugin_manager(extra=[("pong", Pong())]))
    lid = deadletters.write(cli_ws.store, cli_ws.now(), event_letter(msg("b1", "bob", 5), ValueError("bug")))
    assert deadletters.replay(cli_ws, [lid])[0]["outcome"] == "replayed"
    cli_ws.close()
    rt._store_batch([msg("b2", "bob", 10), msg("a2", "alice", 11)])  # bob speaks again through serve
    speakers = serve_ws.store.scalar("SELECT speakers FROM rollups_daily")
    distinct = serve_ws.store.scalar("SELECT count(DISTINCT person_id) FROM speaker_days")
    assert (speakers, distinct) == (2, 2)
    assert serve_ws.store.scalar("SELECT messages FROM rollups_daily") == 4
    serve_ws.close()


def test_a_connection_whose_start_fails_is_marked_and_started_again(tmp_path):
    """A bridge that is down at start-up: the connection reads error with the reason, and
    the supervisor starts it again (once up, it polls and its events are stored)."""
    p = make_config(tmp_path, base=CONFIG)
    ws = Workspace.open(p, pm=get_plugin_manager(load_entrypoints=False, extra=[("pong", Pong())]))
    rt = Runtime(ws, batch_wait=0.05, first_restart_pause=0)
    conn = rt.connectors["p1"]
    starts = []

    async def start_once_broken():
        starts.append(1)
        if len(starts) == 1:
            raise ConnectionError("bridge down")

    conn.start = start_once_broken
    errors = []
    asyncio.run(run_runtime_until(rt, lambda: errors.append(ws.store.scalar(
        "SELECT last_error FROM connections WHERE id = 'p1'")) or len(conn.sent) == 3))
    assert len(starts) == 2 and rt.supervisor.restarts["intake:p1"] == 1
    assert any(e and "could not start: bridge down" in e for e in errors)
    assert sorted(conn.sent) == ["pong m1", "pong m2", "pong m3"]
