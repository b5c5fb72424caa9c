"""Outside the chat: orders by segment, daily costs per group and exposure per channel."""

from __future__ import annotations

import heapq

from . import texts
from .model import DAY, Person


class Commerce:
    """The part of :class:`~plugins.sandbox.world.World` that keeps the side records."""

    def _next_order(self, p: Person, after: int, speed: float, first: bool = False) -> int | None:
        rng = self.rng
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
                groups.sort(key=lambda g: g.type == "traffic")  # welfare and flash groups sell
                g = groups[0]
                product, price = self._product(p)
                qty = 1 if price > 100 else self.rng.randint(1, 3)
                p.orders += 1
                self.records["orders"].append({"order_id": self._id("o"), "user": uid, "group": g.gid,
                                               "amount": round(price * qty, 2), "ordered_at": ts,
                                               "product": product})
            nxt = self._next_order(p, ts, speed)
            if nxt is not None:
                heapq.heappush(heap, (nxt, uid))

    def _product(self, p: Person) -> tuple[str, float]:
        ps = texts.PRODUCTS
        if p.segment == "bargain":
            pool = [x for x in ps if x[1] < 50]
        elif p.segment == "need":
            pool = [x for x in ps if x[1] >= 800]
        elif p.segment == "loyal":
            pool = [x for x in ps if 60 <= x[1] <= 400]
        else:
            pool = [x for x in ps if x[1] < 130]
        return self.rng.choice(pool)

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
