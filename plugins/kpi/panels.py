"""The dashboard's KPI panel: every KPI by lifecycle stage (acquisition, activation,
retention, monetisation, spread) for the last 7 days against the 7 before, and the
segment mix as bars; the KPIs other plugins register (``register_kpis``) in their stage.

Reads ``metrics.panel`` (rollups, not the message log) in a thread worker; the
dashboard asks it to read again when the workspace changes.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

STAGES = ("acquisition", "activation", "retention", "monetisation", "spread")
SEGMENTS = ("loyal", "bargain", "need", "low_need", "unknown")  # unknown: data cannot show a segment yet


def arrow(rel: float | None) -> str:
    """The change against the previous window (console.numbers.change: ▲12%, ▼0.42%, =)."""
    from shequn.numbers import change

    return f"  {change(rel)}" if rel is not None else ""


def bar(share: float, width: int = 16) -> str:
    full = int(round(share * width))
    return "█" * full + "░" * (width - full)


class KpiPanel(Vertical):
    DEFAULT_CSS = """
    KpiPanel { height: auto; padding: 0 1; }
    KpiPanel #kpi-body { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Label(self.app.t("KPIs (7 days, change against the 7 before)"), classes="section")
        yield Static(self.app.t("Loading…"), id="kpi-body")

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.run_worker(self._read, thread=True, group="kpi-panel", exclusive=True)

    def _read(self) -> None:
        from .metrics import others, panel

        try:  # the KPIs other plugins register sit in their stage beside ours (console.kpis)
            rows = panel(self.app.ws, "all", since="7d") + others(self.app.ws, "all", since="7d")
        except Exception as e:
            self.app.call_from_thread(self._show_error, f"{type(e).__name__}: {e}")
            return
        self.app.call_from_thread(self._show, rows)

    def _show_error(self, text: str) -> None:
        self.query_one("#kpi-body", Static).update(esc(text))

    def _show(self, rows: list[dict[str, Any]]) -> None:
        from shequn.numbers import percent

        t = self.app.t
        out: list[str] = []
        for stage in STAGES:
            mine = [r for r in rows if r["stage"] == stage]
            if not mine:
                continue
            out.append(f"[b]{t(stage)}[/]")
            for r in mine:
                if r["name"] == "segment_mix" and isinstance(r["value"], dict):
                    for seg in SEGMENTS:
                        share = float(r["value"].get(seg, 0.0))
                        out.append(f"  {t(seg.replace('_', '-')):<8} {bar(share)} {percent(share)}")
                    continue
                value = r["shown"] if r["value"] is not None else "—"
                # missing_input is a flag; the words (what is missing, how to add it) are the note
                shown_note = r["value"] is None or r.get("missing_input") or r.get("partial_members")
                words, params = (r.get("note_words") or [r["note"], {}]) if shown_note else ("", {})
                note = t(str(words), **params) if words else ""
                line = f"  {t(r['title'])}{t(': ')}[b]{esc(str(value))}[/]{arrow(r.get('change'))}"
                if note:
                    line += f"  [dim]{esc(note)}[/]"
                out.append(line)
        self.query_one("#kpi-body", Static).update("\n".join(out) or t("No KPIs"))
