"""Every KPI computed a second way, straight from the raw tables, must give the same
numbers as the rollups the engine keeps at ingest."""

import pytest

from plugins.kpi.cohorts import raw_retention, rebuild as rebuild_cohorts, retention
from plugins.kpi.metrics import activity_for, by_group, panel
from plugins.kpi.segments import rebuild as rebuild_segments
from plugins.kpi.window import Scope, Window

WINDOWS = [Window("2025-03-31", "2025-03-31"), Window("2025-03-24", "2025-03-30"), Window("2025-03-01", "2025-03-31"),
           Window("2025-02-20", "2025-03-31")]


@pytest.mark.parametrize("include_insiders", [False, True])
@pytest.mark.parametrize("window", WINDOWS, ids=str)
def test_activity_rollups_equal_raw(gen_ws, window, include_insiders):
    ws, _ = gen_ws
    for scope in [Scope(), Scope("group", "g1"), Scope("platform", "sandbox")]:
        a = activity_for(ws, scope, window, include_insiders)
        b = activity_for(ws, scope, window, include_insiders, source="raw")
        assert a == pytest.approx(b), (scope, window)
        assert a["messages"] > 0


def test_every_kpi_rollups_equal_raw(gen_ws):
    ws, _ = gen_ws
    with ws.store.write() as c:  # external inputs, the same for both paths
        c.execute("INSERT INTO exposure(day, channel, group_id, impressions) VALUES ('2025-03-10', 'ad', 1, 5000)")
        c.execute("INSERT INTO costs(day, amount) VALUES ('2025-03-10', 800)")
        c.execute("INSERT INTO orders(order_id, person_id, group_id, amount, ordered_at) VALUES ('o1', 3, 1, 120, ?)",
                  (ws.day_start("2025-03-12") + 3600,))
    rebuild_cohorts(ws)
    rebuild_segments(ws)
    for scope in ["all", "group:1", "type:traffic"]:
        fast = panel(ws, scope, "2025-03-01", "2025-03-31")
        slow = panel(ws, scope, "2025-03-01", "2025-03-31", source="raw")
        assert [r["name"] for r in fast] == [r["name"] for r in slow]
        for f, s in zip(fast, slow):
            assert f["value"] == pytest.approx(s["value"]), f["name"]
            assert f["previous"] == pytest.approx(s["previous"]), f["name"]
    names = {r["name"]: r for r in panel(ws, "all", "2025-03-01", "2025-03-31")}
    assert all(r["value"] is not None for r in names.values()), {k: v["note"] for k, v in names.items()}
    fast = by_group(ws, "all", "2025-03-01", "2025-03-31")
    slow = by_group(ws, "all", "2025-03-01", "2025-03-31", source="raw")
    assert [{k: v for k, v in r.items() if k != "notes"} for r in fast] == \
        pytest.approx([{k: v for k, v in r.items() if k != "notes"} for r in slow])


def test_retention_cache_equals_memberships(gen_ws):
    ws, _ = gen_ws
    rebuild_cohorts(ws)
    for n in (1, 7, 30):
        for w in WINDOWS:
            assert retention(ws, Scope(), w, n, False) == raw_retention(ws, Scope(), w, n, False)


def test_insiders_are_left_out_by_default(gen_ws):
    ws, info = gen_ws
    w = Window("2025-03-01", "2025-03-31")
    without = activity_for(ws, Scope(), w, False)
    with_ = activity_for(ws, Scope(), w, True)
    assert with_["members_end"] > without["members_end"]
    assert with_["messages"] > without["messages"]
    default = {r["name"]: r["value"] for r in panel(ws, "all", w)}
    assert default["message_volume"] == without["messages"]
