"""OAuth of the Douyin connector against the fake: refresh (form-encoded) when due and
when the platform says expired, one refresh for concurrent calls, renewal of the refresh
token at most 5 times then a task, a dead token stopping the connection with a task that
lists the steps, tokens in the 0600 token file and never in SQLite. The fake's clock
stands still unless a test moves it."""

from __future__ import annotations

import asyncio
import os
import stat

import pytest

from console.connector import NullSink
from console.model import ActionRequest, Status
from plugins.douyin.oauth import TokenFile
from tests.fakes.douyin import FakeDouyin
from tests.fakes.douyin_state import ACCESS_TTL, REFRESH_TTL
from tests.plugins.douyin.dyhelpers import in_chinese, make_connector

T0 = 1_780_000_000.0
DAY = 86400


@pytest.fixture
def dy():
    with FakeDouyin(clock=lambda: T0) as f:
        f.gid = f.add_group("粉丝群", members=2).group_id
        yield f


def send(dy, n=1):
    return ActionRequest(n, "send", f"k{n}", group=dy.gid, params={"text": f"第 {n} 条"})


async def act_many(c, requests):
    """Several requests at once, as the outbox's connections run side by side."""
    return list(await asyncio.gather(*(c.perform(r) for r in requests)))


def tasks(ws):
    return ws.store.query("SELECT kind, title, detail, dedupe_key FROM tasks WHERE source LIKE 'connection:%' ORDER BY id")


async def test_the_access_token_is_refreshed_when_it_ends_not_per_call(dy):
    c = make_connector(dy)
    try:
        for n in range(3):
            assert (await c.perform(send(dy, n))).status == Status.DONE
        assert dy.token_calls == ["/oauth/refresh_token/"]  # the fake refuses anything but a form here
        dy.advance(ACCESS_TTL - 601)  # ten minutes and a second before the end: still used
        assert (await c.perform(send(dy, 8))).status == Status.DONE
        assert dy.token_calls == ["/oauth/refresh_token/"]
        dy.advance(1)  # ten minutes before the end: refreshed ahead
        assert (await c.perform(send(dy, 9))).status == Status.DONE
        assert dy.token_calls == ["/oauth/refresh_token/"] * 2
    finally:
        await c.aclose()


async def test_concurrent_calls_share_one_refresh(dy):
    c = make_connector(dy)
    try:
        results = await act_many(c, [send(dy, n) for n in range(6)])
        assert [r.status for r in results] == [Status.DONE] * 6
        assert dy.token_calls.count("/oauth/refresh_token/") == 1 and c.tokens.refreshes == 1
        # the platform says three calls' token expired at once: each asks, one refresh happens
        dy.fail_next(28001008, 3)
        first = await act_many(c, [send(dy, n) for n in range(10, 13)])
        assert [r.status for r in first] == [Status.AUTH_EXPIRED] * 3
        assert "dy1" in first[0].message and "28001008" in first[0].message
        await asyncio.gather(c.refresh_auth(), c.refresh_auth(), c.refresh_auth())
        assert dy.token_calls.count("/oauth/refresh_token/") == 2
        again = await act_many(c, [send(dy, n) for n in range(10, 13)])
        assert [r.status for r in again] == [Status.DONE] * 3
    finally:
        await c.aclose()


async def test_renewed_five_times_then_a_task_then_a_dead_token_stops_the_connection(dy, ws):
    sink = NullSink()
    c = make_connector(dy, sink=sink, renew_days=5)
    c.attach(ws)
    try:
        assert (await c.perform(send(dy, 0))).status == Status.DONE
        for i in range(5):  # 26 days on: 4 left, under renew_days, so it is renewed (and the access token refreshed)
            dy.advance(26 * DAY)
            assert (await c.perform(send(dy, i + 1))).status == Status.DONE
            assert c.tokens.state.renewals == i + 1
        assert dy.token_calls.count("/oauth/renew_refresh_token/") == 5
        assert tasks(ws) == []
        dy.advance(26 * DAY)  # the sixth time: no more renewals, a person is asked ahead of the end
        assert (await c.perform(send(dy, 7))).status == Status.DONE
        assert dy.token_calls.count("/oauth/renew_refresh_token/") == 5
        (soon,) = tasks(ws)
        end = c.tokens.state.refresh_expires
        assert soon["kind"] == "douyin_authorise" and "dy1" in soon["title"] and "before 20" in soon["title"]
        assert "shequn douyin code dy1 CODE" in soon["detail"] and dy.open_id in soon["detail"]
        date = soon["title"].rsplit(" ", 1)[1]
        assert sink.states[-1] == ("re-auth", f"dy1: the refresh token was renewed 5 times, the most Douyin allows; "
                                              f"authorise the account again before {date}: shequn douyin authorize dy1")
        assert in_chinese(sink.states[-1][1]) == (f"dy1：refresh token 已续期 5 次，达到抖音允许的上限；请在 {date} 之前"
                                                  "重新授权该账号：shequn douyin authorize dy1")
        assert (await c.perform(send(dy, 8))).status == Status.DONE  # asked once, not per call
        assert len(tasks(ws)) == 1 and sink.states[-1][0] == "re-auth"  # a success does not read online
        dy.advance(end - dy.now() + 1)  # the refresh token ends; the access token still works until its own end
        assert (await c.perform(send(dy, 81))).status == Status.DONE
        dy.advance(c.tokens.state.access_expires - dy.now())  # then a refresh is due, and refused with 10010
        res = await c.perform(send(dy, 9))
        assert res.status == Status.RETRY and res.retry_after == 1800
        assert "dy1" in res.message and "authorise the account again" in res.message
        assert sink.states[-1][0] == "re-auth" and "refresh token expired" in sink.states[-1][1]
        assert in_chinese(sink.states[-1][1]) == ("dy1：refresh token 已过期或被撤销（10010 refresh_token 已过期,请用户重新"
                                                  "授权）；请重新授权该账号：shequn douyin authorize dy1")
        dead = tasks(ws)[-1]
        assert dead["title"] == "Authorise Douyin connection dy1 again" and "10010" in dead["detail"]
        calls = len(dy.calls)
        assert (await c.perform(send(dy, 10))).status == Status.RETRY
        assert len(dy.calls) == calls and len(tasks(ws)) == 2  # no call and no second task while it is dead
    finally:
        await c.aclose()


