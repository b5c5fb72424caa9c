"""Shared helpers of the WeChat connector's tests (a module, not a conftest: explicit imports)."""

from __future__ import annotations

from typing import Any

from console.connector import NullSink, WebhookRequest
from plugins.wechat.connector import WeChatConnector
from tests.fakes.wecom import AES_KEY, CORP_ID, TOKEN, FakeWeCom

OWNER = "zhangsan"


def make_fake(**kw: Any) -> FakeWeCom:
    """A started fake with one customer group of three guests and an admin."""
    wc = FakeWeCom(**kw).start()
    wc.add_group("wrGroupA", "福利群 A", OWNER, capacity=5)
    wc.add_member("wrGroupA", "lisi", type=1)
    wc.state.groups["wrGroupA"].admins.append("lisi")
    for i, (uid, name) in enumerate((("wmAlice", "小红"), ("wmBob", "小明"))):
        wc.add_member("wrGroupA", uid, scene=1 + i, invitor=OWNER if i == 0 else None, name=name)
    return wc


def options(wc: FakeWeCom, **extra: Any) -> dict[str, Any]:
    return {"corp_id": wc.corp_id, "secret": "appSecret", "token": TOKEN, "encoding_aes_key": AES_KEY,
            "base_url": wc.base_url, **extra}


def make_connector(wc: FakeWeCom, name: str = "wx1", sink=None, **extra: Any) -> WeChatConnector:
    c = WeChatConnector(name, options(wc, **extra), sink=sink or NullSink())
    c.api.retry_pause = 0.01
    return c


def post(wc: FakeWeCom, xml: str, **forge: Any) -> WebhookRequest:
    q, body = wc.envelope(xml, **forge)
    return WebhookRequest("POST", "", q, {"content-type": "text/xml"}, body)


__all__ = ["AES_KEY", "CORP_ID", "TOKEN", "OWNER", "make_fake", "options", "make_connector", "post"]
