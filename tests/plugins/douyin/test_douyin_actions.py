"""Douyin actions against the fake: limits with back-off and tasks, the group quota,
timeouts (a message is not sent twice), rights refused, targets gone, bad requests and
options refused with the connection and key named."""

from __future__ import annotations

import httpx
import pytest

from console.config import ConfigError
from console.connector import NullSink
from console.model import ActionRequest, Status
from plugins.douyin.connector import DouyinConnector
from tests.fakes.douyin import FakeDouyin
from tests.plugins.douyin.dyhelpers import in_chinese, make_connector, options

T0 = 1_780_000_000.0  # 04:26:40 Beijing time: the quota renews 70,400 s later, at midnight


@pytest.fixture
def dy():
    with FakeDouyin(clock=lambda: T0) as f:
        f.gid = f.add_group("粉丝群", members=2).group_id
        yield f


def req(dy, kind, n=1, **params):
    return ActionRequest(n, kind, f"{kind}-{n}", group=dy.gid, params=params)


def tasks(ws):
    return ws.store.query("SELECT kind, title, detail FROM tasks WHERE source = 'connection:dy1' ORDER BY id")


async def test_rate_limits_back_off_doubling_and_a_lasting_one_becomes_one_task(dy, ws):
    c = make_connector(dy)
    c.attach(ws)
    try:
        dy.fail_next(28003018, 4)
        waits = []
        for n in range(4):
            res = await c.perform(req(dy, "send", n, text="hi"))
            assert res.status == Status.RATE_LIMITED and "dy1" in res.message and "28003018" in res.message
            waits.append(res.retry_after)
        assert waits == [60, 120, 240, 480]
        (task,) = tasks(ws)  # from the third in a row, once a day
        assert task["title"] == "Douyin keeps limiting the rate of connection dy1" and "240 s" in task["detail"]
        assert (await c.perform(req(dy, "send", 9, text="hi"))).status == Status.DONE
        dy.fail_next(28003018)
        assert (await c.perform(req(dy, "send", 10, text="hi"))).retry_after == 60  # a success resets the back-off
    finally:
        await c.aclose()


async def test_a_spent_call_quota_waits_for_midnight_beijing_time_with_a_task(dy, ws):
    c = make_connector(dy)
    c.attach(ws)
    try:
        dy.fail_next(28003017, 2)
        for n in range(2):
            res = await c.perform(req(dy, "approve_join", n, flag="@a"))
            assert res.status == Status.RATE_LIMITED and res.retry_after == 70_460
            assert "quota is spent" in res.message and "19.6 h" in res.message
        (task,) = tasks(ws)
        assert task["title"] == "Douyin call quota spent for connection dy1" and "midnight" in task["detail"]
    finally:
        await c.aclose()


async def test_fan_groups_are_created_only_within_the_quota(dy):
    dy.quota_left = 1
    dy.count_paths = ("/im/group/count/",)  # the other documented path is the one that exists here
    c = make_connector(dy)
    try:
        made = await c.perform(ActionRequest(1, "create_group", "cg1", params={"name": "粉丝群 2"}))
        assert made.status == Status.DONE and made.message.endswith("0 more can be created")
        gid = made.data["group_id"]
        assert dy.groups[gid].group_name == "粉丝群 2" and dy.groups[gid].open_audit_switch == 1
        assert gid in c.known
        calls = len(dy.calls)
        spent = await c.perform(ActionRequest(2, "create_group", "cg2", params={"name": "粉丝群 3"}))
        assert spent.status == Status.FAILED and spent.data == {"quota_spent": True, "left": 0}
        assert "dy1: account " + dy.open_id + " may create no more fan groups (quota spent, 0 left)" in spent.message
        assert dy.calls[calls:] == [("GET", "/im/group/count/")]  # asked, not attempted
        check = await c.check()
        assert check.ok and check.detail.endswith("0 more fan groups can be created")
    finally:
        await c.aclose()


