"""Questions and their answers within one ingest batch: the batch's own questions are matched
in memory and written once (answered if the batch answers them), earlier ones are read back and
updated. What the readers see (the rows, the listing, the count) is the same as if every message
came alone; every figure below is worked out by hand from the timeline."""

from __future__ import annotations

from content_kit import T0
from console.engine import Engine
from console.model import Event, Kind
from plugins.content import questions


def msg(eid, group, user, ts, text, **data):
    return Event("sandbox", eid, Kind.MESSAGE, ts, group=group, user=user, nickname=f"昵称{user}", text=text, data=data)


def ingest(ws, events):
    with ws.clock_at(max(e.ts for e in events)):
        return Engine(ws).ingest(events)


def pid(ws, user):
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


def rows(ws):
    return [(r["evidence"], r["status"], r["answered_at"], r["answered_by"]) for r in ws.store.query(
        "SELECT * FROM content_questions ORDER BY id")]


def setup_owner(ws):
    ingest(ws, [msg("o1", "g", "owner", T0 - 7200, "大家好"), msg("o2", "h", "owner", T0 - 7200, "大家好")])
    ws.store.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "owner"),))
    return f"person:{pid(ws, 'owner')}"


def test_a_batch_answers_its_own_questions_and_earlier_ones_alike(ws):
    owner = setup_owner(ws)
    ingest(ws, [msg("q0", "g", "m0", T0 - 100, "请问在哪下单")])  # an earlier batch's, still open
    ingest(ws, [
        msg("q1", "g", "m1", T0, "这个怎么买？"),
        msg("q2", "g", "m2", T0 + 10, "几点开抢"),
        msg("o3", "g", "owner", T0 + 300, "链接在公告"),             # q0 (400 s), q1 (300 s), q2 (290 s): within 10 min
        msg("q3", "g", "m3", T0 + 400, "有优惠券吗"),                # asked after o3; nobody answers it
        msg("q4", "g", "m4", T0 + 500, "还有库存吗"),
        msg("q5", "h", "m5", T0 + 600, "怎么退款？"),                # group h: g's answers are not for it
        msg("o4", "g", "owner", T0 + 1500, "有的", reply_to="q4"),   # 1,000 s later, but a reply to q4
        msg("o5", "g", "owner", T0 + 1600, "@m5 私聊", mentions=["m5"]),  # m5 asked in h, not g
        msg("o6", "g", "owner", T0 + 1700, "怎么都不说话？"),         # an insider's question is no question
        msg("q1", "g", "m1", T0, "这个怎么买？"),                    # the same message twice: recorded once
    ])
    assert rows(ws) == [("sandbox:q0", "answered", T0 + 300, owner), ("sandbox:q1", "answered", T0 + 300, owner),
                        ("sandbox:q2", "answered", T0 + 300, owner), ("sandbox:q3", "open", None, ""),
                        ("sandbox:q4", "answered", T0 + 1500, owner), ("sandbox:q5", "open", None, "")]
    listed = questions.listing(ws, status="answered")
    assert [(r["text"], r["answerer"], r["name"]) for r in listed] == [
        ("还有库存吗", "昵称owner", "昵称m4"), ("几点开抢", "昵称owner", "昵称m2"), ("这个怎么买？", "昵称owner", "昵称m1"),
        ("请问在哪下单", "昵称owner", "昵称m0")]
    assert [r["message_id"] for r in questions.listing(ws)] == ["q5", "q3"]


