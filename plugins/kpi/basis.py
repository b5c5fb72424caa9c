"""What the operation's own orders say: the time they run to, the mean order value,
and the top tenth of order values.

Segments are judged as of the newest order in the workspace (the order history runs to
there), not as of the wall clock: the same orders give the same segments whenever they
are recomputed, and a person is not "lapsed" only because the import is a week old.
Thresholds the domain gives no number for (DOMAIN.md: "order value below a threshold",
"strong need") come from these figures unless ``[kpi]`` sets a number; every threshold
carries the words that say where it came from, for the ``why`` of each person.
"""

from __future__ import annotations

from dataclasses import dataclass

from .settings import KpiSettings

DAY = 86400
MONTH_DAYS = 30  # "buys monthly" (DOMAIN.md): a month is 30 days
TOP_SHARE = 0.1  # "strong need": an order in the top tenth of the operation's orders


@dataclass(frozen=True)
class Threshold:
    value: float
    source: str  # a template with {value}: where the number came from, in words

    def words(self) -> tuple[str, dict]:
        return self.source, {"value": f"{self.value:.2f}"}


@dataclass(frozen=True)
class Basis:
    anchor: int | None  # the newest order: every judgement is as of this time
    start: int | None  # the oldest order: the order history begins here
    orders: int
    mean_order: float | None  # revenue / orders
    bargain: Threshold | None
    need: Threshold | None


def median(values: list[float]) -> float:
    """The middle of sorted ``values`` (the mean of the two middle ones for an even count)."""
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def top_share_floor(values: list[float], share: float = TOP_SHARE) -> float:
    """The smallest order value v such that orders of at least v are at most ``share`` of
    all orders: the floor of the top tenth. Ties stay together (a price many orders share
    is either wholly in the top tenth or wholly out), so a catalogue price at the edge
    does not split people who paid the same."""
    v = sorted(values, reverse=True)
    limit = share * len(v)
    floor = v[0]
    i = 0
    while i < len(v):
        j = i
        while j < len(v) and v[j] == v[i]:
            j += 1
        if j > limit:
            break
        floor, i = v[i], j
    return floor


def basis(amounts_times: list[tuple[int, float]], cfg: KpiSettings) -> Basis:
    """The operation's figures from all its orders ``(ordered_at, amount)``."""
    if not amounts_times:
        return Basis(None, None, 0, None, None, None)
    times = [t for t, _ in amounts_times]
    amounts = [a for _, a in amounts_times]
    # The mean, not the median: bargain hunters order most often, so the median order sits
    # among their own orders and half of them could never be below it (measured on the
    # sandbox: bargain recall 52% at 30 days with the median, 76% with the mean).
    mean = sum(amounts) / len(amounts)
    if cfg.bargain_max_order_value > 0:
        bargain = Threshold(cfg.bargain_max_order_value, "below {value}, set in [kpi] bargain_max_order_value")
    else:
        bargain = Threshold(mean, "below the operation's mean order value {value} (revenue / orders)")
    if cfg.need_min_order_value > 0:
        need = Threshold(cfg.need_min_order_value, "at least {value}, set in [kpi] need_min_order_value")
    else:
        need = Threshold(top_share_floor(amounts), "at least {value}, the floor of the operation's top tenth of orders")
    return Basis(max(times), min(times), len(amounts), mean, bargain, need)
