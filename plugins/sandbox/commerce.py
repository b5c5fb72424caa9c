"""Outside the chat: orders by segment, daily costs per group and exposure per channel.

Orders draw from a generator of their own per buyer and time (``_order_rng``), not from the
world's: the shop's history before the first day (members who joined weeks or months
earlier have bought as their segment does since they joined) can then be written without
moving a single chat event, and the same seed gives the same orders however the chat runs.
"""

from __future__ import annotations

import heapq
import random

from . import texts
from .model import DAY, Person


class Commerce:
    """The part of :class:`~plugins.sandbox.world.World` that keeps the side records."""

    def _order_rng(self, uid: str, ts: int, what: str) -> random.Random:
        """``random.Random(f"{seed}:{what}:{uid}:{ts}")``'s numbers, from a generator reseeded per
        ``what`` (draws.Reseeded: a month's 80,000 new generators were a second of back-fill)."""
        return self._reseeded.get(what, f"{self.seed}:{what}:{uid}:{ts}")

    def _next_order(self, p: Person, after: int, speed: float, first: bool = False) -> int | None:
        rng = self._order_rng(p.uid, after, "first" if first else "next")
        if p.staff:
            return None
        if p.segment == "loyal":
            days = rng.uniform(0, 30) if first else rng.uniform(25, 35)
        elif p.segment == "bargain":
            days = rng.uniform(0, 12) if first else rng.uniform(8, 15)
        elif p.segment == "need":
            if not first:
                return None  # strong need, one big order, no repeat within months
            days = rng.uniform(0, 60)
        else:
            if not first or rng.random() > 0.3:
                return None
            days = rng.uniform(0, 90)
        return int(after + days * DAY / max(speed, 1e-6))

    def _orders(self, until: int, speed: float) -> None:
        heap = self.order_heap
        while heap and heap[0][0] < until:
            ts, uid = heapq.heappop(heap)
            p = self.people[uid]
            groups = [g for g in self.groups.values() if uid in g.members and not g.dismissed]
            if groups:
                self._order(p, ts, groups, self._id("o"))
            nxt = self._next_order(p, ts, speed)
            if nxt is not None:
                heapq.heappush(heap, (nxt, uid))

    def _order(self, p: Person, ts: int, groups: list, order_id: str) -> None:
        groups.sort(key=lambda g: g.type == "traffic")  # welfare and flash groups sell
        rng = self._order_rng(p.uid, ts, "basket")
        product, price = self._product(p, rng)
        qty = 1 if price > 100 else rng.randint(1, 3)
        p.orders += 1
        self.records["orders"].append({"order_id": order_id, "user": p.uid, "group": groups[0].gid,
                                       "amount": round(price * qty, 2), "ordered_at": ts, "product": product})

    def _history(self, p: Person, joined: int, start: int, groups: list) -> int | None:
        """The orders ``p`` placed between joining (before the first day) and ``start``, as
        their segment buys; returns their first order from ``start`` on (None: no more).
        Ids ``sb-oh-<person>-<n>`` keep them apart from the days' orders."""
        nxt, n = self._next_order(p, joined, 1.0, first=True), 0
        while nxt is not None and nxt < start:
            n += 1
            self._order(p, nxt, groups, f"sb-oh-{p.uid}-{n}")
            nxt = self._next_order(p, nxt, 1.0)
        return nxt

    def _product(self, p: Person, rng: random.Random) -> tuple[str, float]:
        ps = texts.PRODUCTS
        if p.segment == "bargain":
            pool = [x for x in ps if x[1] < 50]
        elif p.segment == "need":
            pool = [x for x in ps if x[1] >= 800]
        elif p.segment == "loyal":
            pool = [x for x in ps if 60 <= x[1] <= 400]
        else:
            pool = [x for x in ps if x[1] < 130]
        return rng.choice(pool)

    def _daily_records(self, day: str) -> None:
        rng = self.rng
        costs, exposure = self.records["costs"], self.records["exposure"]
        costs.append({"day": day, "group": None, "amount": 300.0, "category": "人力", "note": "运营团队日均"})
        for g in self.groups.values():
            if g.dismissed:
                continue
            if g.type == "traffic":
                costs.append({"day": day, "group": g.gid, "amount": float(rng.randint(100, 300)),
                              "category": "投放", "note": g.channel})
            else:
                costs.append({"day": day, "group": g.gid, "amount": float(rng.randint(20, 120)),
                              "category": "红包", "note": ""})
            lo, hi = next((c[1], c[2]) for c in texts.CHANNELS if c[0] == g.channel)
            exposure.append({"day": day, "channel": g.channel, "group": g.gid, "impressions": rng.randint(lo, hi)})

    def take_records(self) -> dict[str, list]:
        """Side records generated since the last call (the caller writes them)."""
        out = self.records
        self.records = {"orders": [], "costs": [], "exposure": [], "truth": []}
        return out
