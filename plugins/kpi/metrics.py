"""The KPIs of DOMAIN.md, by lifecycle stage, computed from daily facts.

One function (:func:`compute`) turns a window's facts and inputs into every KPI, so the
rollup path and the raw check share their formulas and differ only in where the facts
come from. A KPI whose input is missing or whose denominator is zero has ``value``
None and says why in ``note``: never a zero that is not a zero, never a division by 0.

Denominators ("members") are membership counts: a person in two groups counts in each.
"""

from __future__ import annotations

from dataclasses import dataclass

from shequn.numbers import percent

from . import cohorts as cohort_mod
from . import coverage
from . import segments as seg_mod
from .facts import Series, by_group_from_rollups, from_rollups, merge, raw_by_group
from .inputs import Inputs, read_inputs, read_inputs_by_group
from .settings import kpi_settings
from .window import Scope, Window, make_window, shift


@dataclass(frozen=True)
class KpiDef:
    name: str
    title: str
    stage: str
    unit: str
    formula: str
    window: str


KPIS: list[KpiDef] = [
    KpiDef("join_rate", "join rate", "acquisition", "ratio",
           "joins in window / channel exposure (impressions) in window", "sum over the window"),
    KpiDef("churn_rate", "churn rate", "acquisition", "ratio",
           "leavers in window / (members at the start of the window + joins in window)", "sum over the window"),
    KpiDef("interaction_rate", "interaction rate", "activation", "ratio",
           "average over the window's days of (members who spoke that day / members that day)", "daily, averaged"),
    KpiDef("message_volume", "message volume", "activation", "messages", "messages in window", "sum over the window"),
    KpiDef("messages_per_member", "messages per member", "activation", "messages/member",
           "messages in window / average daily members", "sum over the window / daily average"),
    KpiDef("retention_rate", "retention rate", "retention", "ratio",
           "of members whose N-day mark (N = kpi.retention_days, 1/7/30) falls in the window (joined N days before one of its days), the share still in the group N days after joining",
           "joins from N days before the window"),
    KpiDef("conversion_rate", "conversion rate", "monetisation", "ratio",
           "orders in window / average daily members", "sum over the window / daily average"),
    KpiDef("average_order_value", "average order value", "monetisation", "yuan/buyer",
           "order revenue in window / distinct buyers in window", "sum over the window"),
    KpiDef("roi", "ROI", "monetisation", "ratio", "revenue in window / cost in window", "sum over the window"),
    KpiDef("segment_mix", "segment mix", "spread", "share",
           "share of loyal / bargain / need / low-need / unknown among current members", "now (last segments run)"),
]
BY_NAME = {k.name: k for k in KPIS}
STAGES = ("acquisition", "activation", "retention", "monetisation", "spread")


def _ratio(num: float, den: float, empty: str) -> tuple[float | None, str]:
    if not den:
        return None, empty
    return num / den, ""


def activity(series: Series, window: Window) -> dict:
    """Sums and averages of a window's facts (the part the raw check compares)."""
    days = window.days
    msgs = spk_days = joins = leaves = kicked = 0
    rates = []
    member_sum = 0
    for d in days:
        m_, s_, j_, l_, k_ = series.row(d)
        msgs += m_
        joins += j_
        leaves += l_
        kicked += k_
        members = series.members.get(d, 0)
        member_sum += members
        if members > 0:
            rates.append((s_ or 0) / members)
        spk_days += s_ or 0
    return {"messages": msgs, "speaker_days": spk_days, "joins": joins, "leaves": leaves, "kicked": kicked,
            "members_start": series.members.get(shift(window.since, -1), 0),
            "members_end": series.members.get(window.until, 0),
            "members_avg": member_sum / len(days), "interaction_days": len(rates),
            "interaction": sum(rates) / len(rates) if rates else None}


