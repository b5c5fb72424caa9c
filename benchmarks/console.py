"""Console benchmark: cold start to the first dashboard frame, the members screen's first
page and a page-down over 500,000 people, event-loop stalls, and RSS.

    .venv/bin/python benchmarks/console.py [--db benchmarks/.cache/kpi-1000-500000-10000000-90.toml]

Uses the 1,000-group, 500,000-member, 10M-message workspace that benchmarks/kpi.py
generates under benchmarks/.cache/ (run it first); with --small it makes a smaller one
itself with raw executemany (50 groups, 50,000 people, 200,000 messages). Targets
(issue 7): cold start <= 2x the bare import of the same libraries; members first page
and page-down <= 100 ms with no event-loop stall over 50 ms; RSS after opening members
<= 30 MB over the dashboard. Figures are medians of --runs runs; the machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"
BIG = CACHE / "kpi-1000-500000-10000000-90.toml"

IMPORTS = "import textual.app, textual.widgets, sqlite_utils, httpx, pluggy, click, rich"

# The child process: open the workspace read-only (no engine), run the console headless,
# and report when the dashboard's first frame is painted and when its data is drawn.
CHILD = r"""
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from console.workspace import Workspace, gather_ui
from console.tui.app import build_app
ws = Workspace.open({cfg!r}, read_only=True)
screens, panels = gather_ui(ws.pm)
app = build_app(ws, plugin_screens=screens, panels=panels, read_only=True, refresh_seconds=0)
marks = {{}}

def watch():
    scr = app.screen
    if "frame" not in marks and getattr(scr, "MODE", "") == "dashboard" and scr.is_mounted:
        marks["frame"] = time.perf_counter() - t0
    if "data" not in marks and getattr(scr, "lines", None):
        marks["data"] = time.perf_counter() - t0
    if "data" in marks:
        app.exit()

app.call_later(lambda: app.set_interval(0.005, watch))
app.run(headless=True, size=(120, 40))
print(json.dumps(marks))
"""


def run_child(code: str) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return time.perf_counter() - t, out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""


def cold_start(cfg: Path, runs: int) -> None:
    run_child(f"{IMPORTS}")  # warm the .pyc files and the OS cache once
    imports = [run_child(f"{IMPORTS}")[0] for _ in range(runs)]
    frames, datas, walls = [], [], []
    for _ in range(runs):
        wall, line = run_child(CHILD.format(root=str(ROOT), cfg=str(cfg)))
        m = json.loads(line)
        walls.append(wall)
        frames.append(m["frame"])
        datas.append(m["data"])
    imp = statistics.median(imports)
    frame_wall = statistics.median(walls) - statistics.median(datas) + statistics.median(frames)
    print(f"bare import of textual+sqlite-utils+httpx+pluggy+click (process wall): {imp * 1000:.0f} ms")
    print(f"cold start to the first dashboard frame (process wall, est.):           {frame_wall * 1000:.0f} ms"
          f"  ({frame_wall / imp:.2f}x the bare import; target <= 2x)")
    print(f"  inside the process: first frame {statistics.median(frames) * 1000:.0f} ms, dashboard data drawn "
          f"{statistics.median(datas) * 1000:.0f} ms; whole run incl. exit {statistics.median(walls) * 1000:.0f} ms")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class StallMeter:
    """Largest lateness of a 5 ms ticker on the event loop (what a keypress would wait)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.task: asyncio.Task | None = None

    async def _tick(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, time.perf_counter() - t - 0.005)

    def start(self) -> None:
        self.worst = 0.0
        self.task = asyncio.ensure_future(self._tick())

    def stop(self) -> float:
        if self.task:
            self.task.cancel()
        return self.worst


