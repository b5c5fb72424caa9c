"""Reverse WebSocket end to end: the fake bridge dials `shequn serve` as NapCat, Lagrange
and go-cqhttp do (issue 17 item 5), events are stored, actions go back over the socket.

The handshake is checked here too: a wrong or missing token, another account, a role
OneBot has not, an unknown URL, and a store that cannot take events are all refused
before anything is accepted; a store that fails mid-socket closes it with 1013."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from console.intake import Receipt
from console.pluginmanager import get_plugin_manager
from console.runtime import Runtime
from console.serve import serve_workspace
from console.workspace import Workspace
from tests.conftest import make_config
from tests.plugins.qq.qqhelpers import make_bot
from tests.plugins.qq.test_qq_e2e import BASE, Approver, free_port, until


def _config(tmp_path, port: int, extra: str = "") -> str:
    return make_config(tmp_path, f"""
[serve]
port = {port}

[connections.qq1]
platform = "qq"
enabled = true
intake = "reverse_ws"
access_token = "tok"
{extra}
""", base=BASE)


class Served:
    """`shequn serve` on a free port with the approver plugin, and its runtime."""

    def __init__(self, tmp_path, extra: str = ""):
        self.port = free_port()
        self.ws = Workspace.open(_config(tmp_path, self.port, extra),
                                 pm=get_plugin_manager(extra=[("approver", Approver())]))
        self.rt = Runtime(self.ws, role="serve")
        self.url = f"ws://127.0.0.1:{self.port}/hooks/qq/qq1/ws"
        self.stop = asyncio.Event()

    async def __aenter__(self) -> "Served":
        ready = asyncio.Event()
        self.task = asyncio.create_task(serve_workspace(self.ws, host="127.0.0.1", port=self.port, stop=self.stop,
                                                        ready=ready, runtime=self.rt))
        await asyncio.wait_for(ready.wait(), 10)
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)
        self.ws.close()


def _dial(bot, url: str, roles=("Universal",)):
    bot.reverse_ws_url, bot.reverse_ws_roles, bot.reverse_ws_reconnect_interval = url, roles, 0.2
    bot.restart()  # the dialling tasks start with the server


@pytest.mark.parametrize("dialect,roles", [("napcat", ("Universal",)), ("lagrange", ("Universal",)),
                                           ("gocq", ("Event", "API"))])
async def test_the_bridge_dials_in_events_are_stored_and_actions_go_back_over_its_socket(tmp_path, dialect, roles):
    bot = make_bot(dialect=dialect)
    try:
        async with Served(tmp_path) as s:
            _dial(bot, s.url, roles)
            await asyncio.to_thread(bot.wait_for, lambda: bot.reverse_clients == len(roles), 10, "the bridge")
            bot.inject_join_request(1, 50, "答案是 42")
            bot.inject_join_request(1, 51, "我是来发广告的")
            bot.inject_message(1, 42, "你好 reverse")

            def member_50():
                return s.ws.store.one(
                    "SELECT m.status FROM memberships m JOIN identities i ON i.person_id = m.person_id"
                    " WHERE i.platform_user_id = '50'")

            await until(lambda: member_50() is not None, what="member 50 joined through the socket")
            await until(lambda: any(h["user_id"] == 51 for h in bot.handled_requests), what="rejection")
            assert 50 in bot.members[1]
            assert [h["approve"] for h in bot.handled_requests if h["user_id"] == 51] == [False]
            # no base_url is configured: the approval can only have gone over the bridge's socket
            assert ("set_group_add_request", ) == tuple({a for a, _ in bot.calls if a == "set_group_add_request"})
            await until(lambda: s.ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'done'") == 2,
                        what="both actions done")
            assert s.ws.store.scalar("SELECT text FROM messages WHERE text LIKE '你好%'") == "你好 reverse"
            await until(lambda: s.ws.store.scalar("SELECT account FROM connections WHERE id = 'qq1'") == "10001",
                        what="the account asked over the socket")
            assert s.ws.store.scalar("SELECT state FROM connections WHERE id = 'qq1'") == "online"
            assert s.ws.store.scalar("SELECT count(*) FROM dead_letters") == 0
            assert bot.reverse_ws_refusals == []
    finally:
        bot.stop()


async def test_a_wrong_token_is_refused_and_nothing_is_stored(tmp_path):
    bot = make_bot(dialect="napcat", access_token="not-the-token")
    try:
        async with Served(tmp_path) as s:
            _dial(bot, s.url)
            await asyncio.to_thread(bot.wait_for, lambda: len(bot.reverse_ws_refusals) >= 2, 10, "refusals")
            assert set(bot.reverse_ws_refusals) == {403} and bot.reverse_clients == 0
            bot.inject_message(1, 42, "nobody hears this")
            s.rt.flush()
            assert s.ws.store.scalar("SELECT count(*) FROM messages") == 0
            assert s.ws.store.scalar("SELECT state FROM connections WHERE id = 'qq1'") != "online"
            s.rt.refusals.flush(s.ws.store)
            row = s.ws.store.one("SELECT count, sample FROM refused_requests WHERE connection = 'qq1'"
                                 " AND cause = '403 refused by the connector'")
            assert row["count"] >= 2 and "wrong access token" in row["sample"]  # counted, as refused webhooks are
    finally:
        bot.stop()


async def _status(url: str, headers: dict[str, str]) -> int:
    """The HTTP status a handshake is refused with (101 when it is accepted)."""
    try:
        async with connect(url, additional_headers=headers, open_timeout=3, close_timeout=1):
            return 101
    except InvalidStatus as e:
        return e.response.status_code


async def test_the_handshake_is_checked_before_anything_is_accepted(tmp_path):
    async with Served(tmp_path, 'self_id = "10001"') as s:
        good = {"X-Self-ID": "10001", "X-Client-Role": "Universal", "Authorization": "Bearer tok"}
        assert await _status(s.url, good) == 101
        assert await _status(s.url, {**good, "Authorization": "Token tok"}) == 101  # go-cqhttp's way
        assert await _status(s.url, {k: v for k, v in good.items() if k != "Authorization"}) == 401
        assert await _status(s.url, {**good, "Authorization": "Bearer nope"}) == 403
        assert await _status(s.url, {**good, "Authorization": "Basic tok"}) == 401
        assert await _status(s.url, {**good, "X-Self-ID": "20002"}) == 403  # another account
        assert await _status(s.url, {**good, "X-Client-Role": "Admin"}) == 400
        assert await _status(s.url.replace("/ws", "/nowhere"), good) == 404
        assert await _status(s.url.replace("qq1", "qq9"), good) == 404
        s.rt.intake.fault = "disk I/O error"  # the store cannot take events: nothing is accepted
        assert await _status(s.url, good) == 503
        s.rt.intake.fault = None
        assert await _status(s.url, good) == 101


async def test_a_store_that_fails_mid_socket_closes_it_with_1013(tmp_path):
    bot = make_bot(dialect="napcat")
    try:
        async with Served(tmp_path) as s:
            _dial(bot, s.url)
            await asyncio.to_thread(bot.wait_for, lambda: bot.reverse_clients == 1, 10, "the bridge")
            conn = s.rt.connectors["qq1"]
            real = conn.sink.events

            def failing(events):
                r = Receipt(len(events))
                r.failed("disk I/O error")
                return r

            conn.sink.events = failing
            bot.inject_message(1, 42, "lost to a broken disk")
            await asyncio.to_thread(bot.wait_for, lambda: 1013 in bot.reverse_ws_closes, 10, "close 1013")
            conn.sink.events = real
            await asyncio.to_thread(bot.wait_for, lambda: bot.reverse_clients == 1, 10, "the bridge back")
            bot.inject_message(1, 42, "after the disk came back")
            await until(lambda: s.ws.store.scalar("SELECT count(*) FROM messages WHERE text LIKE 'after%'") == 1,
                        what="the next message stored")
            assert s.ws.store.scalar("SELECT count(*) FROM messages WHERE text LIKE 'lost%'") == 0
    finally:
        bot.stop()


@pytest.mark.parametrize("raw,key", [({"intake": "reverse_ws"}, "access_token"),
                                     ({"intake": "http_post", "secret": "s"}, "base_url"),
                                     ({"intake": "reverse_ws", "access_token": "t", "base_url": "ftp://x"}, "base_url"),
                                     ({"intake": "reverse", "access_token": "t"}, "intake")])
def test_config_check_names_the_key_a_reverse_connection_lacks(raw, key):
    from console.config import ConfigError
    from plugins.qq.connector import QQConnector

    with pytest.raises(ConfigError) as e:
        QQConnector.check_options(raw, "connections.qq1")
    assert f"connections.qq1.{key}" in str(e.value)
    assert QQConnector.check_options({"intake": "reverse_ws", "access_token": "t"}, "c")["base_url"] is None
