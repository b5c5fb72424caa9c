"""The second opinion: a naive Bayes model learned from the operation's judged cases and
ordinary chat, which may only ask a person to look at what the rules let through."""

from __future__ import annotations

import json
import math

import pytest

from console.config import ConfigError
from moderation_helpers import T0, actions, feed, gid, join, msg, pid, request
from plugins.moderation.bayes import count, grams, train
from plugins.moderation.cases import review_case, undo_case
from plugins.moderation.second_opinion import _MODELS, RULE, learn, models, second_look
from plugins.moderation.settings import settings_of
from plugins.moderation.settings import ModerationSettings

DAY = 86400
ORDINARY = ["今天天气不错", "蟑螂药在哪买", "晚上一起吃饭吗", "谢谢群主分享", "东西已经收到了", "大家早上好呀"]


def test_grams_are_tokens_and_their_pairs():
    assert sorted(grams("vx12345 你好")) == sorted(["vx12345", "你", "好", "vx12345你", "你好"])
    assert sorted(grams("好好")) == ["好", "好好"]  # each gram once: presence, not frequency


def test_scores_by_hand():
    # bad: 甲 乙 甲乙, good: 丙 丁 丙丁 (3 grams each). 甲 is in 1 bad text and no good one: its
    # balanced probability is 1, shrunk by strength 3 toward 0.5: f = (1.5 + 1) / (3 + 1) = 5/8,
    # weight log(5/3); 丙丁 the mirror, -log(5/3); prior log(1/1) = 0
    m = train(*count(["甲乙"]), *count(["丙丁"]))
    assert m.weights["甲"] == pytest.approx(math.log(5 / 3)) and m.weights["丙丁"] == pytest.approx(-math.log(5 / 3))
    assert m.score("甲乙") == pytest.approx(125 / 152)  # sigmoid(3 log 5/3) = (5/3)^3 / (1 + (5/3)^3)
    assert m.score("甲戊") == pytest.approx(5 / 8)  # only 甲 is known: sigmoid(log 5/3)
    assert m.score("戊己") == pytest.approx(0.5)  # nothing known: the prior alone
    assert train(*count([]), *count(["丙丁"])).score("丙丁") < 1e-20  # nothing bad learned: never raises


def test_a_rare_ordinary_gram_leans_good_however_few_bad_texts_there_are():
    """One bad text against 100 ordinary ones: 丙, in one ordinary text and no bad one, is a
    little evidence of ordinary chat (f = 1.5 / 4, weight log(3/5)); additive smoothing over
    the classes' gram totals made it evidence of bad, since the bad class's total is tiny."""
    m = train(*count(["甲乙"]), *count(["丙丁"] + ["丁戊"] * 99))
    assert m.weights["丙"] == pytest.approx(math.log(3 / 5))
    # 丁, in all 100 ordinary texts and no bad one: f = 1.5 / 103, weight log(1.5 / 101.5)
    assert m.weights["丁"] == pytest.approx(math.log(3 / 203))
    assert train(*count(["甲乙"]), *count(["丁戊"] * 400)).weights["丁"] == -5.0  # log(3/803) is capped
    # in both: 甲 is 1 of the bad text's 3 grams and 1 of the good text's 7 (甲丙丁戊: a long
    # text holds many grams), so p = (1/3) / (1/3 + 1/7) = 0.7; f = (1.5 + 2 * 0.7) / (3 + 2) = 29/50
    mixed = train(*count(["甲乙"]), *count(["甲丙丁戊"]))
    assert mixed.weights["甲"] == pytest.approx(math.log(29 / 21))


