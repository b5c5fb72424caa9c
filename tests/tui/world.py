"""A deterministic workspace for the console's tests: the sandbox world with a fixed
seed, replayed up to a fixed clock, built once per session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from console.workspace import Workspace

NOW = 1731902400  # 2024-11-18 12:00 in Asia/Shanghai
CONFIG = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"

[console]
owner = ""
refresh_seconds = 1  # make_app turns the live poll off (0) for tests

[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 11
groups = 6
members = 300
"""


def build(folder: Path) -> Path:
    """Simulate 3 days of the seeded world into ``folder``; returns the config path."""
    from plugins.sandbox.demo import backfill

    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "config.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    ws = Workspace.open(cfg, clock=lambda: NOW)
    try:
        backfill(ws, "sandbox", days=3, seed=11, now=NOW)
    finally:
        ws.close()
    return cfg


def copy(src_cfg: Path, dest: Path, extra: str = "") -> Path:
    """A private copy of the built workspace (tests change it)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src_cfg.parent / "shequn.db", dest / "shequn.db")
    cfg = dest / "config.toml"
    cfg.write_text(src_cfg.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return cfg


def open_ws(cfg: Path, *, read_only: bool = False) -> Workspace:
    return Workspace.open(cfg, clock=lambda: NOW, read_only=read_only)


def make_app(ws: Workspace, *, lang: str = "en", read_only: bool = False, start_mode: str = "dashboard"):
    from console.tui.app import build_app
    from console.workspace import gather_ui

    screens, panels = gather_ui(ws.pm)
    return build_app(ws, plugin_screens=screens, panels=panels, read_only=read_only, lang=lang,
                     engine_note="engine running in this console", refresh_seconds=0, start_mode=start_mode)


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until thread workers (and the page loads they trigger) are done."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
