"""Check-in and points: once per day per person in the workspace's time zone, streaks and a
cap, insiders apart, replies merged for a burst, the points tag, the leaderboard, spending."""

from __future__ import annotations

import json

import pytest

from content_kit import local
from console.engine import Engine
from console.model import Event, Kind
from plugins.content import checkin
from plugins.content.errors import ContentError

_n = [0]


def say(ws, group, user, text, ts, nickname=None):
    _n[0] += 1
    e = Event("sandbox", f"c{_n[0]}", Kind.MESSAGE, ts, group=group, user=user, nickname=nickname or f"昵称{user}",
              text=text)
    with ws.clock_at(ts):
        Engine(ws).ingest([e])


def pid(ws, user):
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


def rule(ws, scope="all", **kw):
    with ws.clock_at(local(ws, "2025-06-15 12:00")):
        return checkin.save_rule(ws, scope, **kw)


def sends(ws):
    return [json.loads(a["params"])["text"] for a in ws.store.query(
        "SELECT params FROM actions WHERE kind = 'send' AND requested_by = 'plugin:content' ORDER BY id")]


def test_rules_refused_when_they_cannot_work(ws):
    with pytest.raises(ContentError, match=r"reply: unknown placeholder \{nickname\}"):
        rule(ws, reply="{nickname} 签到成功")
    with pytest.raises(ContentError, match="cap: 5 is below points 10"):
        rule(ws, cap=5)
    with pytest.raises(ContentError, match="points: 0; expected a whole number from 1 to 1,000"):
        rule(ws, points=0)
    with pytest.raises(ContentError, match="keywords: 0 keywords; expected 1 or more"):
        rule(ws, keywords="  ，！")
    with pytest.raises(ContentError, match="scope: unknown group type 'vip'"):
        rule(ws, scope="type:vip")
    assert checkin.rules(ws) == []


def test_once_a_day_streaks_and_the_cap(ws):
    rule(ws, points=10, streak_bonus=5, cap=20)
    day1 = local(ws, "2025-06-16 07:05")
    say(ws, "g", "u1", "签到", day1)
    say(ws, "g", "u1", "签到！", day1 + 60)  # the same day: counted once
    say(ws, "g", "u2", "今天打卡了吗", day1 + 120)  # a sentence with the word is no check-in
    say(ws, "g", "u1", "签到", day1 + 86400)  # day 2: streak 2
    say(ws, "g", "u1", "打卡", day1 + 2 * 86400)  # day 3: streak 3, 10 + 5 * 2 = 20
    say(ws, "g", "u1", "签到", day1 + 3 * 86400)  # day 4: 25, capped at 20
    say(ws, "g", "u1", "签到", day1 + 5 * 86400)  # day 6 after a missed day 5: streak 1 again
    got = ws.store.query("SELECT day, streak, points FROM content_checkins ORDER BY day")
    assert [(r["day"], r["streak"], r["points"]) for r in got] == [
        ("2025-06-16", 1, 10), ("2025-06-17", 2, 15), ("2025-06-18", 3, 20), ("2025-06-19", 4, 20),
        ("2025-06-21", 1, 10)]
    assert checkin.balances(ws, [pid(ws, "u1")]) == {pid(ws, "u1"): 75}
    assert pid(ws, "u2") is not None and checkin.balances(ws, [pid(ws, "u2")]) == {}
    tag = ws.store.one("SELECT * FROM tags WHERE tag = 'points'")
    assert (tag["value"], tag["kind"], tag["provenance"], tag["source"]) == ("75", "dynamic", "fact", "content")


def test_the_day_is_the_workspaces(ws):
    rule(ws)
    say(ws, "g", "u1", "签到", local(ws, "2025-06-16 23:59"))  # 15:59 UTC
    say(ws, "g", "u1", "签到", local(ws, "2025-06-17 00:01"))  # 16:01 UTC, the same UTC day
    assert ws.store.query("SELECT day, streak FROM content_checkins ORDER BY day") == [
        {"day": "2025-06-16", "streak": 1}, {"day": "2025-06-17", "streak": 2}]


def test_insiders_do_not_check_in(ws):
    rule(ws)
    say(ws, "g", "boss", "你好", local(ws, "2025-06-16 07:00"))
    ws.store.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "boss"),))
    say(ws, "g", "boss", "签到", local(ws, "2025-06-16 07:01"))
    assert ws.store.scalar("SELECT count(*) FROM content_checkins") == 0


def test_the_most_specific_rule_wins(ws):
    rule(ws, points=10)
    say(ws, "fit", "u0", "hi", local(ws, "2025-06-16 06:00"))
    rule(ws, scope="fit", keywords="打卡", points=3, cap=3)
    t = local(ws, "2025-06-16 07:00")
    say(ws, "fit", "u1", "签到", t)  # the group's rule has only 打卡
    say(ws, "fit", "u2", "打卡", t + 1)
    say(ws, "other", "u3", "签到", t + 2)
    assert [(r["person_id"], r["points"]) for r in ws.store.query(
        "SELECT person_id, points FROM content_checkins ORDER BY ts")] == [(pid(ws, "u2"), 3), (pid(ws, "u3"), 10)]


