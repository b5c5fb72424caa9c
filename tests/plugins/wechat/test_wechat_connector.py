"""The WeChat connector against the fake WeCom: options, the access token, errors, listing."""

from __future__ import annotations

import asyncio

import pytest

from console.config import ConfigError
from console.connector import ConnectorError, NullSink
from console.model import ActionRequest, Status
from plugins.wechat.connector import WeChatConnector
from tests.fakes import wecom_api
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN, make_connector, make_fake, options


@pytest.fixture
def wc():
    fake = make_fake()
    yield fake
    fake.stop()


@pytest.mark.parametrize("key,value,words", [
    ("encoding_aes_key", "short", "has 5 characters; WeCom gives 43"), ("encoding_aes_key", "!" * 43, "base64"),
    ("owners", ["ok", ""], "WeCom userids"), ("owners", "zhangsan", "a list"), ("corp_id", "  ", "corp id"),
    ("base_url", "ftp://x", "http"), ("timeout", 0, "from 0.1"), ("backoff_seconds", 0.5, "from 1"),
    ("agent_id", 0, "at least 1")])
def test_bad_options_are_refused_naming_the_key(key, value, words):
    opts = {"corp_id": "ww1", "secret": "s", "token": TOKEN, "encoding_aes_key": AES_KEY, key: value}
    with pytest.raises(ConfigError, match=words) as e:
        WeChatConnector.check_options(opts, "connections.wx1")
    assert f"connections.wx1.{key}" in str(e.value)


def test_secrets_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WX_SECRET", "fromEnv")
    cfg = WeChatConnector.check_options({"corp_id": "ww1", "secret": "env:WX_SECRET", "token": TOKEN,
                                         "encoding_aes_key": AES_KEY}, "connections.wx1")
    assert cfg["secret"] == "fromEnv"


async def test_the_token_is_fetched_once_and_refreshed_once_for_everyone(wc):
    c = make_connector(wc)
    try:
        await asyncio.gather(*(c.api.call("externalcontact/groupchat/get", {"chat_id": "wrGroupA"}) for _ in range(8)))
        assert wc.token_calls == 1
        first = wc.token
        wc.expire_token(42001)
        # eight calls at once: one meets 42001, the rest present the stale token (40014) and share one refresh
        await asyncio.gather(*(c.api.call("externalcontact/groupchat/get", {"chat_id": "wrGroupA"}) for _ in range(8)))
        assert wc.token_calls == 2 and wc.token != first
    finally:
        await c.aclose()


async def test_an_answer_without_errcode_still_gives_a_token(wc):
    wc.gettoken_without_errcode = True
    c = make_connector(wc)
    try:
        assert (await c.check()).ok
    finally:
        await c.aclose()


@pytest.mark.parametrize("opts,code,words", [({"corp_id": "wwWRONG"}, 40013, "corp id is invalid"),
                                             ({"secret": "wrong"}, 40001, "refused the secret")])
async def test_a_token_that_cannot_be_fetched_names_the_connection_and_the_fix(wc, opts, code, words):
    sink = NullSink()
    c = make_connector(wc, sink=sink, **opts)
    try:
        check = await c.check()
        assert not check.ok and words in check.detail and check.detail.startswith("wx1: ")
        assert sink.states[-1][0] == "error" and f"({code})" in sink.states[-1][1]
        res = await c.perform(ActionRequest(1, "join_way", "k", params={"chat_ids": ["wrGroupA"],
                                                                          "room_base_name": "福利群"}))
        assert res.status == Status.FAILED and words in res.message
        with pytest.raises(ConnectorError, match=f"wx1: could not list customer groups: wx1: .*{words}"):
            await c.list_groups()
        c.api.corp_id, c.api._secret = wc.corp_id, "appSecret"  # the operator fixes the config
        await c.list_groups()
        assert sink.states[-1] == ("online", None)
    finally:
        await c.aclose()


async def test_errors_map_to_typed_results(wc):
    c = make_connector(wc)
    req = ActionRequest(1, "set_welcome", "k", params={"text": "欢迎 %NICKNAME%", "template_id": "msg999"})
    try:
        wc.fail_next("busy", 2)  # -1 twice, then it goes through
        assert (await c.perform(req)).status == Status.DONE
        wc.fail_next("busy", 4)
        res = await c.perform(req)
        assert res.status == Status.RETRY and "-1" in res.message
        wc.fail_next("freq")
        res = await c.perform(req)
        assert res.status == Status.RATE_LIMITED and res.retry_after >= 60
        wc.fail_next("concurrent")
        assert (await c.perform(req)).status == Status.RATE_LIMITED
        wc.fail_next("denied")
        res = await c.perform(req)
        assert res.status == Status.FAILED and "48002" in res.message and res.message.startswith("wx1: ")
        wc.fail_next("http500")
        assert (await c.perform(req)).status == Status.RETRY
    finally:
        await c.aclose()


async def test_more_than_a_thousand_groups_through_cursor_paging(wc):
    wc.add_many_groups(1_050, ["zhangsan", "wangwu"])
    sink = NullSink()
    c = make_connector(wc, sink=sink)
    try:
        groups = await c.list_groups()
    finally:
        await c.aclose()
    assert len(groups) == 1_051 and len({g.id for g in groups}) == 1_051
    assert [len(p) for p in wc.routes_called("externalcontact/groupchat/list")] == [2, 3]  # limit, then +cursor
    named = {g.id: g for g in groups}
    assert named["wrBulk00007"].name == "批量群 7" and named["wrBulk00007"].member_count == 2
    assert sink.progress_log[-1] == (1_051, 1_051, "reading customer groups")


async def test_owners_filter_in_chunks_of_a_hundred_and_81017_says_so(wc):
    owners = [f"staff{i:03d}" for i in range(150)] + ["zhangsan"]
    c = make_connector(wc, owners=owners)
    try:
        assert [g.id for g in await c.list_groups()] == ["wrGroupA"]
        lists = [p["owner_filter"]["userid_list"] for p in wc.routes_called("externalcontact/groupchat/list")]
        assert [len(x) for x in lists] == [100, 51]
    finally:
        await c.aclose()
    wc.state.visible_users = 5000
    c = make_connector(wc)
    try:
        with pytest.raises(ConnectorError, match="wx1: .*81017.*list the staff in owners"):
            await c.list_groups()
    finally:
        await c.aclose()


async def test_a_stale_cursor_restarts_the_listing_once(wc, monkeypatch):
    wc.add_many_groups(1_010, ["zhangsan"])
    c = make_connector(wc)
    real = wecom_api.ROUTES["externalcontact/groupchat/list"]
    spoiled = []

    def list_once_stale(fake, p):
        if p.get("cursor") and not spoiled:
            spoiled.append(p["cursor"])
            fake._cursors.clear()
        return real(fake, p)

    monkeypatch.setitem(wecom_api.ROUTES, "externalcontact/groupchat/list", list_once_stale)
    try:
        ids = await c.chat_ids()
    finally:
        await c.aclose()
    assert len(ids) == 1_011 and spoiled
    assert len(wc.routes_called("externalcontact/groupchat/list")) == 4  # page, stale, page, page


async def test_members_with_roles_scenes_and_inviters(wc):
    c = make_connector(wc)
    try:
        members = {m.user: m for m in await c.list_members("wrGroupA")}
    finally:
        await c.aclose()
    assert members["zhangsan"].role == "owner" and members["lisi"].role == "admin"
    assert members["wmAlice"].role == "member" and members["wmAlice"].data["inviter"] == "zhangsan"
    assert members["wmBob"].nickname == "小明" and members["wmBob"].data["join_scene"] == 2
