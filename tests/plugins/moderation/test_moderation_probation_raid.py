"""Newcomer probation (an ad first thing goes straight to removal; silent newcomers are
listed) and the raid response (lift, extend, hold or remove the latest joiners)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from moderation_helpers import T0, actions, cases, feed, gid, join, msg, pid, request

from console.cli import build_cli, cli
from plugins.moderation import raid_groups
from plugins.moderation.probation import silent_newcomers
from plugins.moderation.raid import act_on_recent, end_cooling, extend_cooling

DAY = 86400
LINK_AD = "优惠入口 http://t.cn/abc123 快来"


def test_a_newcomers_first_message_with_a_link_is_recalled_and_removed_at_once(mws):
    ws = mws
    feed(ws, [join("g1", "newbie", T0 - 3600)], T0 - 3600)  # joined an hour ago
    feed(ws, [msg("g1", "newbie", LINK_AD, T0)], T0)
    (case,) = cases(ws, pid(ws, "newbie"))
    assert (case["step"], case["status"]) == ("blacklist", "open")  # the ads ladder's removal step, for a person
    assert {a["kind"] for a in actions(ws, pid(ws, "newbie")) if a["rule"] == "ads"} == {"recall", "kick"}  # no warning
    # a member of three days posting the same link is only warned (offence 1 of the ladder)
    feed(ws, [msg("g1", "alice", LINK_AD, T0 + 60)], T0 + 60)
    assert [c["step"] for c in cases(ws, pid(ws, "alice"))] == ["warn"]


def test_probation_covers_only_the_first_message_and_only_n_hours(mws):
    ws = mws
    feed(ws, [join("g1", "n1", T0 - 3600), join("g1", "n2", T0 - 25 * 3600)], T0 - 3600)
    feed(ws, [msg("g1", "n1", "大家好，我是新来的", T0), msg("g1", "n1", LINK_AD, T0 + 5)], T0 + 5)
    assert [c["step"] for c in cases(ws, pid(ws, "n1"))] == ["warn"]  # the link was her second message
    feed(ws, [msg("g1", "n2", LINK_AD, T0)], T0)
    assert [c["step"] for c in cases(ws, pid(ws, "n2"))] == ["warn"]  # joined 25 hours ago: past probation


def test_probation_can_be_switched_off(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    ws = Workspace.open(make_config(tmp_path, "[moderation]\nprobation_hours = 0\n"))
    try:
        feed(ws, [join("g1", "newbie", T0 - 60)], T0 - 60)
        feed(ws, [msg("g1", "newbie", LINK_AD, T0)], T0)
        assert [c["step"] for c in cases(ws, pid(ws, "newbie"))] == ["warn"]
    finally:
        ws.close()


def test_silent_newcomers_are_listed_between_n_and_2n_days(mws):
    ws = mws  # members of g1..g3 joined 3 days ago; probation_silent_days = 7
    feed(ws, [join("g1", f"q{i}", T0 - (8 + i) * DAY) for i in range(3)]  # 8, 9, 10 days ago
         + [join("g1", "talker", T0 - 9 * DAY), join("g1", "old", T0 - 15 * DAY)], T0 - 8 * DAY)
    feed(ws, [msg("g1", "talker", "你好", T0 - 8 * DAY)], T0 - 8 * DAY)
    with ws.clock_at(T0):
        page = silent_newcomers(ws)
        second = silent_newcomers(ws, limit=2, offset=2)
    assert page["total"] == 3 and [r["person_id"] for r in page["rows"]] == [pid(ws, f"q{i}") for i in range(3)]
    assert [r["silent_days"] for r in page["rows"]] == [8, 9, 10]
    assert second["total"] == 3 and [r["person_id"] for r in second["rows"]] == [pid(ws, "q2")]
    with ws.clock_at(T0):
        assert silent_newcomers(ws, days=0)["total"] == 0


def test_raid_hold_lift_and_extend_by_hand(mws):
    ws = mws
    g3 = gid(ws, "g3")
    feed(ws, [join("g3", f"raider{i}", T0 + i * 2) for i in range(21)], T0 + 42)
    with ws.clock_at(T0 + 60):
        until = raid_groups(ws)[0]["until"]
        row = extend_cooling(ws, g3, 45)
        assert row["until"] == until + 45 * 60
        with pytest.raises(ValueError, match="minutes: 0"):
            extend_cooling(ws, g3, 0)
        assert end_cooling(ws, g3, actor="operator:tester") == [g3]
        assert raid_groups(ws) == []
    feed(ws, [request("g3", "late", T0 + 120)], T0 + 120)
    assert ws.store.scalar("SELECT rule FROM join_requests WHERE person_id = ?", (pid(ws, "late"),)) != "raid_guard"
    # a hold started by hand on a calm group
    with ws.clock_at(T0 + 200):
        row = extend_cooling(ws, gid(ws, "g1"), 30)
        assert row["until"] == T0 + 200 + 30 * 60 and raid_groups(ws)[0]["group_id"] == gid(ws, "g1")


def test_everyone_who_joined_in_the_last_minutes_is_held_or_removed_in_one_step(mws):
    ws = mws
    g3 = gid(ws, "g3")
    feed(ws, [join("g3", f"r{i}", T0 - 600 + i * 60) for i in range(5)], T0)  # 10, 9, 8, 7, 6 minutes ago
    with ws.clock_at(T0):
        held = act_on_recent(ws, g3, 8, "hold", mute_minutes=45)  # r2, r3, r4 (the old members are untouched)
    people = [pid(ws, f"r{i}") for i in (2, 3, 4)]
    mutes = actions(ws, kind="mute")
    assert sorted(a["person_id"] for a in mutes) == sorted(people)
    assert {a["params"]["duration"] for a in mutes} == {45 * 60}
    assert [c["id"] for c in cases(ws) if c["rule"] == "raid_guard"] == held
    assert {c["status"] for c in cases(ws) if c["rule"] == "raid_guard"} == {"reviewed"}  # a person decided
    path = ws.settings.path
    ws.close()
    build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(path), "raid", "remove", str(g3), "--minutes", "100000"])
    assert r.exit_code == 2 and "minutes: 100000" in r.output
    r = CliRunner().invoke(cli, ["--config", str(path), "raid", "list", "--json"])
    assert r.exit_code == 0 and json.loads(r.output) == []
