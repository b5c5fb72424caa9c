"""The same ladder on QQ, through the fake OneBot bridge: warning @-mentions, recall, kick."""

from __future__ import annotations

import asyncio

import pytest

from console.connector import NullSink
from console.engine import Engine
from console.outbox import Executor
from console.workspace import Workspace

qqhelpers = pytest.importorskip("tests.plugins.qq.qqhelpers")


async def _until(pred, what, timeout=5.0):
    for _ in range(int(timeout / 0.02)):
        if pred():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def test_qq_ad_warned_then_kicked(config_path):
    bot = qqhelpers.make_bot()
    token = f'access_token = "{bot.access_token}"\n' if bot.access_token else ""
    config_path.write_text(config_path.read_text(encoding="utf-8") + f"""
[connections.qq1]
platform = "qq"
enabled = true
base_url = "{bot.base_url}"
{token}""", encoding="utf-8")
    ws = Workspace.open(config_path)
    sink = NullSink()
    conn = qqhelpers.make_connector(bot, sink=sink, intake="websocket", ws_url=bot.ws_url)
    await conn.start()
    try:
        await asyncio.to_thread(bot.wait_ws_clients, 1)
        engine, executor = Engine(ws), Executor(ws, {"qq1": conn}, pacing=False)
        bot.inject_message(1, 42, "加微信 abcdef123 领红包")
        await _until(lambda: any(e.text and "abcdef123" in e.text for e in sink.received), "the first ad")
        engine.ingest(list(sink.received))
        sink.received.clear()
        await executor.drain()
        warn = [m for m in bot.sent if any(s["type"] == "at" for s in m["segments"])]
        assert warn and warn[-1]["segments"][0] == {"type": "at", "data": {"qq": "42"}}
        assert "abcdef123" not in str(warn[-1]["segments"])  # the warning never repeats the ad
        assert any(m.get("deleted") for m in bot.messages.values())  # the ad was recalled

        bot.inject_message(1, 42, "兼职日结 联系 13912345678")
        await _until(lambda: any(e.text and "1391234" in e.text for e in sink.received), "the second ad")
        engine.ingest(list(sink.received))
        await executor.drain()
        assert 42 not in bot.members[1]  # second offence within 30 days: kicked on the platform
        steps = [r["step"] for r in ws.store.query("SELECT step FROM cases ORDER BY id")]
        assert steps == ["warn", "blacklist"]  # the default ads ladder ends in the operation's blacklist
        assert {a["status"] for a in ws.store.query("SELECT status FROM actions WHERE rule = 'ads'")} == {"done"}
    finally:
        await conn.stop()
        if hasattr(conn, "aclose"):
            await conn.aclose()
        bot.stop()
        ws.close()
