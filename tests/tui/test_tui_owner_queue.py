"""The Owner's queue shows its true total (not the 500 it used to stop at), pages to its
last row, and its filter narrows it; a bad filter is refused in words."""

from __future__ import annotations

from console.tui.dialogs import PromptScreen
from console.tui.vtable import VirtualTable

from .world import make_app, settle


def add_tasks(ws, n: int) -> None:
    gid = ws.store.scalar("SELECT min(id) FROM groups")
    with ws.store.write() as c:
        c.executemany("INSERT INTO tasks(kind, title, group_id, created_at) VALUES ('do_by_hand', ?, ?, ?)",
                      [(f"bulk task {i}", gid, 1000 - i) for i in range(n)])  # older than any seeded task


async def test_owner_queue_total_past_500_and_the_last_row(tui_ws):
    add_tasks(tui_ws, 650)
    tasks = tui_ws.store.scalar("SELECT count(*) FROM tasks WHERE status = 'open'")
    everything = tasks + tui_ws.store.scalar("SELECT count(*) FROM alerts WHERE resolved_at IS NULL")
    assert tasks >= 650
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#queue", VirtualTable)
        assert table.total >= everything and screen.total == table.total
        assert f"{table.total} waiting" in screen.sub_title
        table.action_jump(-1)  # the last row: a page far past 500 is read on demand
        await settle(pilot)
        last = table.current_row
        assert last is not None and last["kind"] == "task"
        # tasks come newest first: the oldest bulk task is the last row
        assert last["what"] == "bulk task 649"
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"task")
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == tasks
        assert "filter: task" in screen.sub_title
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *">2x", "enter")
        await settle(pilot)
        assert any("age >2x is not understood" in str(n.message) for n in app._notifications)
        assert table.total == tasks  # the refused filter changed nothing


async def test_dashboard_alerts_say_their_true_count_and_lead_to_the_rest(tui_ws):
    with tui_ws.store.write() as c:
        c.executemany("INSERT INTO alerts(kind, severity, message, opened_at) VALUES ('k', 'warning', ?, ?)",
                      [(f"bulk alert {i}", 1000 + i) for i in range(60)])
    total = tui_ws.store.scalar("SELECT count(*) FROM alerts WHERE resolved_at IS NULL")
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert len(screen.alerts) == 50
        assert f"({total} open)" in str(screen.query_one("#alerts-title").render())
        assert any(line["text"] == "{n} open alerts" and line["n"] == total for line in screen.lines)
        alerts = screen.query_one("#alerts")
        last = alerts.get_option_at_index(alerts.option_count - 1)
        assert last.id == "more" and f"{total - 50} more" in str(last.prompt)
        alerts.focus()
        alerts.highlighted = alerts.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.MODE == "owner" and app.screen.filter_text == "alert"
        assert app.screen.total == total
