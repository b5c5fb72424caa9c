"""Rules refused or downgraded at save time, patterns that cannot hang, undo without invite."""

from __future__ import annotations

import types

import pytest
from moderation_helpers import T0, actions, cases, feed, gid, msg, pid

from console.connector import Connector
from console.hookspecs import hookimpl
from console.model import ActionResult, Capability
from console.pluginmanager import get_plugin_manager
from console.workspace import Workspace
from plugins.moderation import get_rule, list_rules, save_rule, set_rule_enabled, undo_case


class LimitedConnector(Connector):
    """A platform that can send, kick and recall but not mute or invite (like many bots)."""

    platform = "limited"
    capabilities = frozenset({Capability.SEND, Capability.KICK, Capability.RECALL, Capability.APPROVE_JOIN})

    async def act(self, request):
        return ActionResult.done()


@hookimpl
def _register_connectors(register):
    register(LimitedConnector)


LIMITED = types.SimpleNamespace(register_connectors=_register_connectors)


@pytest.fixture
def lws(tmp_path, config_path):
    cfg = config_path
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[connections.lim]\nplatform = "limited"\nenabled = true\n',
                   encoding="utf-8")
    w = Workspace.open(cfg, pm=get_plugin_manager(extra=[("limitedplat", LIMITED)]))
    yield w
    w.close()


def _rules_snapshot(ws):
    return ws.store.query("SELECT name, kind, config, enabled, dry_run FROM rules ORDER BY name")


@pytest.mark.parametrize("kind, config, reason", [
    ("custom", {"patterns": ["(unclosed"]}, "does not compile"),
    ("custom", {"patterns": ["(a+)+$"]}, "took longer than"),
    ("custom", {"patterns": ["x*"]}, "matches an empty message"),
    ("ads", {"window_days": 0}, "window_days: is 0"),
    ("flood", {"seconds": 0}, "seconds: is 0"),
    ("flood", {"max_messages": 1}, "expected at least 2"),
    ("abuse", {"words": []}, "words: is empty"),
    ("ads", {"ladder": ["warn", "shout"]}, "ladder[1].step"),
    ("ads", {"ladder": ["mute:abc"]}, "not a number of minutes"),
    ("ads", {"penalty_scope": "planet"}, "penalty_scope"),
    ("ads", {"linkz": True}, "linkz"),
    ("off_topic", {"themes": {}}, "themes"),
])
def test_bad_rules_are_refused_with_the_reason_and_nothing_is_written(ws, kind, config, reason):
    before = _rules_snapshot(ws)
    audit = ws.store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(ValueError) as e:
        save_rule(ws, "bad", kind, config, enabled=True)
    assert reason in str(e.value)
    assert _rules_snapshot(ws) == before
    assert ws.store.scalar("SELECT count(*) FROM audit_log") == audit


def test_mute_on_a_platform_without_mute_is_refused_or_downgraded(lws):
    ws = lws
    with pytest.raises(ValueError) as e:
        save_rule(ws, "flood2", "flood", {"ladder": ["mute:10"]}, enabled=True)
    assert "'mute' needs mute" in str(e.value) and "limited" in str(e.value) and "on_unsupported" in str(e.value)
    assert get_rule(ws, "flood2") is None
    row = save_rule(ws, "flood2", "flood", {"ladder": ["mute:10"], "on_unsupported": "task"}, enabled=True)
    assert row["notes"] and "task for the group owner" in row["notes"][0]
    # scoped to sandbox groups only, the same ladder is fine
    feed(ws, [msg("g1", "alice", "hi", T0)], T0)
    ok = save_rule(ws, "flood3", "flood", {"ladder": ["mute:10"]}, scope_type="group",
                   scope_value=str(gid(ws, "g1")), enabled=True)
    assert ok["notes"] == []