class Timeouts(httpx.AsyncBaseTransport):
    """The real transport, except that calls to ``paths`` time out after reaching the fake."""

    def __init__(self, paths):
        self.inner, self.paths = httpx.AsyncHTTPTransport(), set(paths)

    async def handle_async_request(self, request):
        resp = await self.inner.handle_async_request(request)
        if request.url.path in self.paths:
            await resp.aclose()
            raise httpx.ReadTimeout("timed out", request=request)
        return resp


async def test_a_timed_out_message_is_not_repeated_but_a_decision_is_retried(dy):
    c = DouyinConnector("dy1", options(dy, dy.authorise()["refresh_token"]), sink=NullSink(), clock=dy.now,
                        transport=Timeouts({"/im/send/msg/group/", "/im/group/enter/audit/set/"}))
    try:
        sent = await c.perform(req(dy, "send", text="只发一次"))
        assert sent.status == Status.FAILED and "may have been carried out, so it was not repeated" in sent.message
        assert dy.texts(dy.gid) == ["只发一次"]  # it did go out
        decided = await c.perform(req(dy, "approve_join", 2, flag="@a"))
        assert decided.status == Status.RETRY and "dy1: Douyin timed out" == decided.message
    finally:
        await c.aclose()


async def test_rights_refused_http_failures_and_gone_targets(dy, ws):
    c = make_connector(dy)
    c.attach(ws)
    try:
        dy.fail_next(28001018)
        res = await c.perform(req(dy, "send", text="hi"))
        assert res.status == Status.FAILED and "only an enterprise account, 企业号" in res.message
        assert tasks(ws)[0]["title"] == "Douyin refused connection dy1 a right it needs"
        dy.fail_http(500)
        assert (await c.perform(req(dy, "send", 2, text="hi"))).status == Status.RETRY
        dy.fail_http(429)
        assert (await c.perform(req(dy, "send", 3, text="hi"))).status == Status.RATE_LIMITED
        a = dy.apply(dy.gid)
        assert (await c.perform(req(dy, "approve_join", 4, flag=a.apply_id))).status == Status.DONE
        again = await c.perform(req(dy, "reject_join", 5, flag=a.apply_id, reason="no"))
        assert again.status == Status.FAILED and again.data == {"gone": "request"} and "申请不存在或已处理" in again.message
        gone = await c.perform(req(dy, "recall", 6, message_id="@never-sent"))
        assert gone.status == Status.DONE and gone.data == {"gone": "message"}
        b = dy.apply(dy.gid)
        no = await c.perform(req(dy, "reject_join", 7, flag=b.apply_id, reason="答案不对"))
        assert no.status == Status.DONE and "no reason" in no.message and b.status == 3
    finally:
        await c.aclose()


async def test_greeting_and_announcement_set_and_off(dy):
    c = make_connector(dy)
    g = dy.groups[dy.gid]
    try:
        await c.perform(req(dy, "set_welcome", text="欢迎来到粉丝群"))
        await c.perform(req(dy, "announce", 2, title="群规", text="禁止广告"))
        assert g.settings == {1: [{"msg_type": 1, "text": {"text": "欢迎来到粉丝群"}}],
                              2: [{"msg_type": 1, "text": {"text": "群规\n禁止广告"}}]}
        off = await c.perform(req(dy, "set_welcome", 3, text=""))
        assert off.message == "turned off" and list(g.settings) == [2]
        await c.perform(req(dy, "announce", 4, disable=True))
        assert g.settings == {}
    finally:
        await c.aclose()


async def test_requests_missing_what_they_need_name_the_connection(dy):
    c = make_connector(dy)
    try:
        calls = len(dy.calls)
        for kind, params, words in (("send", {}, "dy1: send needs a text (text)"),
                                    ("approve_join", {}, "dy1: approve_join needs the application's flag (apply_id)"),
                                    ("recall", {}, "dy1: recall needs a message_id")):
            res = await c.perform(req(dy, kind, **params))
            assert (res.status, res.message) == (Status.FAILED, words)
        no_group = await c.perform(ActionRequest(1, "announce", "a", params={"text": "x"}))
        assert no_group.message == "dy1: announce needs a fan group"
        assert len(dy.calls) == calls
    finally:
        await c.aclose()


