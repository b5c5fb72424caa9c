"""The conformance kit (console/testing.py) for the WeChat connector against the fake WeCom.

WeCom cannot kick, mute or recall in customer groups (messages and announcements go out
as mass sends the owner confirms), so the kit's gone-target test has
nothing to check; callbacks are webhooks, so there is no connection to drop: both are
skipped by the kit with that reason. Every fault kind is simulated; forged callbacks
(unsigned, another token, an altered ciphertext) and signed ones that cannot be read
(another key, another corp, an event that is not XML) are refused."""

from __future__ import annotations

from console.model import ActionRequest
from console.testing import ConnectorConformance
from plugins.wechat.connector import WeChatConnector
from tests.plugins.wechat.wechathelpers import make_fake, options, post


class TestWeChatConformance(ConnectorConformance):
    connector_class = WeChatConnector
    connection = "wxc"
    faults = frozenset({"auth", "rate_limit", "transient", "permanent", "down"})

    def start_fake(self):
        self.wc = make_fake()
        self.wc.add_group("wrGroupB", "福利群 B", "zhangsan")  # a second group: one mass send a day each

    def stop_fake(self):
        self.wc.stop()

    def make_connector(self, name, sink):
        c = WeChatConnector(name, options(self.wc), sink=sink)
        c.api.retry_pause = 0.01
        return c

    def sample_requests(self):
        return {"set_welcome": ActionRequest(1, "set_welcome", "conf-welcome", params={"text": "欢迎 %NICKNAME%"}),
                "join_way": ActionRequest(2, "join_way", "conf-join-way",
                                          params={"chat_ids": ["wrGroupA"], "room_base_name": "福利群"}),
                "send": ActionRequest(3, "send", "conf-send", group="wrGroupA", params={"text": "今晚八点直播"}),
                "announce": ActionRequest(4, "announce", "conf-announce", group="wrGroupB",
                                          params={"title": "群规", "text": "不发广告"})}

    def fault_request(self):
        # a mass send is not repeated blindly and a group takes one a day: faults use the welcome template
        return self.sample_requests()["set_welcome"]

    async def produce_events(self, connector, sink):
        wc = self.wc
        wc.add_member("wrGroupA", "wmCarl", scene=3, name="卡尔")
        wc.add_group("wrNew", "新群", "zhangsan")
        xmls = [wc.event("wrGroupA", "update", "add_member", members=["wmCarl"], join_scene=3),
                wc.event("wrGroupA", "update", "del_member", members=["wmBob"], quit_scene=1),
                wc.event("wrGroupA", "update", "change_name"), wc.event("wrGroupA", "update", "change_owner"),
                wc.event("wrNew", "create"),
                "<xml><CreateTime>1700000000</CreateTime><Event>change_external_contact</Event></xml>"]
        out = []
        for xml in xmls:
            res = await connector.handle(post(wc, xml))
            assert res.status == 200 and res.error is None, res.error
            sink.events(res.events)
            out.extend(res.events)
        return out

    async def deliver_twice(self, connector, sink):
        req = post(self.wc, self.wc.event("wrGroupA", "update", "del_member", members=["wmAlice"], quit_scene=0))
        first, second = await connector.handle(req), await connector.handle(req)
        return first.events, second.events

    def forged_requests(self):
        wc = self.wc
        xml = wc.event("wrGroupA", "update", "del_member", members=["wmBob"])
        unsigned = post(wc, xml)
        unsigned.query.pop("msg_signature")
        altered = post(wc, xml)
        altered.body = altered.body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
        return {"unsigned": unsigned, "forged": post(wc, xml, token="guessed"), "altered body": altered}

    def malformed_requests(self):
        wc = self.wc
        xml = wc.event("wrGroupA", "update", "del_member", members=["wmBob"])
        return {"another EncodingAESKey": post(wc, xml, aes_key="A" * 43),
                "another corp's receive id": post(wc, xml, receive_id="wwOTHERCORP"),
                "an event that is not XML": post(wc, "<xml><ChatId>"),
                "an event with a DOCTYPE": post(wc, '<!DOCTYPE x [<!ENTITY a "b">]><xml/>')}

    def inject_fault(self, kind):
        wc = self.wc
        if kind == "auth":
            wc.fail_next("expired", 2)  # refreshed once, expired again: the outbox refreshes and retries
        elif kind == "rate_limit":
            wc.fail_next("freq")
        elif kind == "transient":
            wc.fail_next("busy", 4)  # -1 past the connector's three retries
        elif kind == "permanent":
            wc.fail_next("denied")
        elif kind == "down":
            wc.stop()

    def clear_fault(self, kind):
        self.wc.clear_faults()

    def network_calls(self):
        return len(self.wc.calls)
