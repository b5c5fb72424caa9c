"""A WeCom mass send its owner never confirms: reminded once after ``mass_send_remind_hours``
(remind_groupmsg_send), stopped after ``mass_send_expire_hours`` (cancel_groupmsg_send),
marked expired with the owner told; a failed stop is tried again; bad hours are refused.
Against the fake over HTTP, the workspace clock moved (no sleeps)."""

from __future__ import annotations

import pytest

from console.config import ConfigError
from console.model import Proposal
from console.outbox import Executor
from plugins.wechat import mass_sends
from plugins.wechat.api import ApiError
from plugins.wechat.connector import WeChatConnector
from tests.fakes.wecom_groupmsg import REMIND_REFUSED
from tests.fakes.wecom_state import WeComError
from tests.plugins.wechat.test_wechat_actions import gid, world  # noqa: F401  (the fixture)
from tests.plugins.wechat.test_wechat_mass_send import NOON, TITLE, attached, mass, poll
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN

H = 3600
REMIND = "externalcontact/remind_groupmsg_send"
CANCEL = "externalcontact/cancel_groupmsg_send"
EXPIRED = {"en": "WeCom's mass send to 福利群 A was never confirmed and has been stopped: post it again if it still "
                 "matters",
           "zh-CN": "企业微信发往福利群 A的群发一直未被确认，已停止：如仍需要，请重新发布"}


async def made(wc, ws) -> str:
    """One post to 福利群 A made into a mass send at NOON (China time); its msgid."""
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON):
            ws.enqueue([Proposal("send", "post", group_id=gid(ws, "wrGroupA"), params={"text": "今晚八点直播"})], "x")
            await Executor(ws, {"wx1": c}, pacing=False).drain()
    finally:
        await c.aclose()
    (msgid,) = wc.mass.sends
    return msgid


def tasks(ws):
    return [dict(r) for r in ws.store.query("SELECT title, detail, status FROM tasks WHERE kind = 'wechat_mass_send'"
                                            " ORDER BY id")]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_reminded_once_at_four_hours_then_stopped_and_expired_at_twenty_four(world, lang):
    wc, ws = world
    ws.settings.console.language = lang
    msgid = await made(wc, ws)
    assert await poll(ws, NOON + 4 * H - 60) == 0 and wc.routes_called(REMIND) == []
    assert await poll(ws, NOON + 4 * H) == 0
    assert wc.routes_called(REMIND) == [{"msgid": msgid}] and wc.mass.sends[msgid]["reminds"] == [NOON + 4 * H]
    row = ws.store.one("SELECT status, reminded_at, error FROM wechat_mass_sends")
    assert (row["status"], row["reminded_at"], row["error"]) == ("awaiting", NOON + 4 * H, None)
    reminded = ("Reminded at 16:00: WeCom notified zhangsan again." if lang == "en"  # 12:00 + 4 h, China time
                else "已于 16:00 提醒：企业微信已再次通知 zhangsan。")
    assert tasks(ws)[0]["detail"].endswith("\n" + reminded) and tasks(ws)[0]["status"] == "open"
    assert await poll(ws, NOON + 5 * H) == 0 and await poll(ws, NOON + 23 * H) == 0
    assert len(wc.routes_called(REMIND)) == 1 and tasks(ws)[0]["detail"].count(reminded) == 1  # once, not each run
    (listed,) = mass_sends.listing(ws)
    assert (listed["status"], listed["reminded"], listed["error"]) == ("awaiting", "2026-11-20 16:00", "")

    assert await poll(ws, NOON + 24 * H - 60) == 0 and wc.routes_called(CANCEL) == []
    assert await poll(ws, NOON + 24 * H) == 1
    assert wc.routes_called(CANCEL) == [{"msgid": msgid}] and wc.mass.sends[msgid]["cancelled_at"] == NOON + 24 * H
    assert mass(ws)[0]["status"] == "expired"
    first, told = tasks(ws)
    assert first["status"] == "dismissed" and (told["title"], told["status"]) == (EXPIRED[lang], "open")
    assert msgid in told["detail"] and "2026-11-20 12:00" in told["detail"]
    assert wc.mass.confirm(msgid) == {}  # stopped in WeCom: the owner can no longer send it
    reads = len(wc.routes_called("externalcontact/get_groupmsg_task"))
    assert await poll(ws, NOON + 25 * H) == 0  # no longer polled, nothing called again
    assert len(wc.routes_called("externalcontact/get_groupmsg_task")) == reads and len(wc.routes_called(CANCEL)) == 1


