"""The batch matcher finds what a message-by-message search finds: joining a batch's
texts for one prefilter search may add candidates but never loses one."""

from __future__ import annotations

import random

from console.model import Event, Kind
from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import CompiledRule, RuleSet


def _ruleset() -> RuleSet:
    rules = []
    for i, r in enumerate(builtin_rules()):
        rules.append(CompiledRule.build({"id": i + 1, "name": r["name"], "kind": r["kind"]},
                                        validate(r["kind"], r["config"])))
    return RuleSet.build(rules)


def _msg(i: int, text: str) -> Event:
    e = Event("sandbox", f"m{i}", Kind.MESSAGE, 1_700_000_000 + i, group="g", user=f"u{i}", text=text)
    e.group_id, e.person_id = 1, i
    return e


PIECES = ["早上好", "加我私聊", "http://x.cn/a", "13812345678", "vx abc12345", "sb", "usb", "收到", "www.", "ok",
          "傻", "逼", ".com", "1381234", "5678", " ", "", "wx", "私聊", "我"]


def test_prefilter_over_the_batch_never_misses_a_message():
    rs = _ruleset()
    rng = random.Random(7)
    for _ in range(200):
        msgs = [_msg(i, "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))) for i in range(30)]
        alone = {i for i, e in enumerate(msgs) if e.text and rs.prefilter.search(e.text)}
        batch = set(rs.prefiltered(msgs))
        assert alone <= batch, [msgs[i].text for i in alone - batch]


def test_flood_hits_count_per_member_and_window():
    rule = CompiledRule.build({"id": 1, "name": "flood", "kind": "flood"},
                              validate("flood", {"max_messages": 3, "seconds": 10, "repeat": 0, "ladder": ["warn"]}))
    msgs = []
    for i, (pid, ts) in enumerate([(1, 0), (2, 1), (1, 2), (1, 30), (1, 31), (1, 32), (1, 33)]):
        e = Event("sandbox", f"f{i}", Kind.MESSAGE, 1_700_000_000 + ts, group="g", user=str(pid), text=f"t{i}")
        e.group_id, e.person_id = 1, pid
        msgs.append(e)
    hits = rule.flood_hits(msgs)
    assert [i for i, _ in hits] == [5]  # the third message inside ten seconds; the burst is quiet after
