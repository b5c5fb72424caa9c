"""The sandbox's shop: members who joined before the first day have bought since they
joined, as their segment buys (the order history an operator imports), and the world's
bargain hunters never refer anyone (DOMAIN.md: 羊毛型 "never refers")."""

from __future__ import annotations

from collections import defaultdict

from plugins.sandbox.model import DAY
from plugins.sandbox.world import World

T0 = 1_700_000_000 // 3600 * 3600


def _world() -> World:
    return World(3, 12, 3000, T0, anchor=T0 + 30 * DAY)


def _joined(w: World) -> dict[str, int]:
    """Each customer's first join, as the world was built."""
    out: dict[str, int] = {}
    for g in w.groups.values():
        for uid, m in g.members.items():
            if uid in w.people and not w.people[uid].staff:
                out[uid] = min(out.get(uid, m[0]), m[0])
    return out


def test_members_before_the_first_day_bought_as_their_segment_buys():
    w = _world()
    joined = _joined(w)
    history = [o for o in w.take_records()["orders"] if o["ordered_at"] < T0]
    assert history, "members of up to 120 days have bought before the first day"
    by_user: dict[str, list[dict]] = defaultdict(list)
    for o in history:
        by_user[o["user"]].append(o)
        assert o["order_id"].startswith("sb-oh-") and o["user"] in joined
        assert joined[o["user"]] <= o["ordered_at"]  # nobody bought in a group before joining it
    for uid, orders in by_user.items():
        seg = w.people[uid].segment
        times = sorted(o["ordered_at"] for o in orders)
        gaps = [(b - a) / DAY for a, b in zip(times, times[1:])]
        if seg == "need":
            assert len(orders) == 1 and orders[0]["amount"] >= 800  # one big order, no repeat
        elif seg == "loyal":
            assert all(25 <= g <= 35 for g in gaps)  # monthly
        elif seg == "bargain":
            assert all(8 <= g <= 15 for g in gaps) and all(o["amount"] < 150 for o in orders)
        else:
            assert seg == "low_need" and len(orders) == 1
    # a loyal member of 90 days or more has bought at least twice by the first day
    old_loyal = [u for u, t in joined.items() if w.people[u].segment == "loyal" and t <= T0 - 90 * DAY]
    assert old_loyal and all(len(by_user[u]) >= 2 for u in old_loyal)


def test_the_history_is_the_same_for_a_seed_and_leaves_the_days_orders_apart():
    a, b = _world(), _world()
    ra, rb = a.take_records()["orders"], b.take_records()["orders"]
    assert ra == rb
    assert len({o["order_id"] for o in ra}) == len(ra)


def test_bargain_hunters_never_refer():
    w = _world()
    for h in range(1, 7 * 24 + 1):
        w.tick(T0 + h * 3600, 3600)
    referrers = [p.referrer for p in w.people.values() if p.referrer]
    assert len(referrers) > 20
    assert {w.people[r].segment for r in referrers} >= {"loyal"}
    assert not [r for r in referrers if w.people[r].segment == "bargain"]