def compute(act: dict, inp: Inputs, retention: tuple[int, int] | None, seg: dict[str, int] | None,
            n_days: int) -> dict[str, dict]:
    """Every KPI's value and note from the window's activity and inputs."""
    out: dict[str, dict] = {}

    def put(name, value, note="", **params):
        # the note in English for JSON and CSV, and as template and values for the screen and
        # the CLI table, which show it in the operator's language
        out[name] = {"value": value, "note": note.format(**params) if params else note, "note_words": [note, params]}

    no_members = "no data: no members in this window"
    if not inp.has_exposure:
        put("join_rate", None, "missing input: channel exposure (shequn import exposure FILE.csv)")
    else:
        put("join_rate", *_ratio(act["joins"], inp.impressions, "no data: no exposure for these groups in this window"))
    v, note = _ratio(act["leaves"], act["members_start"] + act["joins"], no_members)
    if v is not None and act["leaves"]:
        put("churn_rate", v, "{left} left, {removed} of them removed", left=act["leaves"], removed=act["kicked"])
    else:
        put("churn_rate", v, note)
    put("interaction_rate", act["interaction"], "" if act["interaction"] is not None else no_members)
    put("message_volume", act["messages"], "")
    put("messages_per_member", *_ratio(act["messages"], act["members_avg"], no_members))
    if retention is None:
        put("retention_rate", None, "no data: cohorts not computed yet (shequn kpi refresh)")
    else:
        kept, elig = retention
        put("retention_rate", *_ratio(kept, elig, "no data: nobody's retention mark (kpi.retention_days after joining) "
                                                  "falls in this window"))
    if not inp.has_orders:
        for k in ("conversion_rate", "average_order_value", "roi"):
            put(k, None, "missing input: orders (shequn import orders FILE.csv, or a shop plugin)")
    else:
        put("conversion_rate", *_ratio(inp.orders, act["members_avg"], no_members))
        put("average_order_value", *_ratio(inp.revenue, inp.buyers, "no data: no orders for these groups in this window"))
        if not inp.has_costs:
            put("roi", None, "missing input: costs (shequn import costs FILE.csv)")
        else:
            put("roi", *_ratio(inp.revenue, inp.cost, "no data: no cost recorded for these groups in this window"))
    if seg is None:
        put("segment_mix", None, "no data: segments not computed yet (shequn kpi refresh)")
    else:
        total = sum(seg.values())
        if not total:
            put("segment_mix", None, "no data: no current members with a segment")
        else:
            put("segment_mix", {s: round(seg[s] / total, 4) for s in seg_mod.SEGMENTS}, "{n} members", n=total)
    return out


def format_value(name: str, value) -> str:
    """A KPI's value in words (console.numbers): a rate with the precision its size needs
    (a join rate of 0.000416 is 0.042%, not 0.0%), counts with thousands separators."""
    if value is None:
        return "—"
    if name == "segment_mix":
        return " / ".join(f"{seg_mod.TITLES[s]} {percent(value[s])}" for s in seg_mod.SEGMENTS)
    unit = BY_NAME[name].unit
    if unit == "ratio" and name != "roi":
        return percent(value)
    if unit == "messages":
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _window_values(ws, scope: Scope, window: Window, series: Series, include_insiders: bool) -> dict[str, dict]:
    cfg = kpi_settings(ws)
    act = activity(series, window)
    # Retention measured in the window: members whose N-day mark falls inside it, i.e.
    # who joined N days before each of its days (a window ending today is answerable).
    n = cfg.retention_days
    joined = Window(shift(window.since, -n), shift(window.until, -n))
    ret = cohort_mod.retention(ws, scope, joined, n, include_insiders) if cohort_mod.computed_at(ws) else None
    seg = seg_mod.mix(ws, scope, include_insiders) if seg_mod.computed_at(ws) else None
    return compute(act, read_inputs(ws, scope, window), ret, seg, window.length)


def _results(cur: dict[str, dict], prev: dict[str, dict]) -> list[dict]:
    rows = []
    for k in KPIS:
        c, p = cur[k.name], prev[k.name]
        change = None
        if k.name != "segment_mix" and c["value"] is not None and p["value"] not in (None, 0):
            change = (c["value"] - p["value"]) / abs(p["value"])
        if k.name == "segment_mix":  # a snapshot of now: there is no earlier figure to compare
            p = {"value": None}
        rows.append({"name": k.name, "title": k.title, "stage": k.stage, "value": c["value"],
                     "shown": format_value(k.name, c["value"]), "unit": k.unit, "previous": p["value"],
                     "change": change, "note": c["note"], "note_words": c.get("note_words") or [c["note"], {}],
                     "missing_input": c["note"].startswith("missing input") or None})
    return rows


def _resolve(ws, scope, since, until, period, include_insiders):
    if isinstance(scope, str):
        scope = Scope() if scope in ("", "all") else Scope(*scope.split(":", 1))
    window = since if isinstance(since, Window) else make_window(ws, since, until, period)
    if include_insiders is None:
        include_insiders = kpi_settings(ws).include_insiders
    return scope, window, include_insiders


