"""The conformance kit (console/testing.py) for QQ against a NapCat-shaped and a
Lagrange-shaped fake bridge, beside the go-cqhttp run in tests/test_conformance.py.

Lagrange.OneBot answers without words (``{status, retcode, data, echo}``) and answers a
kick or a mute ``ok`` whatever it did: risk control cannot be told from any other
failure there, and a recall of a message it no longer has is a bare ``failed``/200, so
those two checks are left out for Lagrange (the kit skips them, saying so); the kick and
the mute of someone gone are done there by the bridge's own ``ok``."""

from __future__ import annotations

import tests.test_conformance as base
from console.model import ActionRequest
from plugins.qq.connector import QQConnector
from tests.plugins.qq.qqhelpers import make_bot


class TestNapCatConformance(base.TestQQConformance):
    connection = "qqnap"
    dialect = "napcat"

    def start_fake(self):
        self.bot = make_bot(dialect=self.dialect)
        self.bot.set_bot_role(1, "owner")
        self.flags = [self.bot.inject_join_request(1, 70 + i, "hi")["flag"] for i in range(2)]

    def make_connector(self, name, sink):
        return QQConnector(name, {"base_url": self.bot.base_url, "access_token": "tok", "secret": "sec",
                                  "intake": "websocket", "ws_url": self.bot.ws_url}, sink=sink)


class TestLagrangeConformance(TestNapCatConformance):
    connection = "qqlag"
    dialect = "lagrange"
    faults = frozenset({"auth", "transient", "permanent", "down"})

    def gone_requests(self):
        def r(kind, user=None, **params):
            return ActionRequest(1, kind, f"gone-{kind}", group="1", user=user, params=params)

        return {"kick": r("kick", "77"), "mute": r("mute", "77", duration=60)}
