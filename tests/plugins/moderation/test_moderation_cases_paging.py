"""The cases queue tells the truth: the real total past 500 rows, every page reachable,
appeals and removals first, filters by rule, kind, group and age; the CLI says "1-50 of N"."""

from __future__ import annotations

import json

from click.testing import CliRunner
from moderation_helpers import T0, gid, pid

from console.cli import build_cli, cli
from plugins.moderation import list_cases
from plugins.moderation.cases import CaseSource

DAY = 86400


def _fill(ws, n: int = 620) -> dict[str, int]:
    """n open warnings on g1 one minute apart, plus one removal, one appeal (older) and one
    settled case on g3."""
    g1, g3, alice = gid(ws, "g1"), gid(ws, "g3"), pid(ws, "alice")
    rows = [("penalty", "flood", g1, alice, "rule:flood", "warn", "{}", "open", T0 - i * 60) for i in range(n)]
    rows += [("penalty", "ads", g3, alice, "rule:ads", "kick", "{}", "open", T0 - 10 * DAY),
             ("penalty", "ads", g3, alice, "rule:ads", "warn", "{}", "appealed", T0 - 20 * DAY),
             ("penalty", "ads", g3, alice, "rule:ads", "warn", "{}", "settled", T0)]
    with ws.store.write() as c:
        c.executemany("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at)"
                      " VALUES (?,?,?,?,?,?,?,?,?)", rows)
    ids = {r["step"] + ":" + r["status"]: r["id"] for r in ws.store.query(
        "SELECT id, step, status FROM cases WHERE rule = 'ads'")}
    return {"kick": ids["kick:open"], "appeal": ids["warn:appealed"], "settled": ids["warn:settled"]}


def test_true_total_past_500_and_the_second_page(mws):
    ws = mws
    ids = _fill(ws)
    with ws.clock_at(T0):
        first = list_cases(ws, "queue", 50)
        second = list_cases(ws, "queue", 50, 50)
        last = list_cases(ws, "queue", 50, 600)
        everything = list_cases(ws, None, 1000)
    assert first["total"] == 622 and second["total"] == 622  # 620 warnings, the kick, the appeal
    # the appeal first, then the removal, then the warnings newest first
    assert [r["id"] for r in first["rows"][:2]] == [ids["appeal"], ids["kick"]]
    assert [r["opened_at"] for r in first["rows"][2:5]] == [T0, T0 - 60, T0 - 120]
    assert second["offset"] == 50 and [r["opened_at"] for r in second["rows"][:2]] == [T0 - 48 * 60, T0 - 49 * 60]
    assert len(last["rows"]) == 22 and last["rows"][-1]["opened_at"] == T0 - 619 * 60
    assert everything["total"] == 623 and len(everything["rows"]) == 623
    seen = {r["id"] for off in range(0, 622, 100) for r in list_cases(ws, "queue", 100, off)["rows"]}
    assert len(seen) == 622  # every row reachable, none twice


def test_filters_by_rule_group_and_age_and_the_table_source(mws):
    ws = mws
    ids = _fill(ws)
    with ws.clock_at(T0):
        assert list_cases(ws, "queue", rule="ads")["total"] == 2
        assert list_cases(ws, "queue", group_id=gid(ws, "g3"))["total"] == 2
        assert list_cases(ws, "queue", max_age_days=15)["total"] == 621  # the appeal is 20 days old
        assert list_cases(ws, "settled")["rows"][0]["id"] == ids["settled"]
        src = CaseSource(ws, "queue", kind=None)
        assert src.count() == 622 and src.rows(600, 100)[-1]["opened_at"] == T0 - 619 * 60


def test_cases_cli_pages_with_the_true_total(mws):
    ws = mws
    _fill(ws)
    path = ws.settings.path
    ws.close()
    build_cli([])
    run = CliRunner().invoke
    r = run(cli, ["--config", str(path), "cases"])
    assert r.exit_code == 0 and "1-50 of 622" in r.output, r.output
    r = run(cli, ["--config", str(path), "cases", "list", "--offset", "600", "--limit", "50"])
    assert "601-622 of 622" in r.output
    r = run(cli, ["--config", str(path), "cases", "list", "--json", "--limit", "10", "--offset", "10"])
    page = json.loads(r.output)
    assert (page["total"], page["offset"], len(page["rows"])) == (622, 10, 10)
    r = run(cli, ["--config", str(path), "rules", "list"])
    assert r.exit_code == 0 and "precision" in r.output
