"""Helpers of the Douyin tests: a populated fake, a connector pointed at it, signed
webhook requests as the webhook server hands them to the route, and a workspace
that knows a Douyin connection."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path

from console.connector import NullSink, WebhookRequest
from console.workspace import Workspace
from plugins.douyin.connector import DouyinConnector
from tests.conftest import make_config
from tests.fakes.douyin import FakeDouyin

BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""


def make_fake(**kw) -> FakeDouyin:
    return FakeDouyin(**kw).start()


def options(fake: FakeDouyin, refresh: str | None = None, **more) -> dict:
    opts = {"client_key": fake.client_key, "client_secret": fake.client_secret, "open_id": fake.open_id,
            "base_url": fake.base_url}
    if refresh is not None:
        opts["refresh_token"] = refresh
    opts.update(more)
    return opts


def make_connector(fake: FakeDouyin, refresh: str | None = None, *, sink=None, name: str = "dy1",
                   **more) -> DouyinConnector:
    if refresh is None:
        refresh = fake.authorise()["refresh_token"]
    return DouyinConnector(name, options(fake, refresh, **more), sink=sink or NullSink(), clock=fake.now)


def hook_request(fake: FakeDouyin, event: str, content, *, from_user: str = "", stringify: bool | None = None,
                 msg_id: str | None = None, sign: bool = True, secret: str | None = None,
                 client_key: str | None = None) -> WebhookRequest:
    body = fake.webhook_body(event, content, from_user=from_user, stringify=stringify, client_key=client_key)
    headers = {k.lower(): v for k, v in fake.signed(body, msg_id=msg_id, secret=secret, sign=sign).items()}
    return WebhookRequest("POST", "", {}, headers, body)


def raw_request(fake: FakeDouyin, body: bytes, **kw) -> WebhookRequest:
    headers = {k.lower(): v for k, v in fake.signed(body, **kw).items()}
    return WebhookRequest("POST", "", {}, headers, body)


def douyin_config(tmp_path: Path, fake: FakeDouyin, refresh: str, *, name: str = "dy1", extra: str = "",
                  port: int | None = None) -> Path:
    serve = f"\n[serve]\nport = {port}\n" if port else ""
    return make_config(tmp_path, f"""{serve}
[connections.{name}]
platform = "douyin"
enabled = true
client_key = "{fake.client_key}"
client_secret = "env:DY_SECRET"
open_id = "{fake.open_id}"
refresh_token = "env:DY_REFRESH"
base_url = "{fake.base_url}"
{extra}
""", base=BASE)


def open_ws(tmp_path: Path, fake: FakeDouyin, monkeypatch, *, name: str = "dy1", extra: str = "",
            port: int | None = None, pm=None) -> Workspace:
    refresh = fake.authorise()["refresh_token"]
    monkeypatch.setenv("DY_SECRET", fake.client_secret)
    monkeypatch.setenv("DY_REFRESH", refresh)
    cfg = douyin_config(tmp_path, fake, refresh, name=name, extra=extra, port=port)
    return Workspace.open(cfg, pm=pm) if pm is not None else Workspace.open(cfg)


@asynccontextmanager
async def synced(tmp_path: Path, fake: FakeDouyin, monkeypatch):
    """``(ws, connector)`` of connection dy1, its fan groups synced from ``fake``; the
    connector, the fake and the workspace closed after, whatever the test did."""
    from console.sync import build_connector, sync_connection

    ws = open_ws(tmp_path, fake, monkeypatch)
    conn = build_connector(ws, "dy1")
    try:
        await sync_connection(ws, conn)
        yield ws, conn
    finally:
        await conn.aclose()
        fake.stop()
        ws.close()


def body_of(req: WebhookRequest) -> dict:
    return json.loads(req.body)


def in_chinese(text: str) -> str:
    """``text`` (a state's stored words) as the zh-CN console shows it; fails on English left
    over, apart from names, commands and the platform's own terms."""
    import re

    from console.i18n import ZH_CN
    from console.stored_text import Retranslator
    from plugins.douyin.translations import ZH

    shown = Retranslator({**ZH_CN, **ZH}).shown(text, "zh-CN")
    allowed = {"dy1", "refresh", "token", "access", "shequn", "douyin", "authorize", "HTTP", "webhook", "unauthorize",
               "refresh_token", "ConnectError"}
    left = [w for w in re.findall(r"[A-Za-z_]{3,}", shown) if w not in allowed]
    assert not left, f"English left in {shown!r}: {left}"
    return shown
