"""The Workflows join queue shows the true total and reaches every row, past 500, a page
at a time: the last row is the newest live request, End gets there."""

from __future__ import annotations

from console.tui.vtable import VirtualTable

from .world import NOW, make_app, settle


async def test_workflows_queue_total_and_last_row_past_500(tui_ws):
    s = tui_ws.store
    gid = s.scalar("SELECT id FROM groups ORDER BY id LIMIT 1")
    before = s.scalar("SELECT count(*) FROM join_requests WHERE status IN ('pending', 'held')"
                      " AND requested_at > ?", (NOW - 3 * 86400,))
    with s.write() as c:  # 700 live requests, 1 to 700 minutes old: the newest is 'q0'
        c.executemany("INSERT INTO join_requests(connection_id, platform_request_id, group_id, requested_at, status)"
                      " VALUES ('sandbox', ?, ?, ?, 'pending')", [(f"q{i}", gid, NOW - 60 * (i + 1)) for i in range(700)])
    newest = s.scalar("SELECT id FROM join_requests WHERE platform_request_id = 'q0'")
    app = make_app(tui_ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        table = app.screen.query_one("#queue", VirtualTable)
        assert table.total == before + 700 > 500
        assert app.screen.sub_title == f"{before + 700:,} waiting"
        table.focus()
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == table.total - 1 and table.current_row["id"] == newest
        await pilot.press("pageup")
        await settle(pilot)
        assert table.current_row is not None and table.current_row["id"] != newest
