"""Helpers for the per-bridge tests: a fake bridge of one dialect, its events handed to the
connector's HTTP POST intake exactly as that bridge signs them, and a workspace whose
``qq1`` connection is the QQ connector, so the engine and every plugin see the events."""

from __future__ import annotations

import json
from pathlib import Path

from console.connector import NullSink, WebhookRequest
from console.engine import Engine
from console.workspace import Workspace
from tests.conftest import make_config
from tests.fakes.onebot import DIALECTS, FakeOneBot
from tests.plugins.qq.qqhelpers import make_bot, make_connector

T0 = 1_750_000_000
BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""

__all__ = ["DIALECTS", "T0", "bridge", "post", "qq_workspace", "feed", "Bridge"]


class Bridge:
    """A fake bridge of one dialect with its connector (HTTP POST intake, ``self_id`` 10001)."""

    def __init__(self, dialect: str, **kw):
        self.bot: FakeOneBot = make_bot(dialect=dialect, **kw)
        self.sink = NullSink()
        self.conn = make_connector(self.bot, sink=self.sink, self_id="10001")

    async def close(self) -> None:
        await self.conn.aclose()
        self.bot.stop()


def bridge(dialect: str, **kw) -> Bridge:
    return Bridge(dialect, **kw)


async def post(b: Bridge, event: dict, *, header_self_id: bool = True, body: bytes | None = None):
    """Deliver ``event`` (or raw ``body``) to the connector's webhook route as the bridge does."""
    raw = body if body is not None else json.dumps(event, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    if header_self_id:
        headers["x-self-id"] = str(b.bot.self_id)
    sig = b.bot.sign(raw)
    if sig:
        headers["x-signature"] = sig
    return await b.conn.handle_post(WebhookRequest("POST", "", {}, headers, raw))


def qq_workspace(tmp_path: Path, extra: str = "") -> Workspace:
    """A workspace whose ``qq1`` connection is a (not started) QQ connection."""
    cfg = make_config(tmp_path, f"""
[connections.qq1]
platform = "qq"
enabled = false
base_url = "http://127.0.0.1:9"
access_token = "tok"
secret = "sec"
{extra}
""", base=BASE)
    return Workspace.open(cfg)


def feed(ws: Workspace, events: list, at: int | None = None):
    """Ingest ``events`` (from the connector) with the clock at ``at`` (default: their newest)."""
    at = at if at is not None else max(e.ts for e in events)
    with ws.clock_at(at):
        return Engine(ws).ingest(list(events))
