"""The files of a connector plugin from ``shequn plugin new NAME --kind connector``: a platform
with a JSON HTTP API and signed webhooks, a fake server of it, and the conformance kit's
suite against the fake (console/scaffold.py; the shared files in scaffold_common.py)."""

FILES: dict[str, str] = {}

FILES["shequn___NAME__/connector.py"] = '''
"""The __NAME__ connector: actions over the platform's JSON API, events from its signed
webhooks. Replace the endpoints with your platform's; keep the contract (`shequn docs
plugins`, "The connector contract"): typed results, never an exception for a platform
error, a capability checked before any call, events with stable ids."""

import hashlib
import hmac
import json

import httpx

from shequn import (ActionResult, Capability, ConnectionCheck, Connector, ConnectorError, Event, GroupInfo, Kind,
                    Option, Pacing, Route, Status, WebhookResult)

KINDS = {"message": Kind.MESSAGE, "join": Kind.JOIN, "leave": Kind.LEAVE, "join_request": Kind.JOIN_REQUEST}


class __Title__Connector(Connector):
    platform = "__NAME__"
    title = "__Title__"
    options = (
        Option("base_url", "the platform's API address, e.g. https://api.example.com", required=True),
        Option("token", "the bot's API token (env:VAR keeps it out of config.toml)", secret=True, required=True),
        Option("webhook_secret", "the secret the platform signs webhooks with", secret=True, required=True),
        Option("timeout", "seconds to wait for the API", float, default=10.0, minimum=1, maximum=120),
    )
    capabilities = frozenset({Capability.SEND, Capability.KICK, Capability.APPROVE_JOIN, Capability.REJECT_REASON,
                              Capability.LIST_GROUPS})
    intake = frozenset({"webhook"})
    pacing = Pacing(rate=1.0, burst=5)  # the account's pace
    group_pacing = Pacing(rate=20 / 60, burst=20)  # and the platform's per group: 20 a minute

    async def _call(self, method, path, body=None):
        """(status, JSON answer) of one API call; raises httpx errors (the caller maps them)."""
        async with httpx.AsyncClient(base_url=self.config["base_url"], timeout=self.config["timeout"],
                                     headers={"Authorization": f"Bearer {self.config['token']}"}) as client:
            r = await client.request(method, path, json=body)
        try:
            data = r.json()
        except ValueError:
            data = {}
        return r.status_code, data if isinstance(data, dict) else {}

    async def act(self, request):
        body = {"group": request.group, "user": request.user, **request.params}
        try:
            status, data = await self._call("POST", f"/{request.kind}", body)
        except httpx.HTTPError as e:
            return ActionResult.retry(f"{self.name}: the platform did not answer: {type(e).__name__}")
        if status == 401:
            return ActionResult(Status.AUTH_EXPIRED, "token refused")
        if status == 429:
            return ActionResult(Status.RATE_LIMITED, "slow down", retry_after=float(data.get("retry_after") or 5))
        if status >= 500:
            return ActionResult.retry(f"{self.name}: the platform answered {status}")
        if status >= 400 or not data.get("ok"):
            words = str(data.get("error") or f"answered {status}")
            if words == "not_member" and request.kind == "kick":
                return ActionResult.done("already not a member", gone="member")
            if words == "no_such_request":
                return ActionResult.failed(f"{self.name}: {words}", gone="request")
            return ActionResult.failed(f"{self.name}: {words}")
        return ActionResult.done()

    async def check(self):
        try:
            status, data = await self._call("GET", "/me")
        except httpx.HTTPError as e:
            return ConnectionCheck(False, detail=f"the platform did not answer: {type(e).__name__}")
        if status != 200:
            return ConnectionCheck(False, detail=f"the platform answered {status}: {data.get('error', '')}")
        return ConnectionCheck(True, account=str(data.get("name", "")))

    async def list_groups(self):
        try:
            status, data = await self._call("GET", "/groups")
        except httpx.HTTPError as e:
            raise ConnectorError(f"{self.name}: could not list groups: {type(e).__name__}") from e
        return [GroupInfo(str(g["id"]), str(g.get("name", "")), member_count=g.get("members")) for g in data["groups"]]

    def routes(self):
        return [Route("", ("POST",), self.webhook)]

    async def webhook(self, req):
        """One signed delivery: refuse what is unsigned (401), what cannot be read (400),
        never raise (serve would answer 500, and the platform would retry it for ever)."""
        want = hmac.new(self.config["webhook_secret"].encode(), req.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(req.headers.get("x-signature", ""), want):
            return WebhookResult(401, error="bad or missing x-signature")
        try:
            payload = json.loads(req.body)
        except ValueError as e:
            return WebhookResult(400, error=f"not JSON: {e}")
        if not isinstance(payload, dict) or not payload.get("id") or not isinstance(payload.get("ts"), int):
            return WebhookResult(400, error="a delivery needs an object with id and ts")
        return WebhookResult(204, events=[self.event(payload)])

    def event(self, p):
        kind = KINDS.get(p.get("type"), Kind.UNKNOWN)
        data = {"flag": str(p["flag"])} if kind == Kind.JOIN_REQUEST and p.get("flag") else {}
        return Event(self.name, str(p["id"]), kind, p["ts"], group=_str(p.get("group")), user=_str(p.get("user")),
                     nickname=p.get("nickname"), text=p.get("text") if kind == Kind.MESSAGE else None, data=data,
                     raw=p if kind == Kind.UNKNOWN else None)


def _str(v):
    return None if v is None else str(v)
'''

