"""A protocol-faithful fake WeCom (企业微信) server for the WeChat connector's tests.

What shared/PROTOCOLS.md 2.12 asks of it: ``gettoken`` checking corp id and secret,
tokens with a configurable TTL (the same token while valid, forced 40014/42001 on
request); the token checked on every route; ``groupchat/list`` with real cursor paging
over any number of groups, status and owner filters and 81017; ``groupchat/get`` with
member and admin lists, ``member_version`` and ``need_name``; the two statistics routes
with their 30-day span, 180-day window and midnight flooring (40058 otherwise); welcome
templates and join ways in memory, a join way opening the next group when its groups are
full (``room_base_name`` + index) and pushing the ``create`` callback; callbacks
encrypted and signed with the scheme of 2.8 (``wecom_crypto.py``, its own code) and
POSTed to the console, and the GET ``echostr`` handshake; the robot webhook's 20 a minute;
faults (-1, 45009, 45033, 48002, slow answers, dropped connections, HTTP 500).

Usage::

    with FakeWeCom(callback_url=url) as wc:
        wc.add_group("wrA", "福利群 A", "zhangsan")
        wc.join("wrA", "wmBob", scene=3)        # state changes and the callback is pushed

The clock (``clock``) is the fake's own and may be set by tests: token expiry, the
robot's window and "yesterday" for statistics follow it, never the wall clock.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any, Callable

import httpx
import uvicorn

from . import wecom_crypto
from .server_kit import bind_loopback, stop_server, wait_started
from .wecom_api import FAULT_KINDS, WeComApi
from .wecom_groupmsg import MassSends
from .wecom_state import Group, WeComError, WeComState

__all__ = ["FakeWeCom", "FAULT_KINDS", "WeComError", "event_xml"]

CORP_ID = "wwfake0corp000001"
TOKEN = "callbackToken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def event_xml(corp_id: str, chat_id: str, change: str, detail: str | None = None, *, members: list[str] = (),
              shape: str = "item", join_scene: int | None = None, quit_scene: int | None = None,
              last_ver: str = "", cur_ver: str = "", create_time: int = 1_700_000_000, count: int | None = None) -> str:
    """A decrypted ``change_external_chat`` event. ``shape`` is how the member list comes:
    ``item`` (<Item> children), ``comma`` (one comma-joined string), ``repeated``
    (one MemChangeList per member) or ``missing`` (no list, only MemChangeCnt)."""
    parts = [f"<ToUserName><![CDATA[{corp_id}]]></ToUserName>", "<FromUserName><![CDATA[sys]]></FromUserName>",
             f"<CreateTime>{create_time}</CreateTime>", "<MsgType><![CDATA[event]]></MsgType>",
             "<Event><![CDATA[change_external_chat]]></Event>", f"<ChatId><![CDATA[{chat_id}]]></ChatId>",
             f"<ChangeType><![CDATA[{change}]]></ChangeType>"]
    if detail:
        parts.append(f"<UpdateDetail><![CDATA[{detail}]]></UpdateDetail>")
    if join_scene is not None:
        parts.append(f"<JoinScene>{join_scene}</JoinScene>")
    if quit_scene is not None:
        parts.append(f"<QuitScene>{quit_scene}</QuitScene>")
    if members or count is not None:
        parts.append(f"<MemChangeCnt>{len(members) if count is None else count}</MemChangeCnt>")
    if members and shape == "item":
        parts.append("<MemChangeList>" + "".join(f"<Item><![CDATA[{m}]]></Item>" for m in members) + "</MemChangeList>")
    elif members and shape == "comma":
        parts.append(f"<MemChangeList><![CDATA[{','.join(members)}]]></MemChangeList>")
    elif members and shape == "repeated":
        parts.extend(f"<MemChangeList><![CDATA[{m}]]></MemChangeList>" for m in members)
    if last_ver:
        parts.append(f"<LastMemVer><![CDATA[{last_ver}]]></LastMemVer>")
    if cur_ver:
        parts.append(f"<CurMemVer><![CDATA[{cur_ver}]]></CurMemVer>")
    return "<xml>" + "".join(parts) + "</xml>"


class FakeWeCom(WeComApi):
    """Fake qyapi.weixin.qq.com plus the callback client that pushes events to shequn."""

    def __init__(self, *, corp_id: str = CORP_ID, secret: str = "appSecret", token: str = TOKEN,
                 aes_key: str = AES_KEY, callback_url: str | None = None, token_ttl: float = 7200.0,
                 robot_keys: tuple[str, ...] = ("robotKey",), port: int = 0):
        self.corp_id, self.secrets, self.callback_token, self.aes_key = corp_id, {secret}, token, aes_key
        self.callback_url = callback_url
        self.state = WeComState(corp_id)
        self.mass = MassSends(self)  # customer-group mass sends (wecom_groupmsg.py)
        self.dispatch_pending = False  # True: a new mass send answers 41063 until the owner confirms it
        self._lock = self.state._lock
        self.clock: Callable[[], float] = time.time
        self.token_ttl = token_ttl
        self.token: str | None = None
        self.token_expires = 0.0
        self.token_calls = 0
        self._token_seq = 0
        self._force_token_error = 0
        self.gettoken_without_errcode = False
        self.robot_keys = set(robot_keys)
        self.robot_sent: dict[str, list[float]] = {}
        self.robot_messages: list[tuple[str, str, str, list[str]]] = []
        self.calls: list[tuple[str, dict, Any]] = []
        self.pushed: list[tuple[str, int, bytes]] = []  # (plain xml, status, answer)
        self._faults: list[str] = []
        self._cursors: dict[str, int] = {}
        self.slow_seconds = 0.3
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._http_client = httpx.Client(timeout=10, trust_env=False)

    # --- lifecycle ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeWeCom":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "FakeWeCom":
        if self._thread is not None:
            return self
        sock = bind_loopback(self.port)  # the same port again after a stop
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._asgi, http="httptools", lifespan="off", interface="asgi3", log_config=None,
                                log_level="warning", access_log=False, timeout_graceful_shutdown=1)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True,
                                  name=f"fake-wecom-{self.port}")
        thread.start()
        wait_started(server, thread, "fake WeCom")
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        stop_server(self._server, self._thread)
        self._server = self._thread = None

    async def _asgi(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)

    # --- knobs ------------------------------------------------------------------------------------------

    def fail_next(self, kind: str, count: int = 1) -> None:
        """Fault the next ``count`` business calls (gettoken is never faulted this way)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
        with self._lock:
            self._faults.extend([kind] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def expire_token(self, code: int = 42001) -> None:
        """The next business call answers ``code`` (42001 expired, 40014 invalid) and the
        token is forgotten, as when WeCom invalidates a token early."""
        assert code in (40014, 42001, 40001)
        with self._lock:
            self._force_token_error = code

    def routes_called(self, route: str) -> list[Any]:
        with self._lock:
            return [p for r, _q, p in self.calls if r == route]

    # --- state helpers --------------------------------------------------------------------------------

    def add_group(self, chat_id: str, name: str, owner: str, **kw: Any) -> Group:
        return self.state.add_group(chat_id, name, owner, **kw)

    def add_member(self, chat_id: str, userid: str, **kw: Any) -> None:
        self.state.add_member(chat_id, userid, **kw)

    def add_many_groups(self, n: int, owners: list[str], prefix: str = "wrBulk") -> list[str]:
        """``n`` groups spread over ``owners`` (paging tests), each with its owner and one guest."""
        ids = []
        for i in range(n):
            cid = f"{prefix}{i:05d}"
            self.add_group(cid, f"批量群 {i}", owners[i % len(owners)], create_time=1_700_000_000 + i)
            self.add_member(cid, f"wmGuest{i:05d}", scene=3)
            ids.append(cid)
        return ids

    # --- callbacks (2.8) ---------------------------------------------------------------------------------

    def envelope(self, plain_xml: str, *, token: str | None = None, aes_key: str | None = None,
                 receive_id: str | None = None, timestamp: str | None = None,
                 nonce: str | None = None) -> tuple[dict[str, str], bytes]:
        """(query, body) of a POST carrying ``plain_xml``, encrypted and signed; the keyword
        arguments forge it (another token, key or corp)."""
        enc = wecom_crypto.encrypt(aes_key or self.aes_key, plain_xml, receive_id or self.corp_id)
        ts = timestamp or str(int(self.clock()))
        nonce = nonce or str(random.randint(10**8, 10**9))
        sig = wecom_crypto.sign(token or self.callback_token, ts, nonce, enc)
        body = (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
                f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>").encode()
        return {"msg_signature": sig, "timestamp": ts, "nonce": nonce}, body

    def push(self, plain_xml: str, **forge: Any) -> tuple[int, bytes]:
        """POST one event to ``callback_url``; returns WeCom's view: (status, answer)."""
        if not self.callback_url:
            raise RuntimeError("FakeWeCom.callback_url is not set")
        query, body = self.envelope(plain_xml, **forge)
        resp = self._http_client.post(self.callback_url, params=query, content=body,
                                      headers={"content-type": "text/xml"})
        self.pushed.append((plain_xml, resp.status_code, resp.content))
        return resp.status_code, resp.content

    def verify_url(self, echo: str = "8613201234567890") -> httpx.Response:
        """The GET handshake WeCom runs when the callback URL is saved in the admin console."""
        enc = wecom_crypto.encrypt(self.aes_key, echo, self.corp_id)
        ts, nonce = str(int(self.clock())), "1372623149"
        sig = wecom_crypto.sign(self.callback_token, ts, nonce, enc)
        return self._http_client.get(self.callback_url, params={"msg_signature": sig, "timestamp": ts,
                                                                 "nonce": nonce, "echostr": enc})

    def event(self, chat_id: str, change: str, detail: str | None = None, **kw: Any) -> str:
        return event_xml(self.corp_id, chat_id, change, detail, create_time=kw.pop("create_time", int(self.clock())),
                         **kw)

    def join(self, chat_id: str, userid: str, *, scene: int = 3, invitor: str | None = None, name: str = "",
             state: str = "", shape: str = "item", push: bool = True) -> tuple[int, bytes] | None:
        """Someone joins: the group changes, then WeCom pushes ``add_member`` (JoinScene 3 for a
        QR code, else 0)."""
        with self._lock:
            g = self.state.group(chat_id)
            last = g.member_version
            self.state.add_member(chat_id, userid, scene=scene, invitor=invitor, name=name, state=state,
                                  join_time=int(self.clock()))
            xml = self.event(chat_id, "update", "add_member", members=[userid], shape=shape,
                             join_scene=3 if scene == 3 else 0, last_ver=last, cur_ver=g.member_version)
        return self.push(xml) if push else None

    def leave(self, chat_id: str, userid: str, *, removed: bool = False, shape: str = "item",
              push: bool = True) -> tuple[int, bytes] | None:
        with self._lock:
            g = self.state.group(chat_id)
            last = g.member_version
            g.members.pop(userid, None)
            xml = self.event(chat_id, "update", "del_member", members=[userid], shape=shape,
                             quit_scene=1 if removed else 0, last_ver=last, cur_ver=g.member_version)
        return self.push(xml) if push else None

    def rename(self, chat_id: str, name: str) -> tuple[int, bytes]:
        with self._lock:
            self.state.group(chat_id).name = name
        return self.push(self.event(chat_id, "update", "change_name"))

    def set_notice(self, chat_id: str, notice: str) -> tuple[int, bytes]:
        with self._lock:
            self.state.group(chat_id).notice = notice
        return self.push(self.event(chat_id, "update", "change_notice"))

    def set_owner(self, chat_id: str, owner: str) -> tuple[int, bytes]:
        with self._lock:
            g = self.state.group(chat_id)
            g.owner = owner
            if owner not in g.members:
                self.state.add_member(chat_id, owner, type=1)
        return self.push(self.event(chat_id, "update", "change_owner"))

    def dismiss(self, chat_id: str) -> tuple[int, bytes]:
        with self._lock:
            self.state.group(chat_id).dismissed = True
        return self.push(self.event(chat_id, "dismiss"))

    def join_via(self, config_id: str, userid: str, name: str = "") -> str:
        """Someone scans a join way's QR code: they land in its first group with room; when
        every group is full and ``auto_create_room`` is on, WeCom opens the next group
        (``room_base_name`` + index, the first group's owner), pushes ``create`` and adds it
        to the join way. Returns the chat id they joined."""
        with self._lock:
            jw = self.state.join_ways[config_id]
            target = next((c for c in jw["chat_id_list"] if len(self.state.group(c).members)
                           < self.state.group(c).capacity), None)
            created = None
            if target is None:
                if not jw["auto_create_room"]:
                    raise WeComError(40058, "every group of the join way is full")
                first = self.state.group(jw["chat_id_list"][0])
                index = jw["room_base_id"] + jw.setdefault("created", 0)
                jw["created"] += 1
                target = self.state._next("wrAuto")
                self.state.add_group(target, f"{jw['room_base_name']}{index}", first.owner,
                                     create_time=int(self.clock()), capacity=first.capacity)
                jw["chat_id_list"] = (jw["chat_id_list"] + [target])[-5:]
                created = self.event(target, "create")
        if created:
            self.push(created)
        self.join(target, userid, scene=3, name=name, state=jw["state"])
        return target
