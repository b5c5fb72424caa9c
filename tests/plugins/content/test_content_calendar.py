"""The content calendar: themes, planned topics posted like one-off schedules, and the month
view's holidays, gaps, collisions and purpose mix; bad entries and import rows refused."""

from __future__ import annotations

import json

import pytest

from content_kit import DAY, T0, add_group, cli, item, local
from conftest import make_config
from console.workspace import Workspace
from plugins.content import calendar
from plugins.content.errors import ContentError
from plugins.content.planner import plan


@pytest.fixture
def cws(tmp_path):
    cfg = make_config(tmp_path, "[content]\ncollision_days = 7\n")
    with Workspace.open(cfg) as w:
        w.cfg = cfg
        w.g = {"引流": add_group(w, "引流", "traffic"), "福利1": add_group(w, "福利1", "welfare", "会员福利"),
               "福利2": add_group(w, "福利2", "welfare", "会员福利"), "快闪": add_group(w, "快闪", "flash")}
        yield w


def topic(ws, **raw):
    with ws.clock_at(T0):
        return calendar.plan_topic(ws, raw)


def test_month_view_gaps_collisions_holidays_themes_and_mix(cws):
    a = item(cws, "今日话题：省钱妙招", title="省钱妙招")
    b = item(cws, "会员专享：{product}", title="会员专享", purpose="conversion", product="坚果")
    topic(cws, day="2025-06-16", item=str(a))
    topic(cws, day="2025-06-17", item="会员专享", scope="type:welfare")
    topic(cws, day="2025-06-20", item=str(b), scope="family:会员福利")
    topic(cws, day="2025-06-21", title="品牌故事（待写）", purpose="brand", scope="type:flash")
    topic(cws, day="2025-06-27", item=str(b), scope="family:会员福利", purpose="conversion")  # 7 days on: no collision
    with cws.clock_at(T0):
        calendar.set_theme(cws, "month", "2025-06", "all", "夏日福利月")
        assert calendar.set_theme(cws, "week", "2025-06-18", "type:welfare", "会员周") == "2025-06-16"
        calendar.set_theme(cws, "day", "2025-06-18", "all", "618 大促", "conversion")
    v = calendar.month_view(cws, "2025-06")
    assert v["scopes"] == ["type:traffic", "type:welfare", "type:flash", "family:会员福利"]
    assert v["gaps"] == {"type:traffic": 29, "type:welfare": 28, "type:flash": 28, "family:会员福利": 26}
    d16, d17, d18, d20 = (v["days"][i] for i in (15, 16, 17, 19))
    assert [t["title"] for t in d16["scopes"]["family:会员福利"]["topics"]] == ["省钱妙招"]  # all covers every scope
    assert d17["scopes"]["family:会员福利"]["topics"][0]["title"] == "会员专享"  # a type covers its families
    assert d17["scopes"]["type:traffic"]["gap"] is True
    assert d18["holidays"] == ["618"]
    assert [t["title"] for t in d18["scopes"]["type:welfare"]["themes"]] == ["618 大促", "会员周", "夏日福利月"]
    assert [t["title"] for t in d18["scopes"]["type:traffic"]["themes"]] == ["618 大促", "夏日福利月"]
    # b twice in the family within 7 days; not a collision of type:welfare (the family entry is not the type's)
    assert v["collisions"] == [{"scope": "family:会员福利", "item_id": b, "title": "会员专享", "first": "2025-06-17",
                                "second": "2025-06-20", "days": 3}]
    assert d20["scopes"]["family:会员福利"]["collisions"] == [b] and not d20["scopes"]["type:welfare"]["collisions"]
    mix = v["mix"]
    assert mix["counts"] == {"activation": 1, "conversion": 3, "brand": 1}
    assert mix["off"] == {"activation": -0.4, "conversion": 0.3, "brand": 0.1}


def test_a_topic_with_an_item_is_posted_at_its_time(cws):
    a = item(cws, "今日话题：{group}的你最近买了什么？")
    topic(cws, day="2025-06-16", item=str(a), scope="type:welfare")
    topic(cws, day="2025-06-16", item=str(a), scope="type:traffic", time="21:30")
    topic(cws, day="2025-06-16", title="只是计划，没有素材")
    topic(cws, day="2025-06-16", item=str(a), scope="type:flash", time="23:30")  # after the window's end
    posts = plan(cws, T0, T0 + DAY)
    assert [(p.group, p.fire_at, p.text) for p in posts] == [
        ("福利1", local(cws, "2025-06-16 20:00"), "今日话题：福利1的你最近买了什么？"),
        ("福利2", local(cws, "2025-06-16 20:00"), "今日话题：福利2的你最近买了什么？"),
        ("引流", local(cws, "2025-06-16 21:30"), "今日话题：引流的你最近买了什么？")]
    assert posts[0].source == "calendar:1"