def panel(ws, scope: Scope | str = Scope(), since: str | Window | None = None, until: str | None = None,
          period: str | None = None, include_insiders: bool | None = None, source: str = "rollups") -> list[dict]:
    """Every KPI for a scope and window, with the previous window and the change.

    ``scope``: a Scope or "all" / "group:ID" / "type:welfare" / "owner:NAME" /
    "platform:qq" / "family:NAME". ``since/until``: 'YYYY-MM-DD', 'Nd', 'today'; or
    ``period`` day/week/month. ``source="raw"`` recounts from the raw tables (slow).
    Returns one dict per KPI: name, title, stage, value, shown, unit, previous, change,
    note, missing_input."""
    scope, window, inc = _resolve(ws, scope, since, until, period, include_insiders)
    prev = window.previous()
    first = shift(prev.since, -1)
    if source == "raw":
        series = merge(raw_by_group(ws, scope, first, window.until, inc), first, window.until)
    else:
        series = from_rollups(ws, scope, first, window.until, inc)
    rows = _results(_window_values(ws, scope, window, series, inc), _window_values(ws, scope, prev, series, inc))
    return coverage.mark(ws, rows, scope.group_ids(ws))  # groups without a member list say so


def others(ws, scope: Scope | str = Scope(), since: str | Window | None = None, until: str | None = None,
           period: str | None = None) -> list[dict]:
    """The KPIs other plugins registered (``register_kpis``), for the same scope and
    window, through the host (``console.kpis``): rows shaped as :func:`panel`'s, with
    ``plugin``. This plugin's own KPIs are left out (``panel`` computes them together)."""
    from shequn.kpis import results

    scope, window, _ = _resolve(ws, scope, since, until, period, False)
    text = "all" if scope.kind == "all" else f"{scope.kind}:{scope.value}"
    return results(ws, text, window.since, window.until, skip=set(BY_NAME))


def by_group(ws, scope: Scope | str = Scope(), since: str | Window | None = None, until: str | None = None,
             period: str | None = None, include_insiders: bool | None = None, source: str = "rollups") -> list[dict]:
    """One row per group of the scope: the group, then each KPI's value (None with a
    note in ``notes`` when it cannot be computed)."""
    scope, window, inc = _resolve(ws, scope, since, until, period, include_insiders)
    first = shift(window.since, -1)
    per = (raw_by_group if source == "raw" else by_group_from_rollups)(ws, scope, first, window.until, inc)
    names = {r["id"]: r for r in ws.store.query("SELECT id, name, type, platform FROM groups")}
    cfg = kpi_settings(ws)
    inputs = read_inputs_by_group(ws, scope, window)
    n = cfg.retention_days
    rets = (cohort_mod.retention_by_group(ws, scope, Window(shift(window.since, -n), shift(window.until, -n)), n, inc)
            if cohort_mod.computed_at(ws) else None)
    mixes = seg_mod.mix_by_group(ws, scope, inc) if seg_mod.computed_at(ws) else None
    out = []
    for gid, series in per.items():
        vals = compute(activity(series, window), inputs[gid], None if rets is None else rets.get(gid, (0, 0)),
                       None if mixes is None else mixes.get(gid, {s: 0 for s in seg_mod.SEGMENTS}), window.length)
        row = {"group_id": gid, "group": names[gid]["name"], "type": names[gid]["type"],
               "platform": names[gid]["platform"], "members": series.members.get(window.until, 0)}
        for k in KPIS:
            row[k.name] = vals[k.name]["value"]
        row["notes"] = {k: v["note"] for k, v in vals.items() if v["value"] is None}
        if (partial := coverage.note_for(ws, gid)) is not None:  # no member list: "members from events since"
            row["notes"] = {**{k: partial for k in coverage.MEMBER_KPIS}, **row["notes"]}
        out.append(row)
    return out


def activity_for(ws, scope: Scope, window: Window, include_insiders: bool, source: str = "rollups") -> dict:
    """The activity sums of a window (what the raw check compares first)."""
    first = shift(window.since, -1)
    if source == "raw":
        series = merge(raw_by_group(ws, scope, first, window.until, include_insiders), first, window.until)
    else:
        series = from_rollups(ws, scope, first, window.until, include_insiders)
    return activity(series, window)