def test_a_batch_seen_again_counts_and_changes_nothing_twice(ws):
    """The engine never hands a plugin the same message twice, but ``note`` stands alone: a
    question already recorded keeps its row, and is answered (and counted) once, as a row of
    an earlier batch."""
    owner = setup_owner(ws)
    ingest(ws, [msg("q1", "g", "m1", T0, "这个怎么买？")])
    ask = ws.store.one("SELECT * FROM content_questions")
    again = msg("q1", "g", "m1", T0 + 5, "这个怎么买呢？")  # a redelivery with another time and text
    again.group_id, again.person_id = ask["group_id"], ask["person_id"]
    answer = msg("o3", "g", "owner", T0 + 60, "公告里有")
    answer.group_id, answer.person_id = ask["group_id"], pid(ws, "owner")
    with ws.clock_at(T0 + 60):
        assert questions.note(ws, [again, answer]) == 1
        assert questions.note(ws, [again, answer]) == 0
    assert rows(ws) == [("sandbox:q1", "answered", T0 + 60, owner)]
    assert ws.store.one("SELECT text, asked_at FROM content_questions") == {"text": "这个怎么买？", "asked_at": T0}
    # twice in one list (never from the engine): the first is recorded, answered and counted once
    later = with_ids(ws, msg("o5", "g", "owner", T0 + 300, "十点"))
    twice = [with_ids(ws, msg("q2", "g", "m1", T0 + 100 + k, text)) for k, text in enumerate(("几点开抢", "几点开抢呢"))]
    with ws.clock_at(T0 + 300):
        assert questions.note(ws, [*twice, later]) == 1
    assert rows(ws)[1:] == [("sandbox:q2", "answered", T0 + 300, owner)]
    assert ws.store.scalar("SELECT text FROM content_questions WHERE evidence = 'sandbox:q2'") == "几点开抢"


def test_a_new_batch_list_is_a_new_batch_however_like_the_last(ws):
    """What the plugin reads once per batch (its members' messages, its insiders) is not
    taken from the last batch for a new list of the same length and first event."""
    owner = setup_owner(ws)
    ingest(ws, [msg("x1", "g", "m1", T0 - 50, "大家好")])
    ask = with_ids(ws, msg("q1", "g", "m1", T0, "这个怎么买？"))
    with ws.clock_at(T0 + 60):
        assert questions.note(ws, [ask, msg("o3", "g", "owner", T0 + 60, "公告里有")]) == 0  # no ids: nobody's
        assert questions.note(ws, [ask, with_ids(ws, msg("o3", "g", "owner", T0 + 60, "公告里有"))]) == 1
    assert rows(ws) == [("sandbox:q1", "answered", T0 + 60, owner)]


def with_ids(ws, e):
    """An event as the engine hands it to plugins (its group and person resolved)."""
    e.group_id = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (e.group,))
    e.person_id = pid(ws, e.user)
    return e


def test_questions_asked_in_the_same_second_queue_in_the_order_they_came(ws):
    """The owner's task lists questions by time and, within one second, in the order they
    came (their ids), whatever their platform message ids."""
    from dataclasses import replace

    from plugins.content.settings import settings_of

    ws.plugin_state("content")["settings"] = replace(settings_of(ws), question_task_min=1)
    setup_owner(ws)
    ingest(ws, [msg("z9", "g", "m1", T0, "先问的怎么买？"), msg("a1", "g", "m2", T0, "后问的几点开抢？")])
    with ws.clock_at(T0 + 600):
        assert questions.check(ws) == 2
    first, gid = ws.store.one("SELECT id, group_id FROM content_questions WHERE message_id = 'z9'").values()
    task = ws.store.one("SELECT * FROM tasks WHERE kind = 'content_unanswered_question'")
    assert [line.split("  ", 1)[1] for line in task["detail"].split("\n")] == ["昵称m1: 先问的怎么买？",
                                                                              "昵称m2: 后问的几点开抢？"]
    assert task["dedupe_key"] == f"content:questions:{gid}:{first}"  # named after the first that came


def test_the_listing_names_an_insider_answerer_and_a_rule_by_its_name(ws):
    """``rule:问答1`` holds a person's id where ``person:`` would end (its eighth character is
    1): the listing still names the rule, not person 1."""
    from plugins.content import keywords

    owner = setup_owner(ws)
    assert ws.store.scalar("SELECT display_name FROM people WHERE id = 1")
    with ws.clock_at(T0 - 100):
        keywords.save(ws, "问答1", match="contains", keyword="链接", reply="链接在公告")
    ingest(ws, [msg("q1", "g", "m1", T0, "有没有链接？"), msg("q2", "g", "m2", T0 + 700, "几点开抢"),
                msg("o9", "g", "owner", T0 + 760, "十点")])  # 760 s after q1: the rule's, not the owner's
    assert [(r["answered_by"], r["answerer"]) for r in questions.listing(ws, status="answered")] == [
        (owner, "昵称owner"), ("rule:问答1", "rule:问答1")]
