"""Shared helpers of the fake OneBot bridge's own tests (HTTP in test_onebot_fake.py,
WebSockets in test_onebot_fake_ws.py); the fixtures built on them are in conftest.py."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import httpx

from .onebot import FakeOneBot

AUTH = {"Authorization": "Bearer tok"}
HTTP = httpx.Client(timeout=5)  # shared: creating a client per request costs ~30 ms of TLS setup
GID, ALICE, BOB, OWNER = 111, 201, 202, 200
# How long a test waits for a frame or an event that should come at once: a hang guard, never a
# speed limit. It is only reached when the frame never comes, so it can be generous; 2-3 s limits
# failed on a loaded machine (load 4 on 2 cores) although nothing was wrong.
HANG_GUARD = 30.0


class Receiver:
    """A tiny HTTP POST receiver standing in for the console's webhook endpoint."""

    def __init__(self) -> None:
        self.hits: list[tuple[dict[str, str], bytes]] = []
        self.reply: Callable[[dict], tuple[int, bytes]] = lambda event: (204, b"")
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.hits.append(({k: v for k, v in self.headers.items()}, body))
                status, payload = receiver.reply(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/onebot"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def populated(bot: FakeOneBot) -> FakeOneBot:
    bot.add_group(GID, "测试群")
    bot.add_member(GID, OWNER, "boss", role="owner")
    bot.add_member(GID, ALICE, "alice", card="Alice")
    bot.add_member(GID, BOB, "bob", role="admin")
    return bot


def call(bot: FakeOneBot, action: str, **params: Any) -> dict:
    resp = HTTP.post(f"{bot.base_url}/{action}", json=params, headers=AUTH)
    assert resp.status_code == 200
    return resp.json()


def recv_until(ws: Any, pred: Callable[[dict], bool], timeout: float = HANG_GUARD) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if pred(frame):
            return frame
