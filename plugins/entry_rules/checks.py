"""``shequn entry check``: every stored policy validated again as saving does, and the
groups they act on (capacity below the members, a flash group with no closing date).

One row per problem, ``what`` and ``problem``: in English for ``--json`` and scripts, or in
the words of ``t`` (the workspace's ``ws.tr``) for the table a person reads, each line a
catalogue template (translations.py) filled with its values."""

from __future__ import annotations

import json
from typing import Any, Callable

from .policies import PLUGIN, PolicyError, validate


def _english(text: str, **values: Any) -> str:
    return text.format(**values) if values else text


def check_policies(ws, t: Callable[..., str] | None = None) -> list[dict[str, Any]]:
    """Re-check every stored policy and the groups they act on; one row per problem."""
    say = t or _english
    problems = []
    for r in ws.store.query("SELECT * FROM rules WHERE plugin = ?", (PLUGIN,)):
        what = say("rule {name}", name=r["name"])
        try:
            cfg = json.loads(r["config"] or "{}")
            validate(ws, r["kind"], cfg)
        except (PolicyError, ValueError) as e:
            problems.append({"what": what, "problem": say(str(e))})
        if r["scope_type"] == "group" and not ws.store.one("SELECT 1 FROM groups WHERE id = ?", (r["scope_value"],)):
            problems.append({"what": what, "problem": say("its group {id} no longer exists", id=r["scope_value"])})
    for g in ws.store.query("SELECT id, name, capacity, member_count, type, closes_at, status FROM groups"):
        what = say("group {id} {name}", id=g["id"], name=g["name"])
        if g["capacity"] is not None and g["capacity"] < g["member_count"]:
            problems.append({"what": what, "problem": say("capacity {capacity} is below its {members} members",
                                                          capacity=g["capacity"], members=g["member_count"])})
        if g["type"] == "flash" and g["closes_at"] is None and g["status"] == "active":
            problems.append({"what": what,
                             "problem": say("flash group without a closing date (shequn entry flash GROUP --closes ...)")})
    return problems
