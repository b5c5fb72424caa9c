"""The conformance kit (console/testing.py) run for the built-in connectors.

QQ runs it against the fake OneBot bridge with every fault kind and a dropped
WebSocket. The sandbox fails calls on request (``fail_next``) like a platform; it has
no server, so its redelivery and reconnect tests are skipped by the kit with that
reason (they are covered for QQ)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

from console.connector import WebhookRequest
from console.model import ActionRequest
from console.testing import ConnectorConformance
from plugins.qq.connector import QQConnector
from plugins.sandbox.connector import SandboxConnector
from tests.plugins.qq.qqhelpers import make_bot


def _sign(body: bytes) -> str:
    return "sha1=" + hmac.new(b"sec", body, hashlib.sha1).hexdigest()


class TestQQConformance(ConnectorConformance):
    connector_class = QQConnector
    connection = "qqc"
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})
    supports_reconnect = True

    def start_fake(self):
        self.bot = make_bot()
        self.bot.set_bot_role(1, "owner")
        self.flags = [self.bot.inject_join_request(1, 70 + i, "hi")["flag"] for i in range(2)]

    def stop_fake(self):
        self.bot.stop()

    def make_connector(self, name, sink):
        return QQConnector(name, {"base_url": self.bot.base_url, "access_token": "tok", "secret": "sec",
                                  "intake": "websocket", "ws_url": self.bot.ws_url}, sink=sink)

    def sample_requests(self):
        mid = self.bot.inject_message(1, 44, "to be recalled")["message_id"]

        def r(kind, user=None, **params):
            return ActionRequest(1, kind, f"conf-{kind}", group="1", user=user, params=params)

        return {"send": r("send", text="hello"), "kick": r("kick", "43"), "mute": r("mute", "42", duration=60),
                "unmute": r("unmute", "42"), "whole_mute": r("whole_mute", enable=False),
                "set_admin": r("set_admin", "44"), "unset_admin": r("unset_admin", "44"),
                "set_card": r("set_card", "42", card="x"),
                "approve_join": r("approve_join", "70", flag=self.flags[0], sub_type="add"),
                "reject_join": r("reject_join", "71", flag=self.flags[1], sub_type="add", reason="no"),
                "announce": r("announce", content="rules"), "recall": r("recall", message_id=mid),
                "set_group_name": r("set_group_name", name="renamed")}

    def gone_requests(self):
        def r(kind, user=None, **params):
            return ActionRequest(1, kind, f"gone-{kind}", group="1", user=user, params=params)

        return {"kick": r("kick", "77"), "mute": r("mute", "77", duration=60), "recall": r("recall", message_id="987654")}

    async def produce_events(self, connector, sink):
        if connector._ws_task is None:
            await connector.start()
        await asyncio.to_thread(self.bot.wait_ws_clients, 1, 10)
        n = len(sink.received)
        b = self.bot
        b.inject_message(1, 42, [{"type": "text", "data": {"text": "hi "}}, {"type": "at", "data": {"qq": "43"}}])
        b.inject_join_request(1, 80, "answer")
        for ev in ({"post_type": "notice", "notice_type": "group_increase", "sub_type": "invite", "group_id": 1,
                    "user_id": 81, "operator_id": 42},
                   {"post_type": "notice", "notice_type": "group_decrease", "sub_type": "kick", "group_id": 1,
                    "user_id": 44, "operator_id": 10001},
                   {"post_type": "notice", "notice_type": "group_ban", "sub_type": "ban", "group_id": 1,
                    "user_id": 42, "operator_id": 10001, "duration": 60},
                   {"post_type": "notice", "notice_type": "notify", "sub_type": "poke", "group_id": 1,
                    "user_id": 42, "target_id": 10001},
                   {"post_type": "meta_event", "meta_event_type": "heartbeat", "status": {"online": True},
                    "interval": 5000}):
            b.inject_event(ev)
        await self.wait_events(sink, n + 7)
        return sink.received[n:]

    async def deliver_twice(self, connector, sink):
        body = json.dumps({"time": 1_700_000_000, "self_id": 10001, "post_type": "notice",
                           "notice_type": "group_decrease", "sub_type": "leave", "group_id": 1, "user_id": 42,
                           "operator_id": 42}).encode()
        sig = "sha1=" + hmac.new(b"sec", body, hashlib.sha1).hexdigest()
        req = WebhookRequest("POST", "", {}, {"x-signature": sig}, body)
        first, second = await connector.handle_post(req), await connector.handle_post(req)
        return first.events, second.events

    def forged_requests(self):
        body = json.dumps({"time": 1_700_000_000, "self_id": 10001, "post_type": "notice",
                           "notice_type": "group_increase", "sub_type": "approve", "group_id": 1,
                           "user_id": 90, "operator_id": 10001}).encode()
        return {"unsigned": WebhookRequest("POST", "", {}, {}, body),
                "forged": WebhookRequest("POST", "", {}, {"x-signature": "sha1=" + "0" * 40}, body),
                "altered body": WebhookRequest("POST", "", {}, {"x-signature": _sign(body)}, body.replace(b"90", b"91"))}

    def malformed_requests(self):
        bodies = {"not JSON": b"{not json", "not an object": b"[1, 2]", "not UTF-8": "中文".encode("gbk")}
        return {what: WebhookRequest("POST", "", {}, {"x-signature": _sign(body)}, body) for what, body in bodies.items()}

    def make_webhook_connector(self, name, sink):
        return QQConnector(name, {"base_url": self.bot.base_url, "access_token": "tok", "secret": "sec",
                                  "intake": "http_post"}, sink=sink)

    def inject_fault(self, kind):
        b = self.bot
        if kind == "auth":
            b.access_token = "rotated"
        elif kind == "rate_limit":
            b.throttle_next = 1
        elif kind == "transient":
            b.fail_next("http500")
        elif kind == "permanent":
            b.fail_next("failed")
        elif kind == "down":
            b.stop()

    def clear_fault(self, kind):
        self.bot.access_token = "tok"
        self.bot.clear_faults()

    def network_calls(self):
        return len(self.bot.calls)

    def drop_connection(self):
        self.bot.drop_ws()


class TestSandboxConformance(ConnectorConformance):
    connector_class = SandboxConnector
    connection = "sbc"
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})
    check_while_down = False  # "down" fails the next action; the simulation itself never stops

    def start_fake(self):
        self.conn = SandboxConnector(self.connection, {"seed": 3, "groups": 3, "members": 60})
        self.gid = next(iter(self.conn.world.groups))

    def make_connector(self, name, sink):
        self.conn.sink = sink
        return self.conn

    def sample_requests(self):
        def r(kind, user=None, **params):
            return ActionRequest(1, kind, f"sb-conf-{kind}", group=self.gid, user=user, params=params)

        return {"send": r("send", text="hello"), "kick": r("kick", "conf-1"), "mute": r("mute", "conf-2", duration=60),
                "unmute": r("unmute", "conf-2"), "whole_mute": r("whole_mute", enable=False),
                "set_admin": r("set_admin", "conf-3"), "unset_admin": r("unset_admin", "conf-3"),
                "set_card": r("set_card", "conf-4", card="x"), "approve_join": r("approve_join", "conf-5"),
                "reject_join": r("reject_join", "conf-6", reason="no"), "announce": r("announce", text="rules"),
                "recall": r("recall", message_id="none"), "set_group_name": r("set_group_name", name="renamed"),
                "create_group": r("create_group", name="new"), "invite": r("invite", "conf-7")}

    async def produce_events(self, connector, sink):
        # a whole day: the world starts at the wall clock, and six night hours are the quietest
        events = connector.world.tick(connector.world.clock + 86400, 86400, 1.0)
        sink.events(events)
        return events

    def inject_fault(self, kind):
        self.conn.fail_next(kind)

    def clear_fault(self, kind):
        self.conn.clear_faults()

    def network_calls(self):
        return self.conn.calls  # calls that reached the simulated platform


async def test_kit_reports_a_bad_event_in_words():
    from console.model import Event
    from console.testing import check_event

    bad = Event("x", "", "shout", 1_700_000_000_000, group=5, data={})
    problems = check_event(bad, "y")
    text = "\n".join(problems)
    assert "connection is 'x'" in text and "non-empty" in text and "not a console.model.Kind" in text
    assert "plausible unix time" in text and "group must be a string" in text
    named = Event("y", "m1", "message", 1_700_000_000, group="g1", user="u1", text="hi", data={}, group_name=42)
    assert check_event(named, "y") == ["event 'm1' (message): group_name must be the group's name as a string or None,"
                                       " got int"]
    assert check_event(Event("y", "m1", "message", 1_700_000_000, group="g1", user="u1", text="hi", data={},
                             group_name="粉丝群 A"), "y") == []
