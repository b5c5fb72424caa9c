"""The predicted tag likely_buyer: the chance a person orders within the next 30 days,
stated as an observed rate from the operation's own history, so it is calibrated.

People are put in buckets by what their last 30 days of orders show (how many orders,
and how long since the last one). The rate of each bucket is fitted on the past: the
people in that bucket 30 days before the newest order, and how many of them then ordered
in those 30 days. Today's people get the rate of their bucket. A bucket of fewer than
``MIN_BUCKET`` people in the past gets no prediction (too few to state a rate), and an
order history shorter than 59 days (30 to describe people, 30 to see what they did)
gives none at all: nothing is guessed.

Everything is anchored to the newest order, so the same orders give the same predictions.
``plugins.sandbox.truth_people.calibration`` checks the stated rates against what happened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

DAY = 86400
HORIZON = 30 * DAY  # "within the next 30 days"
LOOKBACK = 30 * DAY  # a person is described by their last 30 days of orders
MIN_BUCKET = 30
SLACK = DAY  # a history or a person that starts within a day of the look-back still covers it


def bucket(times: list[int], as_of: int) -> str:
    """A person's bucket from their order times in (as_of - 30 days, as_of]."""
    recent = [t for t in times if as_of - LOOKBACK < t <= as_of]
    if not recent:
        return "no order in 30 days"
    n = len(recent)
    freq = "1 order" if n == 1 else "2 orders" if n == 2 else "3+ orders"
    days = (as_of - max(recent)) / DAY
    rec = "last within 7 days" if days <= 7 else "last 8-14 days ago" if days <= 14 else "last 15-30 days ago"
    return f"{freq}, {rec}"


@dataclass(frozen=True)
class Fit:
    as_of: int  # predictions are for (as_of, as_of + 30 days]
    fitted_at: int  # the rates come from buckets at this time and orders in the 30 days after
    rates: dict[str, tuple[float, int]]  # bucket -> (observed rate, people)


def fit(orders: dict[int, list[int]], known_since: dict[int, int | None], as_of: int, start: int) -> Fit | None:
    """Rates per bucket from the past: people known for the whole 30 days before
    ``as_of - 30 days``, bucketed then, and whether they ordered in the 30 days after.
    None when the orders (from ``start``) do not reach back 60 days."""
    fitted_at = as_of - HORIZON
    if fitted_at - LOOKBACK + SLACK < start:
        return None
    people: dict[str, list[bool]] = defaultdict(list)
    for pid, since in known_since.items():
        if since is not None and since > fitted_at - LOOKBACK + SLACK:
            continue  # not known for the whole look-back: their empty past would read as "no order"
        times = orders.get(pid, ())
        b = bucket(list(times), fitted_at)
        people[b].append(any(fitted_at < t <= as_of for t in times))
    rates = {b: (sum(v) / len(v), len(v)) for b, v in people.items() if len(v) >= MIN_BUCKET}
    return Fit(as_of, fitted_at, rates)


def predict(orders: dict[int, list[int]], known_since: dict[int, int | None], as_of: int,
            f: Fit) -> dict[int, tuple[float, str]]:
    """person -> (stated probability, bucket) for people known the whole 30 days before
    ``as_of`` whose bucket has a fitted rate."""
    out = {}
    for pid, since in known_since.items():
        if since is not None and since > as_of - LOOKBACK + SLACK:
            continue
        b = bucket(list(orders.get(pid, ())), as_of)
        if b in f.rates:
            out[pid] = (f.rates[b][0], b)
    return out


def read_orders(ws, until: int | None = None) -> dict[int, list[int]]:
    """person -> order times (all, or up to ``until``)."""
    out: dict[int, list[int]] = defaultdict(list)
    q = "SELECT person_id, ordered_at FROM orders WHERE person_id IS NOT NULL"
    for pid, t in ws.store.execute(q + (" AND ordered_at <= ?" if until is not None else ""),
                                   (until,) if until is not None else ()):
        out[pid].append(t)
    return out


def predictions_as_of(ws, as_of: int, people: dict[int, int | None]) -> tuple[Fit | None, dict[int, tuple[float, str]]]:
    """Fit on the orders up to ``as_of`` and predict for ``people`` (person -> first seen):
    what the tags job states at the newest order, and what a back-test states earlier."""
    orders = read_orders(ws, as_of)
    start = ws.store.scalar("SELECT min(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    if start is None:
        return None, {}
    f = fit(orders, people, as_of, start)
    return f, (predict(orders, people, as_of, f) if f else {})
