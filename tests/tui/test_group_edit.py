"""A group's theme, tier and capacity from the keyboard (e on Groups and on a group's page):
checked before the confirmation, which names the groups; single and marked groups; z puts
the values back."""

from __future__ import annotations

import pytest

from console.tui.dialogs import ConfirmScreen
from console.tui.group_edit import FieldProblem, GroupEditScreen, changes

from .world import make_app, settle

GROUPS = [{"id": 2, "name": "会员福利1群", "theme": "会员专享", "tier": "高消费", "capacity": 500, "member_count": 139},
          {"id": 4, "name": "会员福利2群", "theme": "会员专享", "tier": "低消费", "capacity": 500, "member_count": 181}]


def test_what_the_boxes_change_and_what_is_refused():
    same = {"theme": "会员专享", "tier": "", "capacity": "500"}
    assert changes(GROUPS, same) == {}  # left as they were (the tiers differ: an empty box)
    assert changes(GROUPS, {**same, "tier": "中消费"}) == {"tier": "中消费"}
    assert changes(GROUPS, {**same, "theme": "-"}) == {"theme": ""}
    assert changes(GROUPS, {**same, "capacity": "200"}) == {"capacity": 200}  # 181 members fit
    for typed, box, words in (({"capacity": "180"}, "capacity", "180 is below the 181 members of 会员福利2群; expected 181 to 3,000"),
                              ({"capacity": "3001"}, "capacity", "is not a whole number from 1 to 3,000"),
                              ({"capacity": "2百"}, "capacity", "is not a whole number"),
                              ({"tier": "x" * 21}, "tier", "tier: 21 characters; expected at most 20"),
                              ({"theme": "y" * 61}, "theme", "theme: 61 characters; expected at most 60")):
        with pytest.raises(FieldProblem) as e:
            changes(GROUPS, {**same, **typed})
        assert e.value.box == box and words in str(e.value)


async def test_two_marked_groups_get_a_tier_and_capacity_after_a_refusal_and_z_puts_them_back(tui_ws):
    ws = tui_ws
    with ws.store.write() as c:  # the groups as the seeded world has them, pinned here (the sandbox may change)
        c.executemany("UPDATE groups SET type = ?, theme = ?, tier = ?, capacity = 500, member_count = ? WHERE id = ?",
                      [("traffic", "每日好物", "", 145, 1), ("welfare", "会员专享低价 · 复购返券", "高消费", 139, 2),
                       ("flash", "双11大促", "", 141, 3), ("welfare", "会员专享低价 · 复购返券", "高消费", 181, 4),
                       ("traffic", "育儿经验", "", 152, 5), ("welfare", "每天10点秒杀", "低消费", 138, 6)])
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g", "slash", *"welfare", "enter")
        await settle(pilot)
        await pilot.press("space", "space")  # 会员福利1群, 会员福利2群 (the filter shows the three welfare groups)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, GroupEditScreen)
        assert app.screen.question == "Theme, tier and capacity of 2 groups"
        assert app.screen.query_one("#theme").value == "会员专享低价 · 复购返券"  # the same in both
        assert app.screen.query_one("#tier").value == "高消费"
        app.screen.query_one("#tier").value = "核心会员"
        app.screen.query_one("#capacity").value = "150"
        app.screen.query_one("#capacity").focus()
        await pilot.press("enter")
        await settle(pilot)
        # refused in the dialog, naming the group: nothing asked, nothing written
        assert isinstance(app.screen, GroupEditScreen)
        problem = str(app.screen.query_one("#problem").render())
        assert "capacity: 150 is below the 181 members of 会员福利2群; expected 181 to 3,000" in problem
        assert app.screen.focused.id == "capacity"
        app.screen.query_one("#capacity").value = "200"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Set tier → 核心会员, capacity → 200 in 2 groups?"
        assert app.screen.detail == "groups: 会员福利1群、会员福利2群"
        await pilot.press("y")
        await settle(pilot)
        got = ws.store.query("SELECT id, theme, tier, capacity FROM groups ORDER BY id")
        assert [(r["id"], r["tier"], r["capacity"]) for r in got] == [
            (1, "", 500), (2, "核心会员", 200), (3, "", 500), (4, "核心会员", 200), (5, "", 500), (6, "低消费", 500)]
        audits = ws.store.query("SELECT action, target_id FROM audit_log WHERE action IN ('group_update',"
                                " 'group_capacity_set') ORDER BY id")
        assert [(a["action"], a["target_id"]) for a in audits] == [
            ("group_update", "2"), ("group_update", "4"), ("group_capacity_set", "2"), ("group_capacity_set", "4")]
        await pilot.press("z")
        await settle(pilot)
        assert "set the theme, tier or capacity of 2 groups" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    back = ws.store.query("SELECT tier, capacity FROM groups WHERE id IN (2, 4) ORDER BY id")
    assert back == [{"tier": "高消费", "capacity": 500}, {"tier": "高消费", "capacity": 500}]


async def test_a_group_page_sets_its_own_theme(tui_ws):
    ws = tui_ws
    app = make_app(ws, lang="zh-CN")
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_group(3)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.question == "双11快闪群 的社群主题、分级和群上限"
        app.screen.query_one("#theme").value = "双12返场"
        app.screen.query_one("#capacity").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.question == "在 双11快闪群 设置 社群主题 → 双12返场？"
        await pilot.press("y")
        await settle(pilot)
        assert "双12返场" in str(app.screen.query_one("#info").render())  # read again after saving
    assert ws.store.scalar("SELECT theme FROM groups WHERE id = 3") == "双12返场"
