"""Conduct rules that cannot hold ingest: a time budget per rule per batch, and save-time
probes built from a custom pattern itself (issue 16).

A custom pattern such as ``(c|cc)+d`` passed the save-time check (its fixed probes hold
no "c"), and then 200 crafted messages of thirty c's held one ingest transaction for
11.6 s here (20 ms cut-off each, on the text and its normalised form). Two guards:

1. **Probes from the pattern** (``pattern_probes``, used by kinds.compile_custom): the
   pattern is parsed, and for every repeat in it a probe is made from a text that leads
   up to it, its body pumped to about 3,000 characters, then an end it cannot match (or
   none). A pattern that cannot get through them within its ``timeout_ms`` is refused
   when saved, and skipped with an alert when a stored one is loaded.
2. **A budget per batch** (``BatchBudget``, used by live.find_hits): every rule's time on
   a batch is added up; a rule past ``[moderation] rule_budget_ms`` is suspended for the
   rest of the batch, which goes on without it, and for ``rule_suspend_minutes`` after
   (an edit of the rule lifts it at once), with an alert and an audit row. The worst a
   batch then waits for one rule is the budget plus one message's cut-off.

   The budget is per ``PER_MESSAGES`` messages (serve's batch in steady traffic): a bigger
   batch (a backlog after downtime, up to 5,000 events; a back-fill's hour, about 1,700
   at 100 groups) gets as much again per 500 messages. A fixed budget per batch made an
   ordinary rule's time on a big batch hit the limit whenever the machine was busy, so
   the same history suspended a rule in one run and not in the next (one alert more in
   some runs of benchmarks/operator_day.py), and a rule went quiet exactly when a backlog
   was being caught up.

The clock is ``budget.clock`` so tests can drive it; nothing here reads wall time for a
decision other than the time a rule took.
"""

from __future__ import annotations

import re
import time
import weakref
from dataclasses import dataclass
from typing import Any, Iterable

clock = time.perf_counter  # read when a batch starts: tests replace it

#: messages one ``rule_budget_ms`` pays for; a bigger batch's budget grows in proportion
PER_MESSAGES = 500
PUMP = 3_000  # characters of the repeated piece: about the longest message a platform sends
MAX_PROBES = 24


# --- probes built from a pattern -----------------------------------------------------------

def _in_sample(items: list) -> str:
    """A character the class [items] matches (its first member)."""
    import re._constants as c

    if items and items[0][0] is c.NEGATE:
        return "~"
    for op, av in items:
        if op is c.LITERAL:
            return chr(av)
        if op is c.RANGE:
            return chr(av[0])
        if op is c.CATEGORY:
            return {c.CATEGORY_DIGIT: "1", c.CATEGORY_SPACE: " ", c.CATEGORY_WORD: "a"}.get(av, "!")
    return "a"


def _sample(items: Iterable) -> str:
    """A short text the parsed ``items`` match (the first alternative of each branch, the
    least count of each repeat), to lead up to a repeat further on."""
    import re._constants as c

    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.NOT_LITERAL:
            out.append("a" if chr(av) != "a" else "b")
        elif op is c.ANY:
            out.append("a")
        elif op is c.IN:
            out.append(_in_sample(av))
        elif op is c.BRANCH:
            out.append(_sample(av[1][0]) if av[1] else "")
        elif op is c.SUBPATTERN:
            out.append(_sample(av[3]))
        elif op is c.ATOMIC_GROUP:
            out.append(_sample(av))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            out.append(_sample(av[2]) * min(av[0], 10))
    return "".join(out)


