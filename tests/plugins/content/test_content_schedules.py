"""Schedules refused when they could never post, and the plan: every target group's post
in the workspace's time zone, held back by holidays, pauses, caps and length, a task
where the platform cannot post, paced per account and per group."""

from __future__ import annotations

import pytest

from content_kit import DAY, T0, add_group, item, local, owner, schedule
from conftest import make_config
from console.workspace import Workspace
from plugins.content import holidays, schedules
from plugins.content.errors import ContentError
from plugins.content.planner import plan


@pytest.fixture
def pws(tmp_path):
    """Groups by hand: two sandbox traffic groups, two welfare siblings, a WeCom group;
    posts of one account 30 s apart."""
    cfg = make_config(tmp_path, "[content]\naccount_spacing_seconds = 30\n")
    with Workspace.open(cfg) as w:
        w.g = {name: add_group(w, name, *spec) for name, spec in (
            ("引流A", ("traffic",)), ("引流B", ("traffic",)), ("福利1", ("welfare", "会员")), ("福利2", ("welfare", "会员")))}
        w.g["企微群"] = add_group(w, "企微群", "welfare", None, None, "wecom", "wechat")
        yield w


def refused(ws, **kw) -> str:
    with pytest.raises(ContentError) as e:
        schedule(ws, **kw)
    assert ws.store.scalar("SELECT count(*) FROM content_schedules") == 0
    return str(e.value)


def test_schedules_that_could_never_post_are_refused(pws):
    i = item(pws)
    assert refused(pws, item_id=i, cron="0 9 31 2 *") == "cron: '0 9 31 2 *' never fires in the next five years"
    assert refused(pws, item_id=i, cron="0 9 * * *", until_day="2025-06-01") == (
        "until: 2025-06-01 is in the past; the schedule would never fire")
    assert refused(pws, item_id=i, cron="", once_at=T0 - 3600) == (
        "once: 2025-06-15 22:06 is in the past; the schedule would never fire")
    assert refused(pws, item_id=i, cron="0 9 * * 1", until_day="2025-06-15") == (
        "cron: '0 9 * * 1' never fires by 2025-06-15")
    assert refused(pws, item_id=i, targets=["type:flash"]) == "to: type:flash matches no active group"
    assert refused(pws, item_id=i, targets=["family:无此矩阵"]) == "to: no group is in family '无此矩阵'"
    assert refused(pws, item_id=i, targets=["不存在的群"]).startswith("to: no group '不存在的群'")
    assert refused(pws, pick_tag="无此标签") == "pick: no library item carries the tag '无此标签'"
    assert refused(pws) == "item: give a library item or a tag to rotate through"
    assert refused(pws, item_id=i, skip_holidays="weekends") == (
        "skip_holidays: 'weekends' is not one of public, all, or empty")


def test_an_item_made_for_another_group_type_is_refused(pws):
    w = item(pws, group_type="welfare")
    assert refused(pws, item_id=w) == ("item: library item 1 is for welfare groups; 2 target groups are not "
                                       "(引流A、引流B)")
    assert schedule(pws, item_id=w, targets=["type:welfare"])


def test_a_text_too_long_once_filled_in_names_the_group(pws):
    long_name = add_group(pws, "x", "flash", name="长" * 30)
    i = item(pws, "好" * 1980 + "{group}")  # 1,996 with a 16-character name: saved
    msg = refused(pws, item_id=i, targets=[f"group:{long_name}"])
    assert msg == ("text: 2,010 characters once filled in for group " + "长" * 30 + "; the limit on sandbox is 2,000 "
                   "characters")


def test_the_plan_fills_in_each_group_and_paces_each_account(pws):
    owner(pws, pws.g["引流A"], "小美")
    i = item(pws, "早安 {group}！{owner}提醒：今天是{date}")
    schedule(pws, item_id=i)
    posts = plan(pws, T0, T0 + DAY)
    fire = local(pws, "2025-06-16 07:30")
    assert [(p.group, p.fire_at, p.not_before, p.status) for p in posts] == [
        ("引流A", fire, fire, "queued"), ("引流B", fire, fire + 30, "queued"), ("福利1", fire, fire + 60, "queued"),
        ("福利2", fire, fire + 90, "queued"), ("企微群", fire, fire, "queued")]  # another account: its own pace
    assert posts[0].text == "早安 引流A！小美提醒：今天是6月16日"
    assert posts[1].text == "早安 引流B！群主提醒：今天是6月16日"  # no owner: the word for one
    assert posts[4].note == ""  # WeChat: queued, a mass send the owner confirms (plugins/wechat)


