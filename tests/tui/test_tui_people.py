"""People and plugins' numbers on screen (issue 18 items 5-6, issue 22): a third party's KPI
on the dashboard, segments on Members and profiles through the host's labels."""

from __future__ import annotations

from console.hookspecs import hookimpl
from console.pluginmanager import get_plugin_manager
from console.registry import KpiSpec
from console.tui.vtable import VirtualTable
from console.workspace import Workspace

from .world import NOW, make_app, settle


class CheckinPlugin:
    @hookimpl
    def register_kpis(self, register):
        def compute(ws, scope="all", since="", until=""):
            return 0.000416 if until == ws.day(ws.now()) else 0.000547

        register(KpiSpec("checkin_rate", "check-in rate", "activation", "ratio", "check-ins / members", compute))


def open_with(cfg, *extra, disabled=()):
    return Workspace.open(cfg, clock=lambda: NOW, pm=get_plugin_manager(list(disabled), extra=list(extra)))


async def test_a_third_party_kpi_shows_in_the_dashboards_kpi_panel(tui_config):
    ws = open_with(tui_config, ("checkin", CheckinPlugin()))
    try:
        app = make_app(ws)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            text = str(app.screen.query_one("KpiPanel #kpi-body").render())
            lines = text.splitlines()
            line = next(x for x in lines if "check-in rate" in x)
            assert "0.042%" in line and "▼24%" in line
            # in its stage: after the activation heading, before retention's
            assert lines.index("activation") < lines.index(line) < lines.index("retention")
            assert not app.screen.query("#plugin-kpis")  # the panel shows it; not twice
    finally:
        ws.close()


async def test_without_the_kpi_plugin_the_dashboard_lists_plugins_kpis(tui_config):
    ws = open_with(tui_config, ("checkin", CheckinPlugin()), disabled=["kpi"])
    try:
        app = make_app(ws, lang="zh-CN")
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            box = app.screen.query_one("#plugin-kpis")
            assert box.display and "check-in rate：0.042%  ▼24%" in str(box.render())
            assert "插件的指标" in str(app.screen.query_one("#plugin-kpis-title").render())
    finally:
        ws.close()


async def test_members_and_profile_show_the_segment_through_the_host(tui_ws):
    pid = tui_ws.store.scalar("SELECT s.person_id FROM kpi_segments s JOIN people p ON p.id = s.person_id"
                              " WHERE s.segment = 'need' AND p.is_insider = 0 ORDER BY 1 LIMIT 1")
    why = tui_ws.store.scalar("SELECT why FROM kpi_segments WHERE person_id = ?", (pid,))
    assert tui_ws.store.scalar("SELECT count(*) FROM tags WHERE tag = 'segment'") == 0  # not read from tags
    app = make_app(tui_ws)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("slash", *"segment:need", "enter")
        await pilot.pause(0.4)
        await settle(pilot)
        table = app.screen.query_one("#table", VirtualTable)
        # the seeded world's need buyers (47 since its members have bought since joining), the same
        # people the segments table holds
        need = tui_ws.store.scalar("SELECT count(*) FROM kpi_segments s JOIN people p ON p.id = s.person_id"
                                   " WHERE s.segment = 'need' AND p.is_insider = 0")
        assert table.total == need == 47 and table.current_row["segment"] == "need"
        assert table.current_row["id"] == pid
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#profile").render())
        assert f"need (rule, {why[:20]}" in text and "not computed yet" not in text


async def test_link_two_accounts_of_one_person_and_undo_it_from_the_keyboard(tui_ws):
    """The done-when of issue 18: link two accounts of one person and undo it, keys counted
    (docs/console.md): m / sb-u179 (an account) Enter L Enter y, then z y Enter."""
    from console.identity import suggestions

    from console.tui.bulk import BulkScreen
    from console.tui.dialogs import ConfirmScreen
    from console.tui.pickers import ChoiceScreen

    first = suggestions(tui_ws)[0]  # the seeded world's first: the same nickname in one family
    a, b, name = first["a"], first["b"], first["a_name"]
    assert first["a_name"] == first["b_name"] and "same nickname" in first["why"]
    account = first["a_accounts"].split(":", 1)[1]
    people = tui_ws.store.scalar("SELECT count(*) FROM people")
    app = make_app(tui_ws)
    keys = 0

    async def press(*k):
        nonlocal keys
        keys += len(k)
        await pilot.press(*k)
        await settle(pilot)

    async with app.run_test(size=(140, 45)) as pilot:
        await press("m", "slash", *account, "enter")
        await pilot.pause(0.4)
        await settle(pilot)
        table = app.screen.query_one("#table", VirtualTable)
        assert table.total == 1 and table.current_row["id"] == a
        assert app.screen.sub_title == f"1 person · “{account}”"  # not "1 people"
        await press("L")
        assert isinstance(app.screen, ChoiceScreen)
        offered = app.screen.options[0][0]
        assert offered.startswith(f"#{b} {name}") and f"same nickname {name} in family 会员福利" in offered
        await press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"#{a} {name}" in app.screen.question and f"#{b} {name}" in app.screen.question
        await press("y")
        assert tui_ws.store.scalar("SELECT into_id FROM person_links WHERE person_id = ? AND ended_at IS NULL",
                                   (b,)) == a
        assert table.current_row["identities"] == f"{first['a_accounts']} {first['b_accounts']}"  # one row, both
        assert keys == 6 + len(account)  # m / the account Enter L Enter y
        app.screen.query_one("#search").value = ""
        await pilot.pause(0.4)
        await settle(pilot)
        assert table.total == people - 1  # one person fewer in the list, nobody deleted
        await press("z")
        assert isinstance(app.screen, ConfirmScreen) and "Undo link 1 accounts" in app.screen.question
        await press("y")
        assert isinstance(app.screen, BulkScreen) and "Undone: 1" in str(app.screen.query_one("#bulk-body").render())
        await press("enter")
        assert table.total == people
        assert keys == 9 + len(account)  # and z y Enter to undo
    assert tui_ws.store.scalar("SELECT count(*) FROM person_links WHERE ended_at IS NULL") == 0
    assert tui_ws.store.scalar("SELECT undone_by FROM identity_link_ops") == "operator:tester"
    assert tui_ws.store.scalar("SELECT count(*) FROM people") == people  # nothing merged away
