"""Every KPI formula pinned to a value worked out by hand.

test_kpi_raw_check.py proves the rollups equal a recount from the raw tables, but both
paths go through the same formulas, so a wrong formula passes it. Here a small
workspace of two groups over four days is fed through the real engine, and each KPI
of DOMAIN.md is compared with the arithmetic written out in the comments.

The story (operator days in Asia/Shanghai, window 2025-03-03..2025-03-04, previous
window 2025-03-01..2025-03-02; kpi.retention_days = 1):

  g1  03-01 09:00  A, B, C, D join                      end of 03-01: 4 members
      03-01 10:00  A sends 2 messages
      03-02        nothing                              end of 03-02: 4
      03-03 09:00  E, F join; 10:00 A leaves
      03-03 11:00  B sends 3, C 1, E 2 (6 messages, 3 speakers)
                                                        end of 03-03: 4 + 2 - 1 = 5
      03-04 08:00  F leaves (23 h after joining)
      03-04 09:00  G, H, I join; 10:00 B is kicked
      03-04 12:00  C sends 2, D 1, G 1 (4 messages, 3 speakers)
                                                        end of 03-04: 5 - 1 + 3 - 1 = 6
  g2  03-01 09:00  X joins; 03-03 11:00 X sends 2; 03-04 09:00 Y joins

Inputs: exposure 03-03 250 (g1, qr) and 150 (no group, ad); costs 03-04 60 (g1) and
03-03 30 (no group); orders in g1: C 100 (03-03), C 50 (03-04), D 30 (03-04), and D 999
on 03-02 (the previous window).
"""

from __future__ import annotations

import pytest

from console.engine import Engine
from console.model import Event
from console.workspace import Workspace
from plugins.kpi.cohorts import rebuild as rebuild_cohorts
from plugins.kpi.imports import import_csv
from plugins.kpi.metrics import by_group, panel
from plugins.kpi.window import Window
from tests.conftest import make_config

H = 3600
WINDOW = Window("2025-03-03", "2025-03-04")


def _events(ws) -> list[Event]:
    out: list[Event] = []

    def at(day: str, hour: int) -> int:
        return ws.day_start(day) + hour * H

    def add(kind, day, hour, group, user, **kw):
        out.append(Event("sandbox", f"e{len(out)}", kind, at(day, hour), group, user, nickname=user, **kw))

    for u in "ABCD":
        add("join", "2025-03-01", 9, "g1", u, data={"scene": "qr"})
    add("join", "2025-03-01", 9, "g2", "X", data={"scene": "qr"})
    for _ in range(2):
        add("message", "2025-03-01", 10, "g1", "A", text="早")
    for u in "EF":
        add("join", "2025-03-03", 9, "g1", u, data={"scene": "qr"})
    add("leave", "2025-03-03", 10, "g1", "A", data={"reason": "leave"})
    for u, n in (("B", 3), ("C", 1), ("E", 2)):
        for _ in range(n):
            add("message", "2025-03-03", 11, "g1", u, text="你好")
    for _ in range(2):
        add("message", "2025-03-03", 11, "g2", "X", text="在吗")
    add("leave", "2025-03-04", 8, "g1", "F", data={"reason": "leave"})
    for u in "GHI":
        add("join", "2025-03-04", 9, "g1", u, data={"scene": "qr"})
    add("join", "2025-03-04", 9, "g2", "Y", data={"scene": "qr"})
    add("leave", "2025-03-04", 10, "g1", "B", data={"reason": "kick"})
    for u, n in (("C", 2), ("D", 1), ("G", 1)):
        for _ in range(n):
            add("message", "2025-03-04", 12, "g1", u, text="好")
    return out