async def members(cfg: Path, runs: int) -> None:
    from console.tui.app import build_app
    from console.tui.vtable import VirtualTable
    from console.workspace import Workspace, gather_ui

    ws = Workspace.open(cfg, read_only=True)
    screens, panels = gather_ui(ws.pm)
    app = build_app(ws, plugin_screens=screens, panels=panels, read_only=True, refresh_seconds=0)
    first, pages, stalls, searches = [], [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(40):  # the dashboard's data drawn (and its workers done)
            await app.workers.wait_for_complete()
            await pilot.pause()
            if getattr(app.screen, "lines", None):
                break
        rss_dash = rss_mb()
        meter = StallMeter()
        for i in range(runs):
            meter.start()
            t = time.perf_counter()
            await pilot.press("m")
            table = None
            while True:
                await asyncio.sleep(0.001)
                if getattr(app.screen, "MODE", "") == "members":
                    table = app.screen.query_one("#table", VirtualTable)
                    if not table.fetching and table.current_row is not None:
                        break
            first.append(time.perf_counter() - t)
            offset = 1000 * (i + 1) * 37  # somewhere deep in the table, a page not yet loaded
            table._move_to(offset)
            while table.current_row is None:
                await asyncio.sleep(0.001)
            t = time.perf_counter()
            await pilot.press("pagedown")
            while table.current_row is None or table.row_at(int(table.scroll_offset.y)) is None:
                await asyncio.sleep(0.001)
            pages.append(time.perf_counter() - t)
            stalls.append(meter.stop())
            rss_members = rss_mb()
            await pilot.press("d")
            await app.workers.wait_for_complete()
            await pilot.pause()
        meter.start()
        await pilot.press("m")
        await pilot.pause()
        box = app.screen.query_one("#search")
        t = time.perf_counter()
        box.value = "张"
        table = app.screen.query_one("#table", VirtualTable)
        await asyncio.sleep(0.26)
        while table.fetching or getattr(table.source, "search", "") != "张":
            await asyncio.sleep(0.002)
        searches.append(time.perf_counter() - t - 0.25)
        search_stall = meter.stop()
        hits = table.total
    ws.close()
    print(f"members: {ws.store.path.name if hasattr(ws.store, 'path') else ''} people = "
          f"{Workspace.open(cfg, read_only=True).store.scalar('SELECT count(*) FROM people')}")
    print("  runs (ms): first page " + ", ".join(f"{x * 1000:.0f}" for x in first) + "; page-down " +
          ", ".join(f"{x * 1000:.0f}" for x in pages) + "; stalls " + ", ".join(f"{x * 1000:.0f}" for x in stalls))
    print(f"members screen, key to first page drawn: {statistics.median(first) * 1000:.1f} ms (target <= 100)")
    print(f"page-down deep in the table (page fetched): {statistics.median(pages) * 1000:.1f} ms (target <= 100)")
    print(f"worst event-loop stall while opening and paging: {max(stalls) * 1000:.1f} ms (target <= 50)")
    print(f"search '张' ({hits} matches), after the 250 ms typing pause: {statistics.median(searches) * 1000:.0f} ms,"
          f" worst stall {search_stall * 1000:.1f} ms")
    print(f"RSS: dashboard {rss_dash:.1f} MB, after members {rss_members:.1f} MB: "
          f"+{rss_members - rss_dash:.1f} MB (target <= 30)")


def small_workspace() -> Path:
    """50 groups, 50,000 people, 200,000 messages, written raw (used when the big one is absent)."""
    from console.workspace import Workspace

    CACHE.mkdir(parents=True, exist_ok=True)
    cfg = CACHE / "console-small.toml"
    db = CACHE / "console-small.db"
    cfg.write_text('[operator]\nname = "bench"\ntimezone = "Asia/Shanghai"\n[database]\npath = "console-small.db"\n'
                   '[connections.sandbox]\nplatform = "sandbox"\nenabled = true\n', encoding="utf-8")
    if db.exists():
        return cfg
    rng = random.Random(7)
    ws = Workspace.open(cfg)
    now = int(time.time())
    names = "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴霞 Sunny Kevin 小确幸 晴天".split()
    with ws.store.write() as c:
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, type, capacity,"
                      " member_count, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                      [(g, "sandbox", "sandbox", f"g{g}", f"福利群 {g}", ("traffic", "welfare", "flash")[g % 3], 2000,
                        1000, now - 90 * 86400) for g in range(1, 51)])
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?,?,?)",
                      [(p, rng.choice(names) + str(p), now) for p in range(1, 50001)])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id, nickname) VALUES (?,?,?,?)",
                      [(p, "sandbox", f"u{p}", f"nick{p}") for p in range(1, 50001)])
        c.executemany("INSERT INTO memberships(group_id, person_id, joined_at) VALUES (?,?,?)",
                      [(1 + (p % 50), p, now - rng.randrange(90 * 86400)) for p in range(1, 50001)])
        c.executemany("INSERT INTO messages(connection_id, platform_msg_id, group_id, person_id, ts, text)"
                      " VALUES (?,?,?,?,?,?)",
                      [("sandbox", f"m{i}", 1 + i % 50, 1 + i % 50000, now - rng.randrange(90 * 86400), "早安")
                       for i in range(200000)])
    ws.close()
    return cfg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="config.toml of the workspace to measure")
    ap.add_argument("--small", action="store_true", help="use (or make) the small workspace instead of the big one")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    cfg = a.db or (small_workspace() if a.small or not BIG.exists() else BIG)
    if cfg == BIG:
        # bring the cached workspace's schema up to date once (plugins add migrations over time)
        from console.workspace import Workspace

        Workspace.open(cfg).close()
    print(f"workspace: {cfg}")
    cold_start(cfg, a.runs)
    asyncio.run(members(cfg, a.runs))


if __name__ == "__main__":
    main()
