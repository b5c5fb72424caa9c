"""One alert per cause: a person's resolution snoozes an alert until its cause changes;
the cause going away (automatic resolution) and coming back is a new cause."""

from __future__ import annotations

from console.tui.ops import resolve_alert


def rows(ws, key):
    return ws.store.query("SELECT id, message, cause, resolved_at, resolved_by, dedupe_key FROM alerts"
                          " WHERE kind = 'silent_group' ORDER BY id")


def test_resolved_by_a_person_stays_resolved_for_the_same_cause(ws):
    ws.clock = lambda: 1_000_000
    first = ws.raise_alert("silent_group", "G: silent", dedupe_key="k.silent:1", cause="quiet since 2025-03-01")
    assert first is not None
    ws.clock = lambda: 1_000_060
    resolve_alert(ws, first)  # the console's X
    assert ws.store.one("SELECT resolved_at, resolved_by FROM alerts WHERE id = ?", (first,)) == {
        "resolved_at": 1_000_060, "resolved_by": "operator:tester"}
    # the check runs again four minutes later, same silence: nothing reopens
    ws.clock = lambda: 1_000_300
    assert ws.raise_alert("silent_group", "G: silent", dedupe_key="k.silent:1", cause="quiet since 2025-03-01") is None
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE resolved_at IS NULL") == 0
    assert ws.store.scalar("SELECT count(*) FROM alerts") == 1
    # someone spoke on 03-05 and the group fell silent again: a new cause, a new alert
    second = ws.raise_alert("silent_group", "G: silent again", dedupe_key="k.silent:1", cause="quiet since 2025-03-05")
    assert second not in (None, first)
    got = rows(ws, "k.silent:1")
    assert [(r["id"], r["resolved_by"], r["dedupe_key"]) for r in got] == [
        (first, "operator:tester", None), (second, None, "k.silent:1")]
    assert got[1]["cause"] == "quiet since 2025-03-05" and got[1]["resolved_at"] is None
    # the audit says who resolved it
    assert ws.store.scalar("SELECT actor FROM audit_log WHERE action = 'alert_resolved' AND target_id = ?",
                           (str(first),)) == "operator:tester"


def test_while_open_the_same_key_updates_one_row(ws):
    a = ws.raise_alert("silent_group", "3 overdue", dedupe_key="k.q", cause="over 1")
    b = ws.raise_alert("silent_group", "7 overdue", dedupe_key="k.q", cause="over 5")
    assert a == b
    assert ws.store.one("SELECT message, cause FROM alerts WHERE id = ?", (a,)) == {"message": "7 overdue",
                                                                                  "cause": "over 5"}


def test_cause_gone_then_back_is_a_new_cause(ws):
    """With no cause given, the condition is the cause: a person's resolution holds until it
    has gone away once; then its return alerts again."""
    a = ws.raise_alert("silent_group", "low", dedupe_key="k.low:2")
    ws.resolve_alert_by_hand(a)
    assert ws.raise_alert("silent_group", "low", dedupe_key="k.low:2") is None
    assert ws.alert_keys("k.low") == {"k.low:2"}  # snoozed still holds its key for the checker
    ws.resolve_alert("k.low:2")  # the checker: the rate recovered
    assert ws.alert_keys("k.low") == set()
    b = ws.raise_alert("silent_group", "low", dedupe_key="k.low:2")
    assert b is not None and b != a
    # automatic resolution of an open alert: resolved by auto, key released, comes back at once
    ws.resolve_alert("k.low:2")
    assert ws.store.one("SELECT resolved_by, dedupe_key FROM alerts WHERE id = ?", (b,)) == {
        "resolved_by": "auto", "dedupe_key": None}
    c = ws.raise_alert("silent_group", "low", dedupe_key="k.low:2")
    assert c not in (None, a, b)


def test_resolving_twice_or_a_missing_alert_is_refused_quietly(ws):
    a = ws.raise_alert("silent_group", "x", dedupe_key="k.x")
    assert ws.resolve_alert_by_hand(a) is True
    assert ws.resolve_alert_by_hand(a) is False
    assert ws.resolve_alert_by_hand(999_999) is False
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'alert_resolved'") == 1


def test_alert_keys_escapes_like_wildcards(ws):
    ws.raise_alert("silent_group", "x", dedupe_key="kpi.a_b")
    ws.raise_alert("silent_group", "y", dedupe_key="kpixa1b")
    assert ws.alert_keys("kpi.a_") == {"kpi.a_b"}
