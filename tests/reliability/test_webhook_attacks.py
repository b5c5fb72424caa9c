"""Forged, replayed and oversized webhooks (issue 16, item 10), against serve over loopback
and, for the forgeries hypothesis makes up, against the webhook app itself.

Nothing a forger sends is stored as an event or fills the disk: a forged or unsigned
request is refused (401/403) and counted, a replay of a signed delivery is stored once,
a body over the limit is refused (413) whether it declares its length or not, and a
flood of made-up connection names costs a bounded number of counter rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.connector import NullSink
from console.refusals import MAX_KEYS_PER_DAY
from console.webhooks import build_app
from console.workspace import Workspace
from plugins.qq.connector import QQConnector
from tests.serve_kit import SECRET, qq_message, qq_workspace, serving, signed

forgery = st.fixed_dictionaries({
    "body": st.one_of(st.binary(max_size=300), st.builds(qq_message, st.integers(0, 10**6)),
                      st.builds(lambda i, t: qq_message(i, text=t), st.integers(0, 10**6), st.text(max_size=50))),
    "signature": st.one_of(st.none(), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60), st.binary(min_size=20, max_size=20).map(
        lambda b: "sha1=" + b.hex()), st.just("sha1="), st.just("sha256=" + "0" * 64)),
    "secret": st.sampled_from(["", "sec ", "SEC", "other", "se"]),  # a bridge that signs with the wrong secret
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forgery)
def test_no_forged_request_is_taken(f):
    sink = NullSink()
    conn = QQConnector("qq1", {"base_url": "http://127.0.0.1:9", "secret": SECRET}, sink=sink)
    app = build_app({"qq1": conn}, max_body_bytes=4096)
    body = f["body"]
    headers = {"Content-Type": "application/json"}
    if f["signature"] is not None:
        headers["X-Signature"] = f["signature"]
    if f["secret"]:
        headers["X-Signature"] = "sha1=" + hmac.new(f["secret"].encode(), body, hashlib.sha1).hexdigest()

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return await c.post("/hooks/qq/qq1", content=body, headers=headers)

    r = asyncio.run(go())
    assert r.status_code in (401, 403) and sink.received == [] and sink.dead == []
    assert app.refusals.pending() == 1


async def test_replayed_oversized_and_made_up_requests_against_serve(tmp_path):
    cfg, port = qq_workspace(tmp_path / "w")
    ws = Workspace.open(cfg)
    limit = ws.settings.serve.max_body_bytes
    base = f"http://127.0.0.1:{port}"
    async with serving(ws, port) as task, httpx.AsyncClient(base_url=base, timeout=60) as c:
        body = qq_message(1)
        for _ in range(5):  # a captured delivery sent again and again: stored once
            assert (await c.post("/hooks/qq/qq1", content=body, headers=signed(body))).status_code == 204
        big = qq_message(2, text="x" * (limit + 10))
        r = await c.post("/hooks/qq/qq1", content=big, headers=signed(big))
        assert r.status_code == 413

        async def chunks():  # no Content-Length: the server counts what arrives
            for _ in range(limit // 65536 + 2):
                yield b"y" * 65536

        r = await c.post("/hooks/qq/qq1", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        for i in range(MAX_KEYS_PER_DAY + 100):  # a flood of made-up connection names
            assert (await c.post(f"/hooks/qq/made-up-{i}", content=b"{}")).status_code == 404
        for i in range(50):  # unsigned
            assert (await c.post("/hooks/qq/qq1", content=qq_message(100 + i))).status_code == 401
        assert not task.done()
        health = await c.get("/healthz")
        assert health.status_code == 200 and health.text == "ok"
    assert ws.store.scalar("SELECT count(*) FROM messages") == 1
    assert ws.store.scalar("SELECT count(*) FROM dead_letters") == 0
    rows = {(r["cause"], r["connection"]): r["count"] for r in ws.store.query(
        "SELECT cause, connection, count FROM refused_requests")}
    # 200 rows a day: the 413s took one, 199 made-up names got their own, the other 101 and
    # every later new key (the 401s) share the '*' row of their cause
    assert len(rows) == MAX_KEYS_PER_DAY + 2
    assert rows[("413 body too large", "qq1")] == 2 and rows[("404 unknown connection", "*")] == 101
    assert rows[("401 refused by the connector", "*")] == 50
    assert sum(len(r["sample"]) for r in ws.store.query("SELECT sample FROM refused_requests")) < 250 * 1024
    ws.close()
