"""End to end through the fake bridge: a join request arrives, a plugin approves it,
the approval reaches the bridge, the join comes back, the member is in the store.

Run for both intakes (signed HTTP POST into `shequn serve`'s webhook server, and the
forward WebSocket), and for both message formats."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from console.hookspecs import hookimpl
from console.model import Decision
from console.pluginmanager import get_plugin_manager
from console.serve import serve_workspace
from console.workspace import Workspace
from tests.conftest import make_config
from tests.plugins.qq.qqhelpers import make_bot

BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""


class Approver:
    """A tiny admission rule: approve answers that contain 42, reject the rest."""

    @hookimpl
    def decide_join_request(self, request, ws):
        if "42" in request["comment"]:
            return Decision("approve", "answered 42", rule="test-answer")
        return Decision("reject", "wrong answer", rule="test-answer")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def until(pred, timeout=10.0, what="condition"):
    for _ in range(int(timeout / 0.05)):
        if pred():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("intake,fmt,dialect", [("http_post", "array", "gocq"), ("http_post", "string", "napcat"),
                                                ("websocket", "string", "gocq")])
async def test_join_request_to_member(tmp_path, intake, fmt, dialect):
    bot = make_bot(dialect=dialect, message_format=fmt)
    port = free_port()
    opts = ('secret = "sec"' if intake == "http_post" else f'ws_url = "{bot.ws_url}"\nintake = "websocket"')
    cfg = make_config(tmp_path, f"""
[serve]
port = {port}

[connections.qq1]
platform = "qq"
enabled = true
base_url = "{bot.base_url}"
access_token = "tok"
self_id = "10001"
{opts}
""", base=BASE)
    if intake == "http_post":
        bot.post_url = f"http://127.0.0.1:{port}/hooks/qq/qq1"
    ws = Workspace.open(cfg, pm=get_plugin_manager(extra=[("approver", Approver())]))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_workspace(ws, host="127.0.0.1", port=port, stop=stop, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        if intake == "websocket":
            await asyncio.to_thread(bot.wait_ws_clients, 1)
        bot.inject_join_request(1, 50, "答案是 42")
        bot.inject_join_request(1, 51, "我是来发广告的")
        bot.inject_message(1, 42, "欢迎 [CQ:at,qq=50] &#91;新人&#93;" if fmt == "string" else
                           [{"type": "text", "data": {"text": "欢迎 "}}, {"type": "at", "data": {"qq": "50"}}])

        def member_50():
            return ws.store.one(
                "SELECT m.status, m.join_scene FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                " JOIN groups g ON g.id = m.group_id WHERE i.platform_user_id = '50' AND g.platform_group_id = '1'")

        await until(lambda: member_50() is not None, what="member 50 in the store")
        assert member_50()["status"] == "member" and member_50()["join_scene"] == "approve"
        assert 50 in bot.members[1]
        await until(lambda: any(h["user_id"] == 51 for h in bot.handled_requests), what="rejection")
        rejected = [h for h in bot.handled_requests if h["user_id"] == 51][0]
        assert rejected["approve"] is False
        # the bridge handled it; the outbox commits that result a moment later (with its next claim)
        await until(lambda: ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'done'") == 2,
                    what="both results committed")
        # ... and the requests' outcomes follow those results (a step of their own under load)
        def reqs():
            return {r["comment"]: r["status"] for r in ws.store.query("SELECT comment, status FROM join_requests")}

        await until(lambda: reqs() == {"答案是 42": "approved", "我是来发广告的": "rejected"},
                    what="the requests' outcomes")
        msg = ws.store.one("SELECT text, meta FROM messages")
        assert msg["text"].startswith("欢迎 @50") and json.loads(msg["meta"])["mentions"] == ["50"]
        acts = ws.store.query("SELECT kind, status FROM actions ORDER BY id")
        assert [(a["kind"], a["status"]) for a in acts] == [("approve_join", "done"), ("reject_join", "done")]
        assert ws.store.scalar("SELECT state FROM connections WHERE id = 'qq1'") == "online"
        assert ws.store.scalar("SELECT count(*) FROM dead_letters") == 0
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        bot.stop()
        ws.close()


async def test_websocket_reconnects_and_missing_heartbeats_show_offline(tmp_path):
    from console.connector import NullSink
    from tests.plugins.qq.qqhelpers import make_connector

    bot = make_bot(heartbeat_interval=0.2)
    sink = NullSink()
    c = make_connector(bot, sink=sink, intake="websocket", ws_url=bot.ws_url, heartbeat_timeout=1.0)
    await c.start()
    try:
        await asyncio.to_thread(bot.wait_ws_clients, 1)
        bot.inject_message(1, 42, "one")
        await until(lambda: any(e.text == "one" for e in sink.received), what="first message")
        bot.drop_ws()  # the bridge crashes the socket: the connector comes back by itself
        await asyncio.to_thread(bot.wait_ws_clients, 1, 10)
        bot.inject_message(1, 42, "two")
        await until(lambda: any(e.text == "two" for e in sink.received), what="message after reconnect")
        assert c.reconnects >= 1 and ("offline" in [s for s, _ in sink.states])
        # heartbeats stop (the bridge hangs without closing): after heartbeat_timeout the connection is offline
        bot.heartbeat_interval = None
        bot.stop()
        await until(lambda: sink.states and sink.states[-1][0] == "offline", what="offline state")
        bot.start()
        await asyncio.to_thread(bot.wait_ws_clients, 1, 15)
        await until(lambda: sink.states[-1][0] == "online", what="online again")
    finally:
        await c.stop()
        bot.stop()


async def test_a_bridge_that_is_down_at_start_leaves_the_engine_running(tmp_path):
    from console.connector import NullSink
    from tests.plugins.qq.qqhelpers import make_connector

    bot = make_bot()
    bot.stop()
    sink = NullSink()
    c = make_connector(bot, sink=sink, intake="websocket", ws_url=bot.ws_url)
    await c.start()  # no exception: the connection is shown offline and keeps trying
    await until(lambda: any(s == "offline" for s, _ in sink.states), what="offline")
    assert "qq1" in [e for _, e in sink.states if e][0]
    bot.start()
    await asyncio.to_thread(bot.wait_ws_clients, 1, 15)
    await c.stop()
    bot.stop()
