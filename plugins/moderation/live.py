"""The live path: every ingest batch through the enabled rules, the blacklist and the
raid guard. Called from ``process_events`` inside the batch's transaction.

Per-workspace state (compiled rules, flood counters, join counters) is kept in a
weak map keyed by the workspace, so tests and processes with several workspaces never
share counters, and it is dropped with the workspace.
"""

from __future__ import annotations

import json
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from shequn import Event, Kind, messages_of, others_of

from .budget import UNBOUNDED, for_batch
from .kinds import validate
from .matcher import CompiledRule, Hit, RuleSet
from .penalize import enforce_blacklist_on_join, penalize_all
from .probation import first_messages_on_probation
from .raid import count_join
from .rulestore import PLUGIN, rules_version
from .scope import BatchLookups, blacklist_entry
from .settings import ModerationSettings, settings_of


@dataclass
class State:
    settings: ModerationSettings
    version: tuple | None = None
    ruleset: RuleSet | None = None
    joins: dict[int, deque] = field(default_factory=dict)
    batches: int = 0

    def rules(self, ws) -> RuleSet:
        v = rules_version(ws)
        if self.ruleset is None or v != self.version:
            old = {r.name: r for r in self.ruleset.rules} if self.ruleset else {}
            self.ruleset = RuleSet.build(load_compiled(ws, old))
            self.version = v
        return self.ruleset


_STATES: "weakref.WeakKeyDictionary[Any, State]" = weakref.WeakKeyDictionary()


def state_for(ws) -> State:
    st = _STATES.get(ws)
    if st is None:
        st = _STATES[ws] = State(settings_of(ws))
    return st


def load_compiled(ws, old: dict[str, CompiledRule] | None = None) -> list[CompiledRule]:
    """Compile every enabled moderation rule; a stored config that no longer validates is
    skipped and reported (it cannot be saved that way, but the file may be edited by hand)."""
    out = []
    for row in ws.store.query("SELECT * FROM rules WHERE plugin = ? AND enabled = 1 ORDER BY id", (PLUGIN,)):
        try:
            cfg = validate(row["kind"], json.loads(row["config"] or "{}"))
            r = CompiledRule.build(row, cfg)
        except (ValueError, json.JSONDecodeError) as e:
            ws.raise_alert("rule_broken", f"Rule {row['name']} is not applied: {e}", group_id=None,
                           dedupe_key=f"rule_broken:{row['name']}", cause=str(e))  # another error alerts again
            continue
        prev = (old or {}).get(r.name)
        if prev is not None and prev.kind == "flood" and prev.cfg == r.cfg:
            r.flood, r.quiet_until = prev.flood, prev.quiet_until  # an unrelated edit must not reset counters
        out.append(r)
    return out


def carries_data(data: dict[str, Any] | None) -> bool:
    """Does a message carry something a data rule looks at (an image, a QR flag, a
    mini-program card)? ``card`` as a string is the sender's group nickname, not a card."""
    return bool(data) and bool(data.get("images") or data.get("qr") or data.get("cards")
                               or isinstance(data.get("card"), dict))


