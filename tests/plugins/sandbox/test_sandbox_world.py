"""The simulated world: same seed, same world and traffic; the 20/80 rule; every kind of
traffic the rules must tell apart; state that carries on exactly where it stopped."""

from __future__ import annotations

import json
from collections import Counter

from console.model import Kind
from plugins.sandbox.world import BOT, World

T0 = 1_700_000_000 // 3600 * 3600


def run(world: World, hours: int, start: int = T0) -> list:
    out = []
    for h in range(1, hours + 1):
        out += world.tick(start + h * 3600, 3600)
    return out


def sig(events) -> list[tuple]:
    return [(e.id, e.kind, e.ts, e.group, e.user, e.text, json.dumps(e.data, sort_keys=True)) for e in events]


def test_same_seed_same_world_and_traffic():
    a, b = World(5, 6, 400, T0), World(5, 6, 400, T0)
    assert sig(run(a, 48)) == sig(run(b, 48))
    assert a.take_records() == b.take_records()
    c = World(6, 6, 400, T0)
    assert sig(run(c, 48)) != sig(run(World(5, 6, 400, T0), 48))


def test_event_ids_unique_and_groups_typed():
    w = World(1, 12, 3000, T0, anchor=T0 + 30 * 86400)
    events = run(w, 72)
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids))
    assert all(e.group.startswith("sb-g") for e in events)
    assert all(e.user.startswith("sb-u") or e.user == BOT for e in events)
    types = Counter(g.type for g in w.groups.values())
    assert types["traffic"] >= 3 and types["welfare"] >= 3 and types["flash"] >= 2
    family = [g for g in w.groups.values() if g.family]
    assert 2 <= len(family) <= 3 and any(len(g.members) >= 0.95 * g.capacity for g in family)
    flash = [g for g in w.groups.values() if g.type == "flash"]
    assert all(T0 + 30 * 86400 < g.closes_at <= T0 + 37 * 86400 for g in flash)
    assert {g.capacity for g in w.groups.values()} == {200, 500}


def test_twenty_percent_talk_and_say_most():
    w = World(3, 12, 3000, T0)
    customers = [p for p in w.people.values() if not p.staff]
    talkers = {p.uid for p in customers if p.activity == "talker"}
    assert 0.17 <= len(talkers) / len(customers) <= 0.23
    msgs = [e for e in run(w, 7 * 24) if e.kind == Kind.MESSAGE and e.user in w.people and not w.people[e.user].staff]
    by_talkers = sum(1 for e in msgs if e.user in talkers)
    assert by_talkers / len(msgs) > 0.75  # the 20% say most of what is said


def test_every_kind_of_traffic_and_its_truth():
    w = World(11, 12, 3000, T0)
    events = run(w, 14 * 24)
    kinds = Counter(e.kind for e in events)
    for k in (Kind.MESSAGE, Kind.JOIN, Kind.LEAVE, Kind.JOIN_REQUEST, Kind.NICKNAME):
        assert kinds[k] > 0, k
    rec = w.take_records()
    labels = {(kind, label) for _, kind, label in rec["truth"]}
    for want in [("message", "ad"), ("message", "polite_ad"), ("message", "not_ad"), ("message", "flood"),
                 ("message", "off_topic"), ("segment", "loyal"), ("segment", "bargain"), ("segment", "need"),
                 ("segment", "low_need"), ("conduct", "ads"), ("staff", "owner")]:
        assert want in labels, want
    text = {e.id: e.text for e in events if e.kind == Kind.MESSAGE}
    ads = [text[i] for i, k, lab in rec["truth"] if lab == "ad"]
    assert any("加V" in t or "vx" in t or "http" in t or "二维码" in t or "扫码" in t for t in ads)
    assert all("快递" in text[i] or "单号" in text[i] or "物流" in text[i]
               for i, k, lab in rec["truth"] if lab == "not_ad")
    scenes = Counter(e.data["scene"] for e in events if e.kind == Kind.JOIN)
    assert scenes["qr"] and scenes["invite"]
    assert any(e.data.get("channel") for e in events if e.kind == Kind.JOIN)
    assert any(e.data.get("inviter") for e in events if e.kind == Kind.JOIN_REQUEST)
    assert rec["orders"] and rec["costs"] and rec["exposure"]
    assert all(o["amount"] > 0 for o in rec["orders"])


