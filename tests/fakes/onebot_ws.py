"""The fake bridge's WebSockets: forward (``/``, ``/api``, ``/event``), reverse, heartbeats.

Each socket has one outbound queue so events and API replies never interleave
mid-frame; NapCat accepts a bad token and then reports 1403 and closes, go-cqhttp
refuses the upgrade (PROTOCOLS.md 1.1(c), 1.1(d)). A mixin of :class:`FakeOneBot`
(``onebot.py``), which keeps the list of live sockets and closes them (``drop_ws``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Callable

_CLOSE = object()  # sentinel put on a WS connection's queue to close it from the server side


@dataclass(eq=False)
class _WsConn:
    """One live WebSocket (forward or reverse) and its outbound queue."""

    path: str
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    events: bool = True  # receives pushed events
    reverse: bool = False



class OneBotWebSocket:
    """Forward and reverse WebSocket serving, API frames over them, heartbeat events."""

    async def _websocket(self, scope: dict, receive: Callable, send: Callable) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        headers, query = self._scope_meta(scope)
        path = "/" + scope["path"].strip("/")
        if path not in ("/", "/api", "/event"):
            await send({"type": "websocket.close", "code": 1008})
            return
        denied = self._auth_error(headers, query)
        if denied and self._napcat:  # NapCat accepts, reports 1403, then closes
            await send({"type": "websocket.accept"})
            env = self._envelope("failed", 1403, message="token验证失败")
            await send({"type": "websocket.send", "text": json.dumps(env, ensure_ascii=False)})
            await send({"type": "websocket.close", "code": 1000})
            return
        if denied:
            if "websocket.http.response" in scope.get("extensions", {}):
                await send({"type": "websocket.http.response.start", "status": denied[0],
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "websocket.http.response.body", "body": denied[1]})
            else:
                await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        conn = _WsConn(path, events=path != "/api")
        if conn.events:
            conn.queue.put_nowait(self._lifecycle_connect())
        with self._lock:
            self._ws_conns.append(conn)
        sender = asyncio.create_task(self._ws_sender(conn, send))
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                if path == "/event":
                    continue  # event-only socket: inbound frames are ignored
                text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
                conn.queue.put_nowait(self._ws_reply(text))
        finally:
            with self._lock:
                if conn in self._ws_conns:
                    self._ws_conns.remove(conn)
            sender.cancel()

    async def _ws_sender(self, conn: _WsConn, send: Callable) -> None:
        """Serialise all outbound frames of one socket (events and API replies)."""
        try:
            while True:
                item = await conn.queue.get()
                if item is _CLOSE:
                    await send({"type": "websocket.close", "code": 1001})
                    return
                await send({"type": "websocket.send", "text": json.dumps(item, ensure_ascii=False)})
        except Exception:
            return

    def _ws_reply(self, text: str) -> dict:
        """Answer one API frame: envelope + the same ``echo`` (1.1(c))."""
        try:
            frame = json.loads(text)
            if not isinstance(frame, dict):
                raise ValueError
        except ValueError:
            env = self._envelope("failed", 1400, message="请求格式错误", msg="BAD_REQUEST")
            env["echo"] = None
            return env
        env = self._call(str(frame.get("action") or ""), frame.get("params") or {}, ws=True)
        if "echo" in frame or self._napcat:
            env["echo"] = frame.get("echo")
        return env

    def _lifecycle_connect(self) -> dict:
        event = self._event("meta_event", meta_event_type="lifecycle", sub_type="connect")
        with self._lock:
            self.events.append(event)
        return event

    async def _heartbeat_loop(self) -> None:
        assert self.heartbeat_interval
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            with self._lock:
                status = self._a_get_status({})
            self._emit(self._event("meta_event", meta_event_type="heartbeat", status=status,
                                   interval=int(self.heartbeat_interval * 1000)))

    async def _reverse_ws_loop(self, role: str = "Universal") -> None:
        """Reverse WS (1.1(d)): dial the console in ``role``, reconnect on loss. A ``Universal``
        client dials ``reverse_ws_url``; go-cqhttp's separate ``Event`` and ``API`` clients dial
        it with ``/event`` and ``/api`` appended. go-cqhttp writes its token ``Token <t>``,
        NapCat and Lagrange ``Bearer <t>``; an API socket carries no events."""
        from websockets.asyncio.client import connect

        url = self.reverse_ws_url if role == "Universal" else f"{self.reverse_ws_url}/{role.lower()}"
        headers = {"X-Self-ID": str(self.self_id), "X-Client-Role": role}
        if self.access_token:
            scheme = "Token" if self.dialect == "gocq" else "Bearer"
            headers["Authorization"] = f"{scheme} {self.access_token}"
        while True:
            try:
                async with connect(url, additional_headers=headers, open_timeout=3,
                                   close_timeout=1, ping_interval=None) as ws:
                    conn = _WsConn("reverse", reverse=True, events=role != "API")
                    if conn.events:
                        conn.queue.put_nowait(self._lifecycle_connect())
                    with self._lock:
                        self._ws_conns.append(conn)
                        self.reverse_ws_connects += 1

                    async def pump() -> None:
                        while (item := await conn.queue.get()) is not _CLOSE:
                            await ws.send(json.dumps(item, ensure_ascii=False))
                        await ws.close(1001)

                    sender = asyncio.create_task(pump())
                    try:
                        async for text in ws:
                            if role != "Event":  # go-cqhttp does not read an event socket
                                conn.queue.put_nowait(self._ws_reply(text if isinstance(text, str)
                                                                     else text.decode()))
                    finally:
                        sender.cancel()
                        with self._lock:
                            if conn in self._ws_conns:
                                self._ws_conns.remove(conn)
                        self.reverse_ws_closes.append(ws.close_code)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - refused handshakes are kept for tests to read
                status = getattr(getattr(e, "response", None), "status_code", None)
                self.reverse_ws_refusals.append(status or type(e).__name__)
            await asyncio.sleep(self.reverse_ws_reconnect_interval)