@pytest.fixture
def sws(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    ws = Workspace.open(make_config(tmp_path, "[moderation]\nsecond_opinion_min_cases = 10\n"
                                              "precision_min_judged = 2\n"))
    feed(ws, [join(g, u, T0 - 3 * DAY) for g in ("g1", "g2") for u in [f"u{i}" for i in range(20)]
              + ["fan", "newbie"]], T0 - 3 * DAY)
    assert look(ws) == 0  # the first look only marks where it starts: history is not asked about
    yield ws
    ws.close()


def look(ws):
    """The job moderation.second_look, once (it runs every five minutes under serve)."""
    with ws.clock_at(T0 + 100):
        return second_look(ws, settings_of(ws))


def confirmed_abuse(ws, n):
    """n members insult someone with a lexicon word next to words the lexicon lacks; each
    case is confirmed (reviewed) by a person, or settled by the rule."""
    feed(ws, [msg("g1", f"u{i}", f"你个傻逼臭水沟里的蟑螂{i}", T0 - 2 * DAY + i) for i in range(n)], T0 - 2 * DAY + n)
    feed(ws, [msg("g2", f"u{i}", t, T0 - DAY + i) for i, t in enumerate(ORDINARY)], T0 - DAY + 10)
    for c in ws.store.query("SELECT id FROM cases WHERE rule = 'abuse' AND status = 'open'"):
        review_case(ws, c["id"])


def test_it_learns_from_confirmed_cases_and_ordinary_chat_and_raises_only_a_review(sws):
    ws = sws
    confirmed_abuse(ws, 12)
    with ws.clock_at(T0):
        summary = learn(ws)
    assert summary["abuse"] == {"bad": 12, "good": 6} and summary["ads"] == {"bad": 0, "good": 6}
    assert ws.store.scalar("SELECT bad FROM moderation_grams WHERE kind = 'abuse' AND gram = '蟑螂'") == 12
    before = len(actions(ws))
    feed(ws, [msg("g2", "fan", "你就是臭水沟里的蟑螂", T0 + 10), msg("g2", "newbie", "周末一起去公园散步吧", T0 + 11)], T0 + 11)
    assert ws.store.scalar("SELECT count(*) FROM cases WHERE rule = ?", (RULE,)) == 0  # not during ingest
    assert look(ws) == 1 and look(ws) == 0  # the job asks once about each message
    (case,) = ws.store.query("SELECT * FROM cases WHERE rule = ?", (RULE,))
    ev = json.loads(case["evidence"])
    assert (case["step"], case["status"], case["person_id"], case["group_id"]) == (
        "review", "open", pid(ws, "fan"), gid(ws, "g2"))
    assert ev["model"] == "abuse" and ev["score"] >= 0.9 and ev["text"] == "你就是臭水沟里的蟑螂"
    assert len(actions(ws)) == before  # no warning, mute or recall: a question for a person
    # a review case is no penalty: the door stays open to them
    feed(ws, [request("g3", "fan", T0 + 60)], T0 + 60)
    assert ws.store.scalar("SELECT rule FROM join_requests WHERE person_id = ?", (pid(ws, "fan"),)) != "door_check"


def test_the_models_learn_keeps_for_the_next_look_are_the_ones_its_stored_counts_give(sws):
    """learn hands its trained models to the next look instead of reading the counts back:
    they must be what moderation_grams gives, with a text repeated in chat counted once per
    message (learn cuts each different text into grams once)."""
    ws = sws
    confirmed_abuse(ws, 12)
    feed(ws, [msg("g2", f"u{i}", "谢谢群主分享", T0 - DAY + 20 + i) for i in range(5)], T0 - DAY + 30)
    with ws.clock_at(T0):
        assert learn(ws)["abuse"] == {"bad": 12, "good": 11}
    # 谢谢群主分享 is 6 of the 11 ordinary messages, each one counted
    assert ws.store.scalar("SELECT good FROM moderation_grams WHERE kind = 'abuse' AND gram = '分享'") == 6
    kept = models(ws)
    _MODELS.clear()
    read = models(ws)
    assert {k: (m.weights, m.prior, m.bad, m.good) for k, m in kept.items()} == {
        k: (m.weights, m.prior, m.bad, m.good) for k, m in read.items()}
    # 分享 in 6 good texts and no bad one: f = 1.5 / (3 + 6), weight log(1.5 / 7.5)
    assert kept["abuse"].weights["分享"] == pytest.approx(math.log(1 / 5))


def test_it_says_nothing_before_enough_confirmed_cases(sws):
    ws = sws
    confirmed_abuse(ws, 9)  # second_opinion_min_cases = 10
    with ws.clock_at(T0):
        assert learn(ws)["abuse"]["bad"] == 9
    feed(ws, [msg("g2", "fan", "你就是臭水沟里的蟑螂", T0 + 10)], T0 + 10)
    assert look(ws) == 0 and ws.store.scalar("SELECT count(*) FROM cases WHERE rule = ?", (RULE,)) == 0


def test_overturned_reviews_teach_it_and_pause_it_below_the_precision_bar(sws):
    ws = sws
    confirmed_abuse(ws, 12)
    with ws.clock_at(T0):
        learn(ws)
    feed(ws, [msg("g2", "u1", "臭水沟里的蟑螂哈哈", T0 + 10), msg("g2", "u2", "你就是臭水沟里的蟑螂", T0 + 11)], T0 + 11)
    assert look(ws) == 2
    raised = ws.store.query("SELECT id FROM cases WHERE rule = ? ORDER BY id", (RULE,))
    assert len(raised) == 2
    for c in raised:
        assert undo_case(ws, c["id"])["status"] == "overturned"
    with ws.clock_at(T0 + 20):
        assert learn(ws)["abuse"] == {"bad": 12, "good": 8}  # the two overturned texts are good now
    # precision 0 of 2 judged (precision_min_judged = 2) is below the bar: it stops asking
    feed(ws, [msg("g1", "fan", "这人是臭水沟里的蟑螂", T0 + 30)], T0 + 30)
    assert look(ws) == 0
    assert ws.store.scalar("SELECT count(*) FROM cases WHERE rule = ?", (RULE,)) == 2


@pytest.mark.parametrize("field, value, expected", [
    ("second_opinion_threshold", 0.3, "a score from 0.5 to 0.999"),
    ("second_opinion_threshold", 1.0, "a score from 0.5 to 0.999"),
    ("second_opinion_min_cases", 5, "a whole number from 10 to 100000"),
    ("second_opinion", "yes", "true or false"),
])
def test_settings_that_cannot_work_are_refused(field, value, expected):
    with pytest.raises(ConfigError, match=f"moderation.{field}.*{expected}"):
        ModerationSettings(**{field: value})


def test_it_leaves_alone_what_a_rule_has_a_case_for_and_what_an_exempt_member_says(sws):
    ws = sws
    confirmed_abuse(ws, 12)
    with ws.clock_at(T0):
        learn(ws)
    ws.store.execute("INSERT INTO roles(person_id, group_id, role) VALUES (?, ?, 'kol')", (pid(ws, "newbie"), gid(ws, "g2")))
    feed(ws, [msg("g2", "fan", "你个傻逼臭水沟里的蟑螂", T0 + 10),  # the abuse rule's case already
              msg("g2", "newbie", "你就是臭水沟里的蟑螂", T0 + 11),  # a KOL: exempt from conduct rules
              msg("g1", "newbie", "你就是臭水沟里的蟑螂", T0 + 12)], T0 + 12)  # ... only in g2
    assert look(ws) == 1
    (case,) = ws.store.query("SELECT group_id, person_id FROM cases WHERE rule = ?", (RULE,))
    assert case == {"group_id": gid(ws, "g1"), "person_id": pid(ws, "newbie")}


def test_a_burst_is_one_question_and_repetition_is_left_to_the_flood_rule(sws):
    """One member's three insults in a look are one review (repeats 3), not three; a text of
    one or two different characters is never scored, though its character leans "bad":
    here 啊 ends every confirmed insult and no ordinary message."""
    ws = sws
    feed(ws, [msg("g1", f"u{i}", f"你个傻逼臭水沟里的蟑螂啊{i}", T0 - 2 * DAY + i) for i in range(12)], T0 - 2 * DAY + 12)
    feed(ws, [msg("g2", f"u{i}", t, T0 - DAY + i) for i, t in enumerate(ORDINARY)], T0 - DAY + 10)
    for c in ws.store.query("SELECT id FROM cases WHERE rule = 'abuse' AND status = 'open'"):
        review_case(ws, c["id"])
    with ws.clock_at(T0):
        learn(ws)
    feed(ws, [msg("g2", "fan", "你就是臭水沟里的蟑螂", T0 + 10 + i) for i in range(3)]
         + [msg("g1", "fan", "你就是臭水沟里的蟑螂", T0 + 20)]  # another group: its own question
         + [msg("g2", "newbie", "啊啊啊啊啊啊啊", T0 + 30 + i) for i in range(4)]
         + [msg("g2", "u3", "啊啊啊啊啊啊哦", T0 + 40)], T0 + 41)
    assert look(ws) == 2
    got = sorted((c["group_id"], c["person_id"], json.loads(c["evidence"])["repeats"])
                 for c in ws.store.query("SELECT group_id, person_id, evidence FROM cases WHERE rule = ?", (RULE,)))
    assert got == sorted([(gid(ws, "g2"), pid(ws, "fan"), 3), (gid(ws, "g1"), pid(ws, "fan"), 1)])
    # the case's detail says which kind, how sure and how many messages, in either language
    from console.i18n import translate
    from console.tui.detail_queries import case as case_detail

    (cid,) = [c["id"] for c in ws.store.query("SELECT id, person_id, group_id FROM cases WHERE rule = ?", (RULE,))
              if c["group_id"] == gid(ws, "g2")]
    score = json.loads(ws.store.scalar("SELECT evidence FROM cases WHERE id = ?", (cid,)))["score"]
    body = case_detail(ws, cid, lambda s, **kw: s)["body"]
    assert f"[b]model score[/]: abuse {score:.2f}" in body and "[b]messages[/]: 3" in body
    zh = case_detail(ws, cid, lambda s, **kw: translate(s, "zh-CN"))["body"]
    assert f"[b]模型与得分[/]：辱骂 {score:.2f}" in zh and "[b]消息[/]：3" in zh  # zh-CN colon, no space
