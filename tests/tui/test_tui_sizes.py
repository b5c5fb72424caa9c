"""At 80x24 (a laptop's SSH window) and 140x45, in English and Chinese, nothing essential is
cut: every table's column titles show whole, and the key line keeps ``?`` (help) and the
command palette's key. What a row holds may be cut (Enter opens it in full); what a column
is, or how to get help, may not."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

MODES = ("dashboard", "groups", "members", "roles", "workflows", "moderation", "activity", "connections", "owner")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_titles_and_help_keys_are_never_cut(tui_ws, size, lang):
    from textual.widgets import Tab

    from console.tui.keybar import KeyBar
    from console.tui.vtable import VirtualTable

    from .world import make_app, settle

    app = make_app(tui_ws, lang=lang)
    cut: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        for mode in MODES:
            app.switch_mode(mode)
            await settle(pilot)
            s = app.screen
            kb = s.query_one(KeyBar)
            bar = str(kb.render())
            if "?" not in bar or (kb.palette is not None and kb.palette[1] not in bar):
                cut.setdefault(mode, []).append(f"key line: {bar!r}")
            for tab in s.query(Tab):
                if "…" in str(tab.label):
                    cut.setdefault(mode, []).append(f"tab {tab.label}")
            for v in s.query(VirtualTable):
                if not v.display or v.size.width == 0:
                    continue
                widths = v._widths(v.size.width)
                for col, w in zip(v.columns, widths):
                    title = v.app_t(col.title)
                    if cell_len(title) > w:
                        cut.setdefault(mode, []).append(f"column {title!r} in {w} cells")
    assert not cut, cut