def test_replies_one_each_or_merged_for_a_burst(ws):
    rule(ws, points=10)
    t = local(ws, "2025-06-16 07:00")
    say(ws, "a", "u1", "签到", t, nickname="小明")
    say(ws, "a", "u2", "签到", t + 20, nickname="小红")
    say(ws, "b", "u3", "签到", t + 5, nickname="阿强")
    say(ws, "b", "u4", "签到", t + 10, nickname="阿珍")
    say(ws, "b", "12345", "签到", t + 30, nickname="12345")  # known only by number: never named by it
    assert sends(ws) == []  # the bursts are open for 60 s after their first check-in
    with ws.clock_at(t + 61):  # a's burst (from t) has closed, b's (from t + 5) not yet
        ws.enqueue(checkin.flush_replies(ws), "plugin:content")
    assert len(sends(ws)) == 2
    with ws.clock_at(t + 65):
        ws.enqueue(checkin.flush_replies(ws), "plugin:content")
    assert sends(ws) == ["小明 签到成功！连续 1 天，+10 分，共 10 分", "小红 签到成功！连续 1 天，+10 分，共 10 分",
                         "今日签到：阿强（1天 +10）、阿珍（1天 +10）、群友（1天 +10），一共 3 位，大家继续加油！"]
    with ws.clock_at(t + 200):
        assert checkin.flush_replies(ws) == []  # replied once


def test_leaderboard_pages_and_points_the_operator_spends(ws):
    rule(ws, points=10, streak_bonus=1)
    t = local(ws, "2025-06-16 07:00")
    for day in range(3):
        for i, user in enumerate(["u1", "u2", "u3", "u4"][: 4 - day]):
            say(ws, "w" if i % 2 else "t", user, "签到", t + day * 86400 + i)
    ws.store.execute("UPDATE groups SET type = 'welfare' WHERE platform_group_id = 'w'")
    with ws.clock_at(t + 2 * 86400 + 600):
        board = checkin.leaderboard(ws)
        assert [(r["rank"], r["name"], r["points"], r["streak"], r["checkins"]) for r in board] == [
            (1, "昵称u1", 33, 3, 3), (2, "昵称u2", 33, 3, 3), (3, "昵称u3", 21, 2, 2), (4, "昵称u4", 10, 0, 1)]
        assert [r["name"] for r in checkin.leaderboard(ws, limit=2, offset=2)] == ["昵称u3", "昵称u4"]
        assert [r["name"] for r in checkin.leaderboard(ws, scope="type:welfare")] == ["昵称u2", "昵称u4"]
        with pytest.raises(ContentError, match="昵称u3 has 21 points, fewer than 50 to spend"):
            checkin.change(ws, "u3", 50, "spend")
        assert checkin.change(ws, "u3", 20, "spend", "兑换纸巾") == 1
        assert checkin.change(ws, "昵称u1", 0, "reset") == 0
        with pytest.raises(ContentError, match="would leave -1"):
            checkin.change(ws, "u3", -2, "adjust")
        assert checkin.change(ws, "u4", 5, "adjust") == 15
        assert [r["name"] for r in checkin.leaderboard(ws)] == ["昵称u2", "昵称u4", "昵称u3"]
    assert ws.store.scalar("SELECT value FROM tags WHERE tag = 'points' AND person_id = ?", (pid(ws, "u1"),)) == "0"
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'content_points_spend'") == 1


def test_cli_board_and_a_refused_spend(config_path):
    from content_kit import cli
    from console.workspace import Workspace

    with Workspace.open(config_path) as w:
        rule(w)
        say(w, "g", "u1", "签到", local(w, "2025-06-16 07:00"), nickname="小明")
    r = cli(config_path, "content", "points", "board", "--json")
    assert [(x["name"], x["points"]) for x in json.loads(r.output)] == [("小明", 10)]
    r = cli(config_path, "content", "points", "spend", "u1", "11")
    assert r.exit_code == 2 and r.output.strip() == "Error: points: 小明 has 10 points, fewer than 11 to spend"
    r = cli(config_path, "content", "points", "spend", "u1", "4", "--note", "兑换")
    assert r.exit_code == 0 and r.output.strip() == "u1 now has 6 points"
    r = cli(config_path, "content", "checkin", "set", "all", "--reply", "{who}")
    assert r.exit_code == 2 and "reply: unknown placeholder {who}" in r.output


def test_twice_in_one_batch_counts_once(ws):
    rule(ws, points=10)
    t = local(ws, "2025-06-16 07:00")
    evs = [Event("sandbox", f"batch{i}", Kind.MESSAGE, t + i, group="g", user="u1", nickname="小明", text="签到")
           for i in range(2)]
    with ws.clock_at(t + 5):
        Engine(ws).ingest(evs)
    assert ws.store.scalar("SELECT count(*) FROM content_checkins") == 1
    assert checkin.balances(ws, [pid(ws, "u1")]) == {pid(ws, "u1"): 10}
