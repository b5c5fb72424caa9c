"""Segments by the domain's rules on a hand-made set of orders and referrals, worked out by
hand: thresholds from the operation's own orders named in the why, unknown where the data
cannot show a segment, and the same answer when recomputed later by the wall clock."""

import pytest

from console.config import ConfigError
from plugins.kpi.basis import top_share_floor
from plugins.kpi.metrics import panel
from plugins.kpi.segments import member_segment, rebuild, segments
from plugins.kpi.settings import KpiSettings

DAY = 86400


def make(ws):
    """Nine people in one group; T is the newest order (B's last). By hand:
    orders 20 20 20 20 25 30 40 60 120 130 150 900 -> mean 1535 / 12 = 127.92 (the median,
    35, would sit among the cheap orders);
    top tenth of 12 orders is 1.2 orders: 900 alone -> strong need from 900. The order
    history begins with C's order 100 days before T: nobody is known longer than that."""
    t = ws.day_start("2025-06-01") + 12 * 3600
    ws.clock = lambda: t + 3600
    with ws.store.write() as c:
        c.execute("INSERT INTO connections(id, platform) VALUES ('shop', 'sandbox') ON CONFLICT DO NOTHING")
        c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, type)"
                  " VALUES (1, 'shop', 'sandbox', 'g1', 'g1', 'welfare')")
        ids = {}
        for k, name in enumerate("ABCDEFGHI", start=1):
            created = t - (10 if name == "F" else 120) * DAY
            c.execute("INSERT INTO people(id, display_name, created_at) VALUES (?,?,?)", (k, name, created))
            c.execute("INSERT INTO memberships(group_id, person_id, status, joined_at) VALUES (1, ?, 'member', ?)",
                      (k, created))
            ids[name] = k
        c.execute("UPDATE people SET referred_by = ? WHERE id = ?", (ids["A"], ids["C"]))  # A referred C
        c.execute("UPDATE people SET referred_by = ? WHERE id = ?", (ids["H"], ids["I"]))  # H referred I
        orders = {"A": [(60, 120), (30, 150), (2, 130)], "B": [(20, 20), (10, 30), (0, 25)], "C": [(100, 900)],
                  "D": [(50, 40)], "G": [(5, 60)], "H": [(9, 20), (6, 20), (3, 20)]}
        n = 0
        for name, lst in orders.items():
            for ago, amount in lst:
                n += 1
                c.execute("INSERT INTO orders(order_id, person_id, group_id, amount, ordered_at) VALUES (?,?,1,?,?)",
                          (f"o{n}", ids[name], amount, t - ago * DAY))
    return ids


EXPECTED = {
    "A": ("loyal", "buys monthly: 3 orders, a typical gap of 29 days (a month: 15 to 45), the last 2 days ago;"
                   " referred 1 (rule: at least 1)"),
    "B": ("bargain", "3 orders averaging 25.00; below the operation's mean order value 127.92 (revenue / orders); never referred anyone"),
    "C": ("need", "a strong need: an order of 900.00; at least 900.00, the floor of the operation's top tenth of orders;"
                  " no repeat purchase within 3 months (seen 100 days since the last order)"),
    "D": ("low_need", "bought once, 40.00, 50 days ago, and not again; not a strong need;"
                      " at least 900.00, the floor of the operation's top tenth of orders"),
    "E": ("low_need", "never ordered in the 100 days known (judged after 30)"),  # orders begin 100 days back
    "F": ("unknown", "no order in the 10 days known: 'never' is judged after 30 days"),
    "G": ("unknown", "one order, 5 days ago: too early to tell a one-off from a monthly or bargain buyer"
                     " (judged 45 days after the order)"),
    "H": ("unknown", "3 orders averaging 20.00, a typical gap of 3 days, referred 1: no segment's rule fits (loyal buys"
                     " monthly and refers; bargain never refers and buys below the threshold; need does not repeat within"
                     " 3 months); below the operation's mean order value 127.92 (revenue / orders)"),
    "I": ("low_need", "never ordered in the 100 days known (judged after 30)"),
}


def stored(ws):
    return {pid: (seg, why) for pid, seg, why in ws.store.execute("SELECT person_id, segment, why FROM kpi_segments")}


