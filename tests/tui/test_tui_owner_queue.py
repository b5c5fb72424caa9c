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
