"""Tests of the fake OneBot bridge's WebSockets (API, events, heartbeats, restart, reverse),
over real sockets on loopback; the HTTP side and the shared helpers are in test_onebot_fake.py.
Waits are hang guards (onebot_testkit.HANG_GUARD), never speed limits."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.sync.server import serve

from .onebot import FakeOneBot
from .onebot_testkit import ALICE, AUTH, GID, HANG_GUARD, call, populated, recv_until


def test_ws_api_echo_auth_and_errors(bot, napcat):
    with connect(f"{bot.ws_url}/api", additional_headers=AUTH) as ws:
        ws.send(json.dumps({"action": "get_group_member_info", "params": {"group_id": str(GID), "user_id": ALICE},
                            "echo": {"n": 1}}))
        reply = json.loads(ws.recv(timeout=HANG_GUARD))
        assert reply["echo"] == {"n": 1} and reply["data"]["nickname"] == "alice"
        ws.send(json.dumps({"action": "nope", "params": {}, "echo": 2}))
        assert json.loads(ws.recv(timeout=HANG_GUARD))["retcode"] == 1404
        ws.send("not json")
        assert json.loads(ws.recv(timeout=HANG_GUARD))["retcode"] == 1400
    with connect(f"{bot.ws_url}/api?access_token=tok") as ws:
        ws.send(json.dumps({"action": "get_status", "echo": "q"}))
        assert json.loads(ws.recv(timeout=HANG_GUARD))["echo"] == "q"
    for headers, status in (({}, 401), ({"Authorization": "Bearer bad"}, 403)):
        with pytest.raises(InvalidStatus) as info:
            connect(f"{bot.ws_url}/", additional_headers=headers, open_timeout=HANG_GUARD)
        assert info.value.response.status_code == status
    with connect(f"{napcat.ws_url}/", additional_headers={"Authorization": "Bearer bad"}) as ws:
        assert json.loads(ws.recv(timeout=HANG_GUARD))["retcode"] == 1403
    with connect(f"{napcat.ws_url}/", additional_headers=AUTH) as ws:
        ws.recv(timeout=HANG_GUARD)  # lifecycle
        ws.send(json.dumps({"action": "get_group_info", "params": {"group_id": 999}}))
        reply = json.loads(ws.recv(timeout=HANG_GUARD))
        assert reply["retcode"] == 1200 and "echo" in reply


def test_heartbeat_and_drop_ws():
    with populated(FakeOneBot(heartbeat_interval=0.1)) as b:
        with connect(f"{b.ws_url}/event", additional_headers=AUTH) as ws:
            hb = recv_until(ws, lambda f: f.get("meta_event_type") == "heartbeat")
            assert hb["interval"] == 100 and hb["status"]["online"] is True
            b.wait_ws_clients(1)
            b.drop_ws()
            with pytest.raises(ConnectionClosed):
                for _ in range(50):
                    ws.recv(timeout=HANG_GUARD)
        assert b.ws_clients == 0


def test_restart_same_port_and_ws_reconnect():
    with populated(FakeOneBot()) as b:
        port = b.port
        ws = connect(f"{b.ws_url}/", additional_headers=AUTH)
        ws.recv(timeout=HANG_GUARD)
        b.restart()  # gives up (OSError) if the port cannot be bound again within its own deadline
        assert b.port == port
        with pytest.raises(ConnectionClosed):
            for _ in range(50):
                ws.recv(timeout=HANG_GUARD)
        ws.close()
        with connect(f"{b.ws_url}/", additional_headers=AUTH) as ws2:
            assert json.loads(ws2.recv(timeout=HANG_GUARD))["sub_type"] == "connect"
            b.inject_message(GID, ALICE, "back")
            assert recv_until(ws2, lambda f: f["post_type"] == "message")["raw_message"] == "back"
        assert call(b, "get_login_info")["status"] == "ok"


def test_reverse_ws_universal_client():
    seen: list[dict] = []
    done = threading.Event()

    def handler(conn: Any) -> None:
        seen.append(conn.request.headers)
        assert json.loads(conn.recv(timeout=HANG_GUARD))["sub_type"] == "connect"
        conn.send(json.dumps({"action": "get_login_info", "params": {}, "echo": 5}))
        seen.append(recv_until(conn, lambda f: f.get("echo") == 5))
        done.set()

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        with FakeOneBot(reverse_ws_url=f"ws://127.0.0.1:{port}/onebot/v11/ws"):
            assert done.wait(HANG_GUARD)  # the first dial; a failed one is retried 3 s later
        server.shutdown()
    assert seen[0]["X-Client-Role"] == "Universal" and seen[0]["X-Self-ID"] == "10001"
    assert seen[0]["Authorization"] == "Token tok" and seen[1]["data"]["user_id"] == 10001