def _walk(items: list, prefix: str, ends: list[str], out: list[str]) -> None:
    import re._constants as c

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            # the first alternative of a choice: (c|cc)+ is pumped with c. Pumping each alternative
            # found nothing more: regex skips alternatives whose first letters differ, and the
            # letter probes below cover single-letter ones
            pump = _sample(av[2])
            for end in ends if pump and (av[1] is c.MAXREPEAT or av[1] > 1) else ():
                out.append(prefix + pump * (PUMP // len(pump) + 1) + end)
            _walk(av[2], prefix, ends, out)  # a repeat inside, also of an optional part: x(y(a|aa)+)?z
        elif op is c.SUBPATTERN:
            _walk(av[3], prefix, ends, out)
        elif op is c.ATOMIC_GROUP:
            _walk(av, prefix, ends, out)
        elif op is c.BRANCH:
            for alt in av[1]:
                _walk(alt, prefix, ends, out)
        prefix += _sample([(op, av)])


def pattern_probes(pattern: str) -> list[str]:
    """Texts built from ``pattern`` that make a backtracking engine explode if it can:
    for each repeat, what leads up to it + its body pumped + an end it cannot match.
    A pattern Python's parser cannot read (``regex``-only syntax) gets each of its
    letters and digits repeated instead."""
    import re._parser as parser

    letters = sorted({ch for ch in pattern if ch.isalnum()})
    ends = ["", next(e for e in "!#~%\x01" if e not in pattern)]
    out: list[str] = []
    try:
        tree = parser.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError):
        tree = None
    if tree is not None:
        _walk(list(tree), "", ends, out)
    out += [ch * PUMP + ends[1] for ch in letters[:8]]
    return list(dict.fromkeys(out))[:MAX_PROBES]


# --- the budget per batch ----------------------------------------------------------------------

@dataclass
class Suspension:
    until: int  # workspace time
    cfg: dict  # the config that overran: an edit lifts the suspension


_SUSPENDED: "weakref.WeakKeyDictionary[Any, dict[str, Suspension]]" = weakref.WeakKeyDictionary()


def suspended(ws) -> dict[str, Suspension]:
    """Rules suspended in this workspace now, by name (the console's rules tab, tests)."""
    now = ws.now()
    held = _SUSPENDED.get(ws, {})
    for name in [n for n, s in held.items() if s.until <= now]:
        del held[name]
    return held


class BatchBudget:
    """One batch's time per rule (``allows`` before a rule runs, ``charge`` after)."""

    def __init__(self, ws, rules: Iterable, limit_ms: int, minutes: int, messages: int = 0):
        self.clock = clock
        self.messages = messages
        self.limit_ms = round(limit_ms * max(1.0, messages / PER_MESSAGES))
        self.limit = self.limit_ms / 1000
        self.minutes = minutes
        held = suspended(ws)
        self.blocked = {id(r) for r in rules if r.name in held and held[r.name].cfg == r.cfg}
        self.spent: dict[int, float] = {}
        self.over: list = []

    def allows(self, rule) -> bool:
        return id(rule) not in self.blocked

    def charge(self, rule, seconds: float) -> None:
        key = id(rule)
        spent = self.spent.get(key, 0.0) + seconds
        self.spent[key] = spent
        if spent > self.limit:
            self.blocked.add(key)
            self.over.append(rule)

    def report(self, ws) -> None:
        """Suspend the rules that overran, each with an alert and an audit row."""
        from .i18n import tr

        for rule in self.over:
            until = ws.now() + self.minutes * 60
            _SUSPENDED.setdefault(ws, {})[rule.name] = Suspension(until, rule.cfg)
            spent = round(self.spent[id(rule)] * 1000)
            ws.raise_alert("rule_suspended", tr(
                ws, "Rule {rule} took {ms} ms of one ingest batch of {n} messages (budget {budget} ms): it is "
                    "suspended for {minutes} minutes and the batch went on without it. Editing the rule lifts the "
                    "suspension.",
                rule=rule.name, ms=f"{spent:,}", n=f"{self.messages:,}", budget=f"{self.limit_ms:,}",
                minutes=self.minutes),
                why=f"rule_budget_ms = {self.limit_ms}", severity="critical",
                dedupe_key=f"rule_suspended:{rule.name}", cause=f"until {until}")
            ws.audit("rule_suspended", "rule", rule.name, {"ms": spent, "budget_ms": self.limit_ms,
                                                           "messages": self.messages, "until": until},
                     actor="plugin:moderation")
        self.over = []


class _Unbounded:
    """No budget (dry runs over history: a person waits for them and sees them end)."""

    clock = staticmethod(time.perf_counter)

    def allows(self, rule) -> bool:
        return True

    def charge(self, rule, seconds: float) -> None:
        pass

    def report(self, ws) -> None:
        pass


UNBOUNDED = _Unbounded()


def for_batch(ws, ruleset, settings, messages: int = 0) -> BatchBudget:
    """The budget of a batch of ``messages`` messages (``rule_budget_ms`` per ``PER_MESSAGES``)."""
    return BatchBudget(ws, ruleset.rules, settings.rule_budget_ms, settings.rule_suspend_minutes, messages)