def test_a_group_gets_two_posts_of_one_minute_apart_by_the_gap(pws):
    a, b = item(pws, "早安"), item(pws, "今日话题")
    schedule(pws, "早安", item_id=a, targets=["引流A"])
    schedule(pws, "话题", item_id=b, targets=["引流A"])
    posts = plan(pws, T0, T0 + DAY)
    fire = local(pws, "2025-06-16 07:30")
    assert [(p.name, p.not_before) for p in posts] == [("早安", fire), ("话题", fire + 120)]


def test_holidays_pauses_and_the_wecom_daily_cap(pws):
    i = item(pws, "早安")
    schedule(pws, "早安", item_id=i, skip_holidays="public")
    schedule(pws, "晚安", item_id=i, cron="0 21 * * *")
    with pws.clock_at(T0):
        holidays.add(pws, "2025-06-17", "公司周年", "custom")  # not public: the greeting still goes
        holidays.add(pws, "2025-06-18", "测试假日", "public")
        schedules.pause(pws, pws.g["福利1"], reason="群主休假")
        schedules.pause(pws, pws.g["引流B"], schedule_id=2, ends_at=local(pws, "2025-06-17 00:00"))
    posts = plan(pws, T0, T0 + 3 * DAY)
    got = {(p.name, pws.day(p.fire_at), p.group): (p.status, p.note) for p in posts}
    assert got[("早安", "2025-06-17", "引流A")] == ("queued", "")
    assert got[("早安", "2025-06-18", "引流A")] == ("skipped", "holiday:测试假日")
    assert got[("晚安", "2025-06-18", "引流A")] == ("queued", "")  # 晚安 does not skip holidays
    assert got[("早安", "2025-06-16", "福利1")] == ("skipped", "paused")
    assert got[("晚安", "2025-06-16", "引流B")] == ("skipped", "paused")  # paused for this schedule, until midnight
    assert got[("早安", "2025-06-16", "引流B")] == ("queued", "")
    assert got[("晚安", "2025-06-17", "引流B")] == ("queued", "")
    # WeCom lets a customer group receive one mass send a day: the evening one is held back
    assert got[("早安", "2025-06-16", "企微群")] == ("queued", "")
    assert got[("晚安", "2025-06-16", "企微群")] == ("skipped", "cap:1")


def test_a_tag_rotation_picks_per_post_and_per_group_type(pws):
    a = item(pws, "福利早安A", tags="早安", group_type="welfare")
    b = item(pws, "早安B", tags="早安")
    c = item(pws, "早安C", tags="早安")
    schedule(pws, pick_tag="早安", targets=["引流A", "福利1"])
    posts = plan(pws, T0, T0 + 3 * DAY)
    assert [(p.seq, p.group, p.item_id) for p in posts] == [
        (1, "引流A", c), (1, "福利1", b),  # post 1: traffic picks from [B, C], welfare from [A, B, C]
        (2, "引流A", b), (2, "福利1", c),
        (3, "引流A", c), (3, "福利1", a)]


def test_once_and_until(pws):
    i = item(pws, "双11预告")
    schedule(pws, "预告", item_id=i, cron="", once_at=local(pws, "2025-06-16 20:00"), targets=["引流A"])
    schedule(pws, "三天", item_id=i, cron="0 12 * * *", until_day="2025-06-17", targets=["引流A"])
    posts = plan(pws, T0, T0 + 5 * DAY)
    assert [(p.name, p.fire_at) for p in posts] == [("三天", local(pws, "2025-06-16 12:00")),
                                                   ("预告", local(pws, "2025-06-16 20:00")),
                                                   ("三天", local(pws, "2025-06-17 12:00"))]


def test_edit_keeps_what_is_not_given(pws):
    i, j = item(pws, "a"), item(pws, "b")
    sid = schedule(pws, item_id=i)
    with pws.clock_at(T0):
        schedules.save(pws, {"pick_tag": None, "item_id": j}, sid)
        schedules.save(pws, {"cron": "0 8 * * *"}, sid)
    s = schedules.get(pws, sid)
    assert (s["item_id"], s["cron"], s["name"]) == (j, "0 8 * * *", "早安")
    with pytest.raises(ContentError, match="a schedule named '早安' exists"):
        schedule(pws, item_id=i)
