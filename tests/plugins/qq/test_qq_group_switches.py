"""Whole-group mute and renaming a group from the CLI (issue 17 item 7), through the outbox
to the fake bridge in each dialect; the confirmation names the group; bad input and a
platform without the capability are refused before anything is queued."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.cli import cli
from console.executor import Executor
from tests.plugins.qq.dialect_kit import DIALECTS, T0, bridge, feed, post, qq_workspace


async def world(tmp_path, dialect="gocq"):
    b = bridge(dialect)
    b.bot.add_group(2, "群2")
    b.bot.add_member(2, 42, "alice")
    ws = qq_workspace(tmp_path)
    for gid in (1, 2):
        feed(ws, (await post(b, b.bot.inject_message(gid, 42, "hi"))).events, at=T0)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET name = '福利群 A' WHERE platform_group_id = '1'")
    return b, ws


def run(ws, *args, input=None):
    return CliRunner().invoke(cli, ["--config", str(ws.settings.path), "groups", *args], input=input,
                              catch_exceptions=False)


def actions(ws):
    return [(r["kind"], json.loads(r["params"]), r["status"]) for r in
            ws.store.query("SELECT kind, params, status FROM actions ORDER BY id")]


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_mute_all_and_rename_reach_the_bridge(tmp_path, dialect):
    b, ws = await world(tmp_path, dialect)
    try:
        res = run(ws, "mute-all", "1", "--on", "--yes")
        assert res.exit_code == 0, res.output
        assert res.output.strip() == "Queued action 1: whole-group mute on, 福利群 A (qq 1, qq1)"
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        assert b.bot.whole_ban.get(1) is True and 2 not in b.bot.whole_ban
        assert run(ws, "mute-all", "福利群 A", "--off", "--yes").exit_code == 0  # by its name too
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        assert b.bot.whole_ban.get(1) is False
        assert run(ws, "rename", "2", "  新名字  ", "--yes").exit_code == 0
        await Executor(ws, {"qq1": b.conn}, pacing=False).drain()
        assert b.bot.groups[2]["group_name"] == "新名字"
        assert actions(ws) == [("whole_mute", {"enable": True}, "done"), ("whole_mute", {"enable": False}, "done"),
                               ("set_group_name", {"name": "新名字"}, "done")]
        # the bridge did it: the group's name in shequn follows at once (go-cqhttp sends no notice of it)
        assert ws.store.scalar("SELECT name FROM groups WHERE platform_group_id = '2'") == "新名字"
        assert ws.store.scalar("SELECT name FROM groups WHERE platform_group_id = '1'") == "福利群 A"
        audited = ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_done'")
        assert audited == 3
    finally:
        ws.close()
        await b.close()


async def test_the_confirmation_names_the_group_and_no_queues_nothing(tmp_path):
    b, ws = await world(tmp_path)
    try:
        res = run(ws, "mute-all", "1", "--on", input="n\n")
        assert "Mute everyone in 福利群 A (qq 1, qq1)? Only owners and admins can speak until it is lifted." in res.output
        res = run(ws, "rename", "#2", "新名字", input="n\n")
        assert "Rename 2 (qq 2, qq1) to 新名字?" in res.output
        assert actions(ws) == []
        res = run(ws, "rename", "#2", "新名字", input="y\n")
        assert res.exit_code == 0 and actions(ws) == [("set_group_name", {"name": "新名字"}, "pending")]
    finally:
        ws.close()
        await b.close()


async def test_bad_input_and_a_platform_that_cannot_are_refused(tmp_path):
    b, ws = await world(tmp_path)
    try:
        with ws.store.write() as c:  # a WeCom group: WeCom cannot mute a whole group, nor rename from outside
            c.execute("INSERT INTO connections(id, platform, state) VALUES ('wc1', 'wechat', 'online')")
            c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES"
                      " ('wc1', 'wechat', 'wrOgQhDgAA', '福利群 A')")
        for args, words in (
                (("mute-all", "9", "--on", "--yes"), "no group 9: give its number on the platform, #ID or its exact name"),
                (("mute-all", "福利群 A", "--on", "--yes"), "福利群 A names 2 groups (#1 福利群 A (qq 1, qq1), #3 福利群 A"),
                (("rename", "1", "x" * 31, "--yes"), "name is 31 characters long: a group name has 1 to 30"),
                (("rename", "1", "   ", "--yes"), "name is 0 characters long"),
                (("mute-all", "wrOgQhDgAA", "--on", "--yes"), "福利群 A (wechat wrOgQhDgAA, wc1): "),
                (("rename", "#3", "新", "--yes"), "福利群 A (wechat wrOgQhDgAA, wc1): ")):
            res = run(ws, *args)
            assert res.exit_code == 2 and words in res.output, (args, res.output)
        assert "cannot" in run(ws, "mute-all", "#3", "--on", "--yes").output
        assert actions(ws) == []
        assert run(ws, "mute-all", "1", "--yes").exit_code == 2  # --on or --off must be said
    finally:
        ws.close()
        await b.close()
