"""Traffic groups (引流群) are open by default: their goal is follower growth, so an
applicant the door check lets through is admitted without a person; the legal line on
referral chains still holds, as a chain that is not recorded rather than a person turned
away; other group types keep holding vague applicants for a person."""

from __future__ import annotations

from entry_kit import T0, join, pid, request
from plugins.entry_rules.api import policies
from plugins.moderation.door import add_to_blacklist


def typed(ws, group, kind):
    ws.store.execute("UPDATE groups SET type = ? WHERE platform_group_id = ?", (kind, group))


def setup(ws):
    join(ws, "t1", "amy", T0 - 5000)
    join(ws, "w1", "amy", T0 - 5000)
    typed(ws, "t1", "traffic")
    typed(ws, "w1", "welfare")


def referred(ws, user, by):
    ws.store.execute("UPDATE people SET referred_by = ? WHERE id = ?", (pid(ws, by), pid(ws, user)))


def test_the_seeded_traffic_policy_is_open(ws):
    p = next(p for p in policies(ws) if p["name"] == "admission:type:traffic")
    assert p["scope"] == "type:traffic" and p["enabled"] and not p["dry_run"]
    assert p["config"]["modes"] == ["open"] and p["config"]["combine"] == "any"


def test_a_vague_applicant_is_admitted_to_a_traffic_group_and_held_in_a_welfare_group(ws):
    setup(ws)
    t = request(ws, "t1", "gus", T0, comment="进群看看")
    w = request(ws, "w1", "gus", T0 + 1, comment="进群看看")
    assert (t["status"], t["decided_by"], t["reason"]) == ("approving", "rule:admission:type:traffic", "Open entry")
    assert w["status"] == "held" and w["decided_by"] == "rule:admission:all"


def test_a_named_referrer_is_recorded_in_a_traffic_group(ws):
    setup(ws)
    r = request(ws, "t1", "gus", T0, comment="amy 推荐", inviter="amy")
    assert r["status"] == "approving" and r["reason"] == "Open entry, referred by amy"
    assert ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (pid(ws, "gus"),)) == pid(ws, "amy")


def test_a_third_level_referral_is_admitted_to_a_traffic_group_but_the_chain_is_not_recorded(ws):
    setup(ws)
    for user in ("bob", "cat"):
        join(ws, "t1", user, T0 - 4000)
    referred(ws, "bob", "amy")
    referred(ws, "cat", "bob")  # amy -> bob -> cat: cat's friend would be level 3
    t = request(ws, "t1", "dan", T0, inviter="cat")
    assert t["status"] == "approving" and t["decided_by"] == "rule:admission:type:traffic"
    assert t["reason"] == ("Open entry; the referral by cat is not recorded: it would be level 3, and chains "
                           "stop at level 2")
    assert ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (pid(ws, "dan"),)) is None
    w = request(ws, "w1", "eve", T0 + 1, inviter="cat")  # where the door is referral only: the law's line
    assert w["status"] == "rejecting" and w["decided_by"] == "rule:entry:referral_depth"


def test_the_door_check_still_turns_a_blacklisted_applicant_away_from_a_traffic_group(ws):
    setup(ws)
    join(ws, "w1", "sam", T0 - 3000)
    add_to_blacklist(ws, pid(ws, "sam"), "广告号", actor="operator:me")
    r = request(ws, "t1", "sam", T0)
    assert r["status"] == "rejecting" and r["decided_by"] == "rule:blacklist"
