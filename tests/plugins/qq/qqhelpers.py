"""Shared helpers for the QQ connector tests (a module, not a conftest: explicit imports)."""

from __future__ import annotations

import json
import time

from console.connector import NullSink
from plugins.qq.connector import QQConnector
from tests.fakes.onebot import ActionError, FakeOneBot


class FakeOneBotPlus(FakeOneBot):
    """The shared fake plus two knobs these tests need: a risk-control answer, and a
    call that hangs only for one chosen action (the crash test kills the executor there)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.throttle_next = 0
        self.slow_on: tuple[str, int] | None = None  # (action, user_id or group_id)

    async def _http_action(self, action, params, send, receive):
        if self.throttle_next:
            self.throttle_next -= 1
            with self._lock:
                self.calls.append((action, dict(params)))
            err = ActionError("API_ERROR", "发送失败: 账号风控, 请求频率过快", "账号风控, 请求频率过快")
            await self._respond_json(send, self._failed(err, ws=False))
            return
        if self.slow_on and action == self.slow_on[0]:
            ids = {str(params.get("user_id")), str(params.get("group_id"))}
            msg = json.dumps(params.get("message"), ensure_ascii=False)
            if str(self.slow_on[1]) in ids or str(self.slow_on[1]) in msg:
                self.fail_next("slow")
        return await super()._http_action(action, params, send, receive)


def make_bot(**kw) -> FakeOneBotPlus:
    bot = FakeOneBotPlus(**kw).start()
    bot.add_group(1, "福利群 A", 500)
    for uid, name in ((42, "alice"), (43, "bob"), (44, "cy")):
        bot.add_member(1, uid, name)
    bot.add_member(1, 9, "owner", role="owner")
    return bot


def make_connector(bot: FakeOneBot, name: str = "qq1", sink=None, **opts) -> QQConnector:
    o = {"base_url": bot.base_url, "access_token": bot.access_token or "", "secret": bot.secret or "", **opts}
    o = {k: v for k, v in o.items() if v != ""}
    return QQConnector(name, o, sink=sink or NullSink())


def wait_until(pred, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise TimeoutError(what)
