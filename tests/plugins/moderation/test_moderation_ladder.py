"""The penalty ladder on the sandbox: warn then kick, flood mute, exemptions, allow list."""

from __future__ import annotations

import json

from moderation_helpers import T0, actions, cases, feed, gid, msg, pid

from console.outbox import Executor
from plugins.moderation import case_detail, save_rule
from plugins.sandbox.connector import SandboxConnector

AD = "加我私聊，微信 abc12345 低价出"


def test_ad_warned_then_kicked_on_second_offence_within_window(mws):
    ws = mws
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    alice, g1 = pid(ws, "alice"), gid(ws, "g1")
    first = cases(ws, alice)
    assert [(c["rule"], c["step"], c["actor"], c["status"]) for c in first] == [("ads", "warn", "rule:ads", "settled")]
    acts = actions(ws, alice)
    assert {a["kind"] for a in acts} == {"recall", "send"}  # the ad is recalled and a warning sent
    warn = next(a for a in acts if a["kind"] == "send")
    assert warn["group_id"] == g1 and warn["requested_by"] == "rule:ads" and warn["case_id"] == first[0]["id"]
    for word in ("abc12345", "加我私聊", "低价出", "微信"):
        assert word not in warn["params"]["text"]  # the warning never repeats the ad
    assert warn["params"]["mentions"] == ["alice"]  # @-mentions the member (platform id)

    # the second ad 10 days later is inside the 30-day window: removal from the whole operation
    t2 = T0 + 10 * 86400
    feed(ws, [msg("g1", "alice", "扫码进群领福利 http://spam.example.com/x", t2)], t2)
    second = cases(ws, alice)[-1]
    assert second["step"] == "blacklist" and second["status"] == "open"  # a removal waits for a person
    kicks = actions(ws, alice, "kick")
    assert [(k["group_id"], k["case_id"]) for k in kicks] == [(g, second["id"]) for g in (g1, gid(ws, "g2"), gid(ws, "g3"))]
    detail = case_detail(ws, second["id"])
    assert detail["evidence"]["text"].startswith("扫码进群") and detail["evidence"]["category"]
    assert {a["kind"] for a in detail["actions"]} == {"recall", "kick", "blacklist"}
    assert [(b["scope_type"], b["scope_value"]) for b in detail["blacklist"]] == [("all", "")]


async def test_actions_carried_out_by_the_sandbox(mws):
    ws = mws
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    with ws.clock_at(T0):
        await Executor(ws, {"sandbox": SandboxConnector("sandbox")}, pacing=False).drain()
    statuses = {a["kind"]: a["status"] for a in actions(ws, pid(ws, "alice"))}
    assert statuses == {"recall": "done", "send": "done"}


def test_second_ad_outside_the_window_is_only_warned(mws):
    ws = mws
    feed(ws, [msg("g1", "bob", AD, T0)], T0)
    t2 = T0 + 31 * 86400
    feed(ws, [msg("g1", "bob", "免费领取 联系 13812345678", t2)], t2)
    assert [c["step"] for c in cases(ws, pid(ws, "bob"))] == ["warn", "warn"]
    assert actions(ws, pid(ws, "bob"), "kick") == []


def test_flood_muted(mws):
    ws = mws
    evs = [msg("g2", "carol", f"哈哈{i}", T0 + i) for i in range(8)]  # 8 messages in 8 s (limit: 8 in 10 s)
    feed(ws, evs, T0 + 8)
    c = cases(ws, pid(ws, "carol"))
    assert [(x["rule"], x["step"]) for x in c] == [("flood", "mute:10")]
    mutes = actions(ws, pid(ws, "carol"), "mute")
    assert [(m["group_id"], m["params"]["duration"]) for m in mutes] == [(gid(ws, "g2"), 600)]


def test_slow_talk_and_repeated_text(mws):
    ws = mws
    slow = [msg("g2", "bob", f"早上好{i}", T0 + 5 * i) for i in range(10)]  # one every 5 s: never 8 in 10 s
    feed(ws, slow, T0 + 60)
    assert cases(ws, pid(ws, "bob")) == []
    same = [msg("g3", "bob", "接龙", T0 + 100 + i) for i in range(4)]  # the same text 4 times
    feed(ws, same, T0 + 110)
    c = cases(ws, pid(ws, "bob"))
    assert len(c) == 1 and c[0]["rule"] == "flood"


def test_exempt_kol_is_left_alone(mws):
    ws = mws
    kol, g1 = pid(ws, "kol1"), gid(ws, "g1")
    with ws.store.write() as c:
        c.execute("INSERT INTO roles(person_id, group_id, role, assigned_at) VALUES (?,?,?,?)", (kol, g1, "kol", T0))
    feed(ws, [msg("g1", "kol1", "今天的课程链接 https://shop.example.com/item/1 微信 kolteacher1", T0)], T0)
    feed(ws, [msg("g1", "kol1", f"刷{i}", T0 + 100 + i) for i in range(9)], T0 + 110)
    assert cases(ws, kol) == [] and actions(ws, kol) == []
    # the same KOL in a group where they hold no role is not exempt
    feed(ws, [msg("g3", "kol1", "今天的课程链接 https://shop.example.com/item/1", T0 + 200)], T0 + 200)
    assert [c["group_id"] for c in cases(ws, kol)] == [gid(ws, "g3")]


