"""The KPIs as a table (KPI 表): every KPI a plugin registered (``register_kpis``) for a
window, with the window before it and the change, so a week of KPIs can be read row by
row and exported (ctrl+e) to CSV, JSON or Markdown.

Read through the host's registry (``ws.registry.kpis``: each spec's ``compute(ws, scope,
since, until)``), never another plugin's tables, in a thread worker. The window is the
last 7 days until changed with ``p`` (``7d``, ``30d``, one day, or two days: from and to);
a window the KPI plugin cannot read is refused with its words and the table stays as it
was. The export writes the values themselves (0.2708, not "27.1%"; the previous window's
value and the change as fractions), the screen shows them as the dashboard does.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from .base import ShequnScreen
from .dialogs import PromptScreen
from .keymap import bindings
from .rows import Column, ListSource
from .vtable import VirtualTable

STAGES = ("acquisition", "activation", "retention", "monetisation", "spread")


def amount(value: Any, unit: str, t: Any = str) -> str:
    """A KPI's value as people read it: a ratio as a percentage with the precision its size
    needs (0.000416 is 0.042%, not 0.0%), a count with thousands separators."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return " / ".join(f"{t(str(k).replace('_', '-'))} {amount(v, 'ratio')}" for k, v in value.items())
    if not isinstance(value, (int, float)):
        return str(value)
    if unit in ("ratio", "share") and abs(value) <= 10:
        pct = value * 100
        places = 1 if pct == 0 or abs(pct) >= 1 else (2 if abs(pct) >= 0.1 else 3)
        return f"{pct:.{places}f}%"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def change_text(change: Any) -> str:
    if not isinstance(change, (int, float)):
        return ""
    if abs(change) < 0.005:
        return "="
    return f"{'▲' if change > 0 else '▼'}{abs(change) * 100:.0f}%"


def read_kpis(ws: Any, since: str | None, until: str | None) -> list[dict[str, Any]]:
    """(In a worker) one row per registered KPI, stage by stage. A KPI whose plugin cannot
    compute it says why in its note; a window nobody can read raises (ValueError)."""
    rows, refused = [], None
    for spec in ws.registry.kpis.values():
        row = {"name": spec.name, "title": spec.title, "stage": spec.stage, "unit": spec.unit, "plugin": spec.plugin,
               "value": None, "previous": None, "change": None, "note": ""}
        if spec.compute is None:
            row["note"] = "computed by its plugin elsewhere"
        else:
            try:
                got = spec.compute(ws, "all", since, until)
            except ValueError as e:  # the window: the same for every KPI of that plugin
                refused = refused or e
                continue
            except Exception as e:  # one KPI that fails is named; the others show
                row["note"] = f"{type(e).__name__}: {e}"
            else:
                if isinstance(got, dict):
                    row.update({k: got.get(k) for k in ("value", "previous", "change", "note")})
                    row["note"] = row["note"] or ""
                else:
                    row["value"] = got
        rows.append(row)
    if refused is not None and not any(r["value"] is not None for r in rows):
        raise refused
    order = {s: i for i, s in enumerate(STAGES)}
    rows.sort(key=lambda r: order.get(r["stage"], len(STAGES)))
    return rows


class KpiTableScreen(ShequnScreen):
    TITLE_EN = "KPI table"
    HELP = ("Every KPI the plugins register, for a window (the last 7 days until you change it with p), against "
            "the window before it. ctrl+e exports the table to CSV, JSON or Markdown: the values themselves, not "
            "as shown. Esc goes back.")
    BINDINGS = bindings("kpis.period")
    DEFAULT_CSS = "KpiTableScreen #window { height: 1; padding: 0 1; color: $text-muted; }"

    def __init__(self, since: str | None = None, until: str | None = None):
        super().__init__()
        self.since, self.until = since, until

    def body(self) -> ComposeResult:
        t = self.t
        yield Static("", id="window")
        yield VirtualTable([Column("stage", "stage", 12, fmt=t), Column("title", "KPI", fmt=t),
                            Column("shown", "value", 12, "right"), Column("previous_shown", "before", 10, "right"),
                            Column("change_shown", "change", 6, "right"), Column("note", "note", fmt=self.app.shown)],
                           key="name", id="kpis", empty="No KPIs")

    def window_words(self) -> str:
        if not self.since and not self.until:
            return self.t("the last 7 days, against the 7 before")
        return self.t("from {since} to {until}", since=self.since or "…", until=self.until or self.t("today"))

    def refresh_data(self) -> None:
        window = (self.since, self.until)
        self.load(read_kpis, self.ws, *window, then=lambda rows: self._show(rows, window))

    def _show(self, rows: list[dict[str, Any]], window: tuple[str | None, str | None]) -> None:
        if window != (self.since, self.until):
            return  # read for a window changed since (a read on return from the prompt came late)
        for r in rows:  # as the dashboard shows them, in the console's language (the export has the values)
            r["shown"] = amount(r["value"], r["unit"], self.t)
            r["previous_shown"] = amount(r["previous"], r["unit"], self.t) if r["previous"] is not None else ""
            r["change_shown"] = change_text(r["change"])
        self.query_one("#window", Static).update(self.t("Window") + self.t(": ") + self.window_words())
        self.query_one("#kpis", VirtualTable).set_source(ListSource(rows), keep_cursor=True)

    def export_columns(self, table: VirtualTable) -> list[Column]:
        """The values themselves: 0.2708 and its window before, the change as a fraction."""
        t = self.t
        return [Column("stage", "stage", fmt=t), Column("name", "KPI id"), Column("title", "KPI", fmt=t),
                Column("value", "value"), Column("previous", "before"), Column("change", "change"),
                Column("unit", "unit"), Column("note", "note", fmt=t)]

    def export_name(self) -> str:
        return "kpis"

    def action_period(self) -> None:
        def got(text: str | None) -> None:
            if not text:
                return
            parts = text.replace("..", " ").replace("～", " ").replace("~", " ").split()
            if len(parts) > 2:
                self.app.notify(self.t("Give a window: 7d, 30d, one day YYYY-MM-DD, or two days (from and to)"),
                                severity="warning")
                return
            since, until = parts[0], (parts[1] if len(parts) == 2 else None)

            def shown(rows: list[dict[str, Any]]) -> None:
                self.since, self.until = since, until
                self._show(rows, (since, until))

            def work() -> None:
                try:
                    rows = read_kpis(self.ws, since, until)
                except ValueError as e:  # the window refused: said, the table stays as it was
                    self.app.call_from_thread(self.app.notify, self.t(str(e)), severity="error",
                                              title=self.t("Window not changed"))
                    return
                self.app.call_from_thread(shown, rows)

            self.run_worker(work, thread=True, group="kpi-window", exclusive=True)

        self.app.push_screen(PromptScreen(self.t("Window: 7d, 30d, one day YYYY-MM-DD, or two days (from and to)"),
                                          self.since or "7d"), got)
