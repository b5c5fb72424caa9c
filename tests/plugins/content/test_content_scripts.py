"""Scripts tested against each other (话术 A/B): the z-test pinned by hand, the seeded
assignment (stable, moved only off a retired version), refusals, the planner posting each
group's version, exposures measured within the hour, welcome versions per newcomer, the
statement and retiring the loser."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from content_kit import T0, cli, item, local
from console.engine import Engine
from console.model import Event, Kind
from console.outbox import Executor
from plugins.content import abstats, queue, scripts
from plugins.content.errors import ContentError
from plugins.content.script_results import per_version, results
from plugins.sandbox.connector import SandboxConnector

_n = [0]


def say(ws, group, user, text, ts, **data):
    _n[0] += 1
    e = Event("sandbox", f"s{_n[0]}", Kind.MESSAGE, ts, group=group, user=user, nickname=f"昵称{user}", text=text,
              data=data)
    with ws.clock_at(ts):
        Engine(ws).ingest([e])


# --- the statistic, by hand ------------------------------------------------------------------------

def test_the_two_proportion_test_matches_the_hand_computation():
    # 45/100 against 30/100: pooled p = 75/200 = 0.375, se = sqrt(0.375 * 0.625 * (1/100 + 1/100))
    # = sqrt(0.0046875) = 0.068465, z = 0.15 / 0.068465 = 2.1909; two-sided p = 2 * (1 - Phi(2.1909))
    # = 2 * (1 - 0.98577) = 0.0285 (normal table)
    t = abstats.two_proportion(45, 100, 30, 100)
    assert t.z == pytest.approx(2.1909, abs=1e-4) and t.p_value == pytest.approx(0.0285, abs=1e-4)
    assert abstats.two_proportion(30, 100, 45, 100).z == pytest.approx(-2.1909, abs=1e-4)
    assert abstats.two_proportion(0, 50, 0, 60).p_value == 1.0  # nothing happened in either: no difference
    with pytest.raises(ValueError):
        abstats.two_proportion(5, 0, 1, 10)
    # 80% power at 5% for 0.30 against 0.45: ((1.96 * 0.684653 + 0.84 * 0.676387) / 0.15)^2 = 162.15 -> 163
    assert abstats.trials_needed(0.30, 0.45) == 163


def test_verdicts_few_chance_better_and_the_split_level_for_three_versions():
    assert abstats.compare([("A", 30, 100), ("B", 45, 100)])["verdict"] == "better"
    assert abstats.compare([("A", 30, 100), ("B", 33, 100)])["verdict"] == "chance"
    assert abstats.compare([("A", 3, 20), ("B", 9, 20)])["verdict"] == "few"  # under 30 trials each
    assert abstats.compare([("A", 1, 200), ("B", 3, 200)])["verdict"] == "few"  # under 5 successes expected
    three = abstats.compare([("A", 30, 100), ("B", 45, 100), ("C", 20, 100)])
    # p = 0.0285 against A beats 0.05 but not the split level 0.05 / 2 = 0.025
    assert (three["best"], three["level"], three["verdict"]) == ("B", 0.025, "chance")


# --- assignment --------------------------------------------------------------------------------------

def versions(*retired):
    return [{"id": i, "label": lab, "retired_at": 1 if lab in retired else None} for i, lab in enumerate("ABC")]


def test_assignment_is_seeded_stable_and_retiring_moves_only_the_retired_versions_units():
    units = [f"group:{i}" for i in range(300)]
    before = {u: scripts.assign(7, u, versions())["label"] for u in units}
    assert before == {u: scripts.assign(7, u, versions())["label"] for u in units}  # recomputable from the seed
    # the first pick is random.Random("7:UNIT") over the three versions
    assert before["group:5"] == "ABC"[random.Random("7:group:5").randrange(3)]
    counts = {lab: list(before.values()).count(lab) for lab in "ABC"}
    assert all(70 <= n <= 130 for n in counts.values()), counts
    after = {u: scripts.assign(7, u, versions("B"))["label"] for u in units}
    assert all(after[u] == before[u] for u in units if before[u] != "B")
    assert {after[u] for u in units if before[u] == "B"} == {"A", "C"}
    assert before != {u: scripts.assign(8, u, versions())["label"] for u in units}  # another seed, another draw


# --- refusals ----------------------------------------------------------------------------------------

def refused(ws, *args, **kw):
    with pytest.raises(ContentError) as e:
        scripts.create(ws, *args, **kw)
    return str(e.value)


def test_scripts_that_cannot_work_are_refused_and_nothing_is_written(ws):
    a, b = item(ws, "早安 A"), item(ws, "早安 B")
    assert refused(ws, "x", "post", [str(a)]) == "versions: 1; expected 2 to 5 versions to test against each other"
    assert refused(ws, "x", "post", [str(a), "99"]) == ("version B: no library item '99' (an id of an item not "
                                                        "archived)")
    assert refused(ws, "x", "post", [str(a), str(a)]) == "versions: the same library item twice; each version is its own item"
    assert refused(ws, "x", "poll", [str(a), str(b)]) == "kind: 'poll' is not one of post, welcome"
    assert refused(ws, "x", "post", [str(a), str(b)], seed=-1) == ("seed: -1; expected a whole number from 0 to "
                                                                   "2,147,483,647")
    assert refused(ws, "x", "welcome", ["欢迎 {nickname}", "欢迎 {name}"]).startswith(
        "version B: unknown placeholder {name}; allowed: {nickname} {group}")
    assert refused(ws, "x", "welcome", ["欢迎 {nickname}", "欢迎 {nickname}"]) == ("versions: the same text twice; "
                                                                                  "each version says it differently")
    assert ws.store.scalar("SELECT count(*) FROM content_scripts") == 0
    scripts.create(ws, "早安话术", "post", [str(a), str(b)], seed=3)
    assert refused(ws, "早安话术", "post", [str(a), str(b)]) == "name: a script named '早安话术' exists already"
    c = item(ws, "早安 C")
    assert refused(ws, "y", "post", [str(c), str(b)]) == ("version B: library item 2 is tested in script '早安话术' "
                                                          "already")


# --- posts: the planner, exposures, outcomes ---------------------------------------------------------

@pytest.fixture
def sws(ws):
    for g in ("g1", "g2", "g3", "g4"):
        for u in range(10):
            say(ws, g, f"{g}u{u}", "大家好", local(ws, "2025-06-15 09:00") + u)
    ws.gids = {g: ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (g,)) for g in
               ("g1", "g2", "g3", "g4")}
    ws.a, ws.b = item(ws, "早安 {group}！签到领积分"), item(ws, "早安 {group}！今天来接龙")
    with ws.clock_at(T0):
        ws.sid = scripts.create(ws, "早安话术", "post", [str(ws.a), str(ws.b)], seed=11)
    return ws


def expected_labels(ws):
    s = scripts.get(ws, "早安话术")
    return {g: scripts.assign(11, f"group:{gid}", s["versions"])["label"] for g, gid in ws.gids.items()}


def send_morning(ws, at="2025-06-16 07:30"):
    from content_kit import schedule

    if not ws.store.scalar("SELECT 1 FROM content_schedules"):
        schedule(ws, item_id=ws.a)
    conn = SandboxConnector("sandbox", {"seed": 7, "groups": 2, "members": 20})
    conn.attach(ws, start=T0)
    with ws.clock_at(local(ws, at)):
        queue.sync(ws)
    with ws.clock_at(local(ws, at) + 600):  # the posts are paced 30 s apart: all are due by then
        asyncio.run(Executor(ws, {"sandbox": conn}, pacing=False).drain())


def test_each_group_gets_its_version_and_the_platform_taking_it_starts_the_measure(sws):
    labels = expected_labels(sws)
    assert set(labels.values()) == {"A", "B"}  # seed 11 gives both versions groups
    send_morning(sws)
    sent = {r["platform_group_id"]: json.loads(r["params"])["text"] for r in sws.store.query(
        "SELECT g.platform_group_id, a.params FROM actions a JOIN groups g ON g.id = a.group_id WHERE a.kind = 'send'"
        " AND a.status = 'done'")}
    for g, lab in labels.items():
        assert sent[g] == f"早安 {g}！" + ("签到领积分" if lab == "A" else "今天来接龙")
    xs = sws.store.query("SELECT x.*, v.label FROM content_script_exposures x JOIN content_script_versions v ON"
                         " v.id = x.version_id ORDER BY x.group_id")
    assert [(x["label"], x["audience"], x["person_id"]) for x in xs] == [(labels[g], 10, None) for g in
                                                                         ("g1", "g2", "g3", "g4")]


def test_replies_within_the_hour_by_members_count_insiders_and_late_ones_do_not(sws):
    send_morning(sws)
    at = sws.store.scalar("SELECT at FROM content_script_exposures WHERE group_id = ?", (sws.gids["g1"],))
    sws.store.execute("UPDATE people SET is_insider = 1 WHERE id = (SELECT person_id FROM identities WHERE"
                      " platform_user_id = 'g1u9')")
    say(sws, "g1", "g1u1", "接龙 1", at + 60)
    say(sws, "g1", "g1u1", "再来", at + 120)
    say(sws, "g1", "g1u2", "接龙 2", at + 3599)
    say(sws, "g1", "g1u9", "我是气氛组", at + 200)  # an insider
    say(sws, "g1", "g1u3", "晚了", at + 3600)  # past the hour
    x = sws.store.one("SELECT * FROM content_script_exposures WHERE group_id = ?", (sws.gids["g1"],))
    assert (x["replies"], x["speakers"], x["status"]) == (3, 2, "measuring")
    from plugins.content.script_results import close

    with sws.clock_at(at + 3600):
        assert close(sws) == 4
    lab = expected_labels(sws)["g1"]
    row = next(v for v in per_version(sws, scripts.get(sws, "早安话术")) if v["label"] == lab)
    mates = [g for g, x in expected_labels(sws).items() if x == lab]
    assert (row["exposures"], row["groups"], row["trials"], row["successes"], row["replies"], row["answered"]) == (
        len(mates), len(mates), 10 * len(mates), 2, 3, 1)
    assert row["rate"] == pytest.approx(2 / (10 * len(mates)))


def test_the_statement_says_beyond_chance_and_retiring_the_loser_decides(sws, config_path):
    assert expected_labels(sws) == {"g1": "B", "g2": "A", "g3": "B", "g4": "B"}  # seed 11
    send_morning(sws)
    # A: one group of 300 members, 90 spoke (30%); B: three groups of 100, 45 spoke in each (45%).
    # Pooled 225/600 = 0.375, se = sqrt(0.375 * 0.625 * (1/300 + 1/300)) = 0.039528, z = 0.15 / 0.039528 = 3.79
    sws.store.execute("UPDATE content_script_exposures SET audience = 300, speakers = 90 WHERE group_id = ?",
                      (sws.gids["g2"],))
    sws.store.execute("UPDATE content_script_exposures SET audience = 100, speakers = 45 WHERE group_id != ?",
                      (sws.gids["g2"],))
    r = results(sws, "早安话术")
    assert [(v["label"], v["trials"], v["successes"]) for v in r["versions"]] == [("A", 300, 90), ("B", 300, 135)]
    assert r["comparison"]["verdict"] == "better" and r["comparison"]["tests"][0]["z"] == 3.79
    assert r["statement"] == ("B beats A: participation 45.0% against 30.0% (+15.0 points), more than chance (z = 3.79, "
                              "p = 0.000148; groups 3/1). Retire the loser: shequn content scripts retire 早安话术 A")
    out = cli(config_path, "content", "scripts", "show", "早安话术", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["statement"] == r["statement"]
    out = cli(config_path, "content", "scripts", "retire", "早安话术", "A")
    assert out.exit_code == 0, out.output
    s = scripts.get(sws, "早安话术")
    assert s["status"] == "decided"
    assert results(sws, "早安话术")["statement"] == "Decided: only version B is used now."
    out = cli(config_path, "content", "scripts", "retire", "早安话术", "B")
    assert out.exit_code == 2 and "B is the last version of '早安话术' still tested; it cannot be retired" in out.output
    assert {scripts.assign(11, f"group:{gid}", s["versions"])["label"] for gid in sws.gids.values()} == {"B"}
    send_morning(sws, "2025-06-17 07:30")  # the next morning every group gets B
    texts = [json.loads(p)["text"] for (p,) in sws.store.execute(
        "SELECT a.params FROM actions a WHERE a.kind = 'send' AND a.evidence LIKE 'content:schedule:%' AND"
        " a.created_at >= ?", (local(sws, "2025-06-17 07:00"),))]
    assert len(texts) == 4 and all(t.endswith("今天来接龙") for t in texts)
    out = cli(config_path, "content", "scripts", "show", "早安话术", "--groups")
    assert out.exit_code == 0 and "g2" in out.output


def test_a_chance_difference_says_so_with_the_trials_needed(sws):
    send_morning(sws)
    sws.store.execute("UPDATE content_script_exposures SET audience = 300, speakers = 90 WHERE group_id = ?",
                      (sws.gids["g2"],))
    sws.store.execute("UPDATE content_script_exposures SET audience = 100, speakers = 33 WHERE group_id != ?",
                      (sws.gids["g2"],))
    # 99/300 against 90/300: pooled 0.315, se = sqrt(0.315 * 0.685 / 150) = 0.037925, z = 0.03 / 0.037925 = 0.79;
    # trials needed: ((1.96 * sqrt(2 * 0.315 * 0.685) + 0.84 * sqrt(0.33 * 0.67 + 0.3 * 0.7)) / 0.03)^2
    # = ((1.287573 + 0.551529) / 0.03)^2 = 61.3034^2 = 3758.1 -> 3,759
    r = results(sws, "早安话术")
    assert r["statement"] == ("B leads A: participation 33.0% against 30.0% (+3.0 points), but that could be chance "
                              "(z = 0.79, p = 0.429); about 3,759 trials per version would tell.")