def _csv(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def kws(tmp_path):
    ws = Workspace.open(make_config(tmp_path, "[kpi]\nretention_days = 1\n"))
    end = ws.day_start("2025-03-04") + 86400 - 1
    ws.clock = lambda: end
    Engine(ws).ingest(_events(ws))
    for kind, text in (
            ("exposure", "day,channel,impressions,platform_group_id\n2025-03-03,qr,250,g1\n2025-03-03,ad,150,\n"),
            ("costs", "day,amount,platform_group_id\n2025-03-04,60,g1\n2025-03-03,30,\n"),
            ("orders", "order_id,amount,ordered_at,platform,platform_user_id,platform_group_id\n"
                       "o1,100,2025-03-03 15:00,sandbox,C,g1\no2,50,2025-03-04 15:00,sandbox,C,g1\n"
                       "o3,30,2025-03-04 16:00,sandbox,D,g1\no0,999,2025-03-02 12:00,sandbox,D,g1\n")):
        res = import_csv(ws, kind, _csv(tmp_path, f"{kind}.csv", text))
        assert not res.errors and res.stored, (kind, res.errors)
    rebuild_cohorts(ws)
    yield ws
    ws.close()


# g1 over the window. members by day: 03-02 = 4 (start), 03-03 = 5, 03-04 = 6;
# average daily members (5 + 6) / 2 = 5.5.
G1 = {
    "join_rate": 5 / 250,  # joins E F G H I = 5 / g1's exposure 250 (the unassigned 150 is not g1's) = 0.02
    "churn_rate": 3 / 9,  # leavers A F B = 3 / (4 at the start + 5 joins) = 0.333.. (not 3/6 at the end, not 3/5.5)
    "interaction_rate": (3 / 5 + 3 / 6) / 2,  # 03-03: 3 of 5 spoke, 03-04: 3 of 6 -> (0.6 + 0.5) / 2 = 0.55 (not 6/11)
    "message_volume": 10,  # 6 + 4
    "messages_per_member": 10 / 5.5,  # 10 messages / 5.5 average members = 1.8181..
    "retention_rate": 1 / 2,  # 1-day mark in the window: joined 03-02..03-03 = E, F; F left after 23 h -> 1/2
    "conversion_rate": 3 / 5.5,  # 3 orders (o0 is before the window) / 5.5 = 0.5454.. (not 2 buyers / 5.5)
    "average_order_value": 180 / 2,  # (100 + 50 + 30) / 2 buyers (C, D) = 90 (not 180 / 3 orders = 60)
    "roi": 180 / 60,  # revenue 180 / g1's cost 60 = 3.0 (not cost / revenue)
}

# all groups: members 03-02 = 4 + 1 = 5, 03-03 = 5 + 1 = 6, 03-04 = 6 + 2 = 8; average (6 + 8) / 2 = 7.
ALL = {
    "join_rate": 6 / 400,  # 5 + Y = 6 joins / (250 + 150 unassigned) = 0.015
    "churn_rate": 3 / 11,  # 3 leavers / (5 at the start + 6 joins)
    "interaction_rate": (4 / 6 + 3 / 8) / 2,  # 03-03: B C E + X = 4 of 6; 03-04: 3 of 8 -> 25/48 = 0.5208..
    "message_volume": 12,  # 10 + X's 2
    "messages_per_member": 12 / 7,
    "retention_rate": 1 / 2,  # g2 had nobody join 03-02..03-03
    "conversion_rate": 3 / 7,
    "average_order_value": 90.0,
    "roi": 180 / 90,  # the unassigned cost 30 counts for all groups: 180 / (60 + 30) = 2.0
}


def _values(rows) -> dict:
    return {r["name"]: r["value"] for r in rows}


@pytest.mark.parametrize("source", ["rollups", "raw"])
def test_panel_for_one_group_gives_the_hand_worked_values(kws, source):
    got = _values(panel(kws, "group:g1", WINDOW, source=source))
    for name, want in G1.items():
        assert got[name] == pytest.approx(want, rel=1e-9), name


@pytest.mark.parametrize("source", ["rollups", "raw"])
def test_panel_for_all_groups_gives_the_hand_worked_values(kws, source):
    got = _values(panel(kws, "all", WINDOW, source=source))
    for name, want in ALL.items():
        assert got[name] == pytest.approx(want, rel=1e-9), name


def test_previous_window_and_change(kws):
    """03-01..03-02 for g1: members 02-28 = 0, 03-01 = 4, 03-02 = 4 (average 4)."""
    rows = {r["name"]: r for r in panel(kws, "group:g1", WINDOW)}
    prev = {k: r["previous"] for k, r in rows.items()}
    assert prev["churn_rate"] == 0  # 0 leavers / (0 + 4 joins)
    assert prev["interaction_rate"] == pytest.approx((1 / 4 + 0 / 4) / 2)  # A spoke on 03-01 only: 0.125
    assert prev["messages_per_member"] == pytest.approx(2 / 4)
    assert prev["conversion_rate"] == pytest.approx(1 / 4)  # o0 on 03-02
    assert prev["average_order_value"] == pytest.approx(999)
    assert prev["retention_rate"] == pytest.approx(4 / 4)  # A B C D joined 03-01, all still in 24 h later
    # change = (now - before) / before: (10/5.5 - 0.5) / 0.5 = 29/11
    assert rows["messages_per_member"]["change"] == pytest.approx(29 / 11)
    assert rows["churn_rate"]["change"] is None  # nothing to compare with a 0
    assert rows["churn_rate"]["shown"] == "33.3%" and rows["churn_rate"]["note"] == "3 left, 1 of them removed"


@pytest.mark.parametrize("source", ["rollups", "raw"])
def test_by_group_rows_give_the_hand_worked_values(kws, source):
    rows = {r["group"]: r for r in by_group(kws, "all", WINDOW, source=source)}
    assert rows["g1"]["members"] == 6 and rows["g2"]["members"] == 2
    for name, want in G1.items():
        assert rows["g1"][name] == pytest.approx(want, rel=1e-9), name
    g2 = rows["g2"]  # members 03-02 = 1, 03-03 = 1, 03-04 = 2; average 1.5
    assert g2["churn_rate"] == 0  # 0 / (1 + 1 join)
    assert g2["interaction_rate"] == pytest.approx((1 / 1 + 0 / 2) / 2)  # X spoke on 03-03 only
    assert g2["message_volume"] == 2
    assert g2["messages_per_member"] == pytest.approx(2 / 1.5)
    assert g2["conversion_rate"] == 0  # orders exist in the workspace, none in g2: a true 0
    # no exposure, buyers, cost or joiners of its own: "no data", not 0
    assert (g2["join_rate"], g2["average_order_value"], g2["roi"], g2["retention_rate"]) == (None,) * 4
    assert {"join_rate", "average_order_value", "roi", "retention_rate"} <= set(g2["notes"])  # (and segment_mix:
    # segments were not computed here)


def test_a_day_without_members_has_no_interaction_rate(kws):
    """02-28..03-01 for g1: nobody was in g1 on 02-28, so that day has no rate (not a 0);
    on 03-01 A spoke, one of 4 members. Members average (0 + 4) / 2 = 2."""
    got = _values(panel(kws, "group:g1", Window("2025-02-28", "2025-03-01")))
    assert got["interaction_rate"] == pytest.approx(1 / 4)  # not (0 + 1/4) / 2
    assert got["messages_per_member"] == pytest.approx(2 / 2)
    assert got["churn_rate"] == 0  # 0 leavers / (0 at the start + 4 joins)


def test_retention_counts_the_joiners_whose_mark_falls_in_the_window(kws):
    """Window 03-04 alone, N = 1: the 1-day mark of whoever joined on 03-03 (E, F) falls on
    03-04; G, H, I joined on 03-04 and are not a day old yet. E stayed, F left: 1/2."""
    got = _values(panel(kws, "group:g1", Window("2025-03-04", "2025-03-04")))
    assert got["retention_rate"] == pytest.approx(1 / 2)


def test_the_bot_removed_counts_as_removed_in_the_churn_note(tmp_path):
    """A leave with reason kick_me (OneBot's word when the account itself is kicked) is a
    removal, like kick: 2 joined on 03-03, both left on 03-04, one kicked, one kick_me."""
    ws = Workspace.open(make_config(tmp_path))
    try:
        t = ws.day_start("2025-03-03") + 9 * H
        ws.clock = lambda: t + 2 * 86400
        Engine(ws).ingest([Event("sandbox", "a", "join", t, "gk", "p1", data={"scene": "qr"}),
                           Event("sandbox", "b", "join", t, "gk", "p2", data={"scene": "qr"}),
                           Event("sandbox", "c", "leave", t + 86400, "gk", "p1", data={"reason": "kick"}),
                           Event("sandbox", "d", "leave", t + 86400, "gk", "p2", data={"reason": "kick_me"})])
        churn = {r["name"]: r for r in panel(ws, "group:gk", WINDOW)}["churn_rate"]
        assert churn["value"] == pytest.approx(2 / 2)  # 2 leavers / (0 at the start + 2 joins)
        assert churn["note"] == "2 left, 2 of them removed"
    finally:
        ws.close()
