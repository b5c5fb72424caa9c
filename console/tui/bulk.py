"""A bulk act on many rows: progress while it runs, then what came of it, failures listed.

``BulkScreen(title, items, fn)`` calls ``fn(arg)`` for each ``(label, arg)`` item in a
thread worker, one item at a time (each in its own transaction: a failure costs that
item only), with a progress bar and a count. Esc while it runs stops after the current
item (the ones done stay done). At the end it says how many were done, in the words
the caller gives ("sent to the platform; waiting for its answers" for a decision: never
"saved" before the platform answered), lists every failure with its reason and every
note a step left ("a task says what to do by hand"), and is dismissed with the result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static


@dataclass
class BulkResult:
    done: list[Any] = field(default_factory=list)  # the args that went through
    failed: list[tuple[str, str]] = field(default_factory=list)  # (label, why)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (label, what a step left to do)
    stopped: bool = False


def run_items(items: list[tuple[str, Any]], fn: Callable[[Any], Any], progress: Callable[[int], None] | None = None,
              stop: threading.Event | None = None, words: Callable[[str], str] = str) -> BulkResult:
    """Call ``fn`` on each item's arg; a raised error is that item's failure (its words),
    a returned text is a note. Plain Python (tested without Textual)."""
    out = BulkResult()
    for i, (label, arg) in enumerate(items, 1):
        if stop is not None and stop.is_set():
            out.stopped = True
            break
        try:
            note = fn(arg)
        except Exception as e:  # the item's reason, shown in the list; the next item goes on
            out.failed.append((label, words(str(e)) or type(e).__name__))
        else:
            out.done.append(arg)
            if isinstance(note, str) and note:
                out.notes.append((label, note))
        if progress is not None:
            progress(i)
    return out


class BulkScreen(ModalScreen[BulkResult]):
    """Runs a bulk act with progress, then shows its result until Enter or Esc."""

    DEFAULT_CSS = """
    BulkScreen { align: center middle; }
    BulkScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%; border: thick $accent;
                            background: $surface; padding: 0 1; }
    BulkScreen #bulk-title { text-style: bold; }
    BulkScreen ProgressBar { margin: 1 0; }
    BulkScreen VerticalScroll { height: auto; max-height: 1fr; }
    BulkScreen #bulk-keys { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "stop", "Stop", id="bulk.stop"),
                Binding("enter", "close", "Close", id="bulk.close"),
                Binding("down,j", "scroll(1)", show=False, id="bulk.down"),
                Binding("up,k", "scroll(-1)", show=False, id="bulk.up")]

    def __init__(self, title: str, items: list[tuple[str, Any]], fn: Callable[[Any], Any], *, done: str,
                 failed: str = "Not done: {n}", notes: str = "To do by hand: {n}"):
        super().__init__()
        self.title_text, self.items, self.fn = title, items, fn
        self.done_words, self.failed_words, self.notes_words = done, failed, notes
        self.result: BulkResult | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.title_text, id="bulk-title")
            yield ProgressBar(total=max(1, len(self.items)), show_eta=False, id="bulk-progress")
            with VerticalScroll(id="bulk-scroll"):
                yield Static("", id="bulk-body")
            yield Label("Esc " + t("stops after the current one"), id="bulk-keys")

    def on_mount(self) -> None:
        self.run_worker(self._work, thread=True, group="bulk", exclusive=True)

    def _work(self) -> None:
        bar = self.query_one("#bulk-progress", ProgressBar)

        def step(i: int) -> None:
            self.app.call_from_thread(bar.update, progress=i)

        result = run_items(self.items, self.fn, step, self._stop, words=self.app.t)
        self.app.call_from_thread(self._finished, result)

    def _finished(self, result: BulkResult) -> None:
        t = self.app.t
        self.result = result
        # a row that left a note (a task, an invitation on its way) is counted under the notes, not as done
        lines = [t(self.done_words, n=f"{len(result.done) - len(result.notes):,}")]
        if result.stopped:
            lines.append(t("Stopped: {n} not tried", n=f"{len(self.items) - len(result.done) - len(result.failed):,}"))
        if result.failed:
            lines += ["", "[b]" + t(self.failed_words, n=f"{len(result.failed):,}") + "[/]"]
            lines += [f"  [red]✗[/] {esc(label)}{t(': ')}{esc(why)}" for label, why in result.failed]
        if result.notes:
            lines += ["", "[b]" + t(self.notes_words, n=f"{len(result.notes):,}") + "[/]"]
            lines += [f"  • {esc(label)}{t(': ')}{esc(note)}" for label, note in result.notes]
        self.query_one("#bulk-body", Static).update("\n".join(lines))
        self.query_one("#bulk-keys", Label).update(t("Enter or Esc closes"))

    def action_stop(self) -> None:
        if self.result is None:
            self._stop.set()
        else:
            self.dismiss(self.result)

    def action_close(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)

    def action_scroll(self, step: int) -> None:
        self.query_one("#bulk-scroll", VerticalScroll).scroll_relative(y=step, animate=False)
