"""The fake WeCom itself (tests/fakes/wecom.py): what PROTOCOLS.md 2.12 asks of it, over
real HTTP, so the connector's tests stand on a fake that behaves like WeCom."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.wecom import CORP_ID, FakeWeCom
from tests.fakes.wecom_state import DAY, midnight
from tests.plugins.wechat.wechathelpers import make_fake

HTTP = httpx.Client(timeout=10, trust_env=False)


@pytest.fixture
def wc():
    fake = make_fake()
    yield fake
    fake.stop()


def token(wc, secret="appSecret", corp=CORP_ID) -> dict:
    return HTTP.get(f"{wc.base_url}/cgi-bin/gettoken", params={"corpid": corp, "corpsecret": secret}).json()


def call(wc, route, body, tok=None) -> dict:
    return HTTP.post(f"{wc.base_url}/cgi-bin/{route}", params={"access_token": tok or wc.token}, json=body).json()


def test_tokens_live_their_ttl_and_can_be_forced_out(wc):
    now = [1_800_000_000.0]
    wc.clock = lambda: now[0]
    wc.token_ttl = 100
    first = token(wc)
    assert first["errcode"] == 0 and first["expires_in"] == 100
    assert token(wc)["access_token"] == first["access_token"]  # the same while valid
    now[0] += 101
    assert call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA"}, first["access_token"])["errcode"] == 42001
    second = token(wc)["access_token"]
    assert second != first["access_token"]
    wc.expire_token(40014)
    assert call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA"}, second)["errcode"] == 40014
    assert token(wc)["errcode"] == 0 and wc.token_calls == 4
    assert token(wc, corp="wwNOPE")["errcode"] == 40013
    assert token(wc, secret="wrong")["errcode"] == 40001
    assert HTTP.post(f"{wc.base_url}/cgi-bin/externalcontact/groupchat/get", json={"chat_id": "wrGroupA"}
                     ).json()["errcode"] == 41001


def test_list_pages_with_a_cursor_and_filters(wc):
    wc.add_many_groups(1_050, ["zhangsan", "wangwu"])
    tok = token(wc)["access_token"]
    first = call(wc, "externalcontact/groupchat/list", {"limit": 1000}, tok)
    assert len(first["group_chat_list"]) == 1000 and first["next_cursor"]
    second = call(wc, "externalcontact/groupchat/list", {"limit": 1000, "cursor": first["next_cursor"]}, tok)
    assert len(second["group_chat_list"]) == 51 and second["next_cursor"] == ""
    seen = {g["chat_id"] for g in first["group_chat_list"] + second["group_chat_list"]}
    assert len(seen) == 1_051
    owned = call(wc, "externalcontact/groupchat/list", {"limit": 1000, "owner_filter": {"userid_list": ["wangwu"]}}, tok)
    assert len(owned["group_chat_list"]) == 525
    assert call(wc, "externalcontact/groupchat/list", {"limit": 1001}, tok)["errcode"] == 40058
    assert call(wc, "externalcontact/groupchat/list", {"limit": 10, "cursor": "bogus"}, tok)["errcode"] == 50100
    wc.state.visible_users = 1001
    assert call(wc, "externalcontact/groupchat/list", {"limit": 10}, tok)["errcode"] == 81017


def test_group_details_and_need_name(wc):
    tok = token(wc)["access_token"]
    g = call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA"}, tok)["group_chat"]
    assert g["owner"] == "zhangsan" and [a["userid"] for a in g["admin_list"]] == ["lisi"]
    alice = next(m for m in g["member_list"] if m["userid"] == "wmAlice")
    assert alice["invitor"] == {"userid": "zhangsan"} and "name" not in alice and alice["join_scene"] == 1
    named = call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA", "need_name": 1}, tok)["group_chat"]
    assert {m["userid"]: m.get("name") for m in named["member_list"]}["wmBob"] == "小明"
    assert len(g["member_version"]) == 32
    assert call(wc, "externalcontact/groupchat/get", {"chat_id": "wrNone"}, tok)["errcode"] == 40050


def test_statistics_keep_the_window_rules(wc):
    today = midnight(1_800_000_000)
    wc.clock = lambda: today + 3600
    tok = token(wc)["access_token"]
    wc.state.set_stat("zhangsan", today - DAY, new_member_cnt=5, msg_total=40)
    wc.state.set_stat("wangwu", today - DAY, new_member_cnt=2)
    wc.state.set_stat("zhangsan", today, new_member_cnt=9)  # today: not available (T+1)
    by_day = call(wc, "externalcontact/groupchat/statistic_group_by_day",
                  {"day_begin_time": today - 2 * DAY + 5000, "day_end_time": today}, tok)
    assert [(i["stat_time"], i["data"]["new_member_cnt"]) for i in by_day["items"]] == [(today - 2 * DAY, 0),
                                                                                         (today - DAY, 7)]
    owners = call(wc, "externalcontact/groupchat/statistic",
                  {"day_begin_time": today - DAY, "order_by": 3, "limit": 1}, tok)
    assert owners["total"] == 2 and owners["items"][0]["owner"] == "zhangsan" and owners["next_offset"] == 1
    for bad in ({"day_begin_time": today - 31 * DAY, "day_end_time": today - DAY},
                {"day_begin_time": today - 181 * DAY}, {"day_begin_time": today - DAY, "day_end_time": today - 2 * DAY},
                {}):
        assert call(wc, "externalcontact/groupchat/statistic_group_by_day", bad, tok)["errcode"] == 40058, bad


def test_welcome_templates_and_their_limit(wc):
    tok = token(wc)["access_token"]
    tid = call(wc, "externalcontact/group_welcome_template/add", {"text": {"content": "欢迎 %NICKNAME%"}}, tok)
    assert tid["errcode"] == 0
    assert call(wc, "externalcontact/group_welcome_template/edit",
                {"template_id": tid["template_id"], "text": {"content": "你好"}}, tok)["errcode"] == 0
    got = call(wc, "externalcontact/group_welcome_template/get", {"template_id": tid["template_id"]}, tok)
    assert got["text"]["content"] == "你好"
    wc.state.template_limit = 1
    assert call(wc, "externalcontact/group_welcome_template/add", {"text": {"content": "x"}}, tok)["errcode"] == 41055
    assert call(wc, "externalcontact/group_welcome_template/add", {"text": {"content": "x" * 3001}}, tok)["errcode"] \
        in (40058, 41055)


def test_a_join_way_opens_the_next_group_and_pushes_create():
    pushed: list[str] = []
    wc = make_fake()
    try:
        wc.push = lambda xml, **kw: pushed.append(xml) or (200, b"")
        tok = token(wc)["access_token"]
        jw = call(wc, "externalcontact/groupchat/add_join_way", {"scene": 2, "chat_id_list": ["wrGroupA"],
                                                                 "room_base_name": "福利群", "room_base_id": 2,
                                                                 "state": "poster"}, tok)
        assert jw["errcode"] == 0
        assert wc.join_via(jw["config_id"], "wmCarl") == "wrGroupA"  # 5th of 5
        new = wc.join_via(jw["config_id"], "wmDan")
        assert new != "wrGroupA" and wc.state.groups[new].name == "福利群2"
        assert "<ChangeType><![CDATA[create]]></ChangeType>" in pushed[-2] and new in pushed[-2]
        assert "add_member" in pushed[-1] and "<JoinScene>3</JoinScene>" in pushed[-1]
        assert wc.state.groups[new].members["wmDan"].state == "poster"
        got = call(wc, "externalcontact/groupchat/get_join_way", {"config_id": jw["config_id"]}, tok)["join_way"]
        assert got["chat_id_list"] == ["wrGroupA", new] and got["qr_code"].startswith("https://")
        assert call(wc, "externalcontact/groupchat/add_join_way", {"scene": 2, "chat_id_list": []}, tok)["errcode"] == 40058
        assert call(wc, "externalcontact/groupchat/add_join_way", {"scene": 2, "chat_id_list": ["wrGroupA"],
                                                                   "remark": "长" * 31}, tok)["errcode"] == 40058
    finally:
        wc.stop()


def test_the_robot_takes_twenty_a_minute(wc):
    now = [1_800_000_000.0]
    wc.clock = lambda: now[0]
    url = f"{wc.base_url}/cgi-bin/webhook/send"
    for i in range(20):
        assert HTTP.post(url, params={"key": "robotKey"}, json={"msgtype": "text", "text": {"content": f"n{i}"}}
                         ).json()["errcode"] == 0
    assert HTTP.post(url, params={"key": "robotKey"}, json={"msgtype": "text", "text": {"content": "x"}}
                     ).json()["errcode"] == 45009
    now[0] += 61
    assert HTTP.post(url, params={"key": "robotKey"}, json={"msgtype": "text", "text": {"content": "é" * 1025}}
                     ).json()["errcode"] == 40058  # 2,050 bytes
    assert HTTP.post(url, params={"key": "nope"}, json={"msgtype": "text", "text": {"content": "x"}}
                     ).json()["errcode"] == 93000


@pytest.mark.parametrize("kind,code", [("busy", -1), ("freq", 45009), ("concurrent", 45033), ("denied", 48002)])
def test_faults_answer_wecoms_codes(wc, kind, code):
    tok = token(wc)["access_token"]
    wc.fail_next(kind)
    assert call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA"}, tok)["errcode"] == code
    assert call(wc, "externalcontact/groupchat/get", {"chat_id": "wrGroupA"}, tok)["errcode"] == 0


def test_reset_and_http500(wc):
    tok = token(wc)["access_token"]
    wc.fail_next("http500")
    assert HTTP.post(f"{wc.base_url}/cgi-bin/externalcontact/groupchat/get", params={"access_token": tok},
                     json={"chat_id": "wrGroupA"}).status_code == 500
    wc.fail_next("reset")
    with pytest.raises(httpx.HTTPError):
        HTTP.post(f"{wc.base_url}/cgi-bin/externalcontact/groupchat/get", params={"access_token": tok},
                  json={"chat_id": "wrGroupA"})
    with pytest.raises(ValueError):
        FakeWeCom().fail_next("nonsense")