def test_platform_admin_and_allow_list(mws):
    ws = mws
    carol, bob = pid(ws, "carol"), pid(ws, "bob")
    with ws.store.write() as c:
        c.execute("UPDATE memberships SET platform_role = 'admin' WHERE person_id = ?", (carol,))
    feed(ws, [msg("g1", "carol", AD, T0)], T0)
    assert cases(ws, carol) == []
    # a delivery tracking link on an allowed domain is not an ad; another link still is
    save_rule(ws, "ads", "ads", {"ladder": ["warn", "kick"], "allow_text": ["sf-express.com"]}, enabled=True)
    feed(ws, [msg("g1", "bob", "快递单号查询 https://www.sf-express.com/track?no=SF123", T0 + 1)], T0 + 1)
    assert cases(ws, bob) == []
    feed(ws, [msg("g1", "bob", "看这里 https://cheap-deals.top/x", T0 + 2)], T0 + 2)
    assert len(cases(ws, bob)) == 1


def test_clean_talk_and_lookalikes_do_not_fire(mws):
    ws = mws
    texts = ["今天天气不错", "usb 接口坏了", "我的订单号是 20240511123456789", "版本 1.2.3 发布了", "哈哈哈哈",
             "sbc 主板", "谢谢群主的分享！"]
    feed(ws, [msg("g3", "alice", t, T0 + 20 * i) for i, t in enumerate(texts)], T0 + 200)
    assert cases(ws, pid(ws, "alice")) == []


def test_qr_code_and_mini_program_card_are_ads(mws):
    ws = mws
    feed(ws, [msg("g3", "carol", "", T0, data={"images": [{"file": "a.png", "qr": True}]})], T0)
    feed(ws, [msg("g3", "bob", "", T0 + 1, data={"card": {"type": "miniprogram", "title": "领券"}})], T0 + 1)
    assert [c["step"] for c in cases(ws, pid(ws, "carol"))] == ["warn"]
    assert [c["step"] for c in cases(ws, pid(ws, "bob"))] == ["warn"]


def test_dry_run_rule_live_records_without_acting(mws):
    ws = mws
    save_rule(ws, "ads", "ads", {"ladder": ["warn", "kick"]}, enabled=True, dry_run=True)
    feed(ws, [msg("g1", "alice", AD, T0)], T0)
    c = cases(ws, pid(ws, "alice"))
    assert [x["kind"] for x in c] == ["dry_run"]
    assert {a["status"] for a in actions(ws, pid(ws, "alice"))} == {"dry_run"}


def test_repeat_offences_in_one_batch_climb_the_ladder_as_if_fed_one_by_one(mws):
    """A batch's hits are penalised together (one insert of cases, of actions, of links):
    the n-th offence of a member inside the batch still takes step n, counted over the
    penalty scope (g1 and g2 are one family, g3 is not), and each case gets its own actions."""
    ws = mws
    save_rule(ws, "ads", "ads", {"ladder": ["warn", "mute:5", "blacklist"], "penalty_scope": "family"}, enabled=True)
    feed(ws, [msg("g1", "alice", AD, T0), msg("g3", "alice", AD, T0 + 1), msg("g2", "alice", AD, T0 + 2),
              msg("g1", "bob", AD, T0 + 3), msg("g1", "alice", AD, T0 + 4)], T0 + 10)
    alice, bob = pid(ws, "alice"), pid(ws, "bob")
    g1, g2, g3 = gid(ws, "g1"), gid(ws, "g2"), gid(ws, "g3")
    steps = [(c["group_id"], c["step"]) for c in cases(ws, alice)]
    assert steps == [(g1, "warn"), (g3, "warn"), (g2, "mute:5"), (g1, "blacklist")]
    assert [c["step"] for c in cases(ws, bob)] == ["warn"]
    last = cases(ws, alice)[-1]
    assert sorted(k["group_id"] for k in actions(ws, alice, "kick")) == [g1, g2]  # the family, where she is a member
    assert {k["case_id"] for k in actions(ws, alice, "kick")} == {last["id"]}
    detail = case_detail(ws, last["id"])
    assert sorted(a["kind"] for a in detail["actions"]) == ["blacklist", "kick", "kick", "recall"]
    mute = cases(ws, alice)[2]
    assert [(a["kind"], a["case_id"]) for a in actions(ws, alice, "mute")] == [("mute", mute["id"])]
    assert ws.store.one("SELECT scope_type, scope_value, case_id FROM blacklist") == {
        "scope_type": "family", "scope_value": "fam", "case_id": last["id"]}
    opened = ws.store.query("SELECT target_id, detail FROM audit_log WHERE action = 'case_opened' ORDER BY id")
    assert [json.loads(a["detail"])["offence"] for a in opened] == [1, 1, 2, 1, 3]
