"""Saving, listing and switching conduct rules (rows of the core ``rules`` table).

Every change goes through :func:`save_rule` or :func:`set_rule_enabled`: the config is
validated by its kind, each ladder step is checked against the platforms of the groups
in the rule's scope (refused, or downgraded to a task for a person when the rule says
``on_unsupported = "task"``, and the reply says so), and the change is written, audited
and the rules version bumped in one transaction, so nothing is half-applied.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import ACTION_CAPABILITY

from .kinds import KINDS, STEP_ACTION, builtin_rules, describe, validate

PLUGIN = "moderation"
SEEDED_KEY = "moderation.seeded"


def _groups_in_scope(ws, scope_type: str, scope_value: str) -> list[dict[str, Any]]:
    rows = ws.store.query("SELECT id, name, type, connection_id, platform FROM groups WHERE status != 'dismissed'")
    if scope_type == "type":
        types = {v.strip() for v in scope_value.split(",")}
        rows = [r for r in rows if r["type"] in types]
    elif scope_type == "group":
        ids = {v.strip() for v in scope_value.split(",")}
        rows = [r for r in rows if str(r["id"]) in ids]
    return rows


def ladder_problems(ws, cfg: dict[str, Any], scope_type: str, scope_value: str) -> list[str]:
    """Ladder steps that some platform in scope cannot do, said in words."""
    conns: dict[str, list[str]] = {}
    for g in _groups_in_scope(ws, scope_type, scope_value):
        conns.setdefault(g["connection_id"], []).append(g["name"] or str(g["id"]))
    if scope_type != "group":  # groups not seen yet arrive through the enabled connections
        for name, c in ws.settings.connections.items():
            if c.enabled:
                conns.setdefault(name, [])
    problems = []
    for step in {s["step"] for s in cfg["ladder"]}:
        cap = ACTION_CAPABILITY[STEP_ACTION[step]]
        for conn, groups in sorted(conns.items()):
            if cap not in ws.capabilities(conn):
                cls = ws.connector_class(conn)
                platform = getattr(cls, "platform", conn)
                where = f" (groups: {', '.join(groups[:5])}{'...' if len(groups) > 5 else ''})" if groups else ""
                problems.append(f"ladder step {step!r} needs {cap.value}, which the {platform} platform of "
                                f"connection {conn!r} cannot do{where}")
    return sorted(problems)


def check_rule(ws, kind: str, config: dict[str, Any], scope_type: str = "all",
               scope_value: str = "") -> tuple[dict[str, Any], list[str]]:
    """(normalised config, notes) or ValueError with the reason."""
    if kind not in KINDS:
        raise ValueError(f"unknown rule kind {kind!r}; expected one of {', '.join(KINDS)}")
    if scope_type not in ("all", "type", "group"):
        raise ValueError(f"scope_type is {scope_type!r}; expected all, type or group")
    if scope_type == "type":
        bad = {v.strip() for v in scope_value.split(",")} - {"traffic", "welfare", "flash"}
        if bad or not scope_value:
            raise ValueError(f"scope_value {scope_value!r}: expected group types traffic, welfare, flash (comma separated)")
    if scope_type == "group":
        ids = [v.strip() for v in scope_value.split(",") if v.strip()]
        if not ids or not all(i.isdigit() for i in ids):
            raise ValueError(f"scope_value {scope_value!r}: expected group ids, comma separated")
        known = {str(r["id"]) for r in ws.store.query("SELECT id FROM groups")}
        missing = [i for i in ids if i not in known]
        if missing:
            raise ValueError(f"scope_value names group id(s) {missing} that do not exist")
    if kind == "custom" and isinstance(config, dict) and "timeout_ms" not in config:
        from .settings import settings_of

        config = dict(config, timeout_ms=settings_of(ws).pattern_timeout_ms)
    rk = ws.registry.rule_kinds.get(kind)
    cfg = rk.validate(config) if rk is not None else validate(kind, config)
    problems = ladder_problems(ws, cfg, scope_type, scope_value)
    notes = []
    if problems:
        if cfg["on_unsupported"] == "refuse":
            raise ValueError("; ".join(problems) + ". Remove the step, narrow the scope, or set "
                             "on_unsupported = \"task\" to hand those steps to the group owner as tasks")
        notes = [p + "; it will become a task for the group owner" for p in problems]
    return cfg, notes


def save_rule(ws, name: str, kind: str, config: dict[str, Any], *, scope_type: str = "all", scope_value: str = "",
              enabled: bool | None = None, dry_run: bool | None = None, actor: str | None = None) -> dict[str, Any]:
    """Create or replace a rule after validating it. Returns the row plus ``notes``
    (downgrades said in words). Raises ValueError with the reason; nothing is written then."""
    name = (name or "").strip()
    if not name:
        raise ValueError("a rule needs a name")
    existing = ws.store.one("SELECT * FROM rules WHERE name = ?", (name,))
    if existing and existing["plugin"] != PLUGIN:
        raise ValueError(f"rule {name!r} belongs to the {existing['plugin']} plugin, not moderation")
    cfg, notes = check_rule(ws, kind, config, scope_type, scope_value)
    actor = actor or f"operator:{ws.operator}"
    en = int(existing["enabled"] if existing and enabled is None else bool(enabled))
    dr = int(existing["dry_run"] if existing and dry_run is None else bool(dry_run))
    with ws.store.write() as c:
        c.execute(
            "INSERT INTO rules(name, plugin, kind, scope_type, scope_value, config, enabled, dry_run, updated_by, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind,"
            " scope_type = excluded.scope_type, scope_value = excluded.scope_value, config = excluded.config,"
            " enabled = excluded.enabled, dry_run = excluded.dry_run, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (name, PLUGIN, kind, scope_type, scope_value, json.dumps(cfg, ensure_ascii=False), en, dr, actor, ws.now()))
        ws.audit("rule_saved", "rule", name, {"kind": kind, "scope": f"{scope_type}:{scope_value}", "enabled": bool(en),
                                              "dry_run": bool(dr), "notes": notes}, actor=actor)
    row = get_rule(ws, name)
    row["notes"] = notes
    return row


def get_rule(ws, name: str) -> dict[str, Any] | None:
    row = ws.store.one("SELECT * FROM rules WHERE name = ? AND plugin = ?", (name, PLUGIN))
    if row:
        row["config"] = json.loads(row["config"] or "{}")
        row["summary"] = describe(row["kind"], row["config"])
    return row


def list_rules(ws) -> list[dict[str, Any]]:
    """Every moderation rule with a one-line summary, its cases (total and waiting for a
    person) and its measured precision: settled, confirmed and overturned counts,
    ``precision``, the bar that applies and whether it settles its reversible penalties."""
    from .outcomes import bar_of, blank, may_settle, rule_outcomes
    from .settings import settings_of

    settings = settings_of(ws)
    rows = ws.store.query(
        "SELECT r.*, (SELECT count(*) FROM cases c WHERE c.rule = r.name AND c.kind = 'penalty') AS cases,"
        " (SELECT count(*) FROM cases c WHERE c.rule = r.name AND c.kind = 'penalty'"
        " AND c.status IN ('open', 'appealed')) AS open_cases"
        " FROM rules r WHERE r.plugin = ? ORDER BY r.name", (PLUGIN,))
    outcomes = rule_outcomes(ws, [r["name"] for r in rows])
    for r in rows:
        o = outcomes.get(r["name"]) or blank()
        r.update(o)
        cfg = json.loads(r["config"] or "{}")
        r["precision_bar"] = bar_of(cfg, settings)
        r["settles"] = may_settle(o, r["precision_bar"], settings.precision_min_judged)
        r["measured"] = (f"{o['precision']:.0%} ({o['settled'] + o['confirmed']}/{o['judged']})"
                         if o["precision"] is not None else "-")
        r["config"] = json.loads(r["config"] or "{}")
        r["summary"] = describe(r["kind"], r["config"])
        r["scope"] = r["scope_type"] + (f":{r['scope_value']}" if r["scope_value"] else "")
        r["mode"] = ("dry-run" if r["dry_run"] else "live") if r["enabled"] else "off"
    return rows


def set_rule_enabled(ws, name: str, enabled: bool, actor: str | None = None) -> dict[str, Any]:
    """Switch a rule on or off. Switching on re-checks the ladder against today's groups."""
    row = get_rule(ws, name)
    if row is None:
        raise ValueError(f"no moderation rule named {name!r} (see `shequn rules list`)")
    notes: list[str] = []
    if enabled:
        _, notes = check_rule(ws, row["kind"], row["config"], row["scope_type"], row["scope_value"])
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("UPDATE rules SET enabled = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                  (int(enabled), actor, ws.now(), row["id"]))
        ws.audit("rule_enabled" if enabled else "rule_disabled", "rule", name, {"notes": notes} if notes else None,
                 actor=actor)
    out = get_rule(ws, name)
    out["notes"] = notes
    return out


def set_rule_dry_run(ws, name: str, dry_run: bool, actor: str | None = None) -> dict[str, Any]:
    """Live or dry-run: a dry-run rule opens 'would have' cases and stores its actions as dry_run."""
    row = get_rule(ws, name)
    if row is None:
        raise ValueError(f"no moderation rule named {name!r} (see `shequn rules list`)")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        c.execute("UPDATE rules SET dry_run = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                  (int(dry_run), actor, ws.now(), row["id"]))
        ws.audit("rule_dry_run_on" if dry_run else "rule_dry_run_off", "rule", name, actor=actor)
    return get_rule(ws, name)


def seed_builtin(ws) -> list[str]:
    """Store the built-in rule set the first time a workspace opens (never again, so an
    operator's deletions and edits stay)."""
    if ws.store.get_meta(SEEDED_KEY):
        return []
    names = []
    with ws.store.write() as c:
        for spec in builtin_rules():
            if ws.store.scalar("SELECT 1 FROM rules WHERE name = ?", (spec["name"],)):
                continue
            save_rule(ws, spec["name"], spec["kind"], spec["config"], enabled=True, dry_run=False,
                      actor="plugin:moderation")
            names.append(spec["name"])
        c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SEEDED_KEY, "1"))
    return names


def rules_version(ws) -> str:
    """Changes whenever any rule changes, in this process or another (a trigger keeps it)."""
    return ws.store.rules_version()
