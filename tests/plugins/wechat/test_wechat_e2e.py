"""End to end with the fake WeCom on loopback: ``shequn sync`` imports more than 1,000
customer groups through cursor paging; ``shequn serve`` answers the URL check, stores an
encrypted join and leave, refuses forged callbacks (counted) and keeps a dead letter for
a group never seen, while it keeps running."""

from __future__ import annotations

import asyncio
import socket

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.serve import serve_workspace
from console.workspace import Workspace
from tests.conftest import make_config
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN, make_fake

BASE = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"
"""


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wechat_config(tmp_path, wc, port=None):
    serve = f"[serve]\nport = {port}\n" if port else ""
    return make_config(tmp_path, f"""{serve}
[connections.wx1]
platform = "wechat"
enabled = true
corp_id = "{wc.corp_id}"
secret = "env:WX1_SECRET"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
base_url = "{wc.base_url}"
""", base=BASE)


async def until(pred, timeout=15.0, what="condition"):
    for _ in range(int(timeout / 0.05)):
        if pred():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sync_imports_more_than_a_thousand_groups(tmp_path, monkeypatch):
    monkeypatch.setenv("WX1_SECRET", "appSecret")
    wc = make_fake()
    try:
        wc.add_many_groups(1_050, ["zhangsan", "wangwu"])
        cfg = wechat_config(tmp_path, wc)
        build_cli([])
        r = CliRunner().invoke(cli, ["--config", str(cfg), "sync", "wx1"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        assert "wx1: 1051 groups (1051 new), 2104 members (2104 new" in r.output
        assert "[1051/1051] reading customer groups" in r.stderr and "listing customer groups" in r.stderr
        assert len(wc.routes_called("externalcontact/groupchat/list")) == 2 and wc.token_calls == 1
    finally:
        wc.stop()
    ws = Workspace.open(cfg)
    try:
        assert ws.store.scalar("SELECT count(*) FROM groups WHERE platform = 'wechat'") == 1_051
        row = ws.store.one("SELECT name, member_count FROM groups WHERE platform_group_id = 'wrBulk01049'")
        assert dict(row) == {"name": "批量群 1049", "member_count": 2}
        owner = ws.store.one("SELECT m.platform_role FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                             " JOIN groups g ON g.id = m.group_id WHERE g.platform_group_id = 'wrGroupA'"
                             " AND i.platform_user_id = 'zhangsan'")
        assert owner["platform_role"] == "owner"
    finally:
        ws.close()


async def test_serve_checks_the_url_stores_a_join_and_a_leave_and_refuses_forgeries(tmp_path, monkeypatch):
    monkeypatch.setenv("WX1_SECRET", "appSecret")
    wc = make_fake()
    port = free_port()
    wc.callback_url = f"http://127.0.0.1:{port}/hooks/wechat/wx1"
    ws = Workspace.open(wechat_config(tmp_path, wc, port))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_workspace(ws, host="127.0.0.1", port=port, stop=stop, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 15)
        check = await asyncio.to_thread(wc.verify_url, "8613201234567890")
        assert (check.status_code, check.text) == (200, "8613201234567890")
        assert await asyncio.to_thread(wc.join, "wrGroupA", "wmCarl", scene=3, name="卡尔") == (200, b"")
        assert (await asyncio.to_thread(wc.leave, "wrGroupA", "wmCarl", removed=True))[0] == 200

        def carl():
            return ws.store.one("SELECT m.status, m.join_scene, m.leave_reason FROM memberships m JOIN identities i"
                                " ON i.person_id = m.person_id WHERE i.platform_user_id = 'wmCarl'")

        await until(lambda: carl() is not None and carl()["status"] == "left", what="the join and leave stored")
        assert dict(carl()) == {"status": "left", "join_scene": "qr", "leave_reason": "kick"}
        forged = await asyncio.to_thread(wc.push, wc.event("wrGroupA", "update", "del_member", members=["wmBob"]),
                                         token="guessed")
        assert forged[0] == 403
        unknown = await asyncio.to_thread(wc.push, wc.event("wrGhost", "update", "add_member", members=["wmX"]))
        assert unknown[0] == 200
        await until(lambda: ws.store.scalar("SELECT count(*) FROM dead_letters") == 1, what="a dead letter")
        letter = ws.store.one("SELECT connection_id, error FROM dead_letters")
        assert letter["connection_id"] == "wx1" and "wrGhost, which WeCom does not know" in letter["error"]
        await until(lambda: ws.store.scalar("SELECT coalesce(sum(count), 0) FROM refused_requests") == 1,
                    what="the forgery counted")
        assert ws.store.scalar("SELECT count(*) FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                               " WHERE i.platform_user_id = 'wmBob'") == 0  # nothing from the forgery
        assert (await asyncio.to_thread(wc.join, "wrGroupA", "wmDan"))[0] == 200  # still serving
        await until(lambda: ws.store.scalar("SELECT state FROM connections WHERE id = 'wx1'") == "online",
                    what="online")
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        wc.stop()
        ws.close()
