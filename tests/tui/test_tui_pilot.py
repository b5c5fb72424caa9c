"""Pilot tests: the main action of every screen, on the seeded sandbox workspace."""

from __future__ import annotations

from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.vtable import VirtualTable

from .world import NOW, make_app, open_ws, settle


async def goto(pilot, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)


async def test_dashboard_lines_open_and_alert_resolves(tui_ws):
    open_before = tui_ws.store.scalar("SELECT count(*) FROM alerts WHERE resolved_at IS NULL")
    assert open_before, "the seeded world should have open alerts"
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.MODE == "dashboard"
        assert any("joins" in line["text"] for line in screen.lines)
        screen.query_one("#alerts").focus()
        await pilot.press("down")
        await pilot.press("x")
        await settle(pilot)
    assert tui_ws.store.scalar("SELECT count(*) FROM alerts WHERE resolved_at IS NULL") == open_before - 1
    assert tui_ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'alert_resolved'"
                               " AND actor = 'operator:tester'") == 1


async def test_groups_filter_mark_and_bulk_send_with_confirmation(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "g")
        table = app.screen.query_one("#table", VirtualTable)
        total = table.total
        assert total == tui_ws.store.scalar("SELECT count(*) FROM groups")
        await pilot.press("slash", "w", "e", "l", "f", "a", "r", "e")
        await settle(pilot)
        welfare = tui_ws.store.scalar("SELECT count(*) FROM groups WHERE type = 'welfare'")
        assert table.total == welfare < total
        await pilot.press("enter")  # back to the table
        await pilot.press("space", "space")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"hello", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "2" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
    rows = tui_ws.store.query("SELECT * FROM actions WHERE kind = 'send' AND requested_by = 'operator:tester'")
    assert len(rows) == 2
    assert all('"hello"' in r["params"] for r in rows)


async def test_members_search_pages_and_opens_profile(tui_ws):
    name = tui_ws.store.scalar("SELECT display_name FROM people WHERE display_name != '' ORDER BY id LIMIT 1 OFFSET 5")
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "m")
        table = app.screen.query_one("#table", VirtualTable)
        assert table.total == tui_ws.store.scalar("SELECT count(*) FROM people")
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor > 0 and table.current_row is not None
        app.screen.query_one("#search").value = name
        await pilot.pause(0.4)
        await settle(pilot)
        assert 1 <= table.total < tui_ws.store.scalar("SELECT count(*) FROM people")
        assert name in table.current_row["name"]
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ProfileScreen"
        text = str(app.screen.query_one("#profile").render())
        assert name in text and "Identities" in text


async def test_group_detail_kick_is_confirmed_and_queued(tui_ws):
    gid = tui_ws.store.scalar("SELECT id FROM groups ORDER BY id LIMIT 1")
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_group(gid)
        await settle(pilot)
        members = app.screen.query_one("#members", VirtualTable)
        members.focus()
        person = members.current_row["id"]
        await pilot.press("K")
        await pilot.pause()
        await pilot.press(*"ads", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "1" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
    row = tui_ws.store.one("SELECT * FROM actions WHERE kind = 'kick' AND requested_by = 'operator:tester'")
    assert row["group_id"] == gid and row["person_id"] == person and row["reason"] == "ads"


async def test_roles_assign_cheer(tui_ws):
    gid, pid = tui_ws.store.one("SELECT group_id, person_id FROM memberships m JOIN people p ON p.id = m.person_id"
                                " WHERE m.status = 'member' ORDER BY m.group_id, m.id LIMIT 1").values()
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "r")
        table = app.screen.query_one("#matrix", VirtualTable)
        while table.current_row["group_id"] != gid:
            await pilot.press("down")
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*f"{pid} cheer", "enter")
        await settle(pilot)  # the name is resolved before the question
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    assert tui_ws.store.scalar("SELECT count(*) FROM roles WHERE person_id = ? AND group_id = ? AND role = 'cheer'",
                               (pid, gid)) == 1


async def test_workflows_approve_from_the_join_queue(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "w")
        table = app.screen.query_one("#queue", VirtualTable)
        assert table.total > 0
        rid = table.current_row["id"]
        assert app.focused is table  # the queue opens focused
        await pilot.press("y")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        row = tui_ws.store.one("SELECT status, decided_by FROM join_requests WHERE id = ?", (rid,))
        assert row == {"status": "approving", "decided_by": "operator:tester"}  # until the platform answers
        assert "Sent to the platform; waiting for its answer" in said and "Saved" not in said
        from console.model import ActionResult
        from plugins.entry_rules.outcomes import action_done

        act = tui_ws.store.one("SELECT * FROM actions WHERE evidence = ?", (f"join_request:{rid}",))
        action_done(tui_ws, dict(act, status="failed"), ActionResult.failed("操作失败：群已满"))  # the outbox's report
        app._changed()  # what the live poll does when the workspace changed
        await settle(pilot)
        told = [(n.title, n.message) for n in app._notifications]
        assert (f"Join request {rid}: not done", "The platform refused to approve: 操作失败：群已满") in told
        assert table.current_row is not None and rid in {table.row_at(i)["id"] for i in range(table.total)}


