"""Dashboard (数据看板): what happened, what needs a look, and the numbers.

The left column lists what happened in the last 24 hours and the open alerts; every
line opens what it is about (enter or click). The right column holds the trends and
the panels plugins register for ``dashboard`` (the KPI panel by lifecycle stage and
the segment mix come from the kpi plugin).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from .. import queries
from ...numbers import one_line
from ..base import ShequnScreen
from ..keymap import bindings
from ..pickers import KeyList
from ...words import step_text


class DashboardScreen(ShequnScreen):
    MODE = "dashboard"
    TITLE_EN = "Dashboard"
    HELP = ("What happened in the last 24 hours, open alerts, and the KPIs by lifecycle stage. "
            "Enter on a line opens what it is about, on an alert its cause (and from there its group); Tab moves "
            "between the lists; x resolves the selected alert.")
    GUARDED = {"resolve_alert": "write"}
    BINDINGS = bindings("dashboard.resolve_alert")
    PALETTE = [("Resolve alert", "screen.resolve_alert")]

    DEFAULT_CSS = """
    DashboardScreen #cols { height: 1fr; }
    DashboardScreen #left { width: 1fr; min-width: 36; scrollbar-gutter: stable; }
    DashboardScreen #right { width: 1fr; min-width: 36; scrollbar-gutter: stable; }
    DashboardScreen OptionList { height: auto; max-height: 14; border: none; }
    DashboardScreen Sparkline { height: 1; margin: 0 1; }
    DashboardScreen .trend-label { padding: 0 1; color: $text-muted; }
    DashboardScreen #empty { padding: 1 2; color: $warning; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        with Horizontal(id="cols"):
            with VerticalScroll(id="left"):
                yield Static("", id="empty")
                yield Label(self.t("What happened (24 h)"), classes="section")
                yield KeyList(id="happened")
                yield Label(self.t("Alerts"), classes="section", id="alerts-title")
                yield KeyList(id="alerts")
            with VerticalScroll(id="right"):
                yield Label(self.t("Trends (30 days)"), classes="section")
                for key in ("messages", "speakers", "joins", "leaves"):
                    yield Label(self.t(key), classes="trend-label", id=f"label-{key}")
                    yield Sparkline([0], id=f"spark-{key}")
                if not self._kpi_panel():  # the kpi plugin's panel shows plugins' KPIs by stage; else here
                    yield Label(self.t("KPIs of plugins (7 days, change against the 7 before)"), classes="section",
                                id="plugin-kpis-title")
                    yield Static("", id="plugin-kpis")
                for panel in sorted((p for p in self.app.panels.values() if p.screen == "dashboard"),
                                    key=lambda p: (p.order, p.id)):
                    yield from self._panel(panel)

    def _kpi_panel(self) -> bool:
        return any(p.screen == "dashboard" and p.id == "kpi" for p in self.app.panels.values())

    def _plugin_kpis(self) -> list[dict[str, Any]]:
        """KPIs plugins registered (console.kpis), last 7 days, when no KPI panel shows them."""
        if self._kpi_panel() or not self.ws.registry.kpis:
            return []
        from datetime import date, timedelta

        from ...kpis import results

        today = self.ws.day(self.ws.now())
        return results(self.ws, "all", (date.fromisoformat(today) - timedelta(days=6)).isoformat(), today)

    def _show_plugin_kpis(self, rows: list[dict[str, Any]]) -> None:
        from ...numbers import change

        lines = []
        for r in rows:
            note = f"  [dim]{esc(self.t(r['note']))}[/]" if r["note"] else ""
            arrow = f"  {change(r['change'])}" if r["change"] is not None else ""
            lines.append(f"{esc(self.t(r['title']))}{self.t(': ')}[b]{esc(r['shown'])}[/]{arrow}{note}")
        self.query_one("#plugin-kpis", Static).update("\n".join(lines))
        for wid in ("#plugin-kpis", "#plugin-kpis-title"):  # nothing registered: no empty section
            self.query_one(wid).display = bool(lines)

    def _panel(self, spec) -> ComposeResult:
        from ..app import load_target

        try:
            yield load_target(spec.target)()
        except Exception as e:  # a broken panel is named, the dashboard stays up
            yield Static(self.t("Panel {title} ({plugin}) failed: {error}", title=self.t(spec.title),
                                plugin=spec.plugin, error=f"{type(e).__name__}: {e}"), classes="muted")

    #: on live changes, the 24-hour join/leave counts (two scans of memberships, about
    #: 65 ms at 500,000 people, holding the workspace connection every other screen
    #: reads through) are counted again at most this often; everything else every time
    MOVES_EVERY = 10.0
    #: open alerts listed here, urgent and newest first; the rest are one line away (the
    #: owner's queue filtered to alerts pages through every one)
    ALERTS_SHOWN = 50

    def refresh_data(self) -> None:
        self.load(self._read, False, then=self._show)

    def live_changed(self) -> None:
        self.load(self._read, True, then=self._show)
        for panel in self.query("#right > *"):
            again = getattr(panel, "refresh_data", None)
            if callable(again):
                again()

    def _read(self, live: bool) -> dict[str, Any]:
        import time

        ws = self.ws
        moves, at = getattr(self, "_moves", (None, 0.0))
        if moves is None or not live or time.monotonic() - at >= self.MOVES_EVERY:
            moves = queries.membership_moves(ws, ws.now() - 24 * 3600)
            self._moves = (moves, time.monotonic())
        return {"empty": queries.workspace_is_empty(ws), "lines": queries.overnight(ws, moves=moves),
                "alerts": queries.open_alerts(ws, self.ALERTS_SHOWN), "series": queries.daily_series(ws),
                "plugin_kpis": self._plugin_kpis()}

    def _show(self, data: dict[str, Any]) -> None:
        self.query_one("#empty", Static).update(
            self.t("This workspace has no groups yet. Run `shequn demo` for a sample month, or enable a "
                   "connection in config.toml and run `shequn sync NAME`.") if data["empty"] else "")
        self.query_one("#empty").display = data["empty"]
        self.lines = data["lines"]
        happened = self.query_one("#happened", OptionList)
        keep = happened.highlighted
        happened.clear_options()
        happened.add_options([Option(self._say(line), id=f"l{i}") for i, line in enumerate(self.lines)])
        if keep is not None and keep < len(self.lines):
            happened.highlighted = keep
        elif self.lines:
            # the first line, whether its rows or the focus (KeyList.on_focus) came first:
            # the list opens with the focus, so Enter acts on what is seen
            happened.highlighted = 0
        total, self.alerts = data["alerts"]
        self.query_one("#alerts-title", Label).update(
            self.t("Alerts") + (self.t(" ({items})", items=self.t("{n} open", n=total)) if total else ""))
        alerts = self.query_one("#alerts", OptionList)
        keep = alerts.highlighted
        alerts.clear_options()
        if self.alerts:
            alerts.add_options([Option(self._alert_line(a), id=f"a{a['id']}") for a in self.alerts])
            if total > len(self.alerts):
                alerts.add_option(Option(self.t("… {n} more in the owner's queue", n=total - len(self.alerts)),
                                         id="more"))
        else:
            alerts.add_option(Option(self.t("No open alerts"), disabled=True))
        if keep is not None and keep < len(self.alerts):
            alerts.highlighted = keep
        series = data["series"]
        for key in ("messages", "speakers", "joins", "leaves"):
            values = series[key]
            self.query_one(f"#spark-{key}", Sparkline).data = values or [0]
            self.query_one(f"#label-{key}", Label).update(
                self.t("{what}: today {today}, 30 days {total}", what=self.t(key),
                       today=f"{values[-1] if values else 0:,}", total=f"{sum(values):,}"))
        if not self._kpi_panel():
            self._show_plugin_kpis(data["plugin_kpis"])
        self.show_why()

    def focus_main(self) -> None:
        self.query_one("#happened").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve_alert" and (self.focused is None or self.focused.id != "alerts"):
            return None  # dimmed: it acts on the alert list only, when that list has the focus
        return super().check_action(action, parameters)

    def on_descendant_focus(self, event) -> None:
        self.refresh_bindings()

    def _say(self, line: dict[str, Any]) -> str:
        kw = {k: (step_text(self.t, v) if k == "step" else v) for k, v in line.items()
              if k not in ("text", "mode", "arg")}
        kw = {k: esc(v) if isinstance(v, str) else v for k, v in kw.items()}
        return "• " + self.t(line["text"], **kw)

    def _alert_line(self, a: dict[str, Any]) -> str:
        name = a.get("group_name") or ""
        # alerts usually name their group already; say it once
        where = esc(f"[{name}] ") if name and name not in (a.get("message") or "") else ""
        why = (self.t(" — ") + self.app.shown(a["why"])) if a.get("why") else ""
        return f"⚠ {where}{esc(one_line(self.app.shown(a['message'])))}{esc(one_line(why))}"  # one line each

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid == "more":
            self.app.goto("owner", "alert")
        elif oid.startswith("l"):
            line = self.lines[int(oid[1:])]
            self.app.goto(line["mode"], line.get("arg"))
        elif oid.startswith("a"):  # its cause in full, and from there its group
            from ..detail import DetailScreen
            from ..detail_queries import alert

            self.load(alert, self.ws, int(oid[1:]), self.t, self.app.shown,
                      then=lambda d: self.app.push_screen(DetailScreen(**d)), group="detail")

    def action_resolve_alert(self) -> None:
        if not self.guard("write", []):
            return
        ol = self.query_one("#alerts", OptionList)
        if ol.highlighted is None or not self.alerts or ol.highlighted >= len(self.alerts):
            self.app.notify(self.t("Select an alert first"), severity="warning")
            return
        from ..ops import resolve_alert

        self.do(resolve_alert, self.ws, self.alerts[ol.highlighted]["id"], done=self.t("Alert resolved"))
