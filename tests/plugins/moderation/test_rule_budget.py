"""Conduct rules cannot hold ingest (issue 16 item 8): a pattern is tried at save time on
texts built from itself, and every rule has a time budget per batch; a rule past it is
suspended with an alert and the batch goes on. Time is a fake clock the rule under test
moves (budget.clock), except in the bound test, which only relies on the regex cut-off
taking at least its timeout."""

from __future__ import annotations

import string

import pytest
from click.testing import CliRunner
from moderation_helpers import T0, feed, msg

from console.cli import build_cli, cli
from console.workspace import Workspace
from plugins.moderation import budget, save_rule
from plugins.moderation.matcher import CompiledRule
from tests.conftest import make_config


@pytest.mark.parametrize("pattern", ["(c|cc)+d", r"^x(q|qq)+y$", r"(\d+\s?)+$", "(x+x+)+y", "(a+)+b",
                                     r"x(y(a|aa)+)?z", r"(?:x(a|aa)+y)+z", r"(k|kk)+\p{N}"])
def test_patterns_that_explode_on_texts_built_from_them_are_refused_when_saved(ws, pattern):
    with pytest.raises(ValueError, match=r"took longer than 20 ms"):
        save_rule(ws, "bad", "custom", {"patterns": [pattern], "ladder": ["warn"]}, enabled=True)
    assert ws.store.one("SELECT * FROM rules WHERE name = 'bad'") is None


def test_the_probes_hold_the_pumped_repeat():
    probes = budget.pattern_probes("(c|cc)+d")
    assert any(p.startswith("c" * 30) and set(p) <= {"c", "!"} for p in probes)
    led = budget.pattern_probes(r"^x(q|qq)+y$")
    assert any(p.startswith("xqqq") for p in led)  # what leads up to the repeat comes first
    assert len(budget.pattern_probes("|".join(f"(w{i}+)+" for i in range(40)))) == budget.MAX_PROBES


@pytest.mark.parametrize("pattern", ["代写论文", "加.*微信", r"\bvx\d{6,}\b", r"(?:加|\+)\s*(?:v|微信)", r"\p{Han}{2}群"])
def test_ordinary_patterns_still_save(ws, pattern):
    assert save_rule(ws, "ok", "custom", {"patterns": [pattern], "ladder": ["warn"]}, enabled=True)["enabled"] == 1


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def slow(tmp_path, monkeypatch):
    """A workspace with budget 100 ms, a custom rule "slow" that costs 40 ms a message on the
    fake clock, and "quick" that costs nothing; calls counts each rule's checks."""
    cfg = make_config(tmp_path, "[moderation]\nrule_budget_ms = 100\nrule_suspend_minutes = 10\n")
    w = Workspace.open(cfg)
    clock = FakeClock()
    monkeypatch.setattr(budget, "clock", clock)
    calls = {"slow": 0, "quick": 0}
    real = CompiledRule.match_text

    def timed(self, text, group, norm=None):
        if self.name in calls:
            calls[self.name] += 1
        if self.name == "slow":
            clock.t += 0.040
        return real(self, text, group, norm)

    monkeypatch.setattr(CompiledRule, "match_text", timed)
    save_rule(w, "slow", "custom", {"patterns": ["slowword"], "ladder": ["warn"]}, enabled=True)
    save_rule(w, "quick", "custom", {"patterns": ["代写论文"], "ladder": ["warn"]}, enabled=True)
    yield w, calls
    w.close()


def batch(ws, at: int, n: int, tag: str):
    return feed(ws, [msg("g1", f"{tag}{i}", "slowword 代写论文", at + i) for i in range(n)], at + n)


def test_a_rule_past_its_budget_is_suspended_and_the_batch_goes_on(slow):
    ws, calls = slow
    batch(ws, T0, 6, "a")
    assert calls == {"slow": 3, "quick": 6}  # 40 + 40 + 40 = 120 ms > 100 ms after the third message
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'rule_suspended'")
    assert alert["message"] == ("Rule slow took 120 ms of one ingest batch of 6 messages (budget 100 ms): it is "
                                "suspended for 10 minutes and the batch went on without it. Editing the rule lifts "
                                "the suspension.")
    assert alert["severity"] == "critical"
    audit = ws.store.one("SELECT * FROM audit_log WHERE action = 'rule_suspended'")
    assert audit["target_id"] == "slow" and '"ms": 120' in audit["detail"]
    quick = ws.store.scalar("SELECT count(DISTINCT person_id) FROM cases WHERE rule = 'quick'")
    assert quick == 6
    with ws.clock_at(T0 + 9 * 60):
        assert set(budget.suspended(ws)) == {"slow"}


