"""Numbers and text read right, one way in console and CLI (issue 18 item 7): each item of the
issue's "Numbers read wrong" list pinned with hand-computed values."""

from __future__ import annotations

import json
from datetime import timezone

import pytest
from click.testing import CliRunner

from console.cli import build_cli, cli
from console.cli.output import ZONE, fmt, render_csv, render_table
from console.numbers import capacity, change, clock, duration, one_line, percent, signed_change
from console.workspace import Workspace
from tests.conftest import make_config

DAY = 86400


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("share, shown", [
    (0.000416, "0.042%"),  # the join rate, which read 0.0%
    (0.005, "0.50%"), (0.05, "5.0%"), (0.123, "12.3%"), (0.995, "99.5%"),
    (1, "100%"), (0, "0%"), (None, "—"), (-0.02, "-2.0%"),
])
def test_percent_has_the_precision_its_size_needs(share, shown):
    assert percent(share) == shown


def test_kpi_values_use_that_precision():
    from plugins.kpi.metrics import format_value

    assert format_value("join_rate", 0.000416) == "0.042%" and format_value("churn_rate", 0.123) == "12.3%"
    assert format_value("message_volume", 11981) == "11,981" and format_value("roi", 1.5) == "1.50"
    assert format_value("segment_mix", {"loyal": 0.004, "bargain": 0.5, "need": 0, "low_need": 0.2,
                                        "unknown": 0.296}) == "loyal 0.40% / bargain 50.0% / need 0% / low-need 20.0% / unknown 29.6%"


def test_changes_and_the_one_capacity_figure():
    assert change(-0.2395) == "▼24%" and change(0.0042) == "▲0.42%" and change(0) == "=" and change(None) == ""
    assert signed_change(-0.2395) == "-24%" and signed_change(0.0042) == "+0.42%"
    assert capacity(199, 200) == "199/200 (99.5%)"  # read 99% on the dashboard and 100% in the task
    assert capacity(200, 200) == "200/200 (100%)" and capacity(12_000, 0) == "12,000"


def test_one_duration_format_for_console_and_cli():
    from plugins.entry_rules.cli import _ago
    from plugins.entry_rules.screens import waited

    s = 29 * DAY + 16 * 3600 + 5 * 60  # read 712h05m in the console, 29d16h in the CLI
    assert duration(s) == waited(s) == _ago(s) == "29d16h"
    assert duration(5 * 3600 + 5 * 60) == waited(18300) == "5h05m" and duration(720) == "12m"
    assert duration(None) == _ago(None) == ""


def test_cli_tables_show_times_counts_and_lines_as_people_read_them():
    ZONE[0] = timezone.utc
    try:
        assert clock(1795625678, timezone.utc) == "2026-11-25 16:54"  # 20,782 days and 60,878 s
        rows = [{"id": 12345, "updated_at": 1795625678, "messages": 11981, "comment": "问题：哪里人\n答案：杭州"}]
        table = render_table(rows)
        assert "2026-11-25 16:54" in table and "1795625678" not in table  # no epoch seconds
        assert "11,981" in table and "12345" in table  # a count has separators, an id does not
        assert "问题：哪里人 ⏎ 答案：杭州" in table
        assert render_csv(rows).splitlines()[1].startswith("12345,1795625678,11981,")  # data stays data
        assert fmt(True) == "True" and fmt(None) == "" and one_line("a\r\n\r\nb") == "a ⏎ b"
    finally:
        ZONE[0] = None