@pytest.mark.parametrize("raw, message", [
    ({"day": "2025-06-01", "title": "x"}, "day: 2025-06-01 is in the past; a topic planned there would never be posted"),
    ({"day": "2025-6-1x", "title": "x"}, "day: '2025-6-1x' is not a date; expected YYYY-MM-DD"),
    ({"day": "2025-06-20", "title": "x", "scope": "type:vip"},
     "scope: 'type:vip'; expected all, type:traffic, type:welfare, type:flash or family:NAME"),
    ({"day": "2025-06-20", "item": "99"}, "item: no library item '99' (an id or an exact title, not archived)"),
    ({"day": "2025-06-20"}, "item: give a library item or at least a title for the planned topic"),
    ({"day": "2025-06-20", "title": "x", "time": "25:00"},
     "time: '25:00' is not a time of day; expected HH:MM from 00:00 to 23:59"),
])
def test_bad_entries_are_refused(cws, raw, message):
    with pytest.raises(ContentError) as e:
        topic(cws, **raw)
    assert str(e.value) == message
    assert cws.store.scalar("SELECT count(*) FROM content_calendar") == 0


def test_an_item_for_another_type_is_refused(cws):
    w = item(cws, "福利专享", group_type="welfare")
    with pytest.raises(ContentError, match="library item 1 is for welfare groups, the entry is for type:traffic"):
        topic(cws, day="2025-06-20", item=str(w), scope="type:traffic")


def test_themes_refuse_bad_periods_and_starts(cws):
    with pytest.raises(ContentError, match="start: '2025-13'; expected YYYY-MM"):
        calendar.set_theme(cws, "month", "2025-13", "all", "x")
    with pytest.raises(ContentError, match="title: 0 characters; expected 1 to 60"):
        calendar.set_theme(cws, "day", "2025-06-18", "all", " ")
    with pytest.raises(ContentError, match="theme: no week theme from 2025-06-16 for all"):
        calendar.clear_theme(cws, "week", "2025-06-18", "all")


def test_csv_import_is_all_or_nothing_and_the_cli_month(cws, tmp_path):
    a = item(cws, "今日话题", title="话题A")
    f = tmp_path / "cal.csv"
    f.write_text("day,time,scope,item,title,purpose\n2099-06-16,20:00,all,话题A,,\n2099-06-17,,type:vip,,x,\n"
                 "2099-06-18,,all,,,\n", encoding="utf-8")  # the CLI's clock is the wall clock: days far ahead
    r = cli(cws.cfg, "content", "calendar", "import", str(f))
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "Error: cal.csv line 3: scope: 'type:vip'; expected all, type:traffic, type:welfare, type:flash or family:NAME",
        "Error: cal.csv line 4: item: give a library item or at least a title for the planned topic"]
    assert cws.store.scalar("SELECT count(*) FROM content_calendar") == 0
    f.write_text("day,time,scope,item,title,purpose\n2099-06-16,20:00,all,话题A,,\n", encoding="utf-8")
    r = cli(cws.cfg, "content", "calendar", "import", str(f))
    assert r.exit_code == 0 and r.output.strip() == "Topics planned: 1"
    assert cws.store.scalar("SELECT count(*) FROM content_calendar WHERE day = '2099-06-16'") == 1
    with cws.clock_at(T0):
        topic(cws, day="2025-06-16", item=str(a))
        topic(cws, day="2025-06-19", item=str(a), scope="type:traffic")
    r = cli(cws.cfg, "content", "calendar", "month", "2025-06", "--json")
    view = json.loads(r.output)[0]
    assert view["collisions"][0]["days"] == 3 and view["gaps"]["type:traffic"] == 28
    r = cli(cws.cfg, "content", "calendar", "month", "2025-06", "--scope", "type:traffic")
    lines = r.output.splitlines()
    assert ["06-16", "Mon", "⚠", "话题A"] in [line.split() for line in lines]
    assert ["06-18", "Wed", "618", "—", "gap", "—"] in [line.split() for line in lines]
    assert ["06-01", "Sun", "端午节", "—", "gap", "—"] in [line.split() for line in lines]
    assert "Collision in traffic: 话题A on 2025-06-16 and 2025-06-19 (3 days apart)" in lines
    assert lines[-1] == "Purpose mix: activation 100% (target 60%); conversion 0% (target 30%); brand 0% (target 10%)"
