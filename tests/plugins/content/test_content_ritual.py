"""The entry ritual and questions: welcome versions per newcomer through the entry rules'
template choosers, the self-introduction prompt after the welcome, who introduced
themselves, and members' questions that reach the owner's queue when no insider answers
(resolved by themselves when one does)."""

from __future__ import annotations

import json

import pytest

from content_kit import T0, cli, local
from console.engine import Engine
from console.model import Event, Kind
from plugins.content import intros, questions, scripts
from plugins.content.script_results import per_version

_n = [0]


def feed(ws, kind, group, user, ts, text=None, **data):
    _n[0] += 1
    e = Event("sandbox", f"r{_n[0]}", kind, ts, group=group, user=user, nickname=data.pop("nickname", f"昵称{user}"),
              text=text, data=data)
    with ws.clock_at(ts):
        return Engine(ws).ingest([e])


def proposals_at(ws, ts):
    from plugins.entry_rules import welcome

    with ws.clock_at(ts):
        return welcome.flush_due(ws), intros.flush_prompts(ws)


def pid(ws, user):
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


def test_welcome_versions_go_to_newcomers_by_the_seed_and_completion_is_their_introduction(ws):
    feed(ws, Kind.MESSAGE, "g", "old", T0 - 3600, "大家好呀")
    with ws.clock_at(T0 - 3600):
        scripts.create(ws, "欢迎语", "welcome", ["欢迎 {nickname}！", "欢迎 {nickname}！先做个自我介绍吧"], seed=5)
    users = [f"n{i}" for i in range(6)]
    for k, u in enumerate(users):  # one join every 10 minutes: single welcomes, not merged
        feed(ws, Kind.JOIN, "g", u, T0 + k * 600, nickname=f"新人{k}")
        sent, _ = proposals_at(ws, T0 + k * 600 + 61)
        (p,) = sent
        s = scripts.get(ws, "欢迎语")
        v = scripts.assign(5, f"person:{pid(ws, u)}", s["versions"])
        assert p.params["text"] == v["text"].format(nickname=f"新人{k}")
    got = {r["person_id"]: r["label"] for r in ws.store.query(
        "SELECT x.person_id, v.label FROM content_script_exposures x JOIN content_script_versions v ON v.id ="
        " x.version_id")}
    assert len(got) == 6 and set(got.values()) == {"A", "B"}
    # two newcomers introduce themselves (one too short, one after 24 hours: not introductions)
    intro_b = next(u for u in users if got[pid(ws, u)] == "B")
    intro_a = next(u for u in users if got[pid(ws, u)] == "A")
    late = next(u for u in users if u not in (intro_a, intro_b))
    feed(ws, Kind.MESSAGE, "g", intro_b, T0 + 4000, "大家好，我是杭州的设计师，喜欢烘焙")
    feed(ws, Kind.MESSAGE, "g", intro_a, T0 + 4100, "hi")
    feed(ws, Kind.MESSAGE, "g", intro_a, T0 + 4200, "我来自成都，做会计的")
    feed(ws, Kind.MESSAGE, "g", late, T0 + 2 * 86400, "我是晚来的自我介绍")
    introduced = {r["person_id"]: r["intro_text"] for r in ws.store.query(
        "SELECT person_id, intro_text FROM content_newcomers WHERE introduced_at IS NOT NULL")}
    assert introduced == {pid(ws, intro_b): "大家好，我是杭州的设计师，喜欢烘焙", pid(ws, intro_a): "我来自成都，做会计的"}
    with ws.clock_at(T0 + 3 * 86400):  # every newcomer's 24 hours are over: completion is known
        rows = {v["label"]: v for v in per_version(ws, scripts.get(ws, "欢迎语"))}
    counts = {lab: list(got.values()).count(lab) for lab in "AB"}
    assert {lab: (r["trials"], r["successes"]) for lab, r in rows.items()} == {"A": (counts["A"], 1),
                                                                                "B": (counts["B"], 1)}
    with ws.clock_at(T0 + 3600):  # before the 24 hours: nobody's completion is known yet
        assert all(v["trials"] == 0 for v in per_version(ws, scripts.get(ws, "欢迎语")))


