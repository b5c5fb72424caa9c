"""Join scenes as admission evidence: WeCom takes no join requests, so each join of a
WeChat group is judged by its admission policy with what WeCom says: a member's invitation
is a referral (within the legal depth), a join way's state of a known campaign the source."""

from __future__ import annotations

import json

from console.engine import Engine
from plugins.entry_rules.api import save_policy
from tests.plugins.wechat.test_wechat_actions import gid, pid, synced, world  # noqa: F401  (the fixture)
from tests.plugins.wechat.wechathelpers import post


async def joined(wc, ws, c, userid: str, **kw) -> None:
    """``userid`` joins wrGroupA in WeCom; its callback goes through the connector into the store."""
    pushed: list[str] = []
    wc.push = lambda xml, **_kw: pushed.append(xml) or (200, b"")
    wc.join("wrGroupA", userid, **kw)
    for xml in pushed:
        res = await c.handle(post(wc, xml))
        assert res.status == 200 and res.error is None, res.error
        Engine(ws).ingest(res.events)


def welfare(ws) -> None:
    """福利群 A is a welfare group: the seeded admission:all (referral or invite) applies, not the traffic
    groups' open entry."""
    with ws.store.write() as conn:
        conn.execute("UPDATE groups SET type = 'welfare' WHERE platform_group_id = 'wrGroupA'")


def judged(ws, person: int) -> dict:
    row = ws.store.one("SELECT detail FROM audit_log WHERE action = 'wechat_join_judged' AND target_id = ?"
                       " ORDER BY id DESC LIMIT 1", (str(person),))
    return json.loads(row["detail"])


def outside(ws) -> list[dict]:
    return [dict(r) for r in ws.store.query("SELECT title, detail, person_id FROM tasks"
                                            " WHERE kind = 'wechat_join_outside_policy' ORDER BY id")]


async def test_an_invited_join_is_a_referral_the_policy_admits(world):
    wc, ws = world
    c = await synced(wc, ws)
    welfare(ws)
    try:
        await joined(wc, ws, c, "wmCarl", scene=1, invitor="wmAlice", name="卡尔")
    finally:
        await c.aclose()
    carl, alice = pid(ws, "wmCarl"), pid(ws, "wmAlice")
    got = judged(ws, carl)
    assert (got["scene"], got["inviter"], got["verdict"], got["rule"]) == ("invite", alice, "approve", "admission:all")
    # the sync read WeCom's member list: 小红 was invited by the owner zhangsan (level 1), so
    # her friend is level 2, as it is when 小红's own join came as an event
    assert ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (alice,)) == pid(ws, "zhangsan")
    assert got["reason"] == "Referred by 小红 (level 2 of 2)"
    assert ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (carl,)) == alice
    assert outside(ws) == []


async def test_an_invitation_past_the_legal_depth_is_not_recorded_and_the_owner_told(world):
    wc, ws = world
    c = await synced(wc, ws)
    welfare(ws)
    try:
        alice, bob = pid(ws, "wmAlice"), pid(ws, "wmBob")
        with ws.store.write() as conn:  # 小明 is already level 2: root -> 小红 -> 小明
            root = conn.execute("INSERT INTO people(display_name, created_at) VALUES ('根', 1)").lastrowid
            conn.execute("UPDATE people SET referred_by = ? WHERE id = ?", (root, alice))
            conn.execute("UPDATE people SET referred_by = ? WHERE id = ?", (alice, bob))
        await joined(wc, ws, c, "wmDan", scene=2, invitor="wmBob", name="小丹")
    finally:
        await c.aclose()
    dan = pid(ws, "wmDan")
    assert ws.store.scalar("SELECT referred_by FROM people WHERE id = ?", (dan,)) is None  # taken off the record
    got = judged(ws, dan)
    assert (got["scene"], got["verdict"], got["rule"]) == ("link", "reject", "entry:referral_depth")
    (task,) = outside(ws)
    assert task["title"] == ("小丹 joined 福利群 A through an invite link of 小明 without meeting its admission policy: "
                             "remove them in WeCom by hand if they should not stay")
    assert task["detail"].startswith("entry:referral_depth: Referral entry: this referral would be level 3")
    assert task["person_id"] == dan


async def test_a_qr_join_of_a_known_campaign_has_it_as_its_source(world):
    wc, ws = world
    c = await synced(wc, ws)
    try:
        with ws.store.write() as conn:  # a join way made with `shequn wechat join-way --state poster`
            conn.execute("INSERT INTO wechat_join_ways(connection_id, family, room_base_name, state, updated_at)"
                         " VALUES ('wx1', '省钱福利', '省钱福利群', 'poster', 1)")
        save_policy(ws, "admission", {"modes": ["activity"], "activities": ["poster"], "on_fail": "reject"},
                    scope=f"group:{gid(ws, 'wrGroupA')}", name="admission:wx")
        await joined(wc, ws, c, "wmEve", scene=3, state="poster", name="伊芙")
        await joined(wc, ws, c, "wmFay", scene=3, state="flyer", name="小菲")  # a state no campaign knows
    finally:
        await c.aclose()
    eve, fay = pid(ws, "wmEve"), pid(ws, "wmFay")
    src = ws.store.one("SELECT activity, source FROM entry_activity_participants WHERE person_id = ?", (eve,))
    assert dict(src) == {"activity": "poster", "source": "plugin:wechat:wx1:join_way"}
    got = judged(ws, eve)
    assert (got["scene"], got["campaign"], got["verdict"]) == ("qr", "poster", "approve")
    assert got["reason"] == "Activity entry: took part in poster"
    assert not ws.store.scalar("SELECT count(*) FROM entry_activity_participants WHERE person_id = ?", (fay,))
    assert (judged(ws, fay)["campaign"], judged(ws, fay)["verdict"]) == ("", "reject")
    (task,) = outside(ws)
    assert task["title"] == ("小菲 joined 福利群 A through the group's QR code without meeting its admission policy: "
                             "remove them in WeCom by hand if they should not stay")


async def test_a_policy_code_is_a_known_campaign_too_and_the_words_read_in_chinese(world):
    wc, ws = world
    ws.settings.console.language = "zh-CN"
    c = await synced(wc, ws)
    try:
        save_policy(ws, "admission", {"modes": ["activity"], "codes": ["DOUBLE11"], "on_fail": "reject"},
                    scope=f"group:{gid(ws, 'wrGroupA')}", name="admission:wx")
        await joined(wc, ws, c, "wmGus", scene=3, state="DOUBLE11", name="古斯")
        await joined(wc, ws, c, "wmHal", scene=1, invitor="wmAlice", name="哈尔")  # invited: no code, rejected
    finally:
        await c.aclose()
    assert judged(ws, pid(ws, "wmGus"))["verdict"] == "approve"
    assert ws.store.scalar("SELECT activity FROM entry_activity_participants WHERE person_id = ?",
                           (pid(ws, "wmGus"),)) == "DOUBLE11"
    (task,) = outside(ws)
    assert task["title"] == "哈尔 由 小红 邀请加入了福利群 A，但不符合入群策略：如不应留在群内，请在企业微信中手动移出"