def test_referral_chains_reach_three_levels():
    w = World(2, 12, 3000, T0)
    run(w, 60 * 24)

    def depth(uid):
        n = 0
        while w.people[uid].referrer and n < 10:
            uid, n = w.people[uid].referrer, n + 1
        return n

    assert max(depth(u) for u in w.people) >= 3


def test_flood_is_the_same_text_fast():
    w = World(4, 12, 3000, T0)
    events = run(w, 7 * 24)
    rec = w.take_records()
    flood_ids = {i for i, k, lab in rec["truth"] if lab == "flood"}
    floods = [e for e in events if e.id in flood_ids]
    assert floods
    first = floods[0]
    burst = [e for e in floods if e.user == first.user and abs(e.ts - first.ts) < 60]
    assert len(burst) >= 6 and len({e.text for e in burst}) == 1


def test_state_round_trip_carries_on_identically():
    a = World(9, 6, 400, T0)
    run(a, 24)
    a.take_records()
    state = json.loads(json.dumps(a.to_state(), ensure_ascii=False))
    b = World.from_state(state)
    start = T0 + 24 * 3600
    assert sig(run(a, 24, start)) == sig(run(b, 24, start))


def test_stream_of_a_seed_is_pinned():
    """A refactor of the world (it is split over model, building, traffic, membership,
    applicants, commerce, answers) must not change what a seed generates. The split kept
    the single-file world's values; they changed once on purpose since, when abusers and
    spam applicants joined the traffic, and when the groups' owners and admins began answering
    members' questions (262 more messages here; joins, requests and leaves as they were), and
    when orders took generators of their own (so the shop's history before the first day is
    written without moving the chat) and bargain hunters stopped referring (DOMAIN.md).
    Change them only with the traffic, and say so."""
    w = World(5, 6, 400, T0)
    events = run(w, 24)
    assert len(events) == 1273
    assert Counter(e.kind for e in events) == {Kind.MESSAGE: 1223, Kind.JOIN: 26, Kind.JOIN_REQUEST: 18,
                                               Kind.LEAVE: 3, Kind.NICKNAME: 3}
    first = [(e.id, e.ts, e.group, e.user, e.text) for e in events if e.kind == Kind.MESSAGE][:2]
    assert first == [("sb-m0-2", 1699999665, "sb-g3", "sb-u396", "老师讲得太好了"),
                     ("sb-m0-9", 1699999819, "sb-g5", "sb-u293", "已下单，坐等收货")]


def test_the_groups_staff_answer_most_questions_as_replies_within_minutes():
    """Owners and admins answer members' questions (content's unanswered-question queue
    then holds what they missed, not every question of every group): each answer replies
    to a question of someone else in its group, from the group's owner or an admin, 30 s to
    7 minutes later (the hour's end at the latest: the world is made an hour at a time); of this seed's 269 questions in a day, 251 are answered (93%: 8 left by
    the 97% draw, 10 asked where no owner or admin could answer)."""
    from plugins.sandbox import texts

    w = World(5, 6, 400, T0)
    msgs = [e for e in run(w, 24) if e.kind == Kind.MESSAGE]
    by_id = {e.id: e for e in msgs}
    answers = [e for e in msgs if (e.data or {}).get("reply_to")]
    asked = [e for e in msgs if texts.ASKS.search(e.text or "") and not (e.data or {}).get("reply_to")]
    assert (len(asked), len(answers)) == (269, 251)
    for a in answers:
        q = by_id[a.data["reply_to"]]
        assert q.group == a.group and q.user != a.user and texts.ASKS.search(q.text)
        # 30 s to 7 minutes later, or at the end of the simulated hour if that comes first
        assert (30 <= a.ts - q.ts or a.ts % 3600 == 0) and 0 < a.ts - q.ts <= 420 and a.text in texts.STAFF_ANSWERS
        assert w.groups[a.group].members[a.user][2] in ("owner", "admin")