def test_a_dry_run_welcome_records_no_exposure_and_a_group_out_of_scope_keeps_its_template(ws):
    feed(ws, Kind.MESSAGE, "g", "old", T0 - 3600, "大家好呀")
    ws.store.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name, type) VALUES"
                     " ('sandbox', 'sandbox', 'w', 'w', 'welfare')")
    with ws.clock_at(T0 - 3600):
        scripts.create(ws, "欢迎语", "welcome", ["A {nickname}", "B {nickname}"], scope="type:traffic", seed=5)
    g = ws.store.one("SELECT * FROM groups WHERE platform_group_id = 'w'")
    assert scripts.choose_welcome(ws, group=g, person_id=1, template="原样") == "原样"
    t = ws.store.one("SELECT * FROM groups WHERE platform_group_id = 'g'")
    assert scripts.choose_welcome(ws, group=t, person_id=1, template="原样", dry_run=True) in ("A {nickname}",
                                                                                            "B {nickname}")
    assert ws.store.scalar("SELECT count(*) FROM content_script_exposures") == 0


def test_the_self_introduction_prompt_follows_the_welcome_and_names_the_newcomers_once(ws):
    feed(ws, Kind.MESSAGE, "g", "old", T0 - 3600, "大家好呀")
    ws.store.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "old"),))
    feed(ws, Kind.JOIN, "g", "a", T0, nickname="阿强")
    feed(ws, Kind.JOIN, "g", "12345", T0 + 30, nickname="12345")  # known only by its number: not named by it
    feed(ws, Kind.JOIN, "g", "old", T0 + 40)  # an insider is no newcomer
    feed(ws, Kind.JOIN, "g", "c", T0 + 50, nickname="阿珍")
    feed(ws, Kind.LEAVE, "g", "c", T0 + 100)
    _, early = proposals_at(ws, T0 + 179)
    assert early == []  # 180 s after the first join at the soonest
    _, (p,) = proposals_at(ws, T0 + 240)
    assert p.params["text"] == "欢迎新朋友 阿强 加入g！来做个自我介绍吧：城市-职业-爱好，让大家认识你～"
    _, again = proposals_at(ws, T0 + 600)
    assert again == []  # once
    assert ws.store.scalar("SELECT count(*) FROM content_newcomers") == 3 and \
        ws.store.scalar("SELECT sum(prompted) FROM content_newcomers") == 3
    (row,) = intros.summary(ws)
    assert (row["newcomers"], row["prompted"], row["introduced"], row["share"]) == (3, 3, 0, "0%")


def test_an_empty_prompt_sends_nothing_but_introductions_are_tracked(ws):
    from plugins.content.settings import settings_of

    settings_of(ws).intro_prompt = ""  # the section is read once per workspace
    feed(ws, Kind.JOIN, "g", "a", T0, nickname="阿强")
    _, sent = proposals_at(ws, T0 + 600)
    assert sent == []
    feed(ws, Kind.MESSAGE, "g", "a", T0 + 700, "签到")  # a check-in is no introduction
    feed(ws, Kind.MESSAGE, "g", "a", T0 + 750, "这个东西到底怎么买啊朋友们")  # long, but no introduction
    feed(ws, Kind.MESSAGE, "g", "a", T0 + 800, "我是阿强，在上海做运营")
    assert ws.store.scalar("SELECT intro_text FROM content_newcomers") == "我是阿强，在上海做运营"


# --- questions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,yes", [("这个怎么买？", True), ("几点开抢", True), ("有库存吗", True), ("发货了吗~", True),
                                      ("这个好?", True), ("签到", False), ("哈哈哈哈", False), ("好", False),
                                      ("已下单，坐等收货", False)])
def test_what_is_a_question(text, yes):
    assert questions.is_question(text) is yes


