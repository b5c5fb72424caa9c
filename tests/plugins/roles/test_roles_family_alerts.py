"""Groups of one family short in the same ways are one cause: one alert, and a person's
resolution holds for the next sibling that opens alike."""

from __future__ import annotations

from console.engine import Engine
from console.model import Event, Kind
from plugins.roles.guidelines import check_guidelines

T0 = 1_750_000_000


def join(ws, group, user, ts):
    with ws.clock_at(ts):
        Engine(ws).ingest([Event("sandbox", f"j-{group}-{user}", Kind.JOIN, ts, group=group, user=user, nickname=user)])


def open_alerts(ws):
    return ws.store.query("SELECT message, why, group_id FROM alerts WHERE kind = 'understaffed_group'"
                          " AND resolved_at IS NULL ORDER BY id")


def test_a_family_short_alike_is_one_alert_and_its_resolution_holds(ws):
    for g in ("fa1", "fa2", "lone"):
        join(ws, g, f"m-{g}", T0)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = '福利' WHERE platform_group_id IN ('fa1', 'fa2')")
    with ws.clock_at(T0 + 60):
        check_guidelines(ws)
    alerts = open_alerts(ws)
    assert [a["message"] for a in alerts] == ["Group lone is understaffed",
                                              "Family 福利: 2 groups understaffed alike"]
    assert alerts[1]["group_id"] is None and alerts[1]["why"].startswith("fa1: no owner")
    assert "fa2: no owner" in alerts[1]["why"]

    family_alert = ws.store.scalar("SELECT id FROM alerts WHERE message LIKE 'Family%'")
    with ws.clock_at(T0 + 120):
        assert ws.resolve_alert_by_hand(family_alert)
    join(ws, "fa3", "m-fa3", T0 + 180)  # a new sibling, short in the same ways
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = '福利' WHERE platform_group_id = 'fa3'")
    with ws.clock_at(T0 + 240):
        check_guidelines(ws)
    assert [a["message"] for a in open_alerts(ws)] == ["Group lone is understaffed"]  # the resolution holds


def test_a_family_alerts_cause_is_punctuated_in_chinese(tmp_path):
    from console.workspace import Workspace
    from tests.conftest import make_config

    ws = Workspace.open(make_config(tmp_path, '[console]\nlanguage = "zh-CN"\n'))
    try:
        for g in ("fa1", "fa2"):
            join(ws, g, f"m-{g}", T0)
        with ws.store.write() as c:
            c.execute("UPDATE groups SET family = '福利' WHERE platform_group_id IN ('fa1', 'fa2')")
        with ws.clock_at(T0 + 60):
            check_guidelines(ws)
        why = ws.store.scalar("SELECT why FROM alerts WHERE kind = 'understaffed_group' AND group_id IS NULL")
    finally:
        ws.close()
    assert why.startswith("fa1：") and "；fa2：" in why  # not "fa1: ...; fa2: ..." in a Chinese sentence
    assert ": " not in why and "; " not in why and ", " not in why