def find_hits(rs: RuleSet, events: list[Event], look: BatchLookups, budget=UNBOUNDED) -> list[tuple[Hit, Event]]:
    """Every (hit, message) of a batch, in message order, before scope and exemptions.

    The hot path, so it works on the batch, not message by message: the flood windows in
    one tight loop per flood rule, one prefilter search over all the batch's texts, and
    rule-by-rule matching only for the few messages that search (or a custom pattern, or
    an image or card) makes candidates. Within a message, flood hits come first, then the
    rules in their order; a rule gives a message at most one hit."""
    msgs = [e for e in messages_of(events) if e.group_id is not None and e.person_id is not None
            and not (e.data and e.data.get("from_self"))]  # the bot's own messages (its warnings among them)
    if not msgs:
        return []
    found: list[tuple[int, int, Hit]] = []  # (message position, order within it, hit)
    clock = budget.clock  # each rule's time is charged to its budget (budget.py); a spent rule is skipped
    for r in rs.flood_rules:
        if budget.allows(r):
            t0 = clock()
            found.extend((i, 0, h) for i, h in r.flood_hits(msgs))
            budget.charge(r, clock() - t0)
    candidates: dict[int, list[CompiledRule]] = {}
    norms: list[str] | None = None  # each message's text normalised, from the prefilter's pass
    if rs.text_rules:
        gated, norms = rs.scan(msgs)
        candidates.update(gated)
    if rs.custom_rules:
        for i, e in enumerate(msgs):
            if e.text:
                candidates.setdefault(i, []).extend(rs.custom_rules)
    if rs.data_rules:
        for i in [i for i, e in enumerate(msgs) if e.data and carries_data(e.data)]:
            have = candidates.setdefault(i, [])
            have.extend(r for r in rs.data_rules if r not in have)
    look.preload(msgs[i].group_id for i in candidates)  # one query for the batch's groups
    order = 1
    for i in sorted(candidates):
        e = msgs[i]
        group = look.group(e.group_id)
        if group is None:
            continue
        data, text = e.data, e.text or ""
        norm = norms[i] if norms is not None else None
        for r in candidates[i]:
            if not budget.allows(r):
                continue
            t0 = clock()
            h = r.match_data(data) if data else None
            if h is None and text:
                h = r.match_text(text, group, norm)
            budget.charge(r, clock() - t0)
            if h is not None:
                found.append((i, order, h))
                order += 1
    found.sort(key=lambda f: (f[0], f[1]))
    return [(h, msgs[i]) for i, _, h in found]


def process(ws, events: list[Event]) -> None:
    st = state_for(ws)
    rs = st.rules(ws)
    look = BatchLookups(ws, st.settings.exempt_roles, st.settings.allow_people)
    budget = for_batch(ws, rs, st.settings, len(messages_of(events)))
    hits = find_hits(rs, events, look, budget)
    budget.report(ws)
    joining = (Kind.JOIN, Kind.JOIN_REQUEST)
    for e in [e for e in others_of(events) if e.kind in joining]:
        if e.group_id is not None and e.person_id is not None:
            group = look.group(e.group_id)
            count_join(ws, st.joins, e.group_id, e.ts, st.settings, (group or {}).get("name") or str(e.group_id))
            if e.kind == Kind.JOIN:
                entry = blacklist_entry(ws, e.person_id, e.group_id)
                if entry is not None:
                    enforce_blacklist_on_join(ws, e, entry)
    due = []
    for h, e in hits:
        group = look.group(e.group_id)
        if group is None or not h.rule.applies_to(group):
            continue
        if look.exempt(h.rule.cfg, e.group_id, e.person_id, (e.data or {}).get("role")):
            continue
        due.append((h, e, group))
    penalize_all(ws, due, st.settings, first_messages_on_probation(ws, due, events, st.settings))
    _report_timeouts(ws, rs)
    st.batches += 1
    if st.batches % 200 == 0:
        newest = max((e.ts for e in events), default=ws.now())
        for r in rs.flood_rules:
            r.prune(newest)


def _report_timeouts(ws, rs: RuleSet) -> None:
    from .i18n import tr

    for r in rs.custom_rules:
        if r.timeouts:
            ws.raise_alert("pattern_timeout", tr(ws, "Custom rule {rule} ran out of time on {count} message(s); "
                                                     "those messages were let through.", rule=r.name, count=r.timeouts),
                           why=f"timeout_ms = {r.cfg['timeout_ms']}", dedupe_key=f"pattern_timeout:{r.name}",
                           cause=f"at {ws.now()}")  # each batch of timeouts is a new occurrence
            ws.audit("pattern_timeout", "rule", r.name, {"messages": r.timeouts}, actor="plugin:moderation")
            r.timeouts = 0
