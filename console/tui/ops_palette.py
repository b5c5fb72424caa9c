"""The command palette's entries for a day's work (export, the KPI table, scheduling an
announcement, a group's theme/tier/capacity, editing a rule), acting on the screen shown.

``ConsoleCommands.get_system_commands`` yields these; each says what it acts on and
does nothing where the screen has no such thing (a toast says why).
"""

from __future__ import annotations

from typing import Any, Iterable

from textual.app import SystemCommand


def ops_commands(app: Any, screen: Any) -> Iterable[SystemCommand]:
    t = app.t
    yield SystemCommand(t("Export"), t("Save the table shown as CSV, JSON or Markdown (ctrl+e)"),
                        lambda: _run(app, screen, "export"))
    yield SystemCommand(t("KPI table"), t("Every KPI for a window, to read row by row and export"),
                        lambda: open_kpis(app))
    yield SystemCommand(t("Schedule announcement"), t("Publish an announcement later, in the marked groups or the "
                                                      "group shown (B)"), lambda: _run(app, screen, "schedule"))
    yield SystemCommand(t("Theme, tier, capacity"), t("Set a group's theme, tier and capacity (e)"),
                        lambda: _run(app, screen, "edit_group"))
    yield SystemCommand(t("Edit a rule or policy"), t("Change its config, see the dry-run preview, then save"),
                        lambda: pick_rule(app))


def _run(app: Any, screen: Any, action: str) -> None:
    """The screen's own action when it has one; else say where it is."""
    fn = getattr(app.screen, f"action_{action}", None)
    if fn is None:
        where = {"export": "Nothing to export here: this screen shows no table",
                 "schedule": "Scheduling works on Groups or a group's page: mark groups there first",
                 "edit_group": "Theme, tier and capacity are set on Groups or a group's page"}[action]
        app.notify(app.t(where), severity="warning")
        return
    fn()


def open_kpis(app: Any) -> None:
    from .kpi_table import KpiTableScreen

    app.push_screen(KpiTableScreen())


def pick_rule(app: Any) -> None:
    from .rule_edit import pick_and_edit

    pick_and_edit(app)
