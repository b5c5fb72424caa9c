"""What plugins compute shows through the host (issue 18 item 6, issue 22): labels
(register_labels) on Members and profiles, and KPIs (register_kpis) in ``shequn kpi`` and
on the dashboard, from a third-party-style plugin the host knows nothing about."""

from __future__ import annotations

import json

from click.testing import CliRunner

from console.cli import build_cli, cli
from console.hookspecs import hookimpl
from console.kpis import previous, results
from console.labels import Label, find, labels
from console.pluginmanager import LOAD_ENV, get_plugin_manager, own_plugin_names
from console.registry import LabelSource
from console.tui.people_queries import MembersSource, profile
from console.workspace import Workspace

from tests.conftest import make_config

CHECKIN = '''
from console.hookspecs import hookimpl
from console.registry import KpiSpec


def compute(ws, scope="all", since="", until=""):
    # the current window (ending today) and the one before differ, so the change is known
    return 0.000416 if until == ws.day(ws.now()) else 0.000547


def broken(ws, scope="all", since="", until=""):
    raise RuntimeError("no check-in table")


@hookimpl
def register_kpis(register):
    register(KpiSpec("checkin_rate", "check-in rate", "activation", "ratio", "check-ins / members", compute))
    register(KpiSpec("streaks", "streaks", "retention", "people", "people on a streak", broken))
'''


def run(*args):
    build_cli([])
    return CliRunner().invoke(cli, [str(a) for a in args])


def checkin_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv(LOAD_ENV, ",".join([*own_plugin_names(), "checkin"]))
    (tmp_path / "pd").mkdir()
    (tmp_path / "pd" / "checkin.py").write_text(CHECKIN, encoding="utf-8")
    return make_config(tmp_path, '[plugins]\ndirs = ["pd"]\n')


def test_a_registered_kpi_shows_in_shequn_kpi_table_and_json(tmp_path, monkeypatch):
    cfg = checkin_workspace(tmp_path, monkeypatch)
    assert run("--config", cfg, "sync", "sandbox").exit_code == 0  # groups to report on
    res = run("--config", cfg, "kpi", "--json")
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    got = rows["checkin_rate"]
    assert (got["value"], got["previous"], got["plugin"], got["stage"]) == (0.000416, 0.000547, "checkin", "activation")
    assert round(got["change"], 4) == -0.2395  # (0.000416 - 0.000547) / 0.000547
    assert got["shown"] == "0.042%"
    assert rows["streaks"]["value"] is None and rows["streaks"]["note"] == "failed: RuntimeError: no check-in table"
    assert "join_rate" in rows  # the kpi plugin's own, beside it
    table = run("--config", cfg, "kpi")
    line = next(x for x in table.stdout.splitlines() if "check-in rate" in x)
    assert line.split()[:2] == ["activation", "check-in"] and "0.042%" in line and "0.055%" in line and "-24%" in line
    order = [x.split()[0] for x in table.stdout.splitlines()[3:] if x.strip()]
    assert order.index("activation") < order.index("retention")  # in its stage, not at the end
    assert run("--config", cfg, "kpi", "--format", "json").stdout == res.stdout


def test_host_kpis_previous_window_and_problems(tmp_path, monkeypatch):
    assert previous("2025-03-25", "2025-03-31") == ("2025-03-18", "2025-03-24")
    assert previous("2025-03-01", "2025-03-01") == ("2025-02-28", "2025-02-28")
    ws = Workspace.open(checkin_workspace(tmp_path, monkeypatch))
    try:
        today = ws.day(ws.now())
        rows = results(ws, "all", today, today, skip={"join_rate"})
        names = [r["name"] for r in rows]
        assert "checkin_rate" in names and "join_rate" not in names
        assert names.index("checkin_rate") < names.index("streaks")  # activation before retention
        assert any(p.plugin == "checkin" and "streaks.compute" in p.hook for p in ws.pm.problems)
    finally:
        ws.close()


class VipPlugin:
    """A third party's label kept in its own table, which no screen may read."""

    def __init__(self, fail=False):
        self.fail = fail

    @hookimpl
    def register_migrations(self, register):
        register("m001_vip", lambda store: store.execute("CREATE TABLE vip_levels (person_id INTEGER, level TEXT)"))

    @hookimpl
    def register_labels(self, register):
        def read(ws, ids):
            if self.fail:
                raise ValueError("vip table locked")
            marks = ",".join("?" * len(ids))
            return {r[0]: Label("vip", r[1], "dynamic", "fact", "vip", "from the shop's levels") for r in
                    ws.store.execute(f"SELECT person_id, level FROM vip_levels WHERE person_id IN ({marks})", ids)}

        def find_vip(ws, value):
            return [r[0] for r in ws.store.execute("SELECT person_id FROM vip_levels WHERE level = ? OR ? = ''",
                                                   (value, value))]

        register(LabelSource("vip", "VIP level", read, find_vip))


