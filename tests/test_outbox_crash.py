"""Exactly once across a crash: the executor is SIGKILLed in the middle of a bridge call.

A subprocess runs the outbox executor on a workspace holding N kick / mute / send
actions against the fake bridge (served by this test process). One call is made
slow; the test kills the subprocess while that call is under way (the fake has
already carried it out, as a real bridge would). A second run recovers: kicks and
mutes are reconciled against get_group_member_info, the in-doubt send becomes a task
instead of a resend, the rest run once. Every effect reaches the fake exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from console.model import Event, Kind, Proposal
from console.engine import Engine
from console.workspace import Workspace
from tests.conftest import make_config
from tests.plugins.qq.qqhelpers import make_bot

ROOT = Path(__file__).resolve().parent.parent

RUNNER = r"""
import asyncio, sys
sys.path.insert(0, sys.argv[2])
from console.workspace import Workspace
from console.outbox import Executor
from console.sync import build_connector
ws = Workspace.open(sys.argv[1])
conn = build_connector(ws, "qq1")
ex = Executor(ws, {"qq1": conn}, pacing=False)
print("recovered", ex.recover(), flush=True)
asyncio.run(ex.drain())
print("done", ex.stats.done, "failed", ex.stats.failed, flush=True)
"""

BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""


def run(cfg: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(cfg), str(ROOT)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=str(cfg.parent))


@pytest.mark.parametrize("slow", ["kick", "mute", "send"])
def test_sigkill_mid_call_then_recover_applies_each_effect_once(tmp_path, slow):
    bot = make_bot()
    users = [60, 61, 62, 63, 64, 65]
    for u in users:
        bot.add_member(1, u, f"m{u}")
    bot.slow_seconds = 30
    cfg = make_config(tmp_path, f"""
[connections.qq1]
platform = "qq"
enabled = true
base_url = "{bot.base_url}"
access_token = "tok"
intake = "websocket"
ws_url = "{bot.ws_url}"
""", base=BASE)
    ws = Workspace.open(cfg)
    # the group and people exist because events mentioned them
    Engine(ws).ingest([Event("qq1", f"m{u}", Kind.MESSAGE, 1_700_000_000, group="1", user=str(u), text="hi")
                       for u in users])
    gid = ws.store.scalar("SELECT id FROM groups")
    pid = {u: ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (str(u),)) for u in users}
    plan = [Proposal("kick", "ad", gid, pid[60]), Proposal("mute", "flood", gid, pid[61], {"duration": 600}),
            Proposal("send", "greeting", gid, params={"text": "早安 1"}),
            Proposal("kick", "ad", gid, pid[62]), Proposal("mute", "flood", gid, pid[63], {"duration": 600}),
            Proposal("send", "greeting", gid, params={"text": "早安 2"}),
            Proposal("kick", "ad", gid, pid[64]), Proposal("send", "greeting", gid, params={"text": "早安 3"})]
    ws.enqueue(plan, "operator:tester")
    slow_target = {"kick": ("set_group_kick", 62), "mute": ("set_group_ban", 63),
                   "send": ("send_group_msg", "早安 2")}[slow]
    bot.slow_on = slow_target

    first = run(cfg)
    try:
        bot.wait_for(lambda: any(a == slow_target[0] and (str(slow_target[1]) in json.dumps(p, ensure_ascii=False))
                                 for a, p in bot.calls), timeout=20, what="the slow call")
        time.sleep(0.2)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    running = ws.store.query("SELECT id, kind FROM actions WHERE status = 'running'")
    assert len(running) == 1, running  # exactly the one under way when killed
    bot.slow_on = None

    second = run(cfg)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    kicks = Counter(p["user_id"] for a, p in bot.calls if a == "set_group_kick")
    bans = Counter(p["user_id"] for a, p in bot.calls if a == "set_group_ban")
    sends = Counter(s["segments"][0]["data"]["text"] for s in bot.sent)
    assert kicks == {60: 1, 62: 1, 64: 1}
    assert bans == {61: 1, 63: 1}
    assert sends == {"早安 1": 1, "早安 2": 1, "早安 3": 1}
    assert not ({60, 62, 64} & set(bot.members[1]))
    statuses = {r["kind"] + str(r["id"]): r["status"] for r in ws.store.query("SELECT id, kind, status FROM actions")}
    if slow == "send":
        # in doubt, not repeated: failed with a task for a person to check
        assert list(statuses.values()).count("failed") == 1
        assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'check_action'") == 1
    else:
        assert set(statuses.values()) == {"done"}
        assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_in_doubt'") == 1
    ws.close()
    bot.stop()
