"""CSV imports: every bad row reported by line with what is expected; nothing stored
unless all rows are good (or --skip-bad)."""

from click.testing import CliRunner

from console.cli import build_cli
from plugins.kpi.imports import ImportProblem, import_csv
from plugins.kpi.metrics import panel

import pytest


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_bad_orders_are_reported_by_line_and_nothing_is_stored(gen_ws, tmp_path):
    ws, _ = gen_ws
    p = _write(tmp_path, "orders.csv",
               "order_id,amount,ordered_at,person_id,group_id\n"
               "A1,39.9,2025-03-10,1,1\n"
               "A2,-5,2025-03-10,1,1\n"
               "A3,10,2025-13-40,1,1\n"
               "A1,10,2025-03-11,1,1\n"
               "A4,10,2025-03-11,99999,1\n"
               "A5,10,2025-03-11,1,777\n")
    res = import_csv(ws, "orders", p)
    msgs = {line: m for line, m in res.errors}
    assert "negative" in msgs[3] and "ordered_at" in msgs[4] and "twice" in msgs[5]
    assert "unknown member" in msgs[6] and "unknown group" in msgs[7]
    assert ws.store.scalar("SELECT count(*) FROM orders") == 0
    res = import_csv(ws, "orders", p, skip_bad=True)
    assert res.stored == 1 and res.skipped == 5
    assert ws.store.scalar("SELECT count(*) FROM orders") == 1
    again = import_csv(ws, "orders", p)
    assert any("already imported" in m for _, m in again.errors)


def test_wrong_columns_name_what_is_expected(gen_ws, tmp_path):
    ws, _ = gen_ws
    p = _write(tmp_path, "costs.csv", "date,amount\n2025-03-01,10\n")
    with pytest.raises(ImportProblem, match="line 1: wrong columns.*missing day.*unknown date"):
        import_csv(ws, "costs", p)


def test_imports_fill_the_kpis_that_lacked_input(gen_ws, tmp_path):
    ws, _ = gen_ws
    before = {r["name"]: r for r in panel(ws, "all", "2025-03-01", "2025-03-31")}
    assert before["roi"]["value"] is None and before["roi"]["note"].startswith("missing input")
    assert before["join_rate"]["note"].startswith("missing input")
    assert not import_csv(ws, "exposure", _write(tmp_path, "e.csv", "day,channel,impressions,group_id\n2025-03-05,qr,4000,1\n")).errors
    assert not import_csv(ws, "costs", _write(tmp_path, "c.csv", "day,amount,category\n2025-03-05,500,ads\n")).errors
    assert not import_csv(ws, "orders", _write(tmp_path, "o.csv",
                                               "order_id,amount,ordered_at,person_id\nB1,300,2025-03-06 10:00,2\n"
                                               "B2,700,2025-03-07,3\n")).errors
    after = {r["name"]: r for r in panel(ws, "all", "2025-03-01", "2025-03-31")}
    assert after["roi"]["value"] == pytest.approx(1000 / 500)  # revenue / cost, not inverted
    assert after["average_order_value"]["value"] == pytest.approx(500)
    assert after["join_rate"]["value"] > 0
    empty = {r["name"]: r for r in panel(ws, "all", "2024-01-01", "2024-01-07")}
    assert empty["interaction_rate"]["value"] is None and "no data" in empty["interaction_rate"]["note"]
    assert empty["messages_per_member"]["value"] is None


def test_cli_import_and_report(gen_ws, tmp_path, config_path):
    ws, _ = gen_ws
    ws.close()
    cli = build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(config_path), "import", "costs",
                                 str(_write(tmp_path, "bad.csv", "day,amount\n2025-03-01,-1\n"))])
    assert r.exit_code == 2 and "line 2" in r.output and "nothing imported" in r.output
