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
        assert table.total == 2 and table.current_row["segment"] == "need"
        assert table.current_row["id"] == pid
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#profile").render())
        assert f"need (rule, {why[:20]}" in text and "not computed yet" not in text
