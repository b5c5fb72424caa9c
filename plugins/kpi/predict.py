"""The predicted tag likely_buyer: the chance a person orders within the next 30 days,
stated as an observed rate from the operation's own history, so it is calibrated.

People are put in buckets by what their last 30 days of orders show (how many orders,
and how long since the last one). The rate of each bucket is fitted on the past: the
people in that bucket 30 days before the newest order, and how many of them then ordered
in those 30 days. Today's people get the rate of their bucket. A bucket of fewer than
``MIN_BUCKET`` people in the past gets no prediction (too few to state a rate).
The fit needs two spans (one to describe people, one to see what they did): an order
history shorter than 59 days uses the longest span it holds in whole days (a 30-day
history: 15 days, "within the next 15 days", said in the method), and one shorter than
13 days gives no prediction at all: nothing is guessed.

Everything is anchored to the newest order, so the same orders give the same predictions.
``plugins.sandbox.truth_people`` checks the stated rates against what happened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

DAY = 86400
HORIZON = 30 * DAY  # "within the next 30 days", when the history allows it
MIN_SPAN = 7 * DAY
MIN_BUCKET = 30
SLACK = DAY  # a history or a person that starts within a day of the look-back still covers it
FEW = 500  # known_since reads only the people asked for up to this many (SQLite's 999 variables)


def span_for(start: int, as_of: int) -> int | None:
    """The span (seconds) of look-back and of horizon that an order history from ``start``
    allows at ``as_of``: 30 days, or half the history in whole days; None under 7 days."""
    days = int((as_of - start + SLACK) // (2 * DAY))
    span = min(HORIZON, days * DAY)
    return span if span >= MIN_SPAN else None


def bucket(times: list[int], as_of: int, span: int = HORIZON) -> str:
    """A person's bucket from their order times in (as_of - span, as_of]."""
    recent = [t for t in times if as_of - span < t <= as_of]
    if not recent:
        return "no order"
    n = len(recent)
    freq = "1 order" if n == 1 else "2 orders" if n == 2 else "3+ orders"
    days = (as_of - max(recent)) / DAY
    rec = "last within 7 days" if days <= 7 else "last 8-14 days ago" if days <= 14 else "last 15-30 days ago"
    return f"{freq}, {rec}"


@dataclass(frozen=True)
class Fit:
    as_of: int  # predictions are for (as_of, as_of + span]
    fitted_at: int  # the rates come from buckets at this time and orders in the span after
    span: int  # seconds of look-back and of horizon
    rates: dict[str, tuple[float, int]]  # bucket -> (observed rate, people)


def fit(orders: dict[int, list[int]], known_since: dict[int, int | None], as_of: int, start: int,
        span: int | None = HORIZON) -> Fit | None:
    """Rates per bucket from the past: people known for the whole span before
    ``as_of - span``, bucketed then, and whether they ordered in the span after.
    None when the orders (from ``start``) do not reach back two spans."""
    if span is None:
        return None
    fitted_at = as_of - span
    if fitted_at - span + SLACK < start:
        return None
    people: dict[str, list[bool]] = defaultdict(list)
    for pid, since in known_since.items():
        if since is not None and since > fitted_at - span + SLACK:
            continue  # not known for the whole look-back: their empty past would read as "no order"
        times = orders.get(pid, ())
        b = bucket(list(times), fitted_at, span)
        people[b].append(any(fitted_at < t <= as_of for t in times))
    rates = {b: (sum(v) / len(v), len(v)) for b, v in people.items() if len(v) >= MIN_BUCKET}
    return Fit(as_of, fitted_at, span, rates)


def predict(orders: dict[int, list[int]], known_since: dict[int, int | None], as_of: int,
            f: Fit) -> dict[int, tuple[float, str]]:
    """person -> (stated probability, bucket) for people known the whole span before
    ``as_of`` whose bucket has a fitted rate."""
    out = {}
    for pid, since in known_since.items():
        if since is not None and since > as_of - f.span + SLACK:
            continue
        b = bucket(list(orders.get(pid, ())), as_of, f.span)
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


def known_since(ws, people: dict[int, int | None]) -> dict[int, int | None]:
    """``people`` (person -> first seen by the workspace) known from earlier where the records
    say so: a group's member list gives each member's join time, and the shop's orders go
    back before shequn's first sync. A member of 100 days with no order in an order history
    of 150 has had no order for 100 days; reading them only from the first sync would leave
    the imported months unused (and no bucket could be fitted on them)."""
    out = dict(people)
    # a few people (one profile): read only theirs, by the person_id indexes; else one pass each
    few = len(out) <= FEW
    only = f" AND person_id IN ({','.join('?' * len(out))})" if few else ""
    args = tuple(out) if few else ()
    for sql in ("SELECT person_id, min(joined_at) FROM memberships WHERE 1{only} GROUP BY person_id",
                "SELECT person_id, min(ordered_at) FROM orders WHERE person_id IS NOT NULL{only} GROUP BY person_id"):
        for pid, t in ws.store.execute(sql.format(only=only), args):
            if pid in out and t is not None and out[pid] is not None and t < out[pid]:
                out[pid] = t
    return out


def predictions_as_of(ws, as_of: int, people: dict[int, int | None],
                      span: int | None = None) -> tuple[Fit | None, dict[int, tuple[float, str]]]:
    """Fit on the orders up to ``as_of`` and predict for ``people`` (person -> first seen,
    made earlier by :func:`known_since`): what the tags job states at the newest order, and
    what a back-test states earlier. ``span``: the look-back and horizon; by default the
    longest the history allows."""
    orders = read_orders(ws, as_of)
    start = ws.store.scalar("SELECT min(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    if start is None:
        return None, {}
    people = known_since(ws, people)
    f = fit(orders, people, as_of, start, span if span is not None else span_for(start, as_of))
    return f, (predict(orders, people, as_of, f) if f else {})