@pytest.mark.parametrize("bad,key,words", [
    ({"reject_status": 2}, "reject_status", "the same as approve_status"),
    ({"announcement_type": 1}, "announcement_type", "the same as greeting_type"),
    ({"base_url": "open.douyin.com"}, "base_url", "an http:// or https:// URL"),
    ({"poll_seconds": 5}, "poll_seconds", "from 10 to 86400"),
    ({"renew_days": 30}, "renew_days", "from 1 to 29"),
    ({"open_id": " "}, "open_id", "is empty"),
    ({"client_secret": "env:NO_SUCH_SECRET_VAR"}, "client_secret", "NO_SUCH_SECRET_VAR, which is not set"),
])
def test_options_that_cannot_work_are_refused_naming_the_key(bad, key, words, monkeypatch):
    monkeypatch.delenv("NO_SUCH_SECRET_VAR", raising=False)
    raw = {"client_key": "k", "client_secret": "s", "open_id": "ou-1", **bad}
    with pytest.raises(ConfigError) as e:
        DouyinConnector.check_options(raw, "connections.dy1")
    assert f"connections.dy1.{key}" in str(e.value) and words in str(e.value)


async def test_the_connection_state_names_each_condition_and_returns_to_online(dy):
    """The Connections screen's state: throttled, no quota, expired (a refresh that failed),
    online again after a success; each sent once while it lasts."""
    sink = NullSink()
    c = make_connector(dy, sink=sink)
    try:
        assert (await c.perform(req(dy, "send", 1, text="hi"))).status == Status.DONE
        assert sink.states == [("online", None)]
        dy.fail_next(28003018, 2)
        for n in (2, 3):
            await c.perform(req(dy, "send", n, text="hi"))
        assert sink.states[1:] == [("throttled", "dy1: Douyin is limiting the request rate (28003018 请求频率过高); "
                                                 "waiting 60 s"),
                                   ("throttled", "dy1: Douyin is limiting the request rate (28003018 请求频率过高); "
                                                 "waiting 120 s")]
        assert (await c.perform(req(dy, "send", 4, text="hi"))).status == Status.DONE
        assert sink.states[-1] == ("online", None)
        dy.fail_next(28003017)
        await c.perform(req(dy, "send", 5, text="hi"))
        assert sink.states[-1] == ("no quota", "dy1: the Douyin call quota is spent (28003017 调用额度已用完); waiting "
                                               "19.6 h until it renews")
        dy.fail_next(28001008)  # expired, and the refresh meets a platform that is busy
        expired = await c.perform(req(dy, "send", 6, text="hi"))
        assert expired.status == Status.AUTH_EXPIRED
        dy.fail_http(502)
        await c.refresh_auth()
        assert sink.states[-1] == ("expired", "dy1: the access token expired and could not be refreshed; dy1: Douyin "
                                              "answered HTTP 502")
        assert (await c.perform(req(dy, "send", 7, text="hi"))).status == Status.DONE
        assert sink.states[-1] == ("online", None) and len(sink.states) == 7
        assert in_chinese(sink.states[1][1]) == "dy1：抖音正在限制调用频率（28003018 请求频率过高）；等待 60 秒"
        assert in_chinese(sink.states[4][1]) == "dy1：抖音调用额度已用完（28003017 调用额度已用完）；等待 19.6 小时后额度恢复"
        assert in_chinese(sink.states[5][1]) == "dy1：access token 已过期且未能刷新；dy1：抖音返回 HTTP 502"
        assert [in_chinese(s) for s, _ in sink.states] == ["在线", "限流中", "限流中", "在线", "额度用完", "已过期", "在线"]
        await c.poll()  # once a poll the state is said again, whatever another process wrote meanwhile
        assert (await c.perform(req(dy, "send", 8, text="hi"))).status == Status.DONE
        assert sink.states[7:] == [("online", None)]
    finally:
        await c.aclose()