def people_ws(tmp_path, plugin):
    cfg = make_config(tmp_path)
    pm = get_plugin_manager(extra=[("vip", plugin)])
    ws = Workspace.open(cfg, pm=pm)
    with ws.store.write() as c:
        for i, name in enumerate(["甲", "乙", "丙", "丁"], 1):
            c.execute("INSERT INTO people(id, display_name) VALUES (?, ?)", (i, name))
        c.execute("UPDATE people SET is_insider = 1 WHERE id = 4")
        c.executemany("INSERT INTO kpi_segments(person_id, segment, signals, why, computed_at) VALUES (?,?,'{}',?,0)",
                      [(1, "loyal", "buys monthly"), (2, "low_need", "bought once"), (4, "bargain", "staff")])
        # a stale copy in the core table from before: the registered source wins, no second segment
        c.execute("INSERT INTO tags(person_id, tag, value, kind, provenance, source) VALUES"
                  " (1, 'segment', 'need', 'dynamic', 'rule', 'kpi.rule')")
        c.execute("INSERT INTO tags(person_id, tag, value, kind, provenance, source) VALUES"
                  " (3, 'city', '杭州', 'static', 'fact', 'kpi')")
        c.executemany("INSERT INTO vip_levels VALUES (?, ?)", [(2, "gold"), (3, "silver")])
    return ws


def test_segments_and_plugin_labels_reach_members_and_profiles(tmp_path):
    ws = people_ws(tmp_path, VipPlugin())
    try:
        got = labels(ws, [1, 2, 3, 4])
        assert [(x.name, x.value) for x in got[1]] == [("segment", "loyal")]
        assert sorted((x.name, x.value) for x in got[2]) == [("segment", "low-need"), ("vip", "gold")]
        assert sorted((x.name, x.value) for x in got[3]) == [("city", "杭州"), ("vip", "silver")]
        assert 4 not in got  # an insider has no segment (not the audience)
        rows = {r["id"]: r["segment"] for r in MembersSource(ws).rows(0, 100)}
        assert rows == {1: "loyal", 2: "low-need", 3: "", 4: ""}
        p = profile(ws, 2)
        assert (p["segment"].value, p["segment"].why, p["segment"].source) == ("low-need", "bought once", "kpi")
        assert [(x.name, x.value, x.provenance) for x in p["tags"]] == [("vip", "gold", "fact")]
        # the search asks the label's source: NAME:VALUE, by code or title, and NAME alone
        assert MembersSource(ws, "segment:low_need")._match() == [2]
        assert MembersSource(ws, "segment:loyal")._match() == [1]
        assert MembersSource(ws, "vip:silver")._match() == [3]
        assert sorted(find(ws, "vip")) == [2, 3] and find(ws, "nosuch:x") == []
    finally:
        ws.close()


def test_a_label_source_that_raises_leaves_the_page_and_is_reported(tmp_path):
    ws = people_ws(tmp_path, VipPlugin(fail=True))
    try:
        rows = {r["id"]: r["segment"] for r in MembersSource(ws).rows(0, 100)}
        assert rows[1] == "loyal"  # the other sources still answer
        assert any(p.plugin == "vip" and "vip.read" in p.hook and "vip table locked" in p.error
                   for p in ws.pm.problems)
    finally:
        ws.close()


def test_hook_register_labels(tmp_path):
    ws = people_ws(tmp_path, VipPlugin())
    try:
        src = ws.registry.labels["vip"]
        assert (src.title, src.plugin) == ("VIP level", "vip") and ws.registry.labels["segment"].plugin == "kpi"
    finally:
        ws.close()


def test_register_labels_refuses_what_is_not_a_label_source(tmp_path):
    class Wrong:
        @hookimpl
        def register_labels(self, register):
            register({"name": "vip"})

    ws = Workspace.open(make_config(tmp_path), pm=get_plugin_manager(extra=[("wrong", Wrong())]))
    try:
        assert "vip" not in ws.registry.labels
        assert any(p.plugin == "wrong" and "register_labels wants a LabelSource" in p.error for p in ws.pm.problems)
    finally:
        ws.close()