def test_downgraded_mute_becomes_a_task_and_undo_of_a_kick_without_invite_is_a_task(lws):
    ws = lws
    save_rule(ws, "flood", "flood", {"ladder": ["mute:10"], "max_messages": 3, "seconds": 10, "repeat": 0,
                                     "on_unsupported": "task"}, enabled=True)
    feed(ws, [msg("lg", "dan", f"x{i}", T0 + i, conn="lim") for i in range(3)], T0 + 3)
    dan = ws.store.scalar("SELECT person_id FROM identities WHERE platform = 'limited' AND platform_user_id = 'dan'")
    mute = actions(ws, dan, "mute")
    assert [m["status"] for m in mute] == ["unsupported"]
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE person_id = ? AND kind = 'do_by_hand'", (dan,)) == 1

    save_rule(ws, "ads", "ads", {"ladder": ["kick"]}, enabled=True)
    feed(ws, [msg("lg", "dan", "加微信 abcdef123 领红包", T0 + 50, conn="lim")], T0 + 50)
    kick_case = cases(ws, dan)[-1]
    ws.store.execute("UPDATE actions SET status = 'done' WHERE case_id = ?", (kick_case["id"],))
    out = undo_case(ws, kick_case["id"])
    assert actions(ws, dan, "invite") == []
    task = ws.store.one("SELECT * FROM tasks WHERE kind = 'readmit' AND person_id = ?", (dan,))
    assert task is not None and task["status"] == "open"
    assert any("task for the owner" in line for line in out["undo"])


def test_custom_pattern_that_runs_out_of_time_lets_the_message_through_and_says_so(ws, monkeypatch):
    # (q|qq)+$ backtracks exponentially on q...qz; the probes built from the pattern refuse it when
    # saved (budget.py), so they are switched off here to stand for a pattern that slips past them
    monkeypatch.setattr("plugins.moderation.budget.pattern_probes", lambda pattern: [])
    row = save_rule(ws, "slow", "custom", {"patterns": [r"^(q|qq)+$"], "timeout_ms": 20, "ladder": ["warn"]},
                    enabled=True)
    assert row["enabled"] == 1
    save_rule(ws, "quick", "custom", {"patterns": ["代写论文"], "ladder": ["warn"]}, enabled=True)
    feed(ws, [msg("g1", "alice", "q" * 60 + "z", T0), msg("g1", "bob", "代写论文 找我", T0 + 1)], T0 + 1)
    assert cases(ws, pid(ws, "alice")) == []  # cut off, let through
    assert [c["rule"] for c in cases(ws, pid(ws, "bob"))] == ["quick"]  # the engine carried on
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'pattern_timeout'")
    assert alert is not None and "slow" in alert["message"]


def test_enable_disable_and_list(ws):
    names = [r["name"] for r in list_rules(ws)]
    assert names == ["abuse", "ads", "flood", "scam"]  # the built-in set, seeded once
    assert all(r["mode"] == "live" for r in list_rules(ws))
    set_rule_enabled(ws, "ads", False)
    feed(ws, [msg("g1", "alice", "加微信 abcdef123", T0)], T0)
    assert cases(ws, pid(ws, "alice")) == []
    set_rule_enabled(ws, "ads", True)
    feed(ws, [msg("g1", "alice", "加微信 abcdef123", T0 + 1)], T0 + 1)
    assert len(cases(ws, pid(ws, "alice"))) == 1
    with pytest.raises(ValueError, match="no moderation rule named 'nope'"):
        set_rule_enabled(ws, "nope", True)


def test_seeding_happens_once(ws, config_path):
    set_rule_enabled(ws, "abuse", False)
    ws.store.execute("DELETE FROM rules WHERE name = 'flood'")
    ws.close()
    again = Workspace.open(config_path)
    try:
        assert [r["name"] for r in list_rules(again)] == ["abuse", "ads", "scam"]
        assert get_rule(again, "abuse")["enabled"] == 0
    finally:
        again.close()
