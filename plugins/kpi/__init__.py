"""kpi: the numbers operators report to the business (DOMAIN.md, KPIs), by lifecycle
stage, from the rollups the engine keeps at ingest; retention cohorts; segments; tags
with provenance; alerts (silent groups, churn spikes, capacity, low interaction, the
join queue); CSV imports of orders, costs and channel exposure; and ``shequn kpi``.

The console's KPI panel calls the same plain functions as the CLI, gathered in
``plugins.kpi.api`` (panel, by_group, cohorts, segments, member_segment, tags, leaves).
"""

from __future__ import annotations

from shequn import Job, KpiSpec, hookimpl

from .metrics import KPIS, panel

__version__ = "0.1.0"


@hookimpl
def register_settings(register):
    from .settings import KpiSettings

    register("kpi", KpiSettings)


@hookimpl
def register_migrations(register):
    from .migrations import MIGRATIONS

    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_kpis(register):
    for k in KPIS:
        register(KpiSpec(name=k.name, title=k.title, stage=k.stage, unit=k.unit, formula=k.formula,
                         compute=_one(k.name)))


def _one(name):
    def compute(ws, scope="all", since=None, until=None, **kw):
        return next(r for r in panel(ws, scope, since, until, **kw) if r["name"] == name)
    compute.__doc__ = f"The {name} KPI result for a scope and window (a panel row)."
    return compute


@hookimpl
def register_labels(register):
    # a person's segment, read by Members and profiles through console.labels
    from shequn import LabelSource

    from .segments import labels_for, people_with

    register(LabelSource(name="segment", title="segment", read=labels_for, find=people_with))


@hookimpl
def register_jobs(register):
    from . import jobs

    register(Job("kpi.cohorts", 3600, jobs.run_cohorts, "Recount retention cohorts from memberships."))
    register(Job("kpi.segments", 3600, jobs.run_segments, "Recompute segments and the per-group segment mix."))
    register(Job("kpi.tags", 3600, jobs.run_tags, "Recompute rule tags and predicted tags."))
    register(Job("kpi.alerts", 900, jobs.run_alerts,
                 "Check silent groups, churn spikes, capacity, interaction and the join queue."))
    register(Job("kpi.orders", 600, jobs.run_orders, "Fetch orders from shop plugins (fetch_orders) and store them."))


@hookimpl
def register_commands(cli):
    from .cli import attach

    attach(cli)


@hookimpl
def register_translations(register):
    from .crosscheck import ZH as CROSSCHECK
    from .i18n import ZH

    register("zh-CN", {**ZH, **CROSSCHECK})


@hookimpl
def register_panels(register):
    # The dashboard's KPI panel; imported by the console only (Textual stays out of headless runs).
    from shequn import PanelSpec

    register(PanelSpec(id="kpi", title="KPIs", screen="dashboard", target="plugins.kpi.panels:KpiPanel", order=10))
