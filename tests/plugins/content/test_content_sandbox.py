"""The sandbox's members answer the content plugin's posts (greetings get check-ins and
good-mornings, a topic a discussion, a keyword reply a thank-you), without changing what a
world with no such posts makes; and a day of the demo with the starter set shows greetings
posted on schedule, check-ins with points and keyword replies."""

from __future__ import annotations

from content_kit import T0
from plugins.content import starter
from plugins.content.calendar import month_view
from plugins.sandbox import content_reactions
from plugins.sandbox.model import BOT
from plugins.sandbox.world import World


def world():
    return World(7, 4, 200, T0 - 86400, anchor=T0)


def texts_after(w, gid, since, until):
    return [(e.ts, e.user, e.text) for e in w.tick(until, until - since) if e.group == gid and e.kind == "message"
            and e.ts >= since and e.text in {*content_reactions.CHECKINS, *content_reactions.MORNING_BACK,
                                             *content_reactions.ASKS, *content_reactions.TOPIC_BACK,
                                             *content_reactions.THANKS, *content_reactions.EVENING_BACK}]


def test_a_world_without_content_posts_makes_the_same_events(monkeypatch):
    a = world().tick(T0 + 7200, 7200)
    monkeypatch.setattr(content_reactions, "react", lambda w, events, now: [])
    b = world().tick(T0 + 7200, 7200)
    assert [(e.id, e.ts, e.text) for e in a] == [(e.id, e.ts, e.text) for e in b] and len(a) > 10


def test_members_check_in_and_greet_after_a_morning_greeting():
    w = world()
    w.tick(T0, 0)
    gid = next(iter(w.groups))
    w.apply("send", gid, None, {"text": "早安☀️ 回复「签到」领积分"}, T0)
    first = w.tick(T0 + 10, 10)  # the post itself; nobody answers within 20 s
    assert [e.user for e in first if e.group == gid and e.ts >= T0 and e.text and "签到" in e.text] == [BOT]
    said = texts_after(w, gid, T0, T0 + 3600)
    assert len([s for s in said if s[2] in ("签到", "打卡")]) >= 2
    assert all(T0 + 20 <= ts <= T0 + 2400 for ts, _, _ in said)
    staff = {u for u, p in w.people.items() if p.staff}
    assert not {u for _, u, _ in said} & (staff | {BOT})
    again = world()  # the same seed and post id: the same answers
    again.tick(T0, 0)
    again.apply("send", gid, None, {"text": "早安☀️ 回复「签到」领积分"}, T0)
    again.tick(T0 + 10, 10)
    assert texts_after(again, gid, T0, T0 + 3600) == said


def test_topics_get_a_discussion_and_replies_a_thank_you():
    w = world()
    w.tick(T0, 0)
    gid = next(iter(w.groups))
    w.apply("send", gid, None, {"text": "今日话题：分享一个你的省钱小妙招？"}, T0)
    w.apply("send", gid, None, {"text": "小明 你好～下单链接在群公告里"}, T0 + 5)
    said = texts_after(w, gid, T0, T0 + 6 * 3600)
    assert len([s for s in said if s[2] in content_reactions.TOPIC_BACK]) >= 3
    assert len([s for s in said if s[2] in content_reactions.THANKS]) == 1


def test_the_starter_set_and_a_demo_day(ws):
    from plugins.sandbox.demo import backfill

    with ws.clock_at(T0):
        assert starter.seed_starter(ws) is True
        assert starter.seed_starter(ws) is False  # once
    backfill(ws, "sandbox", days=2, now=T0)
    with ws.clock_at(T0):
        view = month_view(ws, "2025-06")
    assert {(c["first"], c["second"]) for c in view["collisions"]} == {("2025-06-13", "2025-06-15")}
    q = ws.store.scalar
    assert q("SELECT count(*) FROM content_runs r JOIN content_posts p ON p.run_id = r.id JOIN actions a"
             " ON a.id = p.action_id WHERE r.source = 'schedule:1' AND a.status = 'done'") >= 6  # 早安 in 6 groups
    assert q("SELECT count(*) FROM content_checkins") > 10
    assert q("SELECT count(*) FROM tags WHERE tag = 'points' AND source = 'content'") > 10
    assert q("SELECT count(*) FROM actions WHERE rule = 'content:keyword:下单链接' AND status = 'done'") >= 1
    assert q("SELECT count(*) FROM actions WHERE reason LIKE 'Check-in reply%' AND status = 'done'") >= 1
    topic = ws.store.one("SELECT * FROM content_topics ORDER BY id LIMIT 1")  # 06-14's topic, tracked in each group
    assert topic["messages"] > 0 and topic["link_how"] in ("peak", "fallback") and topic["link_action"]


def test_only_members_answer_never_the_bot_or_staff():
    w = world()
    for gid, g in w.groups.items():
        who = content_reactions._members(w, gid)
        staff = {u for u in g.members if u in w.people and w.people[u].staff}
        assert BOT in g.members and staff and who
        assert BOT not in who and not staff & set(who)


def _morning_answers(text: str) -> int:
    w = world()
    w.tick(T0, 0)
    gid = next(iter(w.groups))
    w.apply("send", gid, None, {"text": text}, T0)
    w.tick(T0 + 10, 10)
    return len(texts_after(w, gid, T0, T0 + 3600))


def test_a_chain_call_draws_more_members_than_a_plain_greeting():
    plain, chain = _morning_answers("早安☀️ 回复「签到」领积分"), _morning_answers("早安☀️ 今天来接龙：回复「签到」")
    members = len(next(iter(world().groups.values())).members)
    assert plain >= 2 and chain >= 2 * plain, (plain, chain, members)


def test_newcomers_introduce_themselves_more_when_their_own_welcome_asks():
    """Newcomers asked by the group's prompt introduce themselves about 30% of the time, those
    asked in their own welcome 60%, each asked once per kind: counted over 200 newcomers each."""
    def share(welcome: bool) -> float:
        w = world()
        w.tick(T0, 0)
        gid = next(iter(w.groups))
        g = w.groups[gid]
        pool = [u for u, p in w.people.items() if u not in g.members and not p.staff][:200]
        intros = 0
        for k, u in enumerate(pool):
            at = T0 + k * 7300  # one newcomer at a time: nobody else is fresh
            g.members[u] = [at, "", "member", None]
            name = w.people[u].nick
            text = (f"欢迎 {name} 加入！先做个自我介绍吧" if welcome else f"欢迎新朋友 {name} 加入！来做个自我介绍吧")
            w.apply("send", gid, None, {"text": text}, at + 60)
            out = w.tick(at + 7200, 7140)
            intros += any(e.user == u and (e.text or "").startswith("大家好，我是") for e in out)
            g.members.pop(u)
        return intros / len(pool)

    prompt, own = share(False), share(True)
    assert 0.2 <= prompt <= 0.4 and 0.5 <= own <= 0.7, (prompt, own)
