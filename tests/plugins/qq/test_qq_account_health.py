"""Account health (风控, issue 17 item 6): messages paced per group and per account, the
account backing off when the bridge starts refusing and coming back when it stops.

No wall-clock waits: one hand-moved clock drives the workspace and the outbox (its
token bucket and the health book), and the fake bridge answers at once."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.account_health import HealthPolicy, summaries
from console.cli import cli
from console.config import ConfigError
from console.executor import Executor
from console.model import Proposal
from plugins.qq.connector import QQConnector
from tests.plugins.qq.dialect_kit import T0, bridge, feed, post, qq_workspace


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


async def setup(tmp_path, dialect="gocq"):
    b = bridge(dialect)
    for gid in (2, 3):
        b.bot.add_group(gid, f"群{gid}")
        b.bot.add_member(gid, 42, "alice")
    ws = qq_workspace(tmp_path)
    clock = Clock(T0)
    ws.clock = clock
    for gid in (1, 2, 3):
        res = await post(b, b.bot.inject_message(gid, 42, "hi"))
        feed(ws, res.events, at=T0)
    groups = {int(r["platform_group_id"]): r["id"] for r in ws.store.query("SELECT id, platform_group_id FROM groups")}
    ex = Executor(ws, {"qq1": b.conn}, monotonic=clock)
    return b, ws, clock, groups, ex


def sends(b) -> list[int]:
    """The groups the bridge was asked to send to, in order (refused ones too)."""
    with b.bot._lock:
        return [int(p["group_id"]) for a, p in b.bot.calls if a == "send_group_msg"]


def queue(ws, groups, *gids):
    n = ws.store.scalar("SELECT count(*) FROM actions")  # distinct texts: the same one twice is one action
    ws.enqueue([Proposal("send", "test", group_id=groups[g], params={"text": f"to {g} #{n + i}"})
                for i, g in enumerate(gids)], "test")


def health(ws):
    return ws.store.one("SELECT * FROM account_health WHERE connection_id = 'qq1'")


async def test_a_group_waits_its_interval_while_other_groups_go_on(tmp_path):
    b, ws, clock, groups, ex = await setup(tmp_path)
    try:
        queue(ws, groups, 1, 1, 2)
        await ex.run_once()
        assert sends(b) == [1, 2]  # group 1's second message waits 15 s; group 2's goes on
        clock.t += 14
        await ex.run_once()
        assert sends(b) == [1, 2]
        clock.t += 1
        await ex.run_once()
        assert sends(b) == [1, 2, 1]
        assert ws.store.scalar("SELECT sum(sent) FROM account_sends WHERE group_id = ?", (groups[1],)) == 2
        assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_backoff'") == 0
    finally:
        ws.close()
        await b.close()


async def test_the_hourly_cap_of_a_group_holds_until_its_first_message_is_an_hour_old(tmp_path):
    b, ws, clock, groups, ex = await setup(tmp_path)
    b.conn.config["group_per_hour"] = 3
    try:
        queue(ws, groups, 1, 1, 1, 1)
        for _ in range(4):
            await ex.run_once()
            clock.t += 20
        assert sends(b) == [1, 1, 1]  # the 4th waits: 3 an hour
        clock.t = T0 + 3600
        await ex.run_once()
        assert sends(b) == [1, 1, 1, 1]
    finally:
        ws.close()
        await b.close()


@pytest.mark.parametrize("dialect", ["gocq", "napcat", "lagrange"])
async def test_pacing_backs_off_when_the_bridge_refuses_and_recovers_when_it_stops(tmp_path, dialect):
    b, ws, clock, groups, ex = await setup(tmp_path, dialect)
    try:
        b.bot.fail_next("failed", None)  # QQ starts refusing every message
        queue(ws, groups, 1, 2, 3)
        await ex.run_once()
        clock.t += 2  # the account's token bucket: 2 at once, then one every 2 s
        await ex.run_once()
        assert sends(b) == [1, 2, 3]
        h = health(ws)
        assert h["backoff_level"] == 1 and h["backoff_since"] == T0 + 2
        assert h["backoff_reason"] == "3 refused and 0 timed out of its last sends within 10 min"
        alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'account_backoff' AND resolved_at IS NULL")
        assert alert["message"].startswith("Sending from qq1 (account ") and "3 refused" in alert["message"]
        assert "one message every 60 s" in alert["why"]
        # level 1: one message of the account every 60 s, whatever the group
        queue(ws, groups, 1, 2, 3)
        clock.t += 59
        await ex.run_once()
        assert len(sends(b)) == 3
        for _ in range(3):  # three more refused, 60 s apart: level 2, 120 s apart
            clock.t += 60
            await ex.run_once()
        assert len(sends(b)) == 6 and health(ws)["backoff_level"] == 2
        queue(ws, groups, 1, 2)
        clock.t += 119
        await ex.run_once()
        assert len(sends(b)) == 6
        b.bot.clear_faults()  # QQ stops refusing
        clock.t += 1
        await ex.run_once()
        assert len(sends(b)) == 7 and health(ws)["backoff_level"] == 2
        # 15 min without a refusal: one step back up (level 1: 60 s); another 15: normal pace
        last_failure = T0 + 2 + 59 + 180
        clock.t = last_failure + 900
        await ex.run_once()
        assert len(sends(b)) == 8 and health(ws)["backoff_level"] == 1
        queue(ws, groups, 1, 2, 3)
        clock.t += 30
        await ex.run_once()
        assert len(sends(b)) == 8  # still 60 s apart at level 1
        clock.t = last_failure + 1800
        await ex.run_once()
        assert len(sends(b)) == 10  # level 0: the bucket's pace again (2 at once)
        h = health(ws)
        assert h["backoff_level"] == 0 and h["backoff_reason"] == "" and h["backoff_since"] is None
        assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_backoff' AND resolved_at IS NULL") == 0
        row = ws.store.one("SELECT sum(sent) AS s, sum(refused) AS r, sum(timed_out) AS t FROM account_sends")
        assert (row["s"], row["r"], row["t"]) == (10, 6, 0)
    finally:
        ws.close()
        await b.close()


async def test_timeouts_count_apart_from_refusals(tmp_path):
    b, ws, clock, groups, ex = await setup(tmp_path)
    b.conn.config["timeout"] = 0.2
    b.bot.timeout_seconds = 0.5
    try:
        b.bot.fail_next("timeout", 3)
        queue(ws, groups, 1, 2, 3)
        await ex.run_once()
        clock.t += 2
        await ex.run_once()
        h = summaries(ws)["qq1"]
        assert (h["sent_1h"], h["refused_1h"], h["timed_out_1h"]) == (3, 0, 3)
        assert h["backoff_level"] == 1 and h["backoff_reason"].startswith("0 refused and 3 timed out")
    finally:
        ws.close()
        await b.close()


def test_the_figures_are_checked_when_the_config_is_read():
    base = {"base_url": "http://127.0.0.1:1", "secret": "s"}
    assert QQConnector.check_options(base, "c")["group_interval"] == 15.0
    assert QQConnector("c", base).health_policy() == HealthPolicy(group_interval=15.0, group_per_hour=20,
                                                                  account_per_hour=240)
    for key, bad in (("group_per_hour", 0), ("backoff_after", 0), ("group_interval", -1), ("backoff_quiet", 10)):
        with pytest.raises(ConfigError) as e:
            QQConnector.check_options({**base, key: bad}, "connections.qq1")
        assert f"connections.qq1.{key}" in str(e.value)


async def test_connections_json_shows_the_accounts_health(tmp_path, monkeypatch):
    b, ws, clock, groups, ex = await setup(tmp_path)
    try:
        b.bot.fail_next("failed", 1)
        queue(ws, groups, 1, 2)
        await ex.run_once()
        from console.account_health import forced_offline
        forced_offline(ws, "qq1", T0 - 50, "你的账号在另一台设备登录")
        path = ws.settings.path
    finally:
        ws.close()
        await b.close()
    monkeypatch.setattr("console.workspace.time.time", lambda: float(T0 + 60))  # the verb's "now": same hour
    res = CliRunner().invoke(cli, ["--config", str(path), "connections", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    row = [r for r in json.loads(res.output)["rows"] if r["id"] == "qq1"][0]
    h = row["health"]
    assert (h["sent_1h"], h["refused_1h"], h["timed_out_1h"], h["backoff_level"]) == (2, 1, 0, 0)
    assert (h["forced_offline"], h["forced_offline_words"]) == (1, "你的账号在另一台设备登录")
    assert sorted((g["number"], g["sent"]) for g in h["groups_this_hour"]) == [("1", 1), ("2", 1)]


async def test_a_connector_without_a_policy_is_counted_but_never_slowed(tmp_path):
    b, ws, clock, groups, ex = await setup(tmp_path)
    b.conn.health_policy = lambda: None  # as the sandbox or a platform that declares no pacing
    try:
        b.bot.fail_next("failed", None)
        queue(ws, groups, 1, 1, 2, 3)
        for _ in range(3):
            await ex.run_once()
            clock.t += 2
        assert sends(b) == [1, 1, 2, 3]  # no group interval either
        row = ws.store.one("SELECT sum(sent) AS s, sum(refused) AS r FROM account_sends")
        assert (row["s"], row["r"]) == (4, 4)
        assert health(ws) is None and ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_backoff'") == 0
    finally:
        ws.close()
        await b.close()


async def test_an_account_that_sends_nothing_more_recovers_in_the_idle_outbox(tmp_path):
    import asyncio

    b, ws, clock, groups, ex = await setup(tmp_path)
    try:
        b.bot.fail_next("failed", None)
        queue(ws, groups, 1, 2, 3)
        await ex.run_once()
        clock.t += 2
        await ex.run_once()
        assert health(ws)["backoff_level"] == 1
        b.bot.clear_faults()
        clock.t += 899
        stop = asyncio.Event()
        loop = asyncio.create_task(ex.run_forever(stop, idle=0.01))
        await asyncio.sleep(0.1)  # idle rounds: nothing to send
        assert health(ws)["backoff_level"] == 1  # 899 s quiet: not yet
        clock.t += 1
        for _ in range(200):
            if health(ws)["backoff_level"] == 0:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await loop
        assert health(ws)["backoff_level"] == 0
        assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_backoff' AND resolved_at IS NULL") == 0
    finally:
        ws.close()
        await b.close()
