"""What editing a rule or policy in the console calls (no Textual here): the owning plugin's
own check, its dry-run over stored history, and its own save, as the CLI verbs do.

- moderation rules (``shequn rules save`` / ``rules test --config``): ``rulestore.check_rule``
  (the kind's validator and the ladder against the scope's platforms), ``dryrun.dry_run``
  with the edited config over the last 7 days of messages, against the saved config's run,
  then ``rulestore.save_rule`` (enabled and dry-run kept);
- entry policies (``shequn entry set``): ``policies.validate`` and ``parse_scope``; an
  admission policy is replayed over the last 7 days' join requests of the groups in its
  scope with ``admission.evaluate`` (approve / hold / reject, against the saved config), a
  welcome template is rendered with ``welcome.preview_welcome``; then ``save_policy``.

Nothing is written before ``save``; a config that cannot work is refused naming the field.
"""

from __future__ import annotations

import json
from typing import Any

PREVIEW_DAYS = 7


class RuleProblem(ValueError):
    """Why an edited rule cannot be previewed or saved (a template and its values, translated when shown)."""

    def __init__(self, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.template, self.values = template, values


def rule_row(ws: Any, name: str) -> dict[str, Any]:
    row = ws.store.one("SELECT * FROM rules WHERE name = ?", (name,))
    if row is None:
        raise RuleProblem("no rule named {name}", name=name)
    row["config"] = json.loads(row["config"] or "{}")
    return row


def scope_of(row: dict[str, Any]) -> str:
    """A rule's scope as typed: ``all``, ``type:welfare``, ``group:12``."""
    return "all" if row["scope_type"] == "all" else f"{row['scope_type']}:{row['scope_value']}"


def config_text(config: dict[str, Any]) -> str:
    return json.dumps(config, ensure_ascii=False, indent=2)


def check(ws: Any, row: dict[str, Any], text: str, scope: str) -> dict[str, Any]:
    """The edited config and scope checked by the rule's plugin: {"config", "scope_type",
    "scope_value", "notes"}; RuleProblem (or the plugin's ValueError, in its words) when not."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as e:
        raise RuleProblem("config: not valid JSON (line {line}, column {col}): {why}", line=e.lineno, col=e.colno,
                          why=e.msg) from None
    if not isinstance(config, dict):
        raise RuleProblem("config: expected a JSON object {{…}} of the rule's settings")
    scope = (scope or "all").strip()
    if row["plugin"] == "moderation":
        from plugins.moderation.rulestore import check_rule

        st, _, sv = scope.partition(":")
        cfg, notes = check_rule(ws, row["kind"], config, st, sv)
        return {"config": cfg, "scope_type": st, "scope_value": sv, "notes": notes}
    if row["plugin"] == "entry_rules":
        from plugins.entry_rules.policies import parse_scope, validate

        cfg = validate(ws, row["kind"], config)
        st, sv = parse_scope(ws, scope)
        return {"config": cfg, "scope_type": st, "scope_value": sv, "notes": []}
    raise RuleProblem("rules of the {plugin} plugin are changed with its own commands", plugin=row["plugin"])


def _in_scope(group: dict[str, Any], scope_type: str, scope_value: str) -> bool:
    values = {v.strip() for v in str(scope_value or "").split(",") if v.strip()}
    if scope_type == "type":
        return group.get("type") in values
    if scope_type == "group":
        return str(group["id"]) in values
    return True


def preview(ws: Any, row: dict[str, Any], checked: dict[str, Any]) -> dict[str, Any]:
    """(In a worker) what the edited rule would have done over the last ``PREVIEW_DAYS`` days
    against the saved one: {"what": messages|requests|text, "new": counts, "old": counts, "lines"}."""
    since = ws.now() - PREVIEW_DAYS * 86400
    st, sv = checked["scope_type"], checked["scope_value"]
    if row["plugin"] == "moderation":
        from plugins.moderation.dryrun import dry_run

        groups = {g["id"]: g for g in ws.store.query("SELECT id, type FROM groups")}

        def run(cfg: dict[str, Any] | None, scoped: bool) -> list[dict[str, Any]]:
            got = [r for r in dry_run(ws, row["name"], since, config=cfg) if r.get("message_id")]
            return [r for r in got if not scoped or _in_scope(groups.get(r["group_id"], {"id": r["group_id"]}), st, sv)]

        new, old = run(checked["config"], True), run(None, False)

        def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
            return {"messages": len(rows), "people": len({r["person_id"] for r in rows}),
                    "groups": len({r["group_id"] for r in rows})}

        lines = [f"{r['time']} {r['group']} {r['person']} {r['step']} {r['matched']}: {r['text'][:50]}"
                 for r in new[-4:]]
        return {"what": "messages", "new": counts(new), "old": counts(old), "lines": lines}
    if row["kind"] == "admission":
        from plugins.entry_rules.admission import evaluate
        from plugins.entry_rules.policies import group_row

        reqs = ws.store.query("SELECT * FROM join_requests WHERE requested_at >= ? AND person_id IS NOT NULL"
                              " ORDER BY requested_at", (since,))
        new = {"approve": 0, "hold": 0, "reject": 0}
        old = dict(new)
        cache: dict[int, Any] = {}
        for req in reqs:
            gid = req["group_id"]
            if gid not in cache:
                cache[gid] = group_row(ws, gid) if gid else None
            group = cache[gid]
            if group is None:
                continue
            if _in_scope(group, st, sv):
                new[evaluate(ws, req, group, checked["config"])[0]] += 1
            if _in_scope(group, row["scope_type"], row["scope_value"]):
                old[evaluate(ws, req, group, row["config"])[0]] += 1
        return {"what": "requests", "new": new, "old": old, "lines": []}
    if row["kind"] == "welcome":
        from plugins.entry_rules.welcome import preview_welcome

        return {"what": "text", "new": {}, "old": {}, "lines": [preview_welcome(ws, checked["config"]["template"])]}
    rk = ws.registry.rule_kinds.get(row["kind"])
    return {"what": "text", "new": {}, "old": {}, "lines": [rk.describe(checked["config"]) if rk else ""]}


def save(ws: Any, row: dict[str, Any], checked: dict[str, Any]) -> list[str]:
    """(In a worker) the plugin's own save, enabled and dry-run as they were; the plugin's notes."""
    if row["plugin"] == "moderation":
        from plugins.moderation.rulestore import save_rule

        got = save_rule(ws, row["name"], row["kind"], checked["config"], scope_type=checked["scope_type"],
                        scope_value=checked["scope_value"], enabled=bool(row["enabled"]), dry_run=bool(row["dry_run"]))
        return list(got.get("notes") or [])
    from plugins.entry_rules.policies import save_policy

    scope = "all" if checked["scope_type"] == "all" else f"{checked['scope_type']}:{checked['scope_value']}"
    save_policy(ws, row["kind"], checked["config"], scope=scope, name=row["name"], enabled=bool(row["enabled"]),
                dry_run=bool(row["dry_run"]))
    return []


def put_back(ws: Any, before: dict[str, Any]) -> str:
    """Undo an edit: the rule saved again as it was (its config, scope, state)."""
    save(ws, before, {"config": before["config"], "scope_type": before["scope_type"],
                      "scope_value": before["scope_value"]})
    return ""