async def test_moderation_review_a_case(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "o")
        table = app.screen.query_one("#cases", VirtualTable)
        assert table.total > 0
        cid = table.current_row["id"]
        table.focus()
        await pilot.press("v")
        await settle(pilot)
    assert tui_ws.store.scalar("SELECT status FROM cases WHERE id = ?", (cid,)) == "reviewed"


async def test_activity_retries_a_failed_action(tui_ws):
    with tui_ws.store.write() as c:
        gid = c.execute("SELECT id FROM groups LIMIT 1").fetchone()[0]
        c.execute("INSERT INTO actions(connection_id, kind, group_id, requested_by, idempotency_key, status,"
                  " last_error, created_at, updated_at) VALUES ('sandbox','send',?,'operator:x','k-failed','failed',"
                  "'platform said no',?,?)", (gid, NOW + 10, NOW + 10))
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "a")
        app.screen.action_show_failed()
        await settle(pilot)
        table = app.screen.query_one("#outbox", VirtualTable)
        assert table.total == tui_ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'failed'")
        while table.current_row["last_error"] != "platform said no":
            table.action_cursor(1)
        table.focus()
        await pilot.press("R")
        await settle(pilot)
    assert tui_ws.store.scalar("SELECT status FROM actions WHERE idempotency_key = 'k-failed'") == "pending"


async def test_connections_test_button(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "c")
        assert app.screen.query_one("#conns", VirtualTable).current_row["id"] == "sandbox"
        await pilot.press("t")
        await settle(pilot)
        assert any(n.title == "sandbox" for n in app._notifications)


async def test_owner_queue_approves_a_request(tui_ws):
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "q")
        table = app.screen.query_one("#queue", VirtualTable)
        kinds = {table.row_at(i)["kind"] for i in range(table.total)}
        assert "join request" in kinds
        while table.current_row["kind"] != "join request":
            table.action_cursor(1)
        rid = table.current_row["id"]
        await pilot.press("y")
        await settle(pilot)
    assert tui_ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (rid,)) == "approving"


async def test_read_only_disables_every_action_and_says_why(tui_config):
    ws = open_ws(tui_config, read_only=True)
    try:
        app = make_app(ws, read_only=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await goto(pilot, "g")
            assert app.screen.check_action("send", ()) is None
            await pilot.press("n")
            await pilot.pause()
            assert not isinstance(app.screen, PromptScreen)
            assert "read-only" in str(app.screen.query_one("#why").render())
            await goto(pilot, "w")
            assert app.screen.check_action("approve", ()) is None
    finally:
        ws.close()


async def test_platform_without_capability_disables_the_action(tui_ws, monkeypatch):
    from console.model import Capability

    cls = tui_ws.connector_class("sandbox")
    monkeypatch.setattr(cls, "capabilities", frozenset(c for c in cls.capabilities if c != Capability.ANNOUNCE))
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "g")
        assert app.screen.check_action("announce", ()) is None
        assert app.screen.check_action("send", ()) is True
        assert "cannot announce" in str(app.screen.query_one("#why").render())


async def test_language_switch_and_remapped_binding(world_config, tmp_path):
    from .world import copy

    cfg = copy(world_config, tmp_path / "remap", '[console.bindings]\n"mode.groups" = "G"\n')
    cfg.write_text(cfg.read_text().replace("[console]\n", "[console]\nbindings = {\"mode.groups\" = \"G\"}\n")
                   .replace('[console.bindings]\n"mode.groups" = "G"\n', ""))
    ws = open_ws(cfg)
    try:
        app = make_app(ws)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("g")
            await settle(pilot)
            assert app.current_mode == "dashboard"
            await pilot.press("G")
            await settle(pilot)
            assert app.current_mode == "groups"
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert app.lang == "zh-CN" and app.screen.title == "社群"
    finally:
        ws.close()


async def test_tabbed_screens_keep_mode_bar_and_keys_in_view_at_80x24(tui_ws):
    """A screen with tabs fills the room between the bars instead of scrolling as a whole
    (which pushed the mode bar off the top and cut the key bar)."""
    app = make_app(tui_ws)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("w", "o", "a"):
            await goto(pilot, key)
            screen = app.screen
            assert screen.scroll_offset.y == 0 and screen.max_scroll_y == 0, key
            assert screen.query_one("#modebar").region.y == 1, key
