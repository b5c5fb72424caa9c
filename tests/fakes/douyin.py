"""A protocol-faithful fake of the Douyin open platform (抖音开放平台) for connector tests.

PROTOCOLS.md 3.7, over real sockets on 127.0.0.1 (uvicorn in a daemon thread):

1. ``/oauth/client_token/`` (JSON) and ``/oauth/access_token/``, ``/oauth/refresh_token/``,
   ``/oauth/renew_refresh_token/`` (form-encoded: a JSON body is refused with 2100005),
   with TTLs on the fake's clock (``refresh_ttl`` shortens the refresh token's 30 days),
   at most 5 renewals (then 10020) and 10010 for a dead refresh token;
2. the ``access-token`` header and ``open_id`` query on every IM route: 28001008 for an
   expired or replaced token (``expired_code=10008`` or ``2190008`` answers as the older
   API families do), 28001015 when they do not match, 28001012 without the scope,
   28001018 for an account that is not an enterprise account;
3. fan groups (create within the quota, ``left_count``, list), entry applications with
   ``cursor``/``has_more`` paging, approve/reject, greeting and announcement set/disable,
   group messages with ``msg_id``, recall (``douyin_state.py``);
4. signed webhooks with the ``verify_webhook`` challenge, duplicates and stringified
   ``content`` (``douyin_webhooks.py``);
5. injected failures: ``fail_next(28003018)`` (rate limited), ``fail_next(28003017)``
   (quota), any other code, ``fail_http(500)``, and ``stop()`` for a platform that is down.

Where a business field goes is unconfirmed (3.3): the IM answers put it at the top level
beside ``data``/``extra`` as the SKIT samples do (``fields_at = "data"`` moves it into
``data``); ``numbers_as_strings`` sends ``expires_in`` as a string as some samples do.
Which quota path exists is unconfirmed too: both answer unless ``count_paths`` says one.

Usage::

    with FakeDouyin() as dy:
        tokens = dy.authorise()               # what the QR scan yields
        g = dy.add_group("粉丝群 1", members=3)
        dy.fail_next(28003018)                # the next IM call is rate limited
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from typing import Any, Callable
from urllib.parse import parse_qs

import uvicorn

from .douyin_state import DouyinState, PlatformError
from .douyin_webhooks import DouyinWebhooks, signature

__all__ = ["FakeDouyin", "PlatformError", "signature"]

FORM = "application/x-www-form-urlencoded"


class FakeDouyin(DouyinWebhooks, DouyinState):
    def __init__(self, **kwargs: Any):
        DouyinState.__init__(self, **kwargs)
        self._init_webhooks()
        self.fields_at = "top"
        self.numbers_as_strings = False
        self.count_paths = ("/im/group/fans/count/", "/im/group/count/")
        self._faults: list[int] = []  # error codes for the next IM calls
        self._http_faults: list[int] = []  # HTTP statuses for the next calls of any route
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeDouyin":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "FakeDouyin":
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))  # the same port again after a stop
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._asgi, http="h11", lifespan="off", interface="asgi3", log_config=None, log_level="warning",
                                access_log=False, timeout_graceful_shutdown=1)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True,
                                  name=f"fake-douyin-{self.port}")
        thread.start()
        deadline = time.monotonic() + 5
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError("the fake Douyin server did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving (the platform is down); ``start()`` serves again on the same port."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(3.0)
        self._server = self._thread = None
        self._stop_pusher()

    # --- failure knobs --------------------------------------------------------------------------------

    def fail_next(self, code: int, count: int = 1) -> None:
        """Answer the next ``count`` IM calls (after the token check) with this error code."""
        with self._lock:
            self._faults.extend([code] * count)

    def fail_http(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._http_faults.extend([status] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._http_faults.clear()

    # --- envelopes (3.2, 3.3) ---------------------------------------------------------------------------

    def _extra(self, code: int = 0, description: str = "") -> dict[str, Any]:
        return {"error_code": code, "description": description, "sub_error_code": 0, "sub_description": "",
                "logid": secrets.token_hex(12), "now": int(self.now() * 1000)}

    def _im_ok(self, fields: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"error_code": 0, "description": ""}
        if self.fields_at == "data":
            return {"data": {**data, **fields}, "extra": self._extra()}
        return {"data": data, "extra": self._extra(), **fields}

    def _im_error(self, e: PlatformError) -> dict[str, Any]:
        return {"data": {"error_code": e.code, "description": e.description},
                "extra": self._extra(e.code, e.description)}

    def _oauth_ok(self, fields: dict[str, Any]) -> dict[str, Any]:
        if self.numbers_as_strings:
            fields = {k: str(v) if k.endswith("expires_in") else v for k, v in fields.items()}
        return {"data": {**fields, "error_code": 0, "description": ""}, "message": "success"}

    @staticmethod
    def _oauth_error(e: PlatformError) -> dict[str, Any]:
        return {"data": {"error_code": e.code, "description": e.description}, "message": "error"}

    # --- HTTP -------------------------------------------------------------------------------------------

    async def _asgi(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        method, path = scope["method"], scope["path"]
        with self._lock:
            self.calls.append((method, path))
            http_fault = self._http_faults.pop(0) if self._http_faults else None
        if http_fault:
            await _respond(send, http_fault, b'{"message":"internal error"}')
            return
        status, answer = self.handle(method, path, headers, query, body)
        await _respond(send, status, json.dumps(answer, ensure_ascii=False).encode())

    def handle(self, method: str, path: str, headers: dict[str, str], query: dict[str, str],
               body: bytes) -> tuple[int, Any]:
        """One request: (HTTP status, JSON answer). Public so a test can call it without a socket."""
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if path.startswith("/oauth/"):
            with self._lock:
                self.token_calls.append(path)
            return 200, self._oauth(path, ctype, body)
        route = IM_ROUTES.get((method, path))
        if route is None or (path.endswith("count/") and path not in self.count_paths):
            return 404, {"message": f"no route {method} {path}"}
        what, handler = route
        try:
            doc = json.loads(body or b"{}") if method == "POST" else {}
            if method == "POST" and not isinstance(doc, dict):
                raise PlatformError(28001007, "参数不合法: body 须为 JSON 对象")
        except ValueError:
            return 200, self._im_error(PlatformError(28001007, "参数不合法: body 不是 JSON"))
        try:
            self.check_user(headers.get("access-token", ""), query.get("open_id", ""), what)
            with self._lock:
                fault = self._faults.pop(0) if self._faults else None
            if fault is not None:
                raise PlatformError(fault, FAULT_WORDS.get(fault, "injected failure"))
            return 200, self._im_ok(handler(self, doc, query))
        except PlatformError as e:
            return 200, self._im_error(e)

    def _oauth(self, path: str, ctype: str, body: bytes) -> dict[str, Any]:
        try:
            if path == "/oauth/client_token/":
                if ctype != "application/json":
                    raise PlatformError(2100005, "参数不合法: client_token 须为 JSON")
                return self._oauth_ok(self.client_token(json.loads(body or b"{}")))
            if ctype != FORM:  # the user-token endpoints take a form, not JSON
                raise PlatformError(2100005, f"参数不合法: Content-Type 须为 {FORM}")
            form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
            op = {"/oauth/access_token/": self.access_token, "/oauth/refresh_token/": self.refresh_access,
                  "/oauth/renew_refresh_token/": self.renew_refresh}.get(path)
            if op is None:
                raise PlatformError(2100005, f"未知接口 {path}")
            return self._oauth_ok(op(form))
        except PlatformError as e:
            return self._oauth_error(e)
        except ValueError:
            return self._oauth_error(PlatformError(2100005, "参数不合法"))

    # --- conveniences for tests ------------------------------------------------------------------------

    def decide_and_push(self, apply_id: str, status: int) -> None:
        """Decide as the app would and push the join when approved (what the API route does too)."""
        a = self.decide(apply_id, status)
        self._joined(a)

    def _joined(self, a) -> None:
        if a.status == 2 and self.webhook_url:
            self.push("group_fans_event", self.join_content(a.group_id, a.user_id), from_user=a.user_id)


FAULT_WORDS = {28003018: "请求频率过高", 28003017: "调用额度已用完", 28001008: "access_token 已过期",
               28001005: "系统繁忙", 28001006: "网络错误", 28001007: "参数不合法", 28001018: "应用不具备该能力"}


def _count(self: FakeDouyin, doc: dict, query: dict) -> dict:
    return {"left_count": self.left_count()}


def _create(self: FakeDouyin, doc: dict, query: dict) -> dict:
    return {"group_id": self.create_group(doc)}


def _list(self: FakeDouyin, doc: dict, query: dict) -> dict:
    with self._lock:
        return {"group_list": [g.listed() for g in self.groups.values()]}


def _audit_get(self: FakeDouyin, doc: dict, query: dict) -> dict:
    try:
        cursor, count = int(query.get("cursor", "0") or 0), int(query.get("count", "10") or 10)
    except ValueError:
        raise PlatformError(28001007, "参数不合法: cursor/count 须为整数") from None
    return {"apply_list": self.audit_page(cursor, count)}


def _audit_set(self: FakeDouyin, doc: dict, query: dict) -> dict:
    a = self.decide(str(doc.get("apply_id") or ""), doc.get("status"))
    self._joined(a)
    return {}


def _setting(disable: bool):
    def run(self: FakeDouyin, doc: dict, query: dict) -> dict:
        self.set_setting(doc, disable=disable)
        return {}
    return run


def _send(self: FakeDouyin, doc: dict, query: dict) -> dict:
    return {"msg_id": self.send(doc)}


def _recall(self: FakeDouyin, doc: dict, query: dict) -> dict:
    self.recall(doc)
    return {}


IM_ROUTES: dict[tuple[str, str], tuple[str, Callable]] = {
    ("POST", "/im/group/fans/create/"): ("create", _create),
    ("GET", "/im/group/fans/list/"): ("list", _list),
    ("GET", "/im/group/fans/count/"): ("count", _count),
    ("GET", "/im/group/count/"): ("count", _count),
    ("GET", "/im/group/enter/audit/get/"): ("audit", _audit_get),
    ("POST", "/im/group/enter/audit/set/"): ("audit", _audit_set),
    ("POST", "/im/group/setting/set/"): ("setting", _setting(False)),
    ("POST", "/im/group/setting/disable/"): ("setting", _setting(True)),
    ("POST", "/im/send/msg/group/"): ("send", _send),
    ("POST", "/im/recall/msg/"): ("recall", _recall),
}


async def _respond(send: Callable, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
