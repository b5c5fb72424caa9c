"""The conformance kit (console/testing.py) for the Douyin connector, against the fake
Douyin open platform on loopback (CI runs it with the rest of the suite).

Douyin pushes events by webhook and keeps no connection, so the kit's reconnect test
is skipped with that reason; every fault kind is injected (28001008 for auth, 28003018
for the rate limit, 28001005 transient, 28001007 permanent, the server stopped for down)."""

from __future__ import annotations

from console.model import ActionRequest
from console.testing import ConnectorConformance
from plugins.douyin.connector import DouyinConnector
from tests.plugins.douyin.dyhelpers import hook_request, make_connector, make_fake, raw_request


class TestDouyinConformance(ConnectorConformance):
    connector_class = DouyinConnector
    connection = "dyc"
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})
    supports_reconnect = False

    def start_fake(self):
        self.fake = make_fake()
        self.refresh = self.fake.authorise()["refresh_token"]
        self.group = self.fake.add_group("粉丝群 1", members=3).group_id
        self.applies = [self.fake.apply(self.group, nickname=f"申请人{i}") for i in range(3)]

    def stop_fake(self):
        self.fake.stop()

    def make_connector(self, name, sink):
        return make_connector(self.fake, self.refresh, sink=sink, name=name)

    def sample_requests(self):
        mid = self.fake.send({"group_id": self.group, "content": {"msg_type": 1, "text": {"text": "撤回我"}}})
        g = self.group

        def r(kind, user=None, group=g, **params):
            return ActionRequest(1, kind, f"conf-{kind}", group=group, user=user, params=params)

        return {"send": r("send", text="大家好"), "recall": r("recall", message_id=mid),
                "approve_join": r("approve_join", self.applies[0].user_id, flag=self.applies[0].apply_id),
                "reject_join": r("reject_join", self.applies[1].user_id, flag=self.applies[1].apply_id, reason="不符"),
                "announce": r("announce", title="群规", text="不发广告"), "set_welcome": r("set_welcome", text="欢迎！"),
                "create_group": r("create_group", group=None, name="粉丝群 2")}

    def fault_request(self):
        a = self.applies[2]
        return ActionRequest(9, "approve_join", "conf-fault", group=self.group, user=a.user_id,
                             params={"flag": a.apply_id})

    def gone_requests(self):
        return {"recall": ActionRequest(1, "recall", "gone-recall", group=self.group,
                                        params={"message_id": "@no-such-message=="})}

    def forged_requests(self):
        f = self.fake
        content = f.message_content(self.group, "伪造")
        altered = hook_request(f, "im_group_receive_msg", content, from_user="ou-fan-1")
        altered.body = altered.body.replace("伪造".encode(), "篡改".encode())
        return {"unsigned": hook_request(f, "im_group_receive_msg", content, from_user="ou-fan-1", sign=False),
                "forged": hook_request(f, "im_group_receive_msg", content, from_user="ou-fan-1", secret="guess"),
                "altered body": altered,
                "another app": hook_request(f, "verify_webhook", {"challenge": 1}, stringify=False, client_key="x")}

    def malformed_requests(self):
        f = self.fake
        no_ids = {"conversation_short_id": self.group, "create_time": 1_700_000_000_000, "text": "没有消息 id"}
        return {"not JSON": raw_request(f, b"{not json"), "not an object": raw_request(f, b"[1, 2]"),
                "content that does not parse": raw_request(
                    f, b'{"event": "enter_group_audit_change", "client_key": "", "content": "{broken"}'),
                "a message without its id": hook_request(f, "im_group_receive_msg", no_ids, from_user="ou-fan-1")}

    async def produce_events(self, connector, sink):
        n = len(sink.received)
        f, g = self.fake, self.group
        reqs = [hook_request(f, "im_group_receive_msg", f.message_content(g, "你好"), from_user="ou-fan-1"),
                hook_request(f, "enter_group_audit_change", f.apply_content(self.applies[2]),
                             from_user=self.applies[2].user_id),
                hook_request(f, "group_fans_event", f.join_content(g, "ou-fan-2"), from_user="ou-fan-2"),
                hook_request(f, "group_fans_event", f.join_content(g, "ou-fan-3", group_type=2), from_user="ou-fan-3"),
                hook_request(f, "im_enter_direct_msg", {"conversation_short_id": "@dm", "create_time": 1700000000000},
                             from_user="ou-fan-4")]
        for req in reqs:
            res = await connector.handle(req)
            assert res.status == 200 and res.error is None, res.error
        events = await connector.poll()  # the application again, from the list: the same id
        sink.events(events)
        return sink.received[n:]

    async def deliver_twice(self, connector, sink):
        f = self.fake
        content = f.message_content(self.group, "重复一次")
        first = hook_request(f, "im_group_receive_msg", content, from_user="ou-fan-1", msg_id="m-1")
        again = hook_request(f, "im_group_receive_msg", content, from_user="ou-fan-1", msg_id="m-2")
        n = len(sink.received)
        await connector.handle(first)
        got1 = sink.received[n:]
        n = len(sink.received)
        await connector.handle(again)  # the platform sends one event twice, under two Msg-Ids
        return got1, sink.received[n:]

    def inject_fault(self, kind):
        f = self.fake
        if kind == "down":
            f.stop()
        else:
            f.fail_next({"auth": 28001008, "rate_limit": 28003018, "transient": 28001005, "permanent": 28001007}[kind])

    def clear_fault(self, kind):
        self.fake.clear_faults()
        if kind == "down":
            self.fake.start()

    def network_calls(self):
        return len(self.fake.calls)
