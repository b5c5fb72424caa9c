"""The key map keeps its rule: screen keys never shadow the global or table keys, mode
keys switch screens on every screen (and never act on a row), every list opens focused,
j/k move, Esc leaves a text box (which the key bar names while typing goes there), and
an action acts only on the table that is shown."""

from __future__ import annotations

from rich.cells import cell_len
from textual.binding import Binding

from console.tui.keybar import KeyBar
from console.tui.keymap import collisions
from console.tui.vtable import VirtualTable

from .world import copy, make_app, open_ws, settle

MODES = ["dashboard", "groups", "members", "roles", "workflows", "moderation", "activity", "connections", "owner"]


async def test_no_screen_key_collides_with_a_global_or_table_key(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.collisions() == []
        # the check itself sees a collision: a screen binding `a` (Activity) and `j` (down)
        bad = type("Bad", (), {"BINDINGS": [Binding("a", "approve", "Approve", id="bad.approve"),
                                            Binding("j", "jump", "Jump", id="bad.jump")]})
        app_bindings = [b for _, b in app._bindings if not b.system]
        found = collisions(app_bindings, VirtualTable.BINDINGS, {"bad": bad})
        assert found == ["bad.approve: a is also mode.activity", "bad.jump: j is also table.down"]


async def test_a_remap_that_collides_is_named_at_start(world_config, tmp_path):
    cfg = copy(world_config, tmp_path / "remap")
    cfg.write_text(cfg.read_text().replace("[console]\n", '[console]\nbindings = {"groups.sort" = "g"}\n'))
    ws = open_ws(cfg)
    try:
        app = make_app(ws)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert app.collisions() == ["groups.sort: g is also mode.groups"]
            assert any("groups.sort: g is also mode.groups" in str(n.message) for n in app._notifications)
    finally:
        ws.close()


async def test_mode_keys_never_act_on_rows(tui_ws):
    """`a` on the Owner's queue with a join request under the cursor opens Activity; the request waits."""
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await settle(pilot)
        table = app.screen.query_one("#queue", VirtualTable)
        while table.current_row["kind"] != "join request":
            await pilot.press("j")
        rid = table.current_row["id"]
        before = tui_ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (rid,))
        await pilot.press("a")
        await settle(pilot)
        assert app.current_mode == "activity"
        assert tui_ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (rid,)) == before
        assert tui_ws.store.scalar("SELECT count(*) FROM actions WHERE evidence = ?", (f"join_request:{rid}",)) == 0
        for key, mode in (("w", "workflows"), ("r", "roles"), ("o", "moderation"), ("q", "owner")):
            await pilot.press(key)  # every screen lets every mode key through
            await settle(pilot)
            assert app.current_mode == mode


async def test_every_list_opens_focused_and_j_k_move(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "happened"  # the dashboard's first list
        for mode in MODES[1:]:
            app.switch_mode(mode)
            await settle(pilot)
            focused = app.focused
            assert isinstance(focused, VirtualTable) and focused is app.screen.main_table(), mode
        app.switch_mode("workflows")
        await settle(pilot)
        await pilot.press("2")  # another tab: its table gets the focus
        await settle(pilot)
        assert app.focused.id == "policies"
        await pilot.press("j", "j")
        assert app.focused.cursor == 2
        await pilot.press("k")
        assert app.focused.cursor == 1


async def test_a_language_switch_never_leaves_typing_in_a_hidden_box(tui_ws):
    """Groups after ctrl+t: the keys d g m r w are screen keys, not filter text."""
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.focused, VirtualTable)
        await pilot.press("m")
        await settle(pilot)
        assert app.current_mode == "members"
        await pilot.press("g")
        await settle(pilot)
        assert app.screen.text == ""  # nothing was typed into the filter


async def test_typing_is_named_in_the_key_bar_and_esc_leaves_it(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert "typing" not in str(bar.render())
        await pilot.press("slash", *"flash")
        await settle(pilot)
        assert "✎ typing: filter" in str(bar.render()) and "Esc" in str(bar.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, VirtualTable) and "typing" not in str(bar.render())
        assert app.screen.text == "flash"  # the filter stays; a second Esc clears it
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.text == ""


async def test_an_action_acts_only_on_the_table_shown(tui_ws):
    """In a group's detail, K on the Roles tab is not offered and kicks nobody (it kicked the person
    selected on the Members tab before)."""
    gid = tui_ws.store.scalar("SELECT id FROM groups ORDER BY id LIMIT 1")
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_group(gid)
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("kick", ()) is True
        screen.query_one("#tabs").active = "tab-roles"
        await settle(pilot)
        assert app.focused.id == "roles"
        assert screen.check_action("kick", ()) is False
        assert "K" not in {k[0] for k in screen.query_one(KeyBar).keys}  # not offered in the key bar
        await pilot.press("K")
        await settle(pilot)
        assert app.screen is screen  # no reason asked, no confirmation
    assert tui_ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'kick' AND requested_by = 'operator:tester'") == 0


async def test_the_key_bar_keeps_help_and_palette_at_80_columns(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(80, 24)) as pilot:
        for mode in MODES:
            app.switch_mode(mode)
            await settle(pilot)
            text = str(app.screen.query_one(KeyBar).render())
            assert " ? " in text and "^p" in text and cell_len(text) <= 80, mode
