"""The dashboard's Content panel: today's scheduled posts (sent, waiting, failed) and the
next one, today's topics and the calendar's gaps ahead, check-ins and keyword replies.
Reads ``today.today`` in a thread worker; the dashboard asks it to read again."""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static


class ContentPanel(Vertical):
    DEFAULT_CSS = """
    ContentPanel { height: auto; padding: 0 1; }
    ContentPanel #content-body { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Label(self.app.t("Content today"), classes="section")
        yield Static(self.app.t("Loading…"), id="content-body")

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.run_worker(self._read, thread=True, group="content-panel", exclusive=True)

    def _read(self) -> None:
        from .today import today

        try:
            d = today(self.app.ws)
        except Exception as e:
            self.app.call_from_thread(self._show_error, f"{type(e).__name__}: {e}")
            return
        self.app.call_from_thread(self._show, d)

    def _show_error(self, text: str) -> None:
        self.query_one("#content-body", Static).update(esc(text))

    def _show(self, d: dict[str, Any]) -> None:
        t = self.app.t
        p = d["posts"]
        lines = [t("Scheduled posts: {sent} sent, {waiting} waiting, {failed} failed", sent=p.get("sent", 0),
                   waiting=p.get("waiting", 0), failed=p.get("failed", 0))]
        if d["next"]:
            lines[0] += t("; next: {name} at {time}, groups: {groups}", time=d["next"]["time"], name=d["next"]["name"],
                          groups=d["next"]["groups"])
        lines.append(t("Topics today: {topics}", topics="、".join(d["topics"]) or t("none planned"))
                     + t("; gaps in the next 7 days: {gaps}", gaps=d["gaps_7d"]))
        leaders = "、".join(f"{n} {pts}" for n, pts in d["leaders"])
        lines.append(t("Check-ins today: {n}", n=d["checkins"]) + (t("; leaders: {who}", who=leaders) if leaders else "")
                     + t("; keyword replies today: {n}", n=d["keyword_replies"]))
        self.query_one("#content-body", Static).update("\n".join(esc(x) for x in lines))