async def test_a_failed_stop_marks_nothing_keeps_the_error_and_is_tried_on_the_next_run(world, monkeypatch):
    wc, ws = world
    msgid = await made(wc, ws)
    real = wc.mass.cancel
    answers = iter([WeComError(45033, "api concurrent out of limit")])

    def once(p):
        e = next(answers, None)
        if e:
            raise e
        return real(p)

    monkeypatch.setattr(wc.mass, "cancel", once)
    assert await poll(ws, NOON + 24 * H) == 0
    row = ws.store.one("SELECT status, error FROM wechat_mass_sends")
    assert row["status"] == "awaiting" and "cancel_groupmsg_send: 45033" in row["error"]
    assert [t["status"] for t in tasks(ws)] == ["open"] and not wc.mass.sends[msgid]["cancelled_at"]
    assert "45033" in mass_sends.listing(ws)[0]["error"]  # what shequn wechat mass-sends shows
    assert await poll(ws, NOON + 24 * H + 300) == 1
    assert len(wc.routes_called(CANCEL)) == 2
    row = ws.store.one("SELECT status, error FROM wechat_mass_sends")
    assert (row["status"], row["error"]) == ("expired", None)
    assert [(t["title"], t["status"]) for t in tasks(ws)] == [(TITLE, "dismissed"), (EXPIRED["en"], "open")]


async def test_a_send_confirmed_after_the_reminder_is_still_marked_sent(world):
    wc, ws = world
    msgid = await made(wc, ws)
    assert await poll(ws, NOON + 4 * H) == 0 and len(wc.routes_called(REMIND)) == 1
    assert wc.mass.confirm(msgid, at=NOON + 5 * H) == {"wrGroupA": 1}
    assert await poll(ws, NOON + 24 * H) == 1  # read as sent first: never stopped
    assert mass(ws)[0]["status"] == "sent" and wc.routes_called(CANCEL) == []
    assert [t["status"] for t in tasks(ws)] == ["done"]


async def test_zero_hours_never_remind_nor_stop(world):
    wc, ws = world
    ws.settings.connections["wx1"].options.update(mass_send_remind_hours=0, mass_send_expire_hours=0)
    await made(wc, ws)
    assert await poll(ws, NOON + 30 * 24 * H) == 0
    assert wc.routes_called(REMIND) == wc.routes_called(CANCEL) == [] and mass(ws)[0]["status"] == "awaiting"


async def test_the_fake_keeps_wecoms_reminder_limit_and_stopped_sends(world):
    wc, ws = world
    msgid = await made(wc, ws)
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON + H):
            for _ in range(3):
                assert await c.api.call(REMIND, {"msgid": msgid}) == {"errcode": 0, "errmsg": "ok"}
            with pytest.raises(ApiError) as e:
                await c.api.call(REMIND, {"msgid": msgid})
            assert e.value.errcode == REMIND_REFUSED
        with ws.clock_at(NOON + 25 * H):  # 24 hours after the first: one may be sent again
            await c.api.call(REMIND, {"msgid": msgid})
            with pytest.raises(ApiError) as e:
                await c.api.call(CANCEL, {"msgid": "msgGROUPnope"})
            assert e.value.errcode == 40058
            await c.api.call(CANCEL, {"msgid": msgid})
            await c.api.call(CANCEL, {"msgid": msgid})  # twice does no harm
            with pytest.raises(ApiError) as e:
                await c.api.call(REMIND, {"msgid": msgid})
            assert e.value.errcode == REMIND_REFUSED
            task = await c.api.call("externalcontact/get_groupmsg_task", {"msgid": msgid})
            assert [t["status"] for t in task["task_list"]] == [0]  # never sent
    finally:
        await c.aclose()
    assert wc.mass.confirm(msgid) == {}


@pytest.mark.parametrize("extra,key,words", [
    ({"mass_send_remind_hours": -1}, "mass_send_remind_hours", "from 0 to 720"),
    ({"mass_send_remind_hours": "four"}, "mass_send_remind_hours", "a float"),
    ({"mass_send_expire_hours": 721}, "mass_send_expire_hours", "from 0 to 720"),
    ({"mass_send_expire_hours": 4}, "mass_send_expire_hours", r"is 4, not above mass_send_remind_hours \(4\).*more "
                                                              "than 4 and at most 720 hours, or 0"),
    ({"mass_send_remind_hours": 30}, "mass_send_expire_hours", r"is 24, not above .*\(30\)"),
])
def test_bad_mass_send_hours_are_refused_naming_the_key_and_range(extra, key, words):
    opts = {"corp_id": "ww1", "secret": "s", "token": TOKEN, "encoding_aes_key": AES_KEY, **extra}
    with pytest.raises(ConfigError, match=words) as e:
        WeChatConnector.check_options(opts, "connections.wx1")
    assert f"connections.wx1.{key}" in str(e.value)


@pytest.mark.parametrize("remind,expire", [(4, 24), (0, 1), (10, 0), (0, 0), (23.5, 24)])
def test_good_mass_send_hours_are_taken(remind, expire):
    cfg = WeChatConnector.check_options({"corp_id": "ww1", "secret": "s", "token": TOKEN, "encoding_aes_key": AES_KEY,
                                         "mass_send_remind_hours": remind, "mass_send_expire_hours": expire},
                                        "connections.wx1")
    assert (cfg["mass_send_remind_hours"], cfg["mass_send_expire_hours"]) == (remind, expire)
