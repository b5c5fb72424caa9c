"""What benchmarks/console.py measures the console with, in-process: the event loop's worst
stall, the frames that reach the (headless) terminal, keys delivered as the terminal driver
delivers them, and the process's resident memory. Kept apart so the benchmark's own file
holds only the runs and their figures."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


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

    def take(self) -> float:
        """The worst stall since start (or the last take), and start again."""
        worst, self.worst = self.worst, 0.0
        return worst

    def stop(self) -> float:
        if self.task:
            self.task.cancel()
        return self.worst


class Frames:
    """Watches what reaches the (headless) terminal: each frame is serialised as the real
    driver would, and a frame counts as showing table rows when the members table drew
    at least one data row for it."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        from console.tui.vtable import VirtualTable

        self.rows_drawn = False
        self.last_row_frame = 0.0
        self.last_frame = 0.0
        self.frames = 0
        original_display = app._display
        original_render_line = VirtualTable.render_line
        meter = self

        def display(screen, renderable):
            # Textual drops the frame while updates are paused (App._batch_count, e.g. the
            # 50 ms pause of switch_mode): such a frame never reaches the terminal
            shown = renderable is not None and not app._batch_count
            if shown and isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the cost of writing it to a terminal
            original_display(screen, renderable)
            if not shown:
                return
            meter.frames += 1
            meter.last_frame = time.perf_counter()
            if meter.rows_drawn:
                meter.rows_drawn = False
                meter.last_row_frame = time.perf_counter()

        def render_line(table, y):
            strip = original_render_line(table, y)
            if y > 0 and table.id == "table" and table.shown_row(int(table.scroll_offset.y) + y - 1) is not None:
                meter.rows_drawn = True
            return strip

        app._display = display
        VirtualTable.render_line = render_line
        self._restore = lambda: setattr(VirtualTable, "render_line", original_render_line)

    def close(self) -> None:
        self._restore()


def send_key(app, key: str) -> float:
    """Deliver a key the way the terminal driver does (no Pilot waits) and return the time."""
    from textual import events

    t = time.perf_counter()
    ev = events.Key(key, key if len(key) == 1 else None)
    ev.set_sender(app)
    app._driver.send_message(ev)
    return t
