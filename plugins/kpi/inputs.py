"""Inputs from outside the chat platforms, read for a scope and window: channel
exposure, orders and costs. Each read says whether the input exists for the window at
all (anywhere in the workspace), so a KPI can say "no orders recorded" instead of 0.

Rows with no group (``group_id`` NULL: the whole operation) count only for the
all-groups scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from shequn.people import root_sql

from .window import Scope, Window, shift

#: a buyer is a person: two linked accounts of one person (console/identity.py) buy as one
BUYER = root_sql("orders.person_id")


@dataclass
class Inputs:
    impressions: int = 0
    has_exposure: bool = False
    orders: int = 0
    revenue: float = 0.0
    buyers: int = 0
    has_orders: bool = False
    cost: float = 0.0
    has_costs: bool = False


def _group_filter(scope: Scope, column: str = "group_id") -> tuple[str, list]:
    if scope.kind == "all":
        return "", []
    sub, params = scope.subquery()
    return f" AND {column} IN ({sub})", params


def read_inputs(ws, scope: Scope, window: Window) -> Inputs:
    st = ws.store
    gf, gp = _group_filter(scope)
    start, end = ws.day_start(window.since), ws.day_start(shift(window.until, 1))
    i = Inputs()
    day_args = [window.since, window.until]
    i.has_exposure = st.scalar("SELECT 1 FROM exposure WHERE day BETWEEN ? AND ? LIMIT 1", day_args) is not None
    i.impressions = int(st.scalar(f"SELECT sum(impressions) FROM exposure WHERE day BETWEEN ? AND ?{gf}",
                                  [*day_args, *gp], 0))
    i.has_costs = st.scalar("SELECT 1 FROM costs WHERE day BETWEEN ? AND ? LIMIT 1", day_args) is not None
    i.cost = float(st.scalar(f"SELECT sum(amount) FROM costs WHERE day BETWEEN ? AND ?{gf}", [*day_args, *gp], 0))
    i.has_orders = st.scalar("SELECT 1 FROM orders WHERE ordered_at >= ? AND ordered_at < ? LIMIT 1",
                             (start, end)) is not None
    row = st.one(f"SELECT count(*) AS n, coalesce(sum(amount), 0) AS revenue,"
                 f" count(DISTINCT {BUYER}) + sum(person_id IS NULL) AS buyers"
                 f" FROM orders WHERE ordered_at >= ? AND ordered_at < ?{gf}", [start, end, *gp])
    i.orders, i.revenue, i.buyers = row["n"], float(row["revenue"]), row["buyers"] or 0
    return i


def read_inputs_by_group(ws, scope: Scope, window: Window) -> dict[int, Inputs]:
    """:func:`read_inputs` for every group of the scope at once (grouped queries)."""
    st = ws.store
    sub, params = scope.subquery()
    start, end = ws.day_start(window.since), ws.day_start(shift(window.until, 1))
    day_args = [window.since, window.until]
    has_exp = st.scalar("SELECT 1 FROM exposure WHERE day BETWEEN ? AND ? LIMIT 1", day_args) is not None
    has_cost = st.scalar("SELECT 1 FROM costs WHERE day BETWEEN ? AND ? LIMIT 1", day_args) is not None
    has_ord = st.scalar("SELECT 1 FROM orders WHERE ordered_at >= ? AND ordered_at < ? LIMIT 1", (start, end)) is not None
    out = {g: Inputs(has_exposure=has_exp, has_costs=has_cost, has_orders=has_ord) for g in scope.group_ids(ws)}
    for g, n in st.execute(f"SELECT group_id, sum(impressions) FROM exposure WHERE day BETWEEN ? AND ?"
                           f" AND group_id IN ({sub}) GROUP BY group_id", [*day_args, *params]):
        out[g].impressions = int(n or 0)
    for g, a in st.execute(f"SELECT group_id, sum(amount) FROM costs WHERE day BETWEEN ? AND ?"
                           f" AND group_id IN ({sub}) GROUP BY group_id", [*day_args, *params]):
        out[g].cost = float(a or 0)
    for g, n, rev, buyers in st.execute(
            f"SELECT group_id, count(*), coalesce(sum(amount), 0), count(DISTINCT {BUYER}) + sum(person_id IS NULL)"
            f" FROM orders WHERE ordered_at >= ? AND ordered_at < ? AND group_id IN ({sub}) GROUP BY group_id",
            [start, end, *params]):
        out[g].orders, out[g].revenue, out[g].buyers = n, float(rev), buyers or 0
    return out