def test_answers_come_from_whoever_is_staff_when_asked():
    """The world keeps each group's staff list between questions; a role change through
    the platform's set_admin/unset_admin must reach it at once: after every admin but the
    bot is unset and one member is made admin, that member and the owner answer, nobody
    who lost the role does."""
    w = World(5, 6, 400, T0)
    run(w, 2)
    g = w.groups["sb-g4"]
    was = sorted(u for u, m in g.members.items() if m[2] == "admin" and u != BOT)
    assert was  # the seed's group has admins to unset
    for uid in was:
        assert w.apply("unset_admin", g.gid, uid, {}, T0 + 2 * 3600).ok
    new = sorted(u for u, m in g.members.items() if m[2] == "member")[0]
    assert w.apply("set_admin", g.gid, new, {}, T0 + 2 * 3600).ok
    events = [e for e in run(w, 24, T0 + 2 * 3600) if e.group == g.gid]
    # until someone joins or leaves (a staff member's leave also forgets the list), only the role change can
    moved = next(i for i, e in enumerate(events) if e.kind in (Kind.JOIN, Kind.LEAVE))
    answerers = [e.user for e in events[:moved] if (e.data or {}).get("reply_to")]
    assert len(answerers) >= 5 and new in answerers and not set(answerers) & set(was)
    assert set(answerers) <= {new, g.owner, BOT}


def test_the_staff_list_is_kept_over_a_members_join_and_forgotten_when_an_admin_leaves():
    """A newcomer joins as a member, so a group's kept staff list stays as it is (it was
    rebuilt from every member after each join and leave); an admin who leaves is gone from
    it at once."""
    w = World(5, 6, 400, T0)
    run(w, 2)
    g = w.groups["sb-g4"]
    staff = w._staff_of(g)
    admin = next(u for u in staff if g.members[u][2] == "admin" and u != BOT)
    newcomer = next(u for u in sorted(w.people) if u not in g.members and not w.people[u].staff)
    w._join(g, newcomer, T0 + 7200, "search", None, [])
    assert w._staff_of(g) is staff  # kept, not rebuilt
    w._leave(g, admin, T0 + 7201, "leave", None, [])
    assert w._staff_of(g) == [u for u in staff if u != admin] and admin in staff


def test_the_member_list_names_who_brought_each_member():
    """list_members reports a membership's inviter (as WeCom's ``invitor``) from the join that
    made it, so a re-sync fills referrals a workspace missed; a saved world keeps them, and a
    world saved before the field loads with none."""
    import asyncio

    from plugins.sandbox.connector import SandboxConnector

    c = SandboxConnector("sandbox", {"seed": 3, "groups": 6, "members": 300})
    c._world = c.make_world(T0)
    c.now = lambda: c.world.clock
    w = c.world
    last: dict[tuple[str, str], str | None] = {}
    for e in run(w, 72):
        if e.kind == Kind.JOIN:
            last[(e.group, e.user)] = e.data.get("inviter")
    invited = {k: v for k, v in last.items() if v and k[1] in w.groups[k[0]].members}
    assert len(invited) >= 10
    listed = {}
    for gid in {g for g, _ in invited}:
        for m in asyncio.run(c.list_members(gid)):
            listed[(gid, m.user)] = m.data.get("inviter")
    assert {k: listed[k] for k in invited} == invited
    before_day_one = [k for k in listed if k not in last]  # built members: no join in the days
    assert before_day_one and all(listed[k] is None for k in before_day_one)
    state = json.loads(json.dumps(w.to_state()))
    assert World.from_state(state).groups[next(iter(invited))[0]].inviters == w.groups[next(iter(invited))[0]].inviters
    for g in state["groups"]:
        del g["inviters"]
    assert all(g.inviters == {} for g in World.from_state(state).groups.values())
