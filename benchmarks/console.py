"""Console benchmark: cold start to the first dashboard frame, the members screen's first
page and a page-down over 500,000 people, event-loop stalls, and RSS.

    .venv/bin/python benchmarks/console.py [--runs 5] [--only start|members] [--small]

Uses the 1,000-group, 500,000-member, 10M-message workspace that benchmarks/kpi.py
generates under benchmarks/.cache/ (run it first); with --small it makes a smaller one
itself with raw executemany (50 groups, 50,000 people, 200,000 messages). Targets
(issue 7): cold start <= 2x the bare import of the same libraries; members first page
and page-down <= 100 ms with no event-loop stall over 50 ms; RSS after opening members
<= 30 MB over the dashboard. Figures are medians of --runs runs; the machines are noisy.

How it measures:
- cold start: the real ``shequn --read-only`` runs in a 120x40 pseudo-terminal; the time
  is from spawning it until the terminal has received the dashboard's text (first frame)
  and its "what happened" lines (data). The yardstick, a Python that imports textual,
  sqlite-utils, httpx, pluggy, click and rich, is timed from spawn to done, interleaved.
- members: a fresh console per run (headless, in-process, refresh every second as
  configured, and told every second that the workspace changed, as the poll does when
  the engine writes; --no-live turns that off). Keys are delivered as the terminal
  driver delivers them (no Pilot waits); a key counts as done at the first frame whose
  rendering drew table rows (each frame is also serialised as for a real terminal).
  The first open of Members comes after --idle seconds on the dashboard; the page-down
  lands on a page that is not loaded; the stall meter (lateness of a 5 ms ticker on the
  event loop) runs from the dashboard to the end of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
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
SIZE = (120, 40)


# --- cold start: the real `shequn` command in a pseudo-terminal -------------------------------


def _spawn_pty(argv: list[str]) -> tuple[subprocess.Popen, int]:
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("TEXTUAL", None)
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    return proc, master


_ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def console_start(cfg: Path, marks: dict[str, str], timeout: float = 20.0) -> dict[str, float]:
    """Seconds from spawning ``shequn --read-only`` in a 120x40 pseudo-terminal until the
    terminal has received each marker (the screen text, escape codes stripped)."""
    import os
    import select

    t0 = time.perf_counter()
    proc, master = _spawn_pty([str(Path(sys.executable).parent / "shequn"), "--read-only", "--config", str(cfg)])
    raw, seen = b"", {}
    try:
        while len(seen) < len(marks) and time.perf_counter() - t0 < timeout:
            ready, _, _ = select.select([master], [], [], 0.01)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            now = time.perf_counter() - t0
            raw += chunk
            text = _ANSI.sub(b"", raw).decode("utf-8", "replace")
            for name, marker in marks.items():
                if name not in seen and marker in text:
                    seen[name] = now
    finally:
        try:
            os.write(master, b"\x11")  # ctrl+q
            proc.wait(timeout=5)
        except Exception:
            proc.kill()
            proc.wait()
        os.close(master)
    if len(seen) < len(marks):
        tail = _ANSI.sub(b"", raw).decode("utf-8", "replace")[-600:]
        raise SystemExit(f"the console never showed {set(marks) - set(seen)}; the terminal showed: {tail!r}")
    return seen


def bare_import() -> float:
    """Seconds from spawning Python until it has imported the same libraries."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", f"{IMPORTS}\nimport time\nprint(time.perf_counter())"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.split()[-1]) - t0


