"""The KPIs every plugin registers, computed through the host (public API).

``results(ws, scope="all", since="YYYY-MM-DD", until="YYYY-MM-DD", skip=set())`` is one row
per KPI registered with ``register_kpis`` (those named in ``skip`` left out), in lifecycle
stage order: ``name``, ``title``, ``stage``, ``value``, ``shown``, ``unit``, ``previous`` (the
window of the same length just before), ``change``, ``note``, ``plugin``. A compute that
raises is a plugin problem named on its row, never a traceback. ``shown(value, unit)`` is
how a KPI's value reads (ratios as percentages, counts with separators). A plugin that
shows KPIs (a dashboard, a report) reads them here, never another plugin's tables.
"""

from __future__ import annotations

from console.kpis import results, shown

__all__ = ["results", "shown"]
