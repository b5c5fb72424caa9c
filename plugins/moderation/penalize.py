"""Turning a rule hit into a case and its actions: the penalty ladder.

The n-th offence of a rule by a member within the rule's window (counted over the
groups of its penalty scope, undone cases left out) takes ladder step n (the last step
repeats). Every penalty opens a case with the rule, a snapshot of the message, the
actor and the step; its actions go to the outbox under ``rule:NAME`` and are linked to
the case in ``case_actions``, so an undo later reaches every group the case touched.
A rule in dry-run mode opens a ``dry_run`` case and stores its actions as dry_run.

A warn or mute closes its case as ``settled`` by the rule unless the rule's measured
precision fell below the bar (:mod:`plugins.moderation.outcomes`); a settled case picked
for the audit sample stays open with ``audit = 1``. A newcomer on probation who posts an
ad first thing goes straight to the rule's removal step, with the message recalled.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import Capability, Event, Proposal, json_text as dumps, rows_in
from shequn.people import for_members

from .abuse import ladder_for
from .i18n import tr
from .kinds import PUBLIC_TITLE
from .matcher import Hit
from .outcomes import REMOVALS, REVERSIBLE, audit_sampled, bar_of, may_settle, rule_outcomes, share_of
from .scope import groups_in_scope, member_groups, scope_key


def step_words(ws, step: dict[str, Any]) -> str:
    s = step["step"]
    if s == "mute":
        return tr(ws, "mute for {minutes} minutes", minutes=step["minutes"])
    return tr(ws, {"warn": "warning", "kick": "removal from the group", "blacklist": "blacklist"}[s])


def warning_text(ws, rule_kind: str, cfg: dict[str, Any], step: dict[str, Any], next_step: dict[str, Any] | None,
                 template: str = "") -> str:
    """The member's warning: the rule in neutral words and what comes next; never the
    offending text (repeating an insult or an ad would spread it)."""
    rule = cfg.get("public_title") or tr(ws, PUBLIC_TITLE[rule_kind])
    nxt = tr(ws, "A repeat within {days} days leads to: {step}.", days=cfg["window_days"],
             step=step_words(ws, next_step)) if next_step else ""
    if template:
        return template.format(rule=rule, next=nxt).strip()
    if step["step"] == "mute":
        head = tr(ws, "You are muted for {minutes} minutes: {rule}.", minutes=step["minutes"], rule=rule)
    else:
        head = tr(ws, "Please keep to the group rules: {rule}.", rule=rule)
    return (head + " " + nxt).strip()


def evidence_of(e: Event, group: dict[str, Any], hit: Hit) -> dict[str, Any]:
    return {"connection": e.connection, "message_id": e.id, "ts": e.ts, "group_id": e.group_id,
            "group": group.get("name"), "person_id": e.person_id, "nickname": e.nickname, "text": e.text,
            "data": e.data or None, "category": hit.category, "matched": hit.matched,
            **({"severity": hit.severity} if hit.severity else {})}


def evidence_of_row(m: dict[str, Any], group: dict[str, Any] | None, nickname: str | None,
                    category: str, **extra: Any) -> dict[str, Any]:
    """A case's evidence from a stored ``messages`` row (a case opened after ingest: a
    second look, a person's report), in the shape :func:`evidence_of` gives at ingest, so
    every reader of evidence (undo, the second opinion's learning, the console) reads one shape."""
    meta = json.loads(m["meta"]) if m.get("meta") else None
    ev = {"connection": m["connection_id"], "message_id": m["platform_msg_id"], "ts": m["ts"],
          "group_id": m["group_id"], "group": (group or {}).get("name"), "person_id": m["person_id"],
          "nickname": nickname, "text": m["text"], "data": meta or None, "category": category}
    return {**ev, **extra}


def link_actions(ws, c, case_id: int, purpose: str, kinds: list[tuple[str, int | None]], ids: list[int]) -> None:
    """Record which outbox actions (and the tasks made for unsupported ones) belong to a case."""
    c.executemany(_LINK_SQL, link_rows(c, [(case_id, purpose, kind, gid, aid) for (kind, gid), aid in zip(kinds, ids)],
                                       ws.now()))


_LINK_SQL = ("INSERT INTO case_actions(case_id, purpose, kind, group_id, action_id, task_id, note, created_at)"
             " VALUES (?,?,?,?,?,?,?,?)")

def link_rows(c, links: list[tuple[int, str, str, int | None, int | None]], now: int,
              notes: dict[int, str] | None = None) -> list[tuple]:
    """case_actions rows for (case, purpose, kind, group, action) links: an action the
    platform cannot do is linked with the task made for it. A link without an action
    carries ``notes[position]`` (the blacklist entry a case added)."""
    unsupported = {r[0] for r in rows_in(c, "SELECT id FROM actions WHERE status = 'unsupported' AND id IN ({marks})",
                                         [a for *_, a in links if a is not None])}
    tasks = dict(rows_in(c, "SELECT dedupe_key, id FROM tasks WHERE dedupe_key IN ({marks})",
                         [f"action:{a}" for a in sorted(unsupported)]))
    notes = notes or {}
    return [(case_id, purpose, kind, gid, aid, tasks.get(f"action:{aid}") if aid in unsupported else None,
             notes.get(i, ""), now) for i, (case_id, purpose, kind, gid, aid) in enumerate(links)]


class _Ladder:
    """Offences counted for a batch of hits: the stored cases of the batch's members, read
    in one query, plus the cases the batch opens, so the n-th hit of a member within the
    batch takes step n exactly as if the hits came one batch each."""

    def __init__(self, ws, person_ids: set[int], since: int):
        self.seen: dict[tuple[str, int, str], list[tuple[int, int, str]]] = {}
        for rule, pid, kind, gid, at, step in rows_in(
                ws.store, "SELECT rule, person_id, kind, group_id, opened_at, coalesce(step, '') FROM cases"
                          " WHERE status NOT IN ('undone', 'overturned')"
                          " AND opened_at >= ? AND person_id IN ({marks})", sorted(person_ids), (since,)):
            self.seen.setdefault((rule, pid, kind), []).append((gid, at, step))

    def count(self, rule: str, person_id: int, kind: str, groups: set[int], since: int) -> int:
        return sum(1 for gid, at, _ in self.seen.get((rule, person_id, kind), ()) if at >= since and gid in groups)

    def removed(self, rule: str, person_id: int, kind: str, groups: set[int], since: int) -> bool:
        """Whether a standing removal (kick, blacklist) of this rule already covers the member."""
        return any(at >= since and gid in groups and step in REMOVALS
                   for gid, at, step in self.seen.get((rule, person_id, kind), ()))

    def add(self, rule: str, person_id: int, kind: str, group_id: int, at: int, step: str = "") -> None:
        self.seen.setdefault((rule, person_id, kind), []).append((group_id, at, step))


def penalize_all(ws, items: list[tuple[Hit, Event, dict[str, Any]]], settings=None,
                 probation: frozenset[int] | set[int] = frozenset()) -> list[int]:
    """Open the cases for a batch's hits, in order, and queue their actions: one insert of
    cases, one of actions (``enqueue_each``), one of links and one of audit rows for the
    whole batch (a busy batch opens hundreds of cases). ``probation`` holds ``id()`` of the
    messages that are a newcomer's first. Returns the case ids."""
    if not items:
        return []
    if settings is None:
        from .settings import settings_of

        settings = settings_of(ws)
    template = settings.warning_template
    now = ws.now()
    outcomes = rule_outcomes(ws, {h.rule.name for h, _, _ in items if not h.rule.dry_run})
    statuses: list[str] = []
    shares: list[float] = []
    scopes: dict[tuple[str, str], list[int]] = {}
    ladder_counts = _Ladder(ws, {e.person_id for _, e, _ in items},
                            now - max(h.rule.cfg["window_days"] for h, _, _ in items) * 86400)
    cases: list[tuple] = []
    plans: list[dict[str, Any]] = []
    for hit, e, group in items:
        rule = hit.rule
        cfg = rule.cfg
        dry = rule.dry_run
        case_kind = "dry_run" if dry else "penalty"
        stype, svalue = scope_key(group, cfg["penalty_scope"])
        scope_groups = scopes.get((stype, svalue))
        if scope_groups is None:
            scope_groups = scopes[(stype, svalue)] = groups_in_scope(ws, stype, svalue) or [group["id"]]
        since = now - cfg["window_days"] * 86400
        n = ladder_counts.count(rule.name, e.person_id, case_kind, set(scope_groups), since) + 1
        removed_before = ladder_counts.removed(rule.name, e.person_id, case_kind, set(scope_groups), since)
        ladder = ladder_for(cfg, hit.severity)  # abuse: by severity; every other kind: cfg["ladder"]
        step = ladder[min(n, len(ladder)) - 1]
        next_step = ladder[n] if n < len(ladder) else None
        on_probation = id(e) in probation
        if on_probation:  # straight to the removal step (the last step when the ladder has none)
            step = next((x for x in ladder if x["step"] in REMOVALS), ladder[-1])
            next_step = None
        ladder_counts.add(rule.name, e.person_id, case_kind, group["id"], now, step["step"])
        # in the console's language: the outbox, the blacklist and the audit log show it as written
        reason = tr(ws, "{rule}: {category} (offence {n}, {step})", rule=rule.name, category=ws.t(hit.category), n=n,
                    step=ws.t(step["step"])) + (ws.t(", newcomer probation") if on_probation else "")
        actor = f"rule:{rule.name}"
        proposals: list[tuple[tuple[str, int], Proposal]] = []

        def prop(kind: str, gid: int, params: dict[str, Any], label: str | None = None) -> None:
            proposals.append(((label or kind, gid), Proposal(
                kind=kind, reason=reason, group_id=gid, person_id=e.person_id, params=params, rule=rule.name,
                evidence=f"{e.connection}:{e.id}", dry_run=dry)))

        if (cfg["recall"] or on_probation) and Capability.RECALL in ws.capabilities(group["connection_id"]):
            prop("recall", group["id"], {"message_id": e.id})
        s = step["step"]
        if s in ("warn", "mute"):
            if s == "mute":
                prop("mute", group["id"], {"duration": step["minutes"] * 60})
            prop("send", group["id"], {"text": warning_text(for_members(ws, group), rule.kind, cfg, step, next_step,
                                                             template),  # in the group's language
                                       "mentions": [e.user] if e.user else []}, "warn")
        elif s in ("kick", "blacklist"):
            targets = member_groups(ws, e.person_id, scope_groups)
            if group["id"] not in targets:
                targets.insert(0, group["id"])  # the offence proves presence even if membership lags
            for gid in targets:
                prop("kick", gid, {"reject_add_request": s == "blacklist"})
        # a repeat removal of someone this rule already removed (a case standing, not overturned)
        # is the same decision again: the person decides once per member and rule
        status = "settled" if not dry and (s in REVERSIBLE or (s in REMOVALS and removed_before)) and may_settle(
            outcomes.get(rule.name), bar_of(cfg, settings), settings.precision_min_judged) else "open"
        statuses.append(status)
        shares.append(share_of(cfg, settings))
        cases.append((case_kind, rule.name, group["id"], e.person_id, actor,
                      s + (f":{step['minutes']}" if s == "mute" else ""), dumps(evidence_of(e, group, hit)), status,
                      now, now if status == "settled" else None))
        plans.append({"actor": actor, "proposals": proposals, "blacklist": s == "blacklist" and not dry,
                      "scope": (stype, svalue), "reason": reason, "group": group["id"], "person": e.person_id,
                      "audit": ("case_opened" if not dry else "case_would_open",
                                {"rule": rule.name, "step": s, "offence": n, "group_id": group["id"],
                                 "person_id": e.person_id, "category": hit.category, "status": status,
                                 **({"probation": True} if on_probation else {})})})
    with ws.store.write() as c:
        before = c.execute("SELECT max(id) FROM cases").fetchone()[0] or 0
        c.executemany("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at,"
                      " closed_at) VALUES (?,?,?,?,?,?,?,?,?,?)", cases)
        case_ids = [r[0] for r in c.execute("SELECT id FROM cases WHERE id > ? ORDER BY id", (before,))]
        c.executemany("UPDATE cases SET status = 'open', closed_at = NULL, audit = 1 WHERE id = ?",
                      [(cid,) for cid, st, share in zip(case_ids, statuses, shares)
                       if st == "settled" and audit_sampled(cid, share)])
        c.executemany(
            "INSERT INTO blacklist(person_id, scope_type, scope_value, case_id, reason, added_by, added_at)"
            " VALUES (?,?,?,?,?,?,?)",
            [(pl["person"], *pl["scope"], cid, pl["reason"], pl["actor"], now)
             for cid, pl in zip(case_ids, plans) if pl["blacklist"]])
        queued: list[tuple[Proposal, str]] = []
        for cid, pl in zip(case_ids, plans):
            for _, p in pl["proposals"]:
                p.case_id = cid
                queued.append((p, pl["actor"]))
        ids = iter(ws.enqueue_each(queued))
        links: list[tuple] = []
        notes: dict[int, str] = {}
        for cid, pl in zip(case_ids, plans):
            links += [(cid, "penalty", kind, gid, next(ids)) for (kind, gid), _ in pl["proposals"]]
            if pl["blacklist"]:
                notes[len(links)] = ":".join(pl["scope"])
                links.append((cid, "penalty", "blacklist", pl["group"], None))
        c.executemany(_LINK_SQL, link_rows(c, links, now, notes))
        ws.audit_many([(pl["audit"][0], "case", cid, pl["audit"][1], pl["actor"]) for cid, pl in zip(case_ids, plans)])
    return case_ids


def enforce_blacklist_on_join(ws, e: Event, entry: dict[str, Any]) -> int | None:
    """A blacklisted person got into a group in scope (an invite, a link): remove them,
    recorded on the blacklist's case so that undoing it re-admits them here too."""
    case_id = entry["case_id"]
    actor = entry["added_by"] or "plugin:moderation"
    p = Proposal(kind="kick", reason=f"blacklisted ({entry['scope_type']}): {entry['reason']}", group_id=e.group_id,
                 person_id=e.person_id, params={"reject_add_request": True}, rule=None, case_id=case_id,
                 evidence=f"{e.connection}:{e.id}")
    with ws.store.write() as c:
        ids = ws.enqueue([p], actor)
        if case_id:
            link_actions(ws, c, case_id, "penalty", [("kick", e.group_id)], ids)
        ws.audit("blacklist_enforced", "person", e.person_id, {"group_id": e.group_id, "case_id": case_id},
                 actor=actor)
    return ids[0] if ids else None
