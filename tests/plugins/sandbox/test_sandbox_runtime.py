"""The runtime polls the sandbox like any platform: live events are ingested, the world's
groups are listed on first start, and the world is kept for the next start."""

from __future__ import annotations

import asyncio

from console.runtime import Runtime
from console.workspace import Workspace
from tests.conftest import make_config, run_runtime_until

CONFIG = """
[operator]
name = "tester"
[database]
path = "live.db"
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 5
groups = 6
members = 300
speed = 20000.0
"""




def test_runtime_ingests_live_sandbox_traffic(tmp_path):
    ws = Workspace.open(make_config(tmp_path, base=CONFIG))
    try:
        rt = Runtime(ws, batch_wait=0.05)
        count = lambda: ws.store.scalar("SELECT count(*) FROM messages", (), 0)  # noqa: E731
        state = lambda: ws.store.scalar("SELECT state FROM connections WHERE id = 'sandbox'")  # noqa: E731
        asyncio.run(run_runtime_until(rt, lambda: count() >= 20 and state() == "online"))
        assert count() >= 20
        assert ws.store.scalar("SELECT count(*) FROM groups WHERE connection_id = 'sandbox' AND capacity > 0") == 6
        assert ws.store.scalar("SELECT count(*) FROM memberships WHERE join_scene = 'sync'") > 100
        assert state() == "offline"  # online while it ran; nothing receives once the engine stops
        seq = rt.connectors["sandbox"].world.seq
        assert ws.store.scalar("SELECT count(*) FROM sandbox_state") == 1
    finally:
        ws.close()
    ws = Workspace.open(make_config(tmp_path, base=CONFIG))
    try:
        rt = Runtime(ws, batch_wait=0.05)
        world = rt.connectors["sandbox"].world
        assert world.seq == seq and world.epoch == 1  # carried on where it stopped
        before = ws.store.scalar("SELECT count(*) FROM messages")
        asyncio.run(run_runtime_until(rt, lambda: ws.store.scalar("SELECT count(*) FROM messages") > before))
        assert ws.store.scalar("SELECT count(*) FROM groups") == 6  # no second first-sync
        assert ws.store.scalar("SELECT count(*) FROM messages") > before
    finally:
        ws.close()