def cold_start(cfg: Path, runs: int) -> None:
    from console.config import load_settings
    from console.i18n import translate

    lang = load_settings(cfg).console.language
    # the first frame: the dashboard's layout is on the terminal (its right column's heading);
    # its data: the "what happened" lines (each starts with a bullet)
    marks = {"frame": translate("Trends (30 days)", lang), "data": "• "}
    bare_import()
    console_start(cfg, marks)  # warm the .pyc files and the OS cache once
    imports, frames, datas = [], [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        imports.append(bare_import())
        m = console_start(cfg, marks)
        frames.append(m["frame"])
        datas.append(m["data"])
    imp, frame, data = (statistics.median(x) for x in (imports, frames, datas))
    print(f"bare import of textual+sqlite-utils+httpx+pluggy+click, process start to done: {imp * 1000:.0f} ms"
          f"  (runs: {_ms(imports)})")
    print(f"cold start of `shequn --read-only` to the first dashboard frame on a pty:   {frame * 1000:.0f} ms"
          f"  ({frame / imp:.2f}x the bare import; target <= 2x)  (runs: {_ms(frames)})")
    print(f"  ... to the dashboard's data on the terminal: {data * 1000:.0f} ms  (runs: {_ms(datas)})")


def _ms(xs: list[float]) -> str:
    return ", ".join(f"{x * 1000:.0f}" for x in xs)


# --- the members screen, in-process ---------------------------------------------------------------

from console_probes import Frames, StallMeter, rss_mb, send_key  # noqa: E402  (benchmarks/ is on sys.path)



async def wait_rows(frames: Frames, since: float, predicate=lambda: True, timeout: float = 10.0,
                    since_rows: float | None = None) -> float:
    """Seconds from ``since`` until a frame with table rows was displayed (and ``predicate``).
    With ``since_rows``: until the first frame displayed after ``predicate`` held (the
    table asked for a repaint when its rows arrived, so that frame shows them)."""
    mark = None
    while time.perf_counter() - since < timeout:
        if since_rows is not None and mark is None and predicate():
            mark = time.perf_counter()  # the fresh rows are in; the next frame with rows shows them
        if since_rows is None and frames.last_row_frame > since and predicate():
            return frames.last_row_frame - since
        if mark is not None and frames.last_frame >= mark:  # the table was refreshed with them
            return frames.last_frame - since
        await asyncio.sleep(0.001)
    raise TimeoutError("no frame with table rows")


async def members_run(cfg: Path, i: int, live: bool, idle: float) -> dict[str, float]:
    """One fresh console: dashboard, then Members for the first time, a page-down deep in
    the table, back to the dashboard and to Members again. The stall meter runs throughout."""
    from console.tui.app import build_app
    from console.tui.vtable import VirtualTable
    from console.workspace import Workspace, gather_ui

    import gc

    gc.collect()  # the previous runs' consoles are garbage: start as a fresh process would
    ws = Workspace.open(cfg, read_only=True)
    screens, panels = gather_ui(ws.pm)
    app = build_app(ws, plugin_screens=screens, panels=panels, read_only=True)  # refresh_seconds from config
    out: dict[str, float] = {}
    frames = Frames(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(400):  # the dashboard's data drawn
                await asyncio.sleep(0.005)
                if getattr(app.screen, "lines", None):
                    break
            await pilot.pause()
            # before the idle time: the console reads Members' first page and imports its
            # screen while the dashboard is shown, which is memory Members costs
            out["rss_dashboard"] = rss_mb()
            meter = StallMeter()
            meter.start()
            ticker = None
            if live:  # what the poll does when the engine wrote something: every second
                ticker = app.set_interval(1.0, app._changed)
            await asyncio.sleep(idle)  # the operator looks at the dashboard
            out["stall_dashboard"] = meter.take()

            t = send_key(app, "m")
            out["first_page"] = await wait_rows(frames, t, lambda: getattr(app.screen, "MODE", "") == "members")
            table = app.screen.query_one("#table", VirtualTable)
            # the rows of the first frame may be the ones read while the dashboard was shown;
            # this is the first frame drawn from the screen's own read
            out["first_fresh"] = await wait_rows(frames, t, lambda: not table.fetching, since_rows=t)
            await asyncio.sleep(0.2)
            out["stall_open"] = meter.take()

            # the last row of a page deep in the table: the cursor sits at the bottom of the
            # screen, so a page-down shows rows of the next page, which is not loaded yet
            page = (370 * (i + 1)) % max(1, table.total // 100 - 2)
            table._move_to(page * 100 + 99)
            await wait_rows(frames, time.perf_counter(), lambda: table.current_row is not None)
            await asyncio.sleep(0.1)
            top = int(table.scroll_offset.y)
            t = send_key(app, "pagedown")
            out["page_down"] = await wait_rows(
                frames, t, lambda: int(table.scroll_offset.y) > top and table.row_at(int(table.scroll_offset.y)) is not None)
            await asyncio.sleep(0.2)
            out["stall_page"] = meter.take()
            out["rss_members"] = rss_mb()

            send_key(app, "d")
            await asyncio.sleep(idle)
            meter.take()
            t = send_key(app, "m")
            out["again"] = await wait_rows(frames, t, lambda: getattr(app.screen, "MODE", "") == "members")
            await asyncio.sleep(0.2)
            out["stall_again"] = meter.take()
            if ticker:
                ticker.stop()
            meter.stop()
    finally:
        frames.close()
        ws.close()
    return out


async def search_run(cfg: Path, text: str) -> tuple[float, float, int]:
    from console.tui.app import build_app
    from console.tui.vtable import VirtualTable
    from console.workspace import Workspace, gather_ui

    ws = Workspace.open(cfg, read_only=True)
    screens, panels = gather_ui(ws.pm)
    app = build_app(ws, plugin_screens=screens, panels=panels, read_only=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("m")
            await pilot.pause(0.5)
            meter = StallMeter()
            meter.start()
            box = app.screen.query_one("#search")
            table = app.screen.query_one("#table", VirtualTable)
            t = time.perf_counter()
            box.value = text
            await asyncio.sleep(0.26)
            while table.fetching or getattr(table.source, "search", "") != text:
                await asyncio.sleep(0.002)
            took = time.perf_counter() - t - 0.25
            await asyncio.sleep(0.2)
            return took, meter.stop(), table.total
    finally:
        ws.close()


async def members(cfg: Path, runs: int, live: bool, idle: float) -> None:
    results = [await members_run(cfg, i, live, idle) for i in range(runs)]
    col = lambda k: [r[k] for r in results]  # noqa: E731
    med = lambda k: statistics.median(col(k))  # noqa: E731
    from console.workspace import Workspace

    with Workspace.open(cfg, read_only=True) as ws:
        people = ws.store.scalar("SELECT count(*) FROM people")
        probe = ws.store.scalar("SELECT display_name FROM people WHERE id = (SELECT max(id) FROM people) / 2") or "张"
    text = probe[: max(1, len(probe) - 2)]
    search_took, search_stall, hits = await search_run(cfg, text)
    print(f"members: {people} people; {runs} fresh consoles, live changes every second: {'yes' if live else 'no'},"
          f" {idle:.1f} s on the dashboard before each key")
    print(f"members screen opened the first time, key to a frame with rows: {med('first_page') * 1000:.0f} ms"
          f" (target <= 100)  (runs: {_ms(col('first_page'))})")
    print(f"  ... its own fresh read drawn (not the rows read while idle):     {med('first_fresh') * 1000:.0f} ms"
          f"  (runs: {_ms(col('first_fresh'))})")
    print(f"page-down deep in the table (page fetched and drawn):             {med('page_down') * 1000:.0f} ms"
          f" (target <= 100)  (runs: {_ms(col('page_down'))})")
    print(f"members opened again from the dashboard:                          {med('again') * 1000:.0f} ms"
          f"  (runs: {_ms(col('again'))})")
    worst = {k: max(col(k)) for k in ("stall_dashboard", "stall_open", "stall_page", "stall_again")}
    print("worst event-loop stall: " + ", ".join(f"{k[6:]} {v * 1000:.0f} ms" for k, v in worst.items()) +
          f" (target <= 50)  (open, runs: {_ms(col('stall_open'))})")
    print(f"search {text!r} ({hits} matches), after the 250 ms typing pause: {search_took * 1000:.0f} ms,"
          f" worst stall {search_stall * 1000:.0f} ms")
    grow = [r["rss_members"] - r["rss_dashboard"] for r in results]
    print(f"RSS: dashboard {results[0]['rss_dashboard']:.1f} MB, after members {results[0]['rss_members']:.1f} MB:"
          f" +{grow[0]:.1f} MB in the first console (target <= 30)  (runs: {', '.join(f'{g:.1f}' for g in grow)})")


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
    ap.add_argument("--runs", type=int, default=5, help="runs of each measurement (medians are printed)")
    ap.add_argument("--no-live", action="store_true",
                    help="do not simulate a busy workspace (by default the screens are told every second that"
                         " something changed, as the poll does when the engine writes)")
    ap.add_argument("--idle", type=float, default=1.0, help="seconds on the dashboard before pressing m")
    ap.add_argument("--only", choices=("start", "members"), help="run one part only")
    a = ap.parse_args()
    cfg = a.db or (small_workspace() if a.small or not BIG.exists() else BIG)
    if cfg.resolve().parent == CACHE.resolve():
        # bring the cached workspace's schema up to date once (plugins add migrations over time)
        from console.workspace import Workspace

        Workspace.open(cfg).close()
    print(f"workspace: {cfg}")
    if a.only != "members":
        cold_start(cfg, a.runs)
    if a.only != "start":
        asyncio.run(members(cfg, a.runs, not a.no_live, a.idle))


if __name__ == "__main__":
    main()