def test_hand_made_segments_and_their_why(ws):
    ids = make(ws)
    assert rebuild(ws) == {"loyal": 1, "bargain": 1, "need": 1, "low_need": 3, "unknown": 3}
    got = stored(ws)
    for name, want in EXPECTED.items():
        assert got[ids[name]] == want, name
    one = member_segment(ws, ids["B"])
    assert (one["segment"], one["why"]) == EXPECTED["B"] and one["signals"]["avg_order"] == 25.0


def test_recomputed_later_by_the_wall_clock_gives_the_same_answer(ws):
    make(ws)
    rebuild(ws)
    first = stored(ws)
    later = ws.now() + 40 * DAY  # the old rules, anchored on now, moved people between segments here
    ws.clock = lambda: later
    rebuild(ws)
    assert stored(ws) == first
    assert ws.store.scalar("SELECT max(computed_at) FROM kpi_segments") == later  # it did run again


def test_a_configured_threshold_overrides_the_median_and_says_so(ws):
    ids = make(ws)
    ws.settings.sections["kpi"] = {"bargain_max_order_value": 30.0, "need_min_order_value": 100.0}
    rebuild(ws)
    got = stored(ws)
    assert got[ids["B"]] == ("bargain", "3 orders averaging 25.00; below 30.00, set in [kpi] bargain_max_order_value;"
                                        " never referred anyone")
    # 150 is now a strong need, but A's repeat purchases keep A loyal; D's 40 is still not one
    assert got[ids["D"]][0] == "low_need" and "at least 100.00, set in [kpi] need_min_order_value" in got[ids["D"]][1]
    ws.settings.sections["kpi"] = {"bargain_max_order_value": 22.0}
    rebuild(ws)
    assert stored(ws)[ids["B"]][0] == "unknown"  # averaging 25, not below 22: no rule fits


def test_no_orders_at_all_leaves_everyone_unknown(ws):
    make(ws)
    with ws.store.write() as c:
        c.execute("DELETE FROM orders")
    assert rebuild(ws) == {"unknown": 9}
    assert set(stored(ws).values()) == {("unknown", "no orders in the workspace yet"
                                                    " (shequn import orders FILE.csv, or a shop plugin)")}


def test_unknown_shows_in_the_mix_the_kpi_and_chinese(ws):
    ids = make(ws)
    ws.settings.console.language = "zh-CN"
    rebuild(ws)
    assert stored(ws)[ids["B"]] == ("bargain", "3 笔订单，平均 25.00；低于本运营订单平均金额 127.92（销售额 / 订单数）；从未推荐他人")
    row = segments(ws, 1)[0]
    assert row["members"] == 9 and row["unknown"] == round(3 / 9, 4) and row["low_need"] == round(3 / 9, 4)
    # advice is judged on the 6 with a segment: bargain 1/6 and loyal 1/6 are below the 0.3 bar
    assert row["advice"] == ""
    mix = next(r for r in panel(ws, "all", since="7d") if r["name"] == "segment_mix")
    assert mix["value"]["unknown"] == round(3 / 9, 4) and "未知" in ws.t("unknown")


def test_top_share_floor_keeps_ties_together():
    assert top_share_floor([900, 150, 130, 120, 60, 40, 30, 25, 20, 20, 20, 20]) == 900
    # 20 orders: the top tenth is 2 orders; 500 and 400 are those two
    assert top_share_floor([500, 400] + [100] * 18) == 400
    # a price three orders share straddles the edge: it stays out, whole
    assert top_share_floor([500, 400, 400, 400] + [100] * 16) == 500


@pytest.mark.parametrize("field, value, expected", [
    ("talker_message_share", 1.5, "a share above 0 and at most 1"),
    ("talker_message_share", 0.0, "a share above 0 and at most 1"),
    ("likely_buyer_min_confidence", -0.1, "a share from 0 to 1"),
    ("bargain_max_order_value", -5.0, "0 (from the operation's orders) or an amount above 0"),
    ("segment_horizon_days", 0, "a whole number from 1 to 3650"),
    ("talk_period_days", -1, "a whole number from 1 to 365"),
])
def test_a_threshold_that_cannot_work_is_refused_naming_the_field(field, value, expected):
    with pytest.raises(ConfigError) as e:
        KpiSettings(**{field: value})
    assert f"kpi.{field}" in str(e.value) and expected in str(e.value)
