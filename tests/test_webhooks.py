"""The webhook server: routing per connection, signatures, size limit, dead letters."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from console.connector import NullSink
from console.webhooks import build_app
from plugins.qq.connector import QQConnector


def sign(body: bytes, key: str = "sec") -> str:
    return "sha1=" + hmac.new(key.encode(), body, hashlib.sha1).hexdigest()


EVENT = {"time": 1_700_000_000, "self_id": 10001, "post_type": "message", "message_type": "group",
         "message_id": 5, "group_id": 1, "user_id": 42, "message": "hi", "sender": {"nickname": "a"}}


@pytest.fixture
def setup():
    sink, other = NullSink(), NullSink()
    fallback = []
    qq = QQConnector("qq1", {"base_url": "http://127.0.0.1:9", "secret": "sec", "self_id": "10001"}, sink=sink)
    ws_only = QQConnector("qq2", {"base_url": "http://127.0.0.1:9", "intake": "websocket",
                                  "ws_url": "ws://127.0.0.1:9"}, sink=other)
    app = build_app({"qq1": qq, "qq2": ws_only}, max_body_bytes=2000, dead_letter=fallback.append)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    return client, sink, other, fallback, app


async def post(client, body: bytes, path="/hooks/qq/qq1", **headers):
    return await client.post(path, content=body, headers={"Content-Type": "application/json", **headers})


async def test_signed_event_is_accepted_with_204(setup):
    client, sink, _, _, app = setup
    body = json.dumps(EVENT).encode()
    r = await post(client, body, **{"X-Signature": sign(body), "X-Self-ID": "10001"})
    assert r.status_code == 204 and r.content == b""
    assert [e.id for e in sink.received] == ["5"] and not sink.dead
    assert [u for u, _, _ in app.routes()] == ["/hooks/qq/qq1"]  # the websocket connection mounts nothing


@pytest.mark.parametrize("headers,status,words", [
    ({}, 401, "unsigned"),
    ({"X-Signature": "sha1=" + "0" * 40}, 403, "forged"),
    ({"X-Signature": "garbage"}, 403, "forged"),
])
async def test_unsigned_or_forged_requests_are_counted_not_stored(setup, headers, status, words):
    client, sink, _, _, app = setup
    for _ in range(3):
        r = await post(client, json.dumps(EVENT).encode(), **headers)
        assert r.status_code == status
    assert not sink.received and not sink.dead  # nobody authenticated them: no dead letter
    (key, (count, _, _, sample)), = app.refusals._pending.items()
    assert key[1:] == (f"{status} refused by the connector", "qq1") and count == 3
    assert words in sample and sample.startswith("POST /hooks/qq/qq1")


async def test_signature_is_checked_over_the_raw_bytes(setup):
    client, sink, _, _, _ = setup
    body = json.dumps(EVENT, indent=2).encode()  # same JSON, other bytes
    r = await post(client, body, **{"X-Signature": sign(json.dumps(EVENT).encode())})
    assert r.status_code == 403 and not sink.received


async def test_wrong_account_is_refused(setup):
    client, sink, _, _, app = setup
    body = json.dumps(EVENT).encode()
    r = await post(client, body, **{"X-Signature": sign(body), "X-Self-ID": "777"})
    assert r.status_code == 403 and "777" in next(iter(app.refusals._pending.values()))[3]


@pytest.mark.parametrize("body,words", [(b"{not json", "not JSON"), (b"[1,2]", "not a usable OneBot event"),
                                        # a broken CQ code is kept as text now (issue 17); a time of Infinity is no event
                                        (json.dumps(dict(EVENT, time="Infinity")).encode(), "event time")])
async def test_malformed_bodies_get_400_and_a_dead_letter(setup, body, words):
    client, sink, _, _, _ = setup
    r = await post(client, body, **{"X-Signature": sign(body)})
    assert r.status_code == 400 and not sink.received
    assert words in sink.dead[0].error and sink.dead[0].raw == body


async def test_oversized_body_is_413_and_counted(setup):
    client, sink, _, _, app = setup
    body = json.dumps(dict(EVENT, message="x" * 5000)).encode()
    r = await post(client, body, **{"X-Signature": sign(body)})
    assert r.status_code == 413 and not sink.received and not sink.dead
    (key, (count, _, _, sample)), = app.refusals._pending.items()
    assert key[1:] == ("413 body too large", "qq1") and "max_body_bytes" in sample and len(sample) < 1000


async def test_unknown_connection_platform_or_route_is_404(setup):
    client, sink, other, fallback, app = setup
    for path in ("/hooks/qq/nope", "/hooks/wechat/qq1", "/hooks/qq/qq2", "/elsewhere"):
        r = await post(client, b"{}", path=path)
        assert r.status_code == 404, path
    assert not fallback and not other.dead and not sink.dead  # counted, not stored
    causes = {k[1:]: v[0] for k, v in app.refusals._pending.items()}
    assert causes == {("404 unknown connection", "nope"): 1, ("404 unknown connection", "qq1"): 1,
                      ("404 unknown route", "qq2"): 1, ("404 not a webhook URL", ""): 1}
    assert (await client.get("/healthz")).text == "ok"
    assert (await client.get("/hooks/qq/qq1")).status_code == 405


async def test_a_handler_that_raises_answers_500_and_the_server_goes_on(setup):
    client, sink, _, _, app = setup
    qq = app.connectors["qq1"]

    async def boom(req):
        raise RuntimeError("bug")

    qq.handle_post = boom  # routes() reads the attribute at request time
    r = await post(client, b"{}")
    assert r.status_code == 500 and "RuntimeError: bug" in sink.dead[0].error
    del qq.handle_post
    body = json.dumps(EVENT).encode()
    assert (await post(client, body, **{"X-Signature": sign(body)})).status_code == 204
