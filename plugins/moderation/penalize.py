"""Turning a rule hit into a case and its actions: the penalty ladder.

The n-th offence of a rule by a member within the rule's window (counted over the
groups of its penalty scope, undone cases left out) takes ladder step n (the last step
repeats). Every penalty opens a case with the rule, a snapshot of the message, the
actor and the step; its actions go to the outbox under ``rule:NAME`` and are linked to
the case in ``case_actions``, so an undo later reaches every group the case touched.
A rule in dry-run mode opens a ``dry_run`` case and stores its actions as dry_run.
"""

from __future__ import annotations

from typing import Any

from console.jsonenc import dumps
from console.model import Capability, Event, Proposal

from .i18n import tr
from .kinds import PUBLIC_TITLE
from .matcher import Hit
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


def offences_before(ws, rule: str, person_id: int, group_ids: list[int], since: int, case_kind: str) -> int:
    marks = ",".join("?" * len(group_ids))
    return ws.store.scalar(
        f"SELECT count(*) FROM cases WHERE rule = ? AND person_id = ? AND kind = ? AND status != 'undone'"
        f" AND opened_at >= ? AND group_id IN ({marks})", (rule, person_id, case_kind, since, *group_ids), 0)


def evidence_of(e: Event, group: dict[str, Any], hit: Hit) -> dict[str, Any]:
    return {"connection": e.connection, "message_id": e.id, "ts": e.ts, "group_id": e.group_id,
            "group": group.get("name"), "person_id": e.person_id, "nickname": e.nickname, "text": e.text,
            "data": e.data or None, "category": hit.category, "matched": hit.matched}


def link_actions(ws, c, case_id: int, purpose: str, kinds: list[tuple[str, int | None]], ids: list[int]) -> None:
    """Record which outbox actions (and the tasks made for unsupported ones) belong to a case."""
    now = ws.now()
    rows = []
    for (kind, gid), aid in zip(kinds, ids):
        status = c.execute("SELECT status FROM actions WHERE id = ?", (aid,)).fetchone()
        task = None
        if status and status[0] == "unsupported":
            task = ws.store.scalar("SELECT id FROM tasks WHERE dedupe_key = ?", (f"action:{aid}",))
        rows.append((case_id, purpose, kind, gid, aid, task, now))
    c.executemany("INSERT INTO case_actions(case_id, purpose, kind, group_id, action_id, task_id, created_at)"
                  " VALUES (?,?,?,?,?,?,?)", rows)


def penalize(ws, hit: Hit, e: Event, group: dict[str, Any], template: str = "") -> int:
    """Open the case for one hit and queue its actions. Returns the case id."""
    rule = hit.rule
    cfg = rule.cfg
    dry = rule.dry_run
    case_kind = "dry_run" if dry else "penalty"
    actor = f"rule:{rule.name}"
    stype, svalue = scope_key(group, cfg["penalty_scope"])
    scope_groups = groups_in_scope(ws, stype, svalue) or [group["id"]]
    now = ws.now()
    n = offences_before(ws, rule.name, e.person_id, scope_groups, now - cfg["window_days"] * 86400, case_kind) + 1
    ladder = cfg["ladder"]
    step = ladder[min(n, len(ladder)) - 1]
    next_step = ladder[n] if n < len(ladder) else None
    evidence = evidence_of(e, group, hit)
    reason = f"{rule.name}: {hit.category} (offence {n}, {step['step']})"
    caps = ws.capabilities(group["connection_id"])
    proposals: list[tuple[tuple[str, int | None], Proposal]] = []

    def prop(kind: str, gid: int, params: dict[str, Any], label: str | None = None) -> None:
        proposals.append(((label or kind, gid), Proposal(
            kind=kind, reason=reason, group_id=gid, person_id=e.person_id, params=params, rule=rule.name,
            evidence=f"{e.connection}:{e.id}", dry_run=dry)))

    with ws.store.write() as c:
        case_id = c.execute(
            "INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (case_kind, rule.name, group["id"], e.person_id, actor,
             step["step"] + (f":{step['minutes']}" if step["step"] == "mute" else ""),
             dumps(evidence), "open", now)).lastrowid
        if cfg["recall"] and Capability.RECALL in caps:
            prop("recall", group["id"], {"message_id": e.id})
        s = step["step"]
        if s in ("warn", "mute"):
            if s == "mute":
                prop("mute", group["id"], {"duration": step["minutes"] * 60})
            prop("send", group["id"], {"text": warning_text(ws, rule.kind, cfg, step, next_step, template),
                                       "mentions": [e.user] if e.user else []}, "warn")
        elif s in ("kick", "blacklist"):
            if s == "blacklist" and not dry:
                c.execute("INSERT INTO blacklist(person_id, scope_type, scope_value, case_id, reason, added_by, added_at)"
                          " VALUES (?,?,?,?,?,?,?)", (e.person_id, stype, svalue, case_id, reason, actor, now))
            targets = member_groups(ws, e.person_id, scope_groups)
            if group["id"] not in targets:
                targets.insert(0, group["id"])  # the offence proves presence even if membership lags
            for gid in targets:
                prop("kick", gid, {"reject_add_request": s == "blacklist"})
        for p in (p for _, p in proposals):
            p.case_id = case_id
        ids = ws.enqueue([p for _, p in proposals], actor) if proposals else []
        link_actions(ws, c, case_id, "penalty", [k for k, _ in proposals], ids)
        if s == "blacklist" and not dry:
            c.execute("INSERT INTO case_actions(case_id, purpose, kind, group_id, note, created_at) VALUES (?,?,?,?,?,?)",
                      (case_id, "penalty", "blacklist", group["id"], f"{stype}:{svalue}", now))
        ws.audit("case_opened" if not dry else "case_would_open", "case", case_id,
                 {"rule": rule.name, "step": step["step"], "offence": n, "group_id": group["id"],
                  "person_id": e.person_id, "category": hit.category}, actor=actor)
    return case_id


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
