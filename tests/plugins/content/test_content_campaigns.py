"""Invite campaigns (拉新任务): refusals, joins with an inviter counted within the campaign's
time and scope, once per newcomer, within the two-level referral limit (a third level, an
insider's invite and a returning member are kept but not counted), points per invite and for
the goal, the leaderboard in pages, and the CLI."""

from __future__ import annotations

import json

import pytest

from content_kit import T0, cli, local
from console.engine import Engine
from console.model import Event, Kind
from plugins.content import campaigns, checkin
from plugins.content.errors import ContentError

_n = [0]


def feed(ws, kind, group, user, ts, text=None, **data):
    _n[0] += 1
    e = Event("sandbox", f"v{_n[0]}", kind, ts, group=group, user=user, nickname=data.pop("nickname", f"昵称{user}"),
              text=text, data=data)
    with ws.clock_at(ts):
        Engine(ws).ingest([e])


def pid(ws, user):
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


def refused(ws, **kw):
    args = {"goal": 3, "days": 7, "start": "2025-06-16", "reward": 50, **kw}
    with pytest.raises(ContentError) as e, ws.clock_at(T0):
        campaigns.create(ws, kw.pop("name", "拉新"), **{k: v for k, v in args.items() if k != "name"})
    return str(e.value)


def test_campaigns_that_cannot_work_are_refused(ws):
    assert refused(ws, goal=0) == "goal: 0; expected a whole number from 1 to 100"
    assert refused(ws, days=91) == "days: 91; expected a whole number from 1 to 90"
    assert refused(ws, reward=0) == "reward: 0 and per_invite 0; a campaign rewards its inviters with points"
    assert refused(ws, start="6/16") == "start: '6/16'; expected a day YYYY-MM-DD"
    assert refused(ws, start="2025-06-01") == ("start: the campaign would end on 2025-06-08, in the past; it could never "
                                               "count a join")
    assert refused(ws, scope="type:vip").startswith("scope: unknown group type 'vip'")
    assert ws.store.scalar("SELECT count(*) FROM content_campaigns") == 0


@pytest.fixture
def cws(ws):
    before = local(ws, "2025-06-14 10:00")
    for g, u in (("g", "r0"), ("g", "owner"), ("h", "old"), ("x", "z")):
        feed(ws, Kind.MESSAGE, g, u, before, "大家好")
    ws.store.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "owner"),))
    ws.store.execute("UPDATE groups SET type = 'welfare' WHERE platform_group_id = 'x'")
    with ws.clock_at(T0):
        campaigns.create(ws, "邀请3位好友", goal=3, start="2025-06-16", days=7, scope="type:traffic", reward=50,
                         per_invite=5)
    return ws


def join(ws, user, inviter, at, group="g"):
    feed(ws, Kind.JOIN, group, user, local(ws, at), inviter=inviter)


def test_progress_points_and_the_two_level_limit(cws):
    join(cws, "early", "r0", "2025-06-15 23:50")  # before the campaign starts
    join(cws, "a1", "r0", "2025-06-16 09:00")
    join(cws, "a2", "r0", "2025-06-16 09:10")
    join(cws, "a2", "r0", "2025-06-16 09:20", group="h")  # the same newcomer in a second group: counted once
    join(cws, "old", "r0", "2025-06-16 10:00")  # was in group h before the campaign
    join(cws, "w1", "r0", "2025-06-16 10:30", group="x")  # a welfare group: out of scope
    join(cws, "a3", "r0", "2025-06-17 08:00")  # the third: the goal
    join(cws, "b1", "a1", "2025-06-17 09:00")  # level 2: counted
    join(cws, "c1", "b1", "2025-06-17 10:00")  # level 3: beyond the limit
    join(cws, "d1", "owner", "2025-06-17 11:00")  # an insider's invite
    join(cws, "late", "r0", "2025-06-23 00:00")  # the campaign ended at midnight
    cws.store.execute("UPDATE connections SET account = 'bot' WHERE id = 'sandbox'")
    join(cws, "e1", "bot", "2025-06-17 12:00")  # the bot's own invite
    feed(cws, Kind.JOIN_REQUEST, "g", "asked", local(cws, "2025-06-15 20:00"), flag="f1", comment="")
    join(cws, "asked", "r0", "2025-06-17 13:00")  # first seen (asking to join) before the campaign
    rows = {r["name"]: r for r in campaigns.board(cws, "邀请3位好友")}
    assert [(r["rank"], n, r["progress"], r["invites"], r["not_counted"], r["points"], r["reached"])
            for n, r in rows.items()] == [
        (1, "昵称r0", "3/3", 3, 2, 65, True),  # 3 x 5 per invite + 50 for the goal
        (2, "昵称a1", "1/3", 1, 0, 5, False),
        (3, "昵称b1", "0/3", 0, 1, 0, False)]  # the insider who invited d1 is not on the board
    skipped = {r["invitee"]: r["note"] for r in campaigns.not_counted(cws, "邀请3位好友")}
    assert skipped == {"昵称old": "rejoin", "昵称c1": "level:3", "昵称d1": "insider", "昵称e1": "insider",
                       "昵称asked": "rejoin"}
    assert checkin.balances(cws, [pid(cws, "r0")]) == {pid(cws, "r0"): 65}
    assert cws.store.scalar("SELECT value FROM tags WHERE tag = 'points' AND person_id = ?", (pid(cws, "r0"),)) == "65"
    # a fourth invite earns nothing more: points per invite stop at the goal, the reward is once
    join(cws, "a4", "r0", "2025-06-18 08:00")
    assert checkin.balances(cws, [pid(cws, "r0")]) == {pid(cws, "r0"): 65}
    assert [r["name"] for r in campaigns.board(cws, "邀请3位好友", limit=1, offset=1)] == ["昵称a1"]  # the second page
    (c,) = campaigns.listing(cws)
    assert (c["invites"], c["inviters"], c["reached"], c["from"], c["until"]) == (5, 2, 1, "2025-06-16", "2025-06-22")


def test_the_cli(cws, config_path):
    join(cws, "a1", "r0", "2025-06-16 09:00")
    join(cws, "b1", "a1", "2025-06-16 10:00")
    join(cws, "c1", "b1", "2025-06-16 11:00")
    out = cli(config_path, "content", "campaigns", "board", "邀请3位好友", "--json")  # ties: who got there first
    assert out.exit_code == 0, out.output
    assert [(r["name"], r["invites"]) for r in json.loads(out.output)] == [("昵称r0", 1), ("昵称a1", 1), ("昵称b1", 0)]
    out = cli(config_path, "content", "campaigns", "skipped", "邀请3位好友")
    assert out.exit_code == 0 and "level 3, beyond the referral limit" in out.output
    out = cli(config_path, "content", "campaigns", "add", "拉新2", "--goal", "0")
    assert out.exit_code == 2 and "goal: 0; expected a whole number from 1 to 100" in out.output
    out = cli(config_path, "content", "campaigns", "end", "邀请3位好友")
    assert out.exit_code == 0
    out = cli(config_path, "content", "campaigns", "list", "--json")
    assert json.loads(out.output)[0]["status"] == "ended"
