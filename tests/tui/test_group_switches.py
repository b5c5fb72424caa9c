"""A group's page: M (whole-group mute) and R (rename) ask in a dialog naming the group and
queue one action through the outbox; a bad name is refused and nothing is queued; where
the group's platform cannot do it (or the console is read-only) the keys are disabled."""

from __future__ import annotations

import json

from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.group_switches import MuteAllScreen

from .world import make_app, settle


def queued(ws):
    return [(r["kind"], r["group_id"], json.loads(r["params"])) for r in
            ws.store.query("SELECT kind, group_id, params FROM actions WHERE kind IN ('whole_mute', 'set_group_name')"
                           " ORDER BY id")]


async def test_mute_all_and_rename_from_a_group_page(tui_ws):
    ws = tui_ws
    name = ws.store.scalar("SELECT name FROM groups WHERE id = 3")
    app = make_app(ws, lang="zh-CN")
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_group(3)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MuteAllScreen)
        assert str(app.screen.query_one("Label").render()) == f"{name} (sandbox {_number(ws, 3)}, sandbox) 的全员禁言"
        await pilot.press("escape")  # cancel: nothing
        await settle(pilot)
        assert queued(ws) == []
        await pilot.press("M")
        await settle(pilot)
        await pilot.click("#on")
        await settle(pilot)
        assert queued(ws) == [("whole_mute", 3, {"enable": True})]
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen) and app.screen.query_one("#answer").value == name
        app.screen.query_one("#answer").value = "长" * 31
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen) and len(queued(ws)) == 1  # refused: 31 characters
        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one("#answer").value = "双12返场群"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == f"将 {name} (sandbox {_number(ws, 3)}, sandbox) 改名为 双12返场群？"
        await pilot.press("y")
        await settle(pilot)
    assert queued(ws) == [("whole_mute", 3, {"enable": True}), ("set_group_name", 3, {"name": "双12返场群"})]


async def test_the_keys_are_disabled_where_the_platform_cannot(tui_ws):
    ws = tui_ws
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform, state) VALUES ('wc1', 'wechat', 'online')")
        gid = c.execute("INSERT INTO groups(connection_id, platform, platform_group_id, name) VALUES"
                        " ('wc1', 'wechat', 'wrOgQhDgAA', '企业微信群')").lastrowid
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_group(gid)
        await settle(pilot)
        assert app.screen.check_action("mute_all", ()) is None and app.screen.check_action("rename_group", ()) is None
        await pilot.press("M", "R")
        await settle(pilot)
        assert not isinstance(app.screen, (MuteAllScreen, PromptScreen))
    assert queued(ws) == []


def _number(ws, gid: int) -> str:
    return ws.store.scalar("SELECT platform_group_id FROM groups WHERE id = ?", (gid,))