def _insider_owner(ws):
    feed(ws, Kind.MESSAGE, "g", "owner", T0 - 3600, "大家好")
    feed(ws, Kind.MESSAGE, "h", "owner", T0 - 3600, "大家好")
    ws.store.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "owner"),))
    return ws


@pytest.fixture
def qws(ws):
    """Every unanswered question to the queue (question_task_min = 1), to follow each one."""
    from dataclasses import replace

    from plugins.content.settings import settings_of

    ws.plugin_state("content")["settings"] = replace(settings_of(ws), question_task_min=1)  # as settings_of keeps it
    return _insider_owner(ws)


def test_a_groups_questions_reach_the_queue_only_once_five_wait_at_once(ws):
    """The default: a question or two the staff missed is theirs; five waiting at once says
    the group is unattended, and one task (joined by each later one) tells the owner."""
    _insider_owner(ws)
    for i in range(4):
        feed(ws, Kind.MESSAGE, "g", f"m{i}", T0 + i, f"第{i}个问题怎么办？")
    feed(ws, Kind.MESSAGE, "h", "x1", T0, "有优惠券吗")
    assert run_check(ws, T0 + 700) == 0
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'content_unanswered_question'") == 0
    feed(ws, Kind.MESSAGE, "g", "m4", T0 + 100, "还有库存吗")
    assert run_check(ws, T0 + 800) == 5
    (task,) = ws.store.query("SELECT * FROM tasks WHERE kind = 'content_unanswered_question'")
    assert task["title"] == "5 unanswered questions in g" and task["group_id"] == ws.store.scalar(
        "SELECT id FROM groups WHERE platform_group_id = 'g'")
    feed(ws, Kind.MESSAGE, "g", "m5", T0 + 900, "几点开抢")
    assert run_check(ws, T0 + 1600) == 1  # a later one joins the open task, alone
    assert ws.store.scalar("SELECT title FROM tasks WHERE id = ?", (task["id"],)) == "6 unanswered questions in g"


def run_check(ws, ts):
    with ws.clock_at(ts):
        return questions.check(ws)


def test_an_unanswered_question_reaches_the_owners_queue_and_an_insiders_answer_closes_it(qws):
    feed(qws, Kind.MESSAGE, "g", "m1", T0, "这个怎么买？")
    feed(qws, Kind.MESSAGE, "g", "m2", T0 + 60, "几点开抢")
    feed(qws, Kind.MESSAGE, "h", "m3", T0 + 60, "有优惠券吗")
    assert run_check(qws, T0 + 599) == 0  # not 10 minutes yet
    assert run_check(qws, T0 + 600) == 1  # the first, in its group's task
    (task,) = qws.store.query("SELECT * FROM tasks WHERE kind = 'content_unanswered_question'")
    assert task["title"] == "1 unanswered question in g" and "这个怎么买？" in task["detail"]
    assert run_check(qws, T0 + 700) == 2  # the second joins the same task; h gets its own
    tasks = qws.store.query("SELECT * FROM tasks WHERE kind = 'content_unanswered_question' ORDER BY id")
    assert [t["title"] for t in tasks] == ["2 unanswered questions in g", "1 unanswered question in h"]
    # the owner's greeting much later answers nobody; a reply to m1 does
    feed(qws, Kind.MESSAGE, "g", "owner", T0 + 3000, "下午好")
    assert qws.store.scalar("SELECT count(*) FROM content_questions WHERE status = 'open'") == 3
    m1 = qws.store.one("SELECT message_id FROM content_questions WHERE text = '这个怎么买？'")["message_id"]
    feed(qws, Kind.MESSAGE, "g", "owner", T0 + 3100, "链接在公告", reply_to=m1)
    t = qws.store.one("SELECT * FROM tasks WHERE id = ?", (tasks[0]["id"],))
    assert (t["status"], t["title"]) == ("open", "1 unanswered question in g")
    feed(qws, Kind.MESSAGE, "g", "owner", T0 + 3200, "@m2 十点开抢", mentions=["m2"])
    t = qws.store.one("SELECT * FROM tasks WHERE id = ?", (tasks[0]["id"],))
    assert (t["status"], t["done_at"]) == ("done", T0 + 3200)
    by = {r["text"]: r["answered_by"] for r in questions.listing(qws, status="answered")}
    assert by == {"这个怎么买？": f"person:{pid(qws, 'owner')}", "几点开抢": f"person:{pid(qws, 'owner')}"}
    # h's question goes stale after a day and its task is dismissed
    run_check(qws, T0 + 60 + 24 * 3600)
    assert qws.store.scalar("SELECT status FROM tasks WHERE id = ?", (tasks[1]["id"],)) == "dismissed"


