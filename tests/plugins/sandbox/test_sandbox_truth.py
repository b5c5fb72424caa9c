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


def test_moderation_judgement_by_kind_and_label(ws):
    from plugins.sandbox.truth import moderation_judgement

    events, truth = fill(ws)
    abuse = [i for i, lab in truth.items() if lab == "abuse"]
    chat = next(e.id for e in events if e.kind == "message" and e.id not in truth)
    assert len(abuse) >= 3

    def case(c, mid, kind="penalty", actor="rule:t-abuse"):
        c.execute("INSERT INTO cases(kind, rule, actor, evidence, opened_at) VALUES (?, 't-abuse', ?, ?, ?)",
                  (kind, actor, json.dumps({"connection": "sandbox", "message_id": mid}), T0))

    with ws.store.write() as c:
        c.execute("INSERT INTO rules(name, plugin, kind) VALUES ('t-abuse', 'test', 'abuse')")
        case(c, abuse[0])
        case(c, abuse[1])
        case(c, chat)  # ordinary chat: a wrong case
        case(c, abuse[2], kind="dry_run")  # what a rule would have done: not a decision
        case(c, chat, actor="operator:me")  # a person's case: not the automation's
    got = moderation_judgement(ws)
    assert got["precision"]["abuse"] == {"cases": 3, "wrong": 1, "precision": round(2 / 3, 4)}
    assert got["recall"]["abuse"] == {"messages": len(abuse), "caught": 2, "recall": round(2 / len(abuse), 4)}
    assert got["recall"]["ad"]["caught"] == 0 and got["wrong"] == 1


def test_join_judgement_by_side_and_by_whom(ws):
    from plugins.sandbox.truth import join_judgement

    fill(ws)
    rows = ws.store.query("SELECT r.id, t.label FROM join_requests r JOIN sandbox_truth t"
                          " ON t.platform_id = r.platform_request_id AND t.kind = 'request' ORDER BY r.id")
    genuine = [r["id"] for r in rows if r["label"].startswith("genuine:")]
    spam = [r["id"] for r in rows if r["label"].startswith("spam:")]
    assert len(genuine) >= 6 and len(spam) >= 3
    sets = [(genuine[0], "approved", "rule:admission:all", "admission:all"),
            (genuine[1], "rejected", "rule:admission:all", "admission:all"),  # wrong
            (genuine[2], "rejected", "rule:overflow:all", "overflow:all"),  # sent to a sibling, no invite: not wrong
            (genuine[3], "approved", "operator:me", ""),
            (genuine[4], "rejected", "rule:overflow:all", "overflow:all"),  # invited into a sibling: admitted there
            (genuine[5], "rejected", "rule:entry:referral_depth", "entry:referral_depth"),  # the law: not wrong
            (spam[0], "approved", "rule:admission:all", "admission:all"),  # wrong
            (spam[1], "rejected", "rule:door_check", "door_check"),
            (spam[2], "expired", None, None)]
    with ws.store.write() as c:
        for rid, status, by, rule in sets:
            c.execute("UPDATE join_requests SET status = ?, decided_by = ?, rule = ? WHERE id = ?",
                      (status, by, rule, rid))
        c.execute("INSERT INTO actions(connection_id, kind, requested_by, evidence, idempotency_key, status,"
                  " created_at, updated_at) VALUES ('sandbox', 'invite', 'rule:overflow:all', ?, 'k1', 'done', 0, 0)",
                  (f"join_request:{genuine[4]}",))
        c.execute("INSERT INTO actions(connection_id, kind, requested_by, evidence, idempotency_key, status,"
                  " created_at, updated_at) VALUES ('sandbox', 'invite', 'rule:overflow:all', ?, 'k2', 'failed', 0, 0)",
                  (f"join_request:{genuine[2]}",))  # an invitation the platform refused admits nobody
    got = join_judgement(ws)
    g, s = got["sides"]["genuine"], got["sides"]["spam"]
    assert g["requests"] == len(genuine) and s["requests"] == len(spam)
    assert (g["admitted by rule"], g["rejected by rule"], g["admitted by person"]) == (1, 2, 1)
    assert (g["routed by rule"], g["rejected by the legal line"], g["admitted without a person"]) == (1, 1, 2)
    assert g["waiting"] == len(genuine) - 6 and g["wrong by rule"] == 1
    assert (s["admitted by rule"], s["rejected by rule"], s["expired"], s["wrong by rule"]) == (1, 1, 1, 1)
    assert got["wrong"] == 2 and got["wrong_rules"] == {"admission:all": 2}
    assert sum(v["requests"] for v in got["labels"].values()) == len(rows)
