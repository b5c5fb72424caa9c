"""Snapshots of every screen in both languages at 100x30 (plus 80x24 and a detail screen).

Review before accepting: `pytest tests/tui --snapshot-update`, then open the SVGs in
tests/tui/__snapshots__/ (or the report pytest prints) and read them."""

from __future__ import annotations

import pytest

from .world import make_app, open_ws, settle

MODES = [("dashboard", "d"), ("groups", "g"), ("members", "m"), ("roles", "r"), ("workflows", "w"),
         ("moderation", "o"), ("activity", "a"), ("connections", "c"), ("owner", "q")]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("mode,key", MODES)
def test_screen(snap_compare, tui_config, mode, key, lang):
    ws = open_ws(tui_config)
    try:
        app = make_app(ws, lang=lang, start_mode=mode)

        async def ready(pilot):
            await settle(pilot)

        assert snap_compare(app, terminal_size=(100, 30), run_before=ready)
    finally:
        ws.close()


def test_dashboard_80x24(snap_compare, tui_config):
    ws = open_ws(tui_config)
    try:
        async def ready(pilot):
            await settle(pilot)

        assert snap_compare(make_app(ws), terminal_size=(80, 24), run_before=ready)
    finally:
        ws.close()


def test_group_detail_read_only(snap_compare, tui_config):
    ws = open_ws(tui_config, read_only=True)
    try:
        app = make_app(ws, read_only=True)
        gid = ws.store.scalar("SELECT min(id) FROM groups")

        async def ready(pilot):
            await settle(pilot)
            pilot.app.open_group(gid)
            await settle(pilot)

        assert snap_compare(app, terminal_size=(100, 30), run_before=ready)
    finally:
        ws.close()
