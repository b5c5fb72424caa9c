"""Rules' precision and segments' accuracy, measured against the sandbox's truth."""

from __future__ import annotations

import json

from console.engine import Engine
from plugins.sandbox.connector import SandboxConnector
from plugins.sandbox.truth import rule_precision, segment_accuracy

T0 = 1_750_000_000 // 3600 * 3600


def fill(ws):
    c = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c.attach(ws, start=T0)
    events = []
    for h in range(1, 5 * 24):
        events += c.world.tick(T0 + h * 3600, 3600)
    truth = {t[0]: t[2] for t in c.world.records["truth"] if t[1] == "message"}
    Engine(ws, hooks=False).ingest(events)
    c.flush_records()
    return events, truth


def test_precision_and_recall_of_a_rule(ws):
    events, truth = fill(ws)
    ads = [i for i, lab in truth.items() if lab in ("ad", "polite_ad")]
    not_ad = next(i for i, lab in truth.items() if lab == "not_ad")
    with ws.store.write() as c:
        c.execute("INSERT INTO rules(name, plugin, kind) VALUES ('t-ads', 'test', 'ads')")
        for mid in ads[: len(ads) // 2] + [not_ad]:
            c.execute("INSERT INTO cases(rule, actor, evidence, opened_at) VALUES ('t-ads', 'rule:t-ads', ?, ?)",
                      (json.dumps({"connection": "sandbox", "message_id": mid}), T0))
    (row,) = [r for r in rule_precision(ws) if r["rule"] == "t-ads"]
    n = len(ads) // 2
    assert row["cases"] == n + 1 and row["labels"]["not_ad"] == 1
    assert row["precision"] == round(n / (n + 1), 4)
    assert row["recall"] == round(n / len(ads), 4)


def test_segment_accuracy(ws):
    fill(ws)
    if "kpi_segments" not in ws.store.tables():
        assert segment_accuracy(ws)["accuracy"] is None
        return
    rows = ws.store.query("SELECT i.person_id, t.label FROM sandbox_truth t JOIN identities i"
                          " ON i.platform_user_id = t.platform_id WHERE t.kind = 'segment' LIMIT 40")
    with ws.store.write() as c:
        for k, r in enumerate(rows):  # three in four right
            seg = r["label"] if k % 4 else ("loyal" if r["label"] != "loyal" else "bargain")
            c.execute("INSERT OR REPLACE INTO kpi_segments(person_id, segment, signals, why, computed_at)"
                      " VALUES (?,?,?,?,?)", (r["person_id"], seg, "{}", "test", T0))
    got = segment_accuracy(ws)
    assert got["people"] == len(rows) and got["accuracy"] == 0.75