def test_an_insider_in_the_conversation_or_a_keyword_reply_answers_before_the_queue(qws):
    from plugins.content import keywords

    with qws.clock_at(T0 - 100):
        keywords.save(qws, "链接", match="contains", keyword="链接", reply="链接在公告")
    feed(qws, Kind.MESSAGE, "g", "m1", T0, "有没有链接？")
    feed(qws, Kind.MESSAGE, "g", "m2", T0 + 10, "什么时候发货")
    feed(qws, Kind.MESSAGE, "g", "m3", T0 + 20, "今天几点发货")
    feed(qws, Kind.MESSAGE, "g", "owner", T0 + 300, "明天发货哦")  # within 10 minutes: in the conversation, both
    assert run_check(qws, T0 + 3600) == 0
    assert {r["text"]: r["answered_by"] for r in questions.listing(qws, status="answered")} == {
        "有没有链接？": "rule:链接", "什么时候发货": f"person:{pid(qws, 'owner')}",
        "今天几点发货": f"person:{pid(qws, 'owner')}"}
    assert qws.store.scalar("SELECT count(*) FROM tasks") == 0


def test_the_cli_lists_questions_and_intros(qws, config_path):
    feed(qws, Kind.MESSAGE, "g", "m1", T0, "这个怎么买？")
    out = cli(config_path, "content", "questions", "--json")
    assert out.exit_code == 0 and json.loads(out.output)[0]["text"] == "这个怎么买？"
    feed(qws, Kind.MESSAGE, "g", "owner", T0 + 60, "公告里有")
    out = cli(config_path, "content", "questions", "--state", "answered", "--json")
    assert out.exit_code == 0 and json.loads(out.output)[0]["answerer"] == "昵称owner"
    out = cli(config_path, "content", "questions", "--state", "answered")
    assert out.exit_code == 0 and "昵称owner" in out.output
    out = cli(config_path, "content", "intros", "--json")
    assert out.exit_code == 0 and json.loads(out.output) == []


def test_a_task_lists_the_newest_twenty_and_counts_them_all(qws):
    for k in range(25):
        feed(qws, Kind.MESSAGE, "g", f"m{k}", T0 + k, f"第{k}个问题怎么办")
    assert run_check(qws, T0 + 900) == 25
    (task,) = qws.store.query("SELECT * FROM tasks WHERE kind = 'content_unanswered_question'")
    lines = task["detail"].split("\n")
    assert task["title"] == "25 unanswered questions in g"
    assert lines[0] == "… and 5 earlier" and len(lines) == 21 and lines[1].endswith("第5个问题怎么办")


def test_five_questions_missed_over_a_day_are_not_an_unattended_group(ws):
    """Five unanswered questions one every 20 minutes never wait five at once within an
    hour: the staff missed a few, nobody is missing; the next five within an hour are."""
    _insider_owner(ws)
    for i in range(5):
        feed(ws, Kind.MESSAGE, "g", f"m{i}", T0 + i * 1200, f"第{i}个问题怎么办？")
    assert run_check(ws, T0 + 4 * 1200 + 600) == 0
    for i in range(5, 10):
        feed(ws, Kind.MESSAGE, "g", f"m{i}", T0 + 6000 + i, f"第{i}个问题怎么办？")
    assert run_check(ws, T0 + 6700) == 10  # five asked within the hour: the task takes all ten open