def test_the_suspension_lasts_its_minutes_then_the_rule_is_tried_again(slow):
    ws, calls = slow
    batch(ws, T0, 3, "a")  # exactly 3 x 40 = 120 ms: suspended after the third
    assert calls["slow"] == 3
    batch(ws, T0 + 9 * 60, 2, "b")  # still within 10 minutes of the first batch's end
    assert calls == {"slow": 3, "quick": 5}
    batch(ws, T0 + 11 * 60, 2, "c")  # past: 80 ms, within the budget
    assert calls == {"slow": 5, "quick": 7}
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'rule_suspended'") == 1


def test_a_bigger_batch_gets_the_budget_per_500_messages(slow):
    """1,300 messages in one batch (a backlog, a back-fill's hour): 100 ms x 1,300 / 500 =
    260 ms, so the 40 ms rule is suspended after its 7th check (280 ms), not its 3rd; 500
    messages still get 100 ms (3 checks). Ordinary chat, so no rule has a hit."""
    ws, calls = slow
    feed(ws, [msg("g1", f"a{i}", "今天天气不错", T0 + i) for i in range(1300)], T0 + 1300)
    assert calls["slow"] == 7
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'rule_suspended'")
    assert alert["message"].startswith("Rule slow took 280 ms of one ingest batch of 1,300 messages (budget 260 ms)")
    feed(ws, [msg("g1", f"b{i}", "今天天气不错", T0 + 2000 + i) for i in range(500)], T0 + 2500)  # suspension over
    assert calls["slow"] == 7 + 3


def test_editing_the_rule_lifts_the_suspension(slow):
    ws, calls = slow
    batch(ws, T0, 3, "a")
    save_rule(ws, "slow", "custom", {"patterns": ["slowword2"], "ladder": ["warn"]}, enabled=True)
    batch(ws, T0 + 60, 2, "b")
    assert calls["slow"] == 5


def test_a_flood_rule_is_charged_for_its_batch(tmp_path, monkeypatch):
    cfg = make_config(tmp_path, "[moderation]\nrule_budget_ms = 50\n")
    with Workspace.open(cfg) as ws:
        clock = FakeClock()
        monkeypatch.setattr(budget, "clock", clock)
        real = CompiledRule.flood_hits

        def slow_flood(self, msgs):
            clock.t += 0.060
            return real(self, msgs)

        monkeypatch.setattr(CompiledRule, "flood_hits", slow_flood)
        feed(ws, [msg("g1", "u1", "hello", T0)], T0)
        with ws.clock_at(T0):
            assert set(budget.suspended(ws)) == {"flood"}
        assert "Rule flood took 60 ms" in ws.store.scalar("SELECT message FROM alerts WHERE kind = 'rule_suspended'")


def test_a_catastrophic_pattern_that_slips_past_the_probes_costs_a_batch_at_most_its_budget(tmp_path, monkeypatch):
    """Real regex, no fake clock: every check of (c|cc)+d on 30 c's is cut off at its 20 ms
    timeout, so it costs at least 20 ms, and 100 ms of budget allow at most 6 of them,
    however fast or slow the machine (before the budget all 60 were tried)."""
    monkeypatch.setattr(budget, "pattern_probes", lambda pattern: [])  # a pattern the probes miss
    cfg = make_config(tmp_path, "[moderation]\nrule_budget_ms = 100\n")
    with Workspace.open(cfg) as ws:
        save_rule(ws, "cd", "custom", {"patterns": ["(c|cc)+d"], "timeout_ms": 20, "ladder": ["warn"]}, enabled=True)
        calls = []
        real = CompiledRule.match_text
        monkeypatch.setattr(CompiledRule, "match_text",
                            lambda self, text, group, norm=None: (calls.append(1) if self.name == "cd" else None)
                            or real(self, text, group, norm))
        feed(ws, [msg("g1", f"u{i}", "c" * 30, T0 + i) for i in range(60)], T0 + 60)
        assert 1 <= len(calls) <= 6
        with ws.clock_at(T0 + 60):
            assert set(budget.suspended(ws)) == {"cd"}


@pytest.mark.parametrize("key, value", [("rule_budget_ms", 5), ("rule_budget_ms", 10_001), ("rule_suspend_minutes", 0)])
def test_budget_settings_out_of_range_are_refused(tmp_path, key, value):
    cfg = make_config(tmp_path, f"[moderation]\n{key} = {value}\n")
    build_cli([])
    r = CliRunner().invoke(cli, ["--config", str(cfg), "config", "check"])
    assert r.exit_code == 2 and f"moderation.{key}: is {value}" in r.output and "a whole number from" in r.output


def test_the_alert_has_zh_cn_with_the_same_fields():
    from plugins.moderation.i18n import ZH_CN

    en = ("Rule {rule} took {ms} ms of one ingest batch of {n} messages (budget {budget} ms): it is suspended for "
          "{minutes} minutes and the batch went on without it. Editing the rule lifts the suspension.")

    def fields(t):
        return {f for _, f, _, _ in string.Formatter().parse(t) if f}

    assert fields(ZH_CN[en]) == fields(en) == {"rule", "ms", "n", "budget", "minutes"}
