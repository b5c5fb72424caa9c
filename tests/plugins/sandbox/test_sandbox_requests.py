"""The truth of every join request (genuine or spam, and why) and abuse in the corpus.

Spam applicants must answer as everyone else does, or a product could learn the
generator instead of judging; these tests hold the sandbox to that."""

from __future__ import annotations

from collections import Counter

from console.model import Kind
from plugins.sandbox import texts
from plugins.sandbox.world import World

T0 = 1_700_000_000 // 3600 * 3600
LABELS = {"genuine:referral", "genuine:campaign", "genuine:vague", "spam:ads", "spam:flood", "spam:abuse",
          "spam:ads:penalised", "spam:flood:penalised", "spam:abuse:penalised"}


def run(world: World, hours: int, start: int = T0) -> list:
    out = []
    for h in range(1, hours + 1):
        out += world.tick(start + h * 3600, 3600)
    return out


def requests_and_truth(seed=7, days=30, groups=12, members=3000):
    w = World(seed, groups, members, T0)
    events = run(w, days * 24)
    truth = {pid: label for pid, kind, label in w.take_records()["truth"] if kind == "request"}
    reqs = [e for e in events if e.kind == Kind.JOIN_REQUEST]
    return w, reqs, truth


def campaign_words():
    return {w for kw, code in texts.CAMPAIGNS.values() for w in (kw, code)}


def test_every_request_has_a_truth_label():
    w, reqs, truth = requests_and_truth()
    assert len(reqs) > 500
    assert {e.data["flag"] for e in reqs} == set(truth)  # every request, and nothing else
    labels = Counter(truth.values())
    assert set(labels) <= LABELS
    for want in ("genuine:referral", "genuine:campaign", "genuine:vague", "spam:ads", "spam:flood", "spam:abuse"):
        assert labels[want] > 0, want
    spam = sum(n for lab, n in labels.items() if lab.startswith("spam:"))
    assert 0.10 <= spam / len(reqs) <= 0.20  # a minority, as on a real platform
    for e in reqs:  # spam is exactly the applicants of bad conduct
        conduct = w.people[e.user].conduct
        assert truth[e.data["flag"]].startswith(f"spam:{conduct}" if conduct else "genuine:")


def test_genuine_requests_carry_their_reason():
    w, reqs, truth = requests_and_truth(seed=8)
    words = campaign_words()
    for e in reqs:
        label = truth[e.data["flag"]]
        if label == "genuine:referral":
            assert e.data.get("inviter") in w.people and e.data["comment"] in texts.REFERRAL_ANSWERS
        elif label == "genuine:campaign":
            assert any(x in e.data["comment"] for x in words), e.data["comment"]
            assert "inviter" not in e.data
        elif label.startswith("spam:"):
            assert "inviter" not in e.data  # nobody vouches for them
    own = [e for e in reqs if truth[e.data["flag"]] == "genuine:campaign"
           and any(x in e.data["comment"] for x in texts.CAMPAIGNS[w.groups[e.group].channel])]
    campaign = sum(1 for v in truth.values() if v == "genuine:campaign")
    assert own and len(own) / campaign > 0.75  # most saw their own group's poster


def test_spam_answers_are_drawn_from_the_same_pool_as_genuine_ones():
    w, reqs, truth = requests_and_truth(seed=9, days=60)
    spam = [e for e in reqs if truth[e.data["flag"]].startswith("spam:")]
    genuine = [e for e in reqs if truth[e.data["flag"]].startswith("genuine:")]
    assert len(spam) > 80
    pool = set(texts.REFERRAL_ANSWERS) | set(texts.VAGUE_ANSWERS) | {
        t.format(keyword=kw, code=code, channel=ch) for ch, (kw, code) in texts.CAMPAIGNS.items()
        for t in texts.CAMPAIGN_ANSWERS}
    assert {e.data["comment"] for e in reqs} <= pool
    words = campaign_words()

    def share(evs):
        return sum(1 for e in evs if any(x in e.data["comment"] for x in words)) / len(evs)

    # as many spam applicants name a campaign as genuine ones do (0.45 of answers, plus vague
    # near-misses): the answer alone cannot tell them apart
    assert abs(share(spam) - share(genuine)) < 0.1 and share(spam) > 0.35
    assert {k for e in spam for k in e.data} <= {k for e in genuine for k in e.data}


def test_spam_from_someone_penalised_elsewhere_is_labelled_so():
    w = World(10, 12, 3000, T0)
    rogues = [u for u, p in w.people.items() if p.conduct and not p.staff]
    kicked = set()
    for g in list(w.groups.values())[:6]:  # the platform kicks every rogue found in six groups
        for uid in [u for u in g.members if u in rogues]:
            assert w.apply("kick", g.gid, uid, {}, T0).ok
            kicked.add(uid)
    assert kicked and all(w.people[u].penalised for u in kicked)
    events = run(w, 20 * 24)
    truth = {pid: label for pid, kind, label in w.take_records()["truth"] if kind == "request"}
    penalised = [e for e in events if e.kind == Kind.JOIN_REQUEST and truth[e.data["flag"]].endswith(":penalised")]
    assert penalised and all(e.user in kicked for e in penalised)
    fresh = [e for e in events if e.kind == Kind.JOIN_REQUEST and truth[e.data["flag"]].startswith("spam:")
             and not truth[e.data["flag"]].endswith(":penalised")]
    assert fresh and not any(e.user in kicked for e in fresh)


def test_abusers_post_insults_labelled_abuse():
    w = World(12, 12, 3000, T0)
    abusers = {u for u, p in w.people.items() if p.conduct == "abuse"}
    assert 0.005 < len(abusers) / len(w.people) < 0.02
    events = run(w, 14 * 24)
    rec = w.take_records()
    assert ("conduct", "abuse") in {(k, lab) for _, k, lab in rec["truth"]}
    abuse_ids = {i for i, k, lab in rec["truth"] if k == "message" and lab == "abuse"}
    msgs = {e.id: e for e in events if e.kind == Kind.MESSAGE}
    assert len(abuse_ids) > 20
    assert all(msgs[i].user in abusers and msgs[i].text in texts.ABUSE for i in abuse_ids)
    said = {msgs[i].text for i in abuse_ids}
    assert {"nmsl", "s b 管理员"} & said and {"你是不是脑子有病啊", "傻逼群主，什么垃圾群"} & said  # plain and disguised