async def test_the_platform_counting_renewals_is_believed(dy, ws):
    t = dy.authorise()
    dy.refresh[t["refresh_token"]].renewals = 5  # renewed elsewhere before shequn had it
    c = make_connector(dy, t["refresh_token"])
    c.attach(ws)
    try:
        assert (await c.perform(send(dy))).status == Status.DONE
        dy.advance(26 * DAY)
        assert (await c.perform(send(dy, 2))).status == Status.DONE
        assert c.tokens.state.renewals == 5 and "again before" in tasks(ws)[0]["title"]
    finally:
        await c.aclose()


async def test_tokens_live_in_a_0600_file_never_in_sqlite_and_survive_a_restart(dy, ws, tmp_path):
    first = dy.authorise()["refresh_token"]
    c = make_connector(dy, first)
    c.attach(ws)
    try:
        assert (await c.perform(send(dy))).status == Status.DONE
        dy.advance(26 * DAY)
        assert (await c.perform(send(dy, 2))).status == Status.DONE  # renewed: the configured token is dead now
    finally:
        await c.aclose()
    path = tmp_path / "douyin-dy1.tokens.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    renewed, access = c.tokens.state.refresh_token, c.tokens.state.access_token
    assert renewed != first and renewed in path.read_text()
    ws.store.execute("PRAGMA wal_checkpoint(FULL)")
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("shequn.db*"))
    assert renewed.encode() not in blob and access.encode() not in blob and first.encode() not in blob
    again = make_connector(dy, first)  # a restart with the same config: the file's renewed token is used
    again.attach(ws)
    try:
        assert again.tokens.state.refresh_token == renewed
        assert (await again.perform(send(dy, 3))).status == Status.DONE
    finally:
        await again.aclose()
    fresh = dy.authorise()["refresh_token"]  # authorised again, the new token put in the config: it wins
    other = make_connector(dy, fresh)
    other.attach(ws)
    assert other.tokens.state.refresh_token == fresh


async def test_a_code_from_another_account_is_refused_and_a_good_one_revives_a_dead_connection(dy, ws, tmp_path):
    sink = NullSink()
    c = make_connector(dy, sink=sink)
    c.attach(ws)
    dy.revoke()  # the account cancels the authorisation in the app
    try:
        res = await c.perform(send(dy))
        assert res.status == Status.RETRY and "expired or was revoked" in res.message
        with pytest.raises(Exception, match="authorises account ou-other, but the connection's open_id"):
            await c.tokens.exchange(dy.issue_code("ou-other"))
        helper = make_connector(dy, c.tokens.configured)  # `shequn douyin code` (same config, another process)
        helper.tokens.use_file(TokenFile(tmp_path / "douyin-dy1.tokens.json"))
        await helper.tokens.exchange(dy.issue_code())
        await helper.aclose()
        assert (await c.perform(send(dy, 2))).status == Status.DONE  # picked up from the file
    finally:
        await c.aclose()


async def test_an_unauthorize_webhook_stops_the_connection(dy, ws):
    from tests.plugins.douyin.dyhelpers import hook_request

    sink = NullSink()
    c = make_connector(dy, sink=sink)
    c.attach(ws)
    try:
        res = await c.handle(hook_request(dy, "unauthorize", {"scopes": ["im.group_fans.create_list"]},
                                          from_user=dy.open_id))
        assert res.status == 200 and sink.received == []
        assert sink.states[-1][0] == "re-auth" and "withdrew" in sink.states[-1][1]
        in_chinese(sink.states[-1][1])
        assert tasks(ws)[0]["title"] == "Authorise Douyin connection dy1 again"
        assert (await c.perform(send(dy))).status == Status.RETRY
    finally:
        await c.aclose()