FILES["shequn___NAME__/fake.py"] = '''
"""A fake __NAME__ platform for tests: the API the connector calls, in a thread, with
faults to inject. Grow it with your platform: the conformance kit runs against it."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "whsec-test"


class FakePlatform:
    def __init__(self):
        self.groups = {"g1": {"name": "测试群", "members": {"u1", "u2"}}}
        self.requests = {"f1", "f2"}
        self.calls = []
        self.fault = None  # the next action's failure, or "down" until cleared
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                fake.answer(self, "GET", None)

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                fake.answer(self, "POST", json.loads(self.rfile.read(n) or b"{}"))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, h, method, body):
        self.calls.append((method, h.path, body))
        if self.fault == "down":
            h.close_connection = True  # no answer at all, as a platform that is down
            return
        if h.headers.get("authorization") != "Bearer t0ken":
            return self.send(h, 401, {"error": "bad token"})
        if method == "GET":
            if h.path == "/me":
                return self.send(h, 200, {"name": "bot-1"})
            return self.send(h, 200, {"groups": [{"id": g, "name": v["name"], "members": len(v["members"])}
                                                 for g, v in self.groups.items()]})
        fault, self.fault = self.fault, None
        if fault:
            status = {"auth": 401, "rate_limit": 429, "transient": 503, "permanent": 400}[fault]
            return self.send(h, status, {"error": "refused by the fake", "retry_after": 2})
        kind, group = h.path.strip("/"), self.groups.get(str(body.get("group")))
        if kind in ("approve_join", "reject_join"):
            if body.get("flag") not in self.requests:
                return self.send(h, 400, {"error": "no_such_request"})
            self.requests.discard(body["flag"])
            return self.send(h, 200, {"ok": True})
        if group is None:
            return self.send(h, 400, {"error": "no such group"})
        if kind == "kick":
            if body.get("user") not in group["members"]:
                return self.send(h, 400, {"error": "not_member"})
            group["members"].discard(body["user"])
        return self.send(h, 200, {"ok": True})

    def send(self, h, status, data):
        raw = json.dumps(data).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(raw)))
        h.end_headers()
        h.wfile.write(raw)


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
'''

FILES["shequn___NAME__/counting.py"] = '''
"""What __NAME__ counts and proposes: the messages of its own platform's connections."""

from shequn import Proposal, messages_of

from .connector import __Title__Connector

CONNECTORS = (__Title__Connector,)


def counted(events, ws, settings):
    mine = {n for n, c in ws.settings.connections.items() if c.platform == __Title__Connector.platform}
    return [e for e in messages_of(events) if e.connection in mine and e.text
            and (not settings.keyword or settings.keyword in e.text)]


def proposals(counted, ws, settings):
    """One reply per person, group and day: the key makes a second proposal the same action."""
    if not settings.reply:
        return []
    return [Proposal("send", "__NAME__: reply to a counted message", group_id=e.group_id,
                     params={"text": settings.reply}, evidence=e.id,
                     key=f"__NAME__:{e.group_id}:{e.person_id}:{ws.day(e.ts)}") for e in counted]
'''

