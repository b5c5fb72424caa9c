"""Schedule an announcement from the keyboard (B on Groups or a group's page): the time read
and checked before the confirmation, which names the groups and the time; the entry_rules
plugin's own publish queues one held action per group; z takes it back while it waits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from console.tui.bulk import BulkScreen
from console.tui.dialogs import ConfirmScreen
from console.tui.schedule_dialog import ScheduleScreen, WhenProblem, parse_when

from .test_tui_bulk import Keys
from .world import NOW, make_app, settle

TZ = ZoneInfo("Asia/Shanghai")
TOMORROW_9 = NOW + 21 * 3600  # 2024-11-19 09:00 in Shanghai (NOW is 2024-11-18 12:00 there)


def test_times_are_read_in_the_operators_zone_and_refused_in_words():
    assert parse_when("tomorrow 09:00", NOW, TZ) == TOMORROW_9
    assert parse_when("明天 09：00", NOW, TZ) == TOMORROW_9
    assert parse_when("09:00", NOW, TZ) == TOMORROW_9  # passed today: tomorrow's
    assert parse_when("21:30", NOW, TZ) == NOW + 9 * 3600 + 1800
    assert parse_when("11-19 09:00", NOW, TZ) == parse_when("2024-11-19 09:00", NOW, TZ) == TOMORROW_9
    assert parse_when("+90m", NOW, TZ) == NOW + 5400
    for bad, words in (("25:00", "is not a time"), ("today 11:00", "has passed (it is 2024-11-18 12:00 now)"),
                       ("2024-11-18 11:59", "has passed"), ("2025-03-01 09:00", "more than 90 days ahead"),
                       ("", "give a time"), ("next week", "is not a time")):
        with pytest.raises(WhenProblem) as e:
            parse_when(bad, NOW, TZ)
        assert words in str(e.value) and str(e.value).startswith("time: ")


async def test_schedule_an_announcement_in_two_marked_groups_and_undo_it(tui_ws):
    ws = tui_ws
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await keys("g", "j", "space", "space")  # 会员福利1群 and 双11快闪群 marked (space marks and moves down)
        await keys("B")
        assert isinstance(app.screen, ScheduleScreen)
        typed = 0
        for word in ("Sale", "Tomorrow at ten", "25:00"):
            await pilot.press(*[("space" if ch == " " else ch) for ch in word])
            typed += len(word)
            await keys("enter")
        # the time is checked in the dialog: said under the boxes, nothing confirmed, nothing queued
        assert isinstance(app.screen, ScheduleScreen)
        assert "time: '25:00' is not a time" in str(app.screen.query_one("#problem").render())
        assert app.screen.focused.id == "when"
        app.screen.query_one("#when").value = ""
        word = "tomorrow 09:00"
        await pilot.press(*[("space" if ch == " " else ch) for ch in word])
        typed += len(word)
        await keys("enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Publish “Sale” in 2 groups at 2024-11-19 09:00 (tomorrow)?"
        assert "会员福利1群" in app.screen.detail and "双11快闪群" in app.screen.detail
        assert ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'announce'") == 0
        await keys("y")
        assert keys.n == 10  # g j space space B Enter Enter Enter (the bad time) Enter y; the words typed apart
        rows = ws.store.query("SELECT group_id, status, not_before, params FROM actions WHERE kind = 'announce'"
                              " ORDER BY group_id")
        assert [(r["group_id"], r["status"], r["not_before"]) for r in rows] == [(2, "pending", TOMORROW_9),
                                                                                 (3, "pending", TOMORROW_9)]
        assert '"title": "Sale"' in rows[0]["params"] and "Tomorrow at ten" in rows[0]["params"]
        ann = ws.store.one("SELECT title, text, created_by FROM entry_announcements ORDER BY id DESC LIMIT 1")
        assert ann == {"title": "Sale", "text": "Tomorrow at ten", "created_by": "tester"}
        posts = ws.store.query("SELECT group_id, not_before FROM entry_announcement_posts ORDER BY group_id")
        assert posts == [{"group_id": 2, "not_before": TOMORROW_9}, {"group_id": 3, "not_before": TOMORROW_9}]
        # z: the schedule is taken back while it waits
        await keys("z")
        assert isinstance(app.screen, ConfirmScreen) and "schedule an announcement in 2 groups" in app.screen.question
        await keys("y")
        assert isinstance(app.screen, BulkScreen)
        assert "Undone: 2" in str(app.screen.query_one("#bulk-body").render())
        assert [r["status"] for r in ws.store.query("SELECT status FROM actions WHERE kind = 'announce'")] == \
            ["cancelled", "cancelled"]


async def test_a_group_page_schedules_for_that_group_and_an_empty_title_is_refused(tui_ws):
    ws = tui_ws
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_group(4)
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert app.screen.question == "Schedule an announcement in 会员福利2群"
        app.screen.query_one("#text").value = "周末福利"
        app.screen.query_one("#when").value = "+2h"
        app.screen.query_one("#when").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "title: give the announcement a title" in str(app.screen.query_one("#problem").render())
        assert app.screen.focused.id == "title"
        app.screen.query_one("#title").value = "周末"
        app.screen.query_one("#when").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.question == "Publish “周末” in 会员福利2群 at 2024-11-18 14:00 (today)?"
        await pilot.press("y")
        await settle(pilot)
    assert ws.store.query("SELECT group_id, not_before FROM actions WHERE kind = 'announce'") == [
        {"group_id": 4, "not_before": NOW + 7200}]