def test_cohorts_before_the_recorded_history_are_no_data(tmp_path):
    from plugins.kpi.cohorts import cohorts, rebuild

    ws = Workspace.open(make_config(tmp_path))
    try:
        first = ws.day_start("2025-03-03")  # a Monday: the group's first recorded event
        ws.clock = lambda: first + 40 * DAY
        with ws.store.write() as c:
            c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name) VALUES"
                      " (1, 'sandbox', 'sandbox', 'g1', 'G')")
            c.executemany("INSERT INTO people(id) VALUES (?)", [(i,) for i in range(1, 6)])
            c.execute("INSERT INTO events(connection_id, platform_event_id, kind, group_id, person_id, ts)"
                      " VALUES ('sandbox', 'e1', 'join', 1, 3, ?)", (first,))
            # 1 and 2 synced: joined weeks before anything was recorded, still members
            c.executemany("INSERT INTO memberships(group_id, person_id, status, joined_at, join_scene, left_at)"
                          " VALUES (1, ?, ?, ?, ?, ?)",
                          [(1, "member", first - 20 * DAY, "sync", None), (2, "member", first - 20 * DAY, "sync", None),
                           (3, "member", first, "qr", None), (4, "left", first + 3600, "qr", first + 2 * DAY),
                           (5, "left", first + 7200, "qr", first + 3600 * 10)])
        rebuild(ws)
        rows = {r["join_week"]: r for r in cohorts(ws)}
        before = rows["2025-02-10"]
        assert before["new_members"] == 2 and before["day_1"] is None and before["day_30"] is None  # not 100%
        after = rows["2025-03-03"]
        # 3 stayed, 4 left after 2 days, 5 within hours: day 1 kept 2 of 3, day 7 and 30 kept 1 of 3
        assert (after["day_1"], after["day_7"], after["day_30"]) == (0.6667, 0.3333, 0.3333)
        out = run("--config", tmp_path / "config.toml", "kpi", "cohorts", "--since", "2025-02-01", "--until",
                  "2025-03-10").stdout
        line = next(x for x in out.splitlines() if x.startswith("2025-02-10"))
        assert line.split()[2:] == ["no", "data", "no", "data", "no", "data"]
    finally:
        ws.close()


def test_dashboard_and_kpi_task_say_one_capacity_figure(tmp_path):
    from console.tui.queries import overnight

    ws = Workspace.open(make_config(tmp_path))
    try:
        with ws.store.write() as c:
            c.execute("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, capacity, member_count)"
                      " VALUES (1, 'sandbox', 'sandbox', 'g1', 'G', 200, 199)")
        line = next(x for x in overnight(ws) if "capacity" in x["text"])
        assert line["text"].format(**line) == "G: 199/200 (99.5%) of capacity"
        with ws.store.write() as c:  # the kpi task, where the overflow does not create siblings
            c.execute("""UPDATE rules SET config = '{"auto_create": false}' WHERE kind = 'overflow'""")
        from plugins.kpi.alerts import near_capacity_task

        tid = near_capacity_task(ws, {"id": 1, "name": "G", "capacity": 200, "member_count": 199, "family": None},
                                 0.9)
        assert ws.store.scalar("SELECT title FROM tasks WHERE id = ?", (tid,)).startswith("G: 199/200 (99.5%) members")
    finally:
        ws.close()


def test_kpi_csv_holds_numbers_and_the_table_the_precision(tmp_path, monkeypatch):
    from tests.test_people_labels_kpis import checkin_workspace

    cfg = checkin_workspace(tmp_path, monkeypatch)
    assert run("--config", cfg, "sync", "sandbox").exit_code == 0
    lines = run("--config", cfg, "kpi", "--format", "csv").stdout.splitlines()
    assert lines[0] == "stage,name,title,value,previous,change,unit,note"
    rate = next(x for x in lines if ",checkin_rate," in x).split(",")
    assert rate[3:5] == ["0.000416", "0.000547"] and round(float(rate[5]), 4) == -0.2395  # not "0.0%" or "—"
    join = next(x for x in lines if ",join_rate," in x).split(",")
    assert join[3:6] == ["", "", ""]  # no data: empty cells, not "—"
    mix = [x for x in lines if ",segment_mix." in x]
    assert [x.split(",")[1] for x in mix] == [f"segment_mix.{s}" for s in ("loyal", "bargain", "need", "low_need",
                                                                            "unknown")]
    j = json.loads(run("--config", cfg, "kpi", "--json").stdout)
    assert next(r for r in j if r["name"] == "checkin_rate")["shown"] == "0.042%"
