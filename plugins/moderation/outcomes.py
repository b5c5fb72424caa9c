"""What became of a rule's cases, and what the rule may therefore settle by itself.

A rule's reversible penalty (warn, mute, with its recall) closes as ``settled`` (规则已处理)
when the rule has earned it: its measured precision, settled or confirmed cases against
the ones a person overturned (已推翻), is at or above the bar once enough cases are
judged. A share of the settled cases still reaches the review queue as an audit sample,
chosen by a hash of the case id, so a re-run samples the same cases and a person's
overturns keep the measurement honest. Removals (kick, blacklist) wait for a person, once
per member and rule: a repeat removal of someone whose earlier removal by the same rule
stands (they came back by invite and did it again) is the same decision, and settles.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

#: ladder steps a rule may settle by itself (the recall rides along with them)
REVERSIBLE = ("warn", "mute")
#: ladder steps that remove a member: a person decides them (once per member and rule)
REMOVALS = ("kick", "blacklist")
#: outcomes that count towards a rule's precision
JUDGED = ("settled", "reviewed", "overturned")


def audit_sampled(case_id: int, share: float) -> bool:
    """Whether a settled case goes to the queue for audit: the same answer for the same id
    on every run and machine (a keyed hash, not ``random`` or Python's salted ``hash``)."""
    if share <= 0:
        return False
    if share >= 1:
        return True
    h = int.from_bytes(hashlib.blake2b(f"audit:{int(case_id)}".encode(), digest_size=8).digest(), "big")
    return h / 2 ** 64 < share


def rule_outcomes(ws, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Per rule: settled, confirmed (reviewed), overturned, judged (their sum) and precision
    ((settled + confirmed) / judged, None before anything is judged). Penalty cases only."""
    names = None if names is None else sorted(set(names))
    if names == []:
        return {}
    sql = ("SELECT rule, status, count(*) AS n FROM cases WHERE kind = 'penalty' AND rule IS NOT NULL"
           " AND status IN ('settled', 'reviewed', 'overturned')")
    args: tuple = ()
    if names is not None:
        sql += f" AND rule IN ({','.join('?' * len(names))})"
        args = tuple(names)
    out: dict[str, dict[str, Any]] = {}
    for r in ws.store.query(sql + " GROUP BY rule, status", args):
        o = out.setdefault(r["rule"], blank())
        o[{"settled": "settled", "reviewed": "confirmed", "overturned": "overturned"}[r["status"]]] = r["n"]
    for o in out.values():
        finish(o)
    return out


def blank() -> dict[str, Any]:
    return {"settled": 0, "confirmed": 0, "overturned": 0, "judged": 0, "precision": None}


def finish(o: dict[str, Any]) -> dict[str, Any]:
    o["judged"] = o["settled"] + o["confirmed"] + o["overturned"]
    o["precision"] = round((o["settled"] + o["confirmed"]) / o["judged"], 4) if o["judged"] else None
    return o


def bar_of(cfg: dict[str, Any], settings) -> float:
    """The rule's own precision_bar, or [moderation] precision_bar."""
    v = cfg.get("precision_bar")
    return settings.precision_bar if v is None else v


def share_of(cfg: dict[str, Any], settings) -> float:
    """The rule's own audit_share, or [moderation] audit_share."""
    v = cfg.get("audit_share")
    return settings.audit_share if v is None else v


def may_settle(o: dict[str, Any] | None, bar: float, min_judged: int) -> bool:
    """A rule settles its reversible penalties unless enough of its cases are judged and
    its precision is below the bar (a new rule is trusted until the person says otherwise)."""
    if o is None or o["judged"] < max(1, min_judged) or o["precision"] is None:
        return True
    return o["precision"] >= bar
