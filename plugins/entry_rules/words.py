"""Entry policies, and the rules that decide join requests, as a person reads them in the
CLI's tables, in the workspace's language: a policy's kind and scope in the words the
Workflows screen says (``rule_text`` / ``scope_text``: 入群审核 · 类型：引流群), a group
scope by the group's name, its state as the screen says it.

Tables and messages only: ``--json`` keeps the codes, which scripts read, and the verbs
that take a policy (``entry toggle NAME``, ``entry set --name``) take its code, so
``entry show`` prints the code in a column of its own (代号), the handle a person types.
"""

from __future__ import annotations

from typing import Any, Callable

from shequn.cli import rule_text, scope_text

from .policies import PLUGIN


def group_names(ws) -> dict[int, str]:
    """The names of the groups a policy is scoped to (``group:12`` reads 群：好物群)."""
    rows = ws.store.query("SELECT g.id, g.name FROM groups g JOIN rules r ON r.scope_type = 'group'"
                          " AND r.scope_value = CAST(g.id AS TEXT) WHERE r.plugin = ?", (PLUGIN,))
    return {r["id"]: r["name"] for r in rows}


def policy_words(t: Callable[..., str], kind: str, scope: str, names: dict[int, str]) -> str:
    """A policy in words, its kind and scope: "入群审核 · 所有群" for admission:all."""
    return t(kind) + " · " + scope_text(t, scope, names)


def state_words(t: Callable[..., str], enabled: bool, dry_run: bool) -> str:
    """On or off, and dry-run, in the screen's words: "已启用 · 试运行"."""
    return t("enabled" if enabled else "switched off") + (" · " + t("dry-run") if dry_run else "")


def rule_words(ws, t: Callable[..., str]) -> Callable[[Any], str]:
    """Read once, say many: the words for a join request's deciding rule (its code as stored).
    A policy of this plugin by its kind and scope (so a policy an operator named reads as
    what it is); any other code as the host says it (console.words.rule_text), as the
    join request's detail does: the plugin's own checks (entry:referral_depth, entry:closed)
    and another plugin's rules (blacklist, door_check) as the code with spaces, which the
    catalogues translate (translations.py: "entry referral depth")."""
    scopes = {r["name"]: (r["kind"], r["scope_type"] + (f":{r['scope_value']}" if r["scope_value"] else ""))
              for r in ws.store.query("SELECT name, kind, scope_type, scope_value FROM rules WHERE plugin = ?",
                                      (PLUGIN,))}
    names = group_names(ws)

    def say(name: Any) -> str:
        name = str(name or "")
        if name in scopes:
            return policy_words(t, *scopes[name], names)
        return rule_text(t, name)

    return say