async def test_no_refresh_token_at_all_says_what_to_do(dy, ws):
    c = make_connector(dy, "", sink=NullSink())
    c.attach(ws)
    try:
        res = await c.perform(send(dy))
        assert res.status == Status.RETRY and "no refresh token is configured" in res.message
        in_chinese(c.notices.shown[1])
        assert "shequn douyin authorize dy1" in res.message
        check = await c.check()
        assert not check.ok and "dy1" in check.detail
    finally:
        await c.aclose()


async def test_numbers_as_strings_and_fields_in_data_are_read(dy):
    dy.numbers_as_strings, dy.fields_at = True, "data"
    c = make_connector(dy)
    try:
        assert (await c.perform(send(dy))).status == Status.DONE
        assert c.tokens.state.access_expires == T0 + ACCESS_TTL
        assert c.tokens.state.refresh_expires == T0 + REFRESH_TTL
        assert await c.quota() == 3 and [g.id for g in await c.list_groups()] == [dy.gid]
    finally:
        await c.aclose()


async def test_a_token_another_process_renewed_is_not_taken_for_dead(dy, ws, tmp_path):
    """serve and a CLI verb share the token file: one renews the refresh token, which retires
    the one the other holds; the platform's 10010 then means "replaced", not "authorise again"."""
    dy.refresh_ttl = 2 * DAY  # under renew_days: every call renews
    first = dy.authorise()["refresh_token"]
    serve, verb = make_connector(dy, first, name="dy1"), make_connector(dy, first, name="dy1")
    serve.attach(ws)
    verb.attach(ws)
    try:
        assert (await serve.perform(send(dy, 1))).status == Status.DONE  # refreshed; the file holds it
        assert (await verb.perform(send(dy, 2))).status == Status.DONE  # read the file, renewed: R1
        stale = serve.tokens.state
        assert stale.refresh_token != verb.tokens.state.refresh_token == dy.latest_refresh()
        serve.tokens._mtime = serve.tokens.file.path.stat().st_mtime_ns  # read just before the other's write
        assert (await serve.perform(send(dy, 3))).status == Status.DONE  # its renewal meets 10010, then the file
        assert tasks(ws) == [] and serve.tokens.reauthorise is None
        assert dy.token_calls.count("/oauth/renew_refresh_token/") == 2
        assert serve.tokens.state.refresh_token == verb.tokens.state.refresh_token == dy.latest_refresh()
    finally:
        await serve.aclose()
        await verb.aclose()


async def test_an_expired_token_in_the_older_codes_is_refreshed_too(dy):
    for code in (10008, 2190008):
        dy.expired_code = code
        c = make_connector(dy)
        try:
            assert (await c.perform(send(dy))).status == Status.DONE
            dy.authorise()  # a new authorisation elsewhere replaces the account's access token
            res = await c.perform(send(dy, 2))
            assert res.status == Status.AUTH_EXPIRED and str(code) in res.message
            await c.refresh_auth()
            assert (await c.perform(send(dy, 3))).status == Status.DONE
            dy.authorise()
            assert [g.id for g in await c.list_groups()] == [dy.gid]  # outside the outbox: refreshed and repeated
            assert c.tokens.refreshes == 3
        finally:
            await c.aclose()


async def test_the_task_to_authorise_again_reads_in_chinese_reason_and_all(dy, ws):
    ws.settings.console.language = "zh-CN"
    c = make_connector(dy, sink=NullSink())
    c.attach(ws)
    try:
        assert (await c.perform(send(dy))).status == Status.DONE
        dy.revoke()
        dy.advance(ACCESS_TTL)  # a refresh is due, and Douyin calls the token dead
        assert (await c.perform(send(dy, 2))).status == Status.RETRY
        (task,) = tasks(ws)
        assert task["title"] == "请重新授权抖音连接 dy1"
        assert task["detail"].startswith("抖音不再为该连接续期令牌：refresh token 已过期或被撤销（10010 refresh_token 已过期,"
                                         "请用户重新授权）。重新授权之前该连接不收不发")
    finally:
        await c.aclose()
    other = make_connector(dy, "", name="dy2")
    other.attach(ws)
    try:
        await other.perform(send(dy))
        assert tasks(ws)[-1]["detail"].startswith("抖音不再为该连接续期令牌：没有配置 refresh token，也没有保存过。")
        from plugins.douyin.notices import said

        assert said(ws, "the account withdrew the app's authorisation (unauthorize webhook)") == \
            "账号撤回了对应用的授权（unauthorize webhook）"
    finally:
        await other.aclose()
