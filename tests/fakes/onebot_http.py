"""The fake bridge's HTTP API transport, with its fault injection.

How each dialect reads a request (go-cqhttp: JSON or form body, 406 for anything else,
``POST /`` with ``action``/``params``; NapCat: any body as JSON, query wins), and the
HTTP faults a test can ask for (``fail_next``: reset, HTTP 500, failure envelope, slow
or timed-out answers that still carry out the action). A mixin of :class:`FakeOneBot`
(``onebot.py``); ``tests/plugins/qq/qqhelpers.py`` overrides ``_http_action``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable
from urllib.parse import parse_qs

from .onebot_api import SUFFIXES, _split_suffix
from .onebot_state import ActionError, coerce_params


class OneBotHttp:
    """HTTP request parsing, responses and faults; ``_scope_meta`` serves the WebSocket too."""

    @staticmethod
    def _scope_meta(scope: dict) -> tuple[dict[str, str], dict[str, str]]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        qs = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        return headers, {k: v[-1] for k, v in qs.items()}

    @staticmethod
    async def _respond(send: Callable, status: int, body: bytes, ctype: str = "application/json; charset=utf-8") -> None:
        try:
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        except Exception:
            pass  # client went away (e.g. it timed out first)

    async def _respond_json(self, send: Callable, obj: Any, status: int = 200) -> None:
        await self._respond(send, status, json.dumps(obj, ensure_ascii=False).encode())

    async def _http(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers, query = self._scope_meta(scope)
        denied = self._auth_error(headers, query)
        if denied:
            await self._respond(send, denied[0], denied[1], "application/json" if denied[1] else "text/plain")
            return
        query.pop("access_token", None)
        method, path = scope["method"], scope["path"].strip("/")
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        body_params: Any = {}
        if self._napcat:  # any body parsed as JSON whatever the Content-Type; query wins
            if body.strip():
                try:
                    body_params = json.loads(body)
                except ValueError:
                    body_params = None
                if not isinstance(body_params, dict):
                    await self._respond(send, 400, b"Invalid JSON", "text/plain; charset=utf-8")
                    return
            params = {**body_params, **query}
            if not path:
                await self._respond_json(send, self._envelope("ok", 0, message="NapCat4 Is Running"))
                return
        else:
            if method == "POST":
                if ctype == "application/json":
                    try:
                        body_params = json.loads(body)
                    except ValueError:
                        body_params = None
                    if not isinstance(body_params, dict):
                        await self._respond(send, 400, b"", "text/plain")
                        return
                elif ctype == "application/x-www-form-urlencoded":
                    body_params = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                else:
                    await self._respond(send, 406, b"", "text/plain")
                    return
            elif method != "GET":
                await self._respond(send, 405, b"", "text/plain")
                return
            params = {**query, **body_params}
            if not path:  # go-cqhttp: POST / {"action": ..., "params": {...}}
                path, params = str(params.get("action") or ""), params.get("params") or {}
        await self._http_action(path, params, send, receive)

    async def _http_action(self, action: str, params: Any, send: Callable, receive: Callable) -> None:
        with self._lock:
            fault = self._faults.pop(0) if self._faults else self._sticky_fault
        if fault in ("reset", "http500", "failed"):
            with self._lock:
                self.calls.append((_split_suffix(action, SUFFIXES[self.dialect])[0],
                                   coerce_params(params if isinstance(params, dict) else {})))
            if fault == "reset":
                await self._abort(send)
            elif fault == "http500":
                await self._respond(send, 500, b"Internal Server Error", "text/plain")
            else:
                err = ActionError("API_ERROR", "模拟故障: 请求失败", "模拟故障: 请求失败")
                await self._respond_json(send, self._failed(err, ws=False))
            return
        envelope = self._call(action, params, ws=False)
        if fault in ("slow", "timeout"):
            if not await self._linger(self.slow_seconds if fault == "slow" else self.timeout_seconds, receive):
                await self._abort(send)  # server stopping: the in-flight call dies like on a real crash
                return
        await self._respond_json(send, envelope)

    async def _linger(self, seconds: float, receive: Callable) -> bool:
        """Sleep before answering; stop early if the client hangs up. False if the server is stopping."""
        waits = [asyncio.ensure_future(asyncio.sleep(seconds)), asyncio.ensure_future(receive())]
        if self._stopping is not None:
            waits.append(asyncio.ensure_future(self._stopping.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        return not (self._stopping is not None and self._stopping.is_set())

    @staticmethod
    async def _abort(send: Callable) -> None:
        """Drop the TCP connection without any response bytes (uvicorn keeps its transport on ``send``)."""
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is None:
            raise ConnectionAbortedError("simulated reset")
        transport.abort()
        await asyncio.sleep(0.05)  # let connection_lost mark the cycle disconnected
