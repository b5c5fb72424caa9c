"""How well did the rules and the segments do? Measured against the sandbox's truth.

The sandbox knows what it generated (``sandbox_truth``): which messages were ads,
polite ads, floods, abuse or off-topic talk, which were delivery-tracking links that only look
like ads, and which segment each person really belongs to. These functions compare
what the workspace concluded with that truth. They read other plugins' results through
plain tables (``cases`` and ``rules`` of the core; ``kpi_segments`` when the kpi plugin
is installed), so they work with whichever plugins are present.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

#: which truth labels a conduct rule of this kind is meant to catch
TARGETS = {"ads": ("ad", "polite_ad"), "ad": ("ad", "polite_ad"), "flood": ("flood",), "flooding": ("flood",),
           "off_topic": ("off_topic",), "abuse": ("abuse",)}


def _message_truth(ws, connection: str) -> dict[str, str]:
    return {r["platform_id"]: r["label"] for r in ws.store.query(
        "SELECT platform_id, label FROM sandbox_truth WHERE connection_id = ? AND kind = 'message'", (connection,))}


def rule_precision(ws, connection: str = "sandbox") -> list[dict[str, Any]]:
    """Per conduct rule: cases opened on this connection's messages, how many hit what
    the rule is meant to catch (precision), and what the others really were; and of the
    messages it should have caught, how many it did (recall; floods count by burst)."""
    truth = _message_truth(ws, connection)
    kinds = {r["name"]: r["kind"] for r in ws.store.query("SELECT name, kind FROM rules")}
    flagged: dict[str, Counter] = defaultdict(Counter)
    caught: dict[str, set[str]] = defaultdict(set)
    for r in ws.store.query("SELECT rule, evidence FROM cases WHERE rule IS NOT NULL AND evidence IS NOT NULL"):
        try:
            ev = json.loads(r["evidence"])
        except ValueError:
            continue
        if not isinstance(ev, dict) or ev.get("connection") != connection or not ev.get("message_id"):
            continue
        label = truth.get(ev["message_id"], "chat")
        flagged[r["rule"]][label] += 1
        caught[r["rule"]].add(ev["message_id"])
    totals = Counter(truth.values())
    bursts = _flood_bursts(ws, connection)
    totals["flood"] = len(set(bursts.values()))
    out = []
    for rule, labels in sorted(flagged.items()):
        targets = TARGETS.get(kinds.get(rule, ""), ())
        n = sum(labels.values())
        hits = sum(labels[t] for t in targets)
        should = sum(totals[t] for t in targets)
        got = sum(1 for mid in caught[rule] if truth.get(mid) in targets and truth.get(mid) != "flood")
        got += len({bursts[mid] for mid in caught[rule] if mid in bursts and "flood" in targets})
        out.append({"rule": rule, "kind": kinds.get(rule, ""), "cases": n,
                    "precision": round(hits / n, 4) if targets and n else None,
                    "recall": round(got / should, 4) if targets and should else None,
                    "labels": dict(labels)})
    return out


def _flood_bursts(ws, connection: str) -> dict[str, int]:
    """Flood message id -> burst number. One case stops a whole burst (six to ten copies in
    seconds), so recall counts bursts caught, not messages."""
    rows = ws.store.query(
        "SELECT m.platform_msg_id AS id, m.group_id AS g, m.person_id AS p, m.ts FROM sandbox_truth t"
        " JOIN messages m ON m.connection_id = t.connection_id AND m.platform_msg_id = t.platform_id"
        " WHERE t.connection_id = ? AND t.kind = 'message' AND t.label = 'flood' ORDER BY m.group_id, m.person_id, m.ts",
        (connection,))
    out: dict[str, int] = {}
    n, last = 0, None
    for r in rows:
        if last is None or (r["g"], r["p"]) != (last["g"], last["p"]) or r["ts"] - last["ts"] > 60:
            n += 1
        out[r["id"]] = n
        last = r
    return out


def segment_accuracy(ws, connection: str = "sandbox") -> dict[str, Any]:
    """Share of people whose computed segment (kpi plugin) matches their true one, and the
    confusion counts (true segment -> computed segment). Empty when no segments were computed."""
    if "kpi_segments" not in ws.store.tables():
        return {"people": 0, "accuracy": None, "confusion": {}, "note": "the kpi plugin is not installed"}
    platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (connection,), "sandbox")
    rows = ws.store.query(
        "SELECT t.label AS truth, s.segment AS computed FROM sandbox_truth t"
        " JOIN identities i ON i.platform = ? AND i.platform_user_id = t.platform_id"
        " JOIN kpi_segments s ON s.person_id = i.person_id"
        " WHERE t.connection_id = ? AND t.kind = 'segment'", (platform, connection))
    confusion: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        confusion[r["truth"]][r["computed"]] += 1
    right = sum(c[t] for t, c in confusion.items())
    return {"people": len(rows), "accuracy": round(right / len(rows), 4) if rows else None,
            "confusion": {t: dict(c) for t, c in sorted(confusion.items())}}
