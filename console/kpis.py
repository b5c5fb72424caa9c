"""KPIs any plugin registers with ``register_kpis``, computed through the host.

``shequn kpi`` and the dashboard's KPI panel show the domain's KPIs (the kpi plugin) and,
beside them by lifecycle stage, every KPI another plugin registers: a third-party
check-in plugin's "check-in rate" appears without the kpi plugin knowing it (issue 22).

The contract (docs/plugins.md, ``register_kpis``): ``compute(ws, scope="all",
since="YYYY-MM-DD", until="YYYY-MM-DD")`` returns a number, None (no data) or a dict
with ``value`` and ``note``. The host asks for the window and for the window of the
same length just before it, and says the change; a compute that raises is a plugin
problem named on the row, never a traceback.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .numbers import percent

STAGES = ("acquisition", "activation", "retention", "monetisation", "spread")


def previous(since: str, until: str) -> tuple[str, str]:
    """The window of the same length that ends the day before ``since``."""
    a, b = date.fromisoformat(since), date.fromisoformat(until)
    n = (b - a).days + 1
    return (a - timedelta(days=n)).isoformat(), (a - timedelta(days=1)).isoformat()


def shown(value: Any, unit: str) -> str:
    """A registered KPI's value in words: ratios as percentages with their precision,
    counts with thousands separators, other numbers with two decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if unit in ("ratio", "share", "%"):
        return percent(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def _call(ws, spec, scope: str, since: str, until: str) -> tuple[Any, str]:
    try:
        got = spec.compute(ws, scope=scope, since=since, until=until)
    except Exception as e:
        from .pluginmanager import PluginProblem

        report = getattr(getattr(ws, "pm", None), "report", None)
        if callable(report):
            report(PluginProblem(spec.plugin or "?", f"register_kpis ({spec.name}.compute)", f"{type(e).__name__}: {e}"))
        return None, f"failed: {type(e).__name__}: {e}"
    if isinstance(got, dict):
        return got.get("value"), str(got.get("note") or "")
    return got, "" if got is not None else "no data"


def results(ws, scope: str = "all", since: str = "", until: str = "", skip: set[str] | frozenset = frozenset(),
            ) -> list[dict[str, Any]]:
    """One row per registered KPI not in ``skip`` (the kpi plugin skips its own, which it
    computes together), in stage order: name, title, stage, value, shown, unit, previous,
    change, note, plugin; the same keys as the kpi plugin's panel rows."""
    order = {s: i for i, s in enumerate(STAGES)}
    specs = sorted((k for k in ws.registry.kpis.values() if k.name not in skip and k.compute is not None),
                   key=lambda k: (order.get(k.stage, len(STAGES)), k.plugin, k.name))
    if not specs:
        return []
    psince, puntil = previous(since, until)
    rows = []
    for k in specs:
        value, note = _call(ws, k, scope, since, until)
        prev, _ = _call(ws, k, scope, psince, puntil)
        change = None
        if isinstance(value, (int, float)) and isinstance(prev, (int, float)) and prev:
            change = (value - prev) / abs(prev)
        rows.append({"name": k.name, "title": k.title, "stage": k.stage, "value": value, "shown": shown(value, k.unit),
                     "unit": k.unit, "previous": prev, "change": change, "note": note, "missing_input": None,
                     "plugin": k.plugin})
    return rows
