"""The Connections screen for a Douyin connection, in English and zh-CN: the state the
connection reported (here: the five renewals used, then throttled) in the state column
and the detail, its words in the console's language, and what Douyin can do."""

from __future__ import annotations

import pytest

from console.connector import NullSink
from console.model import ActionRequest, Status
from console.tui.vtable import VirtualTable
from tests.plugins.douyin.dyhelpers import make_connector, make_fake, open_ws, synced
from tests.tui.world import make_app, settle


class WorkspaceSink(NullSink):
    """What serve's runtime does with a state: the connection's row."""

    def __init__(self, ws):
        super().__init__()
        self.ws = ws

    def state(self, state, error=None):
        super().state(state, error)
        self.ws.set_connection_state("dy1", state, error)


async def shown(ws, lang):
    app = make_app(ws, lang=lang)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        row = app.screen.query_one("#conns", VirtualTable).current_row
        return app.screen.state(row["state"]), str(app.screen.query_one("#detail").render())


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_connections_screen_names_the_douyin_condition(tmp_path, monkeypatch, lang):
    fake = make_fake(refresh_ttl=2 * 86400)  # under renew_days: each call renews
    gid = fake.add_group("粉丝群 A", members=2).group_id
    ws = open_ws(tmp_path, fake, monkeypatch)
    c = make_connector(fake, sink=WorkspaceSink(ws))
    c.attach(ws)
    send = ActionRequest(1, "send", "k", group=gid, params={"text": "hi"})
    try:
        for _ in range(7):
            assert (await c.perform(send)).status == Status.DONE
        date = ws.store.scalar("SELECT title FROM tasks").rsplit(" ", 1)[1]
        state, detail = await shown(ws, lang)
        if lang == "en":
            assert state == "re-auth" and "dy1 (douyin) · re-auth" in detail
            assert (f"last error: dy1: the refresh token was renewed 5 times, the most Douyin allows; authorise the "
                    f"account again before {date}: shequn douyin authorize dy1") in " ".join(detail.split())
            assert "platform can: announce, approve_join, create_group" in detail
        else:
            assert state == "需授权" and "dy1 (douyin) · 需授权" in detail
            assert (f"最近错误：dy1：refresh token 已续期 5 次，达到抖音允许的上限；请在 {date} 之前重新授权该账号："
                    "shequn douyin authorize dy1") in detail.replace("\n", "")
            assert "平台支持：群公告，通过入群，建群" in detail
        fake.fail_next(28003018)
        assert (await c.perform(send)).status == Status.RATE_LIMITED
        state, detail = await shown(ws, lang)
        words = {"en": ("throttled", "dy1: Douyin is limiting the request rate (28003018 请求频率过高); waiting 60 s"),
                 "zh-CN": ("限流中", "dy1：抖音正在限制调用频率（28003018 请求频率过高）；等待 60 秒")}[lang]
        assert state == words[0] and words[1] in detail.replace("\n", "")
    finally:
        await c.aclose()
        fake.stop()
        ws.close()


@pytest.mark.parametrize("lang,words", [
    ("en", ["Kick: disabled (the douyin platform cannot kick)", "Mute: disabled (the douyin platform cannot mute)",
            "Rename group: disabled (the douyin platform cannot set group name)"]),
    ("zh-CN", ["踢出: 不可用 (抖音平台不支持踢出)", "全员禁言: 不可用 (抖音平台不支持全员禁言)",
               "改群名: 不可用 (抖音平台不支持改群名)"])])
async def test_what_douyin_cannot_do_is_greyed_on_a_fan_groups_page(tmp_path, monkeypatch, lang, words):
    fake = make_fake()
    fake.add_group("粉丝群 A", members=2)
    async with synced(tmp_path, fake, monkeypatch) as (ws, conn):
        app = make_app(ws, lang=lang)
        async with app.run_test(size=(160, 36)) as pilot:
            await pilot.press("g")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            why = " ".join(str(app.screen.query_one("#why").render()).split())
        for w in words:
            assert w in why, (w, why)
        assert ("douyin" if lang == "en" else "抖音") in why and "Traceback" not in why
