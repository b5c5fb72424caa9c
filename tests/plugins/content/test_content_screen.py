"""The Content screen and the dashboard's Content panel, with Pilot: the month's calendar
with its gaps and collisions, the next 24 hours, runs with stop and resume, in English and
Chinese; and the panel's data read headless."""

from __future__ import annotations

import pytest

from content_kit import T0, add_group, item, local, schedule
from console.workspace import Workspace
from plugins.content import calendar, checkin, runs
from plugins.content.today import today
from tests.tui.world import make_app, settle


@pytest.fixture
def sws(config_path):
    w = Workspace.open(config_path, clock=lambda: T0)
    add_group(w, "引流A", "traffic")
    add_group(w, "福利1", "welfare", "会员福利")
    a = item(w, "早安 {group}", title="早安")
    b = item(w, "今日话题：省钱", title="省钱话题")
    schedule(w, item_id=a)
    calendar.plan_topic(w, {"day": "2025-06-16", "item": str(b)})
    calendar.plan_topic(w, {"day": "2025-06-19", "item": str(b), "scope": "type:welfare"})
    yield w
    w.close()


async def test_the_calendar_the_next_day_and_runs(sws):
    app = make_app(sws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("C")
        await settle(pilot)
        s = app.screen
        assert app.current_mode == "content"
        cal = s.query_one("#calendar")
        rows = [cal.source.rows(0, 40)][0]
        d16, d18, d19 = rows[15], rows[17], rows[18]
        assert (d16["traffic"], d16["welfare"], d16["families"]) == ("省钱话题", "⚠ 省钱话题", "会员福利: ⚠ 省钱话题")
        assert (d18["holiday"], d18["traffic"]) == ("618", "—")
        assert d19["welfare"] == "⚠ 省钱话题" and d19["traffic"] == "—"
        summary = str(s.query_one("#calendar-summary").render())
        assert "Collision in welfare: 省钱话题 on 2025-06-16 and 2025-06-19 (3 days apart)" in summary
        # the gaps left to plan, from today (the 15th) on: 3 scopes x 16 days - 3 (the 16th) - 2 (the 19th)
        assert s.sub_title == "2025-06: 43 gaps from today on; 4 posts in the next 24 hours"
        assert "Gaps: traffic 29 (15 from today on)  welfare、会员福利 28 (14 from today on)" in summary
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert s.month == "2025-07" and s.query_one("#calendar").source.count() == 31
        await pilot.press("2")
        await settle(pilot)
        nxt = s.query_one("#next").source.rows(0, 10)
        assert [(r["time"], r["name"], r["groups"]) for r in nxt] == [("2025-06-16 07:30", "早安", 2),
                                                                       ("2025-06-16 20:00", "省钱话题", 2)]
        await pilot.press("3")
        await settle(pilot)
        table = s.query_one("#runs")
        assert [r["name"] for r in table.source.rows(0, 10)] == ["省钱话题", "早安"]
        await pilot.press("j", "S")
        await settle(pilot)
        (run,) = [r for r in runs.runs(sws) if r["name"] == "早安"]
        assert run["stopped"] == 2
        await pilot.press("R")
        await settle(pilot)
        assert [r for r in runs.runs(sws) if r["name"] == "早安"][0]["waiting"] == 2


async def test_in_chinese(sws):
    app = make_app(sws, lang="zh-CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("C")
        await settle(pilot)
        s = app.screen
        assert s.title == "内容" and s.sub_title == "2025-06：今天起空缺 43 处；未来 24 小时发送 4 条"
        assert "用途占比" in str(s.query_one("#calendar-summary").render())
        assert " C 内容 " in str(s.query_one("#modebar").render())


def test_the_panels_day(sws):
    checkin.save_rule(sws, "all")
    with sws.clock_at(local(sws, "2025-06-16 12:00")):
        d = today(sws)
    assert d["posts"] == {"waiting": 4} and d["topics"] == ["省钱话题"]  # 07:30 and 20:00 in two groups
    assert d["next"] == {"time": "20:00", "name": "省钱话题", "groups": 2}  # 07:30's are waiting, not next
    assert d["gaps_7d"] == 7 * 3 - 3 - 2  # three scopes a day; the 16th covered for all, the 19th for welfare and its family
    assert d["checkins"] == 0 and d["leaders"] == [] and d["keyword_replies"] == 0


async def test_the_scripts_and_campaigns_tabs(sws):
    from plugins.content import campaigns, scripts

    c = item(sws, "早安 {group}！今天来接龙", title="早安接龙")
    scripts.create(sws, "早安话术", "post", ["1", str(c)], seed=11)
    g = sws.store.scalar("SELECT id FROM groups WHERE platform_group_id = '引流A'")
    v = {r["label"]: r["id"] for r in scripts.get(sws, "早安话术")["versions"]}
    for label, audience, speakers in (("A", 300, 90), ("B", 300, 135)):
        sws.store.execute("INSERT INTO content_script_exposures(script_id, version_id, group_id, at, audience, speakers,"
                          " status, key) VALUES (1, ?, ?, ?, ?, ?, 'done', ?)", (v[label], g, T0, audience, speakers,
                                                                                   f"k{label}"))
    campaigns.create(sws, "邀请3位好友", goal=3, start="2025-06-16", reward=50)
    app = make_app(sws)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        s = app.screen
        rows = s.query_one("#scripts").source.rows(0, 10)
        assert [(r["script"], r["label"], r["trials"], r["rate"]) for r in rows] == [("早安话术", "A", 300, "30.0%"),
                                                                                      ("", "B", 300, "45.0%")]
        assert str(s.query_one("#script-statement").render()).startswith("B beats A: participation 45.0% against 30.0%")
        await pilot.press("5")
        await settle(pilot)
        (row,) = s.query_one("#campaigns").source.rows(0, 10)
        assert (row["campaign"], row["progress"]) == ("邀请3位好友 (2025-06-22)", "0/3")


def test_the_families_cell_names_families_with_the_same_day_together():
    """At 100 groups every family's "name: topic" ran off the screen; families that share a
    day are named once together, and all alike read as one value with the count."""
    from plugins.content.screens import families_cell
    from plugins.content.translations import ZH_CN

    def zh(text, **kw):
        return ZH_CN.get(text, text).format(**kw)

    def en(text, **kw):
        return text.format(**kw)

    assert families_cell(en, [("会员福利", "⚠ 省钱话题")]) == "会员福利: ⚠ 省钱话题"
    assert families_cell(zh, [("A", "—"), ("B", "—"), ("C", "—")]) == "—（全部 3 个群矩阵）"
    assert families_cell(en, [("A", "早安"), ("B", "早安")]) == "早安 (all 2 families)"
    assert families_cell(en, [("A", "早安"), ("B", "—"), ("C", "早安"), ("D", "—"), ("E", "—"), ("F", "—"),
                              ("G", "—")]) == "早安: A、C  —: B、D、E … (+2)"


def test_the_summary_names_views_with_the_same_gaps_together_and_says_target_as_an_aim():
    from console.i18n import ZH_CN as HOST
    from plugins.content.screens import summary
    from plugins.content.translations import ZH_CN

    words = {**HOST, **ZH_CN}

    def zh(text, **kw):
        return words.get(text, text).format(**kw)

    view = {"gaps": {"type:traffic": 3, "type:welfare": 3, "family:会员福利": 5},
            "gaps_ahead": {"type:traffic": 1, "type:welfare": 1, "family:会员福利": 5}, "collisions": [],
            "mix": {"share": {"activation": 0.5, "conversion": 0.25, "brand": 0.25},
                    "target": {"activation": 0.6, "conversion": 0.3, "brand": 0.1}}}
    gaps, mix = summary(zh, view, "zh-CN").split("\n")
    assert gaps == "[b]空缺[/]：引流群、福利群 3（今天起 1）  会员福利 5"
    assert "50%（目标 60%）" in mix and "对象" not in mix