FILES["tests/conftest.py"] = '''
import pytest

from shequn.testing import workspace_for_tests

# a connection of this plugin's platform, switched off: events are ingested by hand
CONFIG = ('[connections.t1]\\nplatform = "__NAME__"\\nenabled = false\\nbase_url = "http://127.0.0.1:9"\\n'
          'token = "t0ken"\\nwebhook_secret = "whsec-test"\\n\\n[__NAME__]\\nreply = "收到"\\n')


@pytest.fixture
def ws(tmp_path):
    w = workspace_for_tests(tmp_path, CONFIG)
    yield w
    w.close()
'''

FILES["tests/test_conformance.py"] = '''
"""The conformance kit against the fake platform: run as is under pytest-asyncio's strict
mode, its auto mode or without it (shequn's pytest plugin); `pytest -m conformance`."""

import json

from shequn import ActionRequest, WebhookRequest
from shequn.testing import ConnectorConformance

from shequn___NAME__.connector import __Title__Connector
from shequn___NAME__.fake import FakePlatform, sign

T0 = 1_767_225_600


def signed(payload, secret="whsec-test"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return WebhookRequest("POST", "", {}, {"x-signature": sign(body, secret)}, body)


class Test__Title__Conformance(ConnectorConformance):
    connector_class = __Title__Connector
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})

    def start_fake(self):
        self.fake = FakePlatform().start()

    def stop_fake(self):
        self.fake.stop()

    def make_connector(self, name, sink):
        return __Title__Connector(name, {"base_url": self.fake.url, "token": "t0ken", "webhook_secret": "whsec-test"},
                                  sink=sink)

    def sample_requests(self):
        return {"send": ActionRequest(1, "send", "k1", group="g1", params={"text": "hi"}),
                "kick": ActionRequest(2, "kick", "k2", group="g1", user="u2"),
                "approve_join": ActionRequest(3, "approve_join", "k3", group="g1", params={"flag": "f1"}),
                "reject_join": ActionRequest(4, "reject_join", "k4", group="g1", params={"flag": "f2", "reason": "x"})}

    def gone_requests(self):
        return {"kick": ActionRequest(5, "kick", "k5", group="g1", user="nobody")}

    async def produce_events(self, connector, sink):
        payloads = [{"id": "m1", "type": "message", "ts": T0, "group": "g1", "user": "u1", "text": "签到"},
                    {"id": "j1", "type": "join", "ts": T0 + 1, "group": "g1", "user": "u3"},
                    {"id": "r1", "type": "join_request", "ts": T0 + 2, "group": "g1", "user": "u4", "flag": "f9"},
                    {"id": "x1", "type": "sticker_pack", "ts": T0 + 3, "group": "g1"}]
        events = []
        for p in payloads:
            events += (await self.call_route(connector, signed(p))).events
        return events

    async def deliver_twice(self, connector, sink):
        req = signed({"id": "m2", "type": "message", "ts": T0, "group": "g1", "user": "u1", "text": "hi"})
        return (await self.call_route(connector, req)).events, (await self.call_route(connector, req)).events

    def inject_fault(self, kind):
        self.fake.fault = kind

    def clear_fault(self, kind):
        self.fake.fault = None

    def network_calls(self):
        return len(self.fake.calls)

    def forged_requests(self):
        body = json.dumps({"id": "m3", "type": "message", "ts": T0, "group": "g1", "user": "u1", "text": "x"}).encode()
        return {"unsigned": WebhookRequest("POST", "", {}, {}, body),
                "forged": signed(body, "another-secret"),
                "altered body": WebhookRequest("POST", "", {}, {"x-signature": sign(body)}, body + b" ")}

    def malformed_requests(self):
        return {"not JSON": signed(b"{"), "not an object": signed(b"[1]"), "no id": signed({"type": "message"})}
'''
