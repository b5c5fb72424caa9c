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
from typing import Any, Iterator

#: which truth labels a conduct rule of this kind is meant to catch
TARGETS = {"ads": ("ad", "polite_ad"), "ad": ("ad", "polite_ad"), "flood": ("flood",), "flooding": ("flood",),
           "off_topic": ("off_topic",), "abuse": ("abuse",)}


def _message_truth(ws, connection: str) -> dict[str, str]:
    return {r["platform_id"]: r["label"] for r in ws.store.query(
        "SELECT platform_id, label FROM sandbox_truth WHERE connection_id = ? AND kind = 'message'", (connection,))}


def _case_messages(ws, connection: str, where: str = "") -> Iterator[tuple[str, str]]:
    """(rule, message id) of every rule-named case whose evidence is a message of
    ``connection`` (``where`` narrows the cases: a fixed SQL condition, never input)."""
    for r in ws.store.query("SELECT rule, evidence FROM cases WHERE rule IS NOT NULL AND evidence IS NOT NULL" + where):
        try:
            ev = json.loads(r["evidence"])
        except ValueError:
            continue
        if isinstance(ev, dict) and ev.get("connection") == connection and ev.get("message_id"):
            # the second opinion's review requests are judged as the kind its model named
            yield (f"second_opinion:{ev.get('model')}" if r["rule"] == "second_opinion" else r["rule"]), ev["message_id"]


def rule_precision(ws, connection: str = "sandbox") -> list[dict[str, Any]]:
    """Per conduct rule: cases opened on this connection's messages, how many hit what
    the rule is meant to catch (precision), and what the others really were; and of the
    messages it should have caught, how many it did (recall; floods count by burst)."""
    truth = _message_truth(ws, connection)
    kinds = {r["name"]: r["kind"] for r in ws.store.query("SELECT name, kind FROM rules")}
    flagged: dict[str, Counter] = defaultdict(Counter)
    caught: dict[str, set[str]] = defaultdict(set)
    for rule, mid in _case_messages(ws, connection):
        flagged[rule][truth.get(mid, "chat")] += 1
        caught[rule].add(mid)
    totals = Counter(truth.values())
    bursts = _flood_bursts(ws, connection)
    totals["flood"] = len(set(bursts.values()))
    out = []
    for rule, labels in sorted(flagged.items()):
        targets = TARGETS.get(kinds.get(rule, rule).removeprefix("second_opinion:"), ())
        n = sum(labels.values())
        hits = sum(labels[t] for t in targets)
        should = sum(totals[t] for t in targets)
        got = sum(1 for mid in caught[rule] if truth.get(mid) in targets and truth.get(mid) != "flood")
        got += len({bursts[mid] for mid in caught[rule] if mid in bursts and "flood" in targets})
        out.append({"rule": rule, "kind": kinds.get(rule, rule.partition(":")[2]), "cases": n,
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


#: the message labels whose recall is measured, and the rule kinds whose precision is
KINDS_MEASURED = ("ads", "flood", "abuse", "off_topic")
LABELS_MEASURED = ("ad", "polite_ad", "flood", "abuse", "off_topic")


def moderation_judgement(ws, connection: str = "sandbox") -> dict[str, Any]:
    """Rule cases (penalties and blacklists, not dry runs) against the truth: per rule kind
    the cases and the share that hit what the kind is for (precision); per label the share
    of labelled messages some rule caught (recall; floods by burst); and the wrong cases."""
    truth = _message_truth(ws, connection)
    kinds = {r["name"]: r["kind"] for r in ws.store.query("SELECT name, kind FROM rules")}
    by_kind: dict[str, Counter] = defaultdict(Counter)
    caught: set[str] = set()
    for rule, mid in _case_messages(ws, connection, " AND kind IN ('penalty', 'blacklist') AND actor LIKE 'rule:%'"):
        kind = kinds.get(rule, rule)  # second_opinion:KIND for a review request
        right = truth.get(mid, "chat") in TARGETS.get(kind.removeprefix("second_opinion:"), ())
        by_kind[kind]["cases"] += 1
        by_kind[kind]["right" if right else "wrong"] += 1
        caught.add(mid)
    precision = {k: {"cases": c["cases"], "wrong": c["wrong"],
                     "precision": round(c["right"] / c["cases"], 4) if c["cases"] else None}
                 for k, c in sorted(by_kind.items())}
    bursts = _flood_bursts(ws, connection)
    recall = {}
    for label in LABELS_MEASURED:
        if label == "flood":
            total = len(set(bursts.values()))
            got = len({bursts[m] for m in caught if m in bursts})
        else:
            ids = [m for m, lab in truth.items() if lab == label]
            total, got = len(ids), sum(1 for m in ids if m in caught)
        recall[label] = {"messages": total, "caught": got, "recall": round(got / total, 4) if total else None}
    return {"precision": precision, "recall": recall, "wrong": sum(c["wrong"] for c in by_kind.values())}


def _outcome(status: str) -> str:
    return {"approved": "admitted", "approving": "admitted", "rejected": "rejected", "rejecting": "rejected",
            "pending": "waiting", "held": "waiting", "expired": "expired"}.get(status, status)


#: rules whose rejection is not a judgement of the applicant (a full group routes them to a
#: sibling, a closed group admits nobody, one person is not in two sibling groups)
ROUTING = ("overflow", "entry:family", "entry:capacity", "entry:closed")
#: the law's line (a referral chain deeper than two levels, DOMAIN.md): rejected whoever asks
LEGAL = ("entry:referral_depth",)


def join_judgement(ws, connection: str = "sandbox") -> dict[str, Any]:
    """Every join request against its truth: per truth label and per side (genuine, spam),
    how many were admitted, routed into a sibling (rejected at a full group with an
    invitation into a sibling that the platform carried out: admitted there), rejected,
    still waiting or expired, and by whom (a rule or a person); the rules' wrong answers
    (spam admitted or routed, genuine rejected other than by routing or the legal line);
    and the genuine applicants admitted without a person (admitted or routed by a rule)."""
    rows = ws.store.query(
        "SELECT t.label, r.status, r.decided_by, coalesce(r.rule, '') AS rule,"
        # one uncorrelated IN list, not an EXISTS scanning actions per request (80 s at 100 groups x 21 days)
        " ('join_request:' || r.id) IN (SELECT a.evidence FROM actions a WHERE a.kind = 'invite'"
        " AND a.status = 'done' AND a.evidence IS NOT NULL) AS invited FROM join_requests r"
        " JOIN sandbox_truth t ON t.connection_id = r.connection_id AND t.platform_id = r.platform_request_id"
        " AND t.kind = 'request' WHERE r.connection_id = ?", (connection,))
    by_label: dict[str, Counter] = defaultdict(Counter)
    side: dict[str, Counter] = defaultdict(Counter)
    wrong_rules: Counter = Counter()
    for r in rows:
        who = "rule" if (r["decided_by"] or "").startswith("rule:") else \
            "person" if (r["decided_by"] or "").startswith("operator:") else ""
        out = _outcome(r["status"])
        if out == "rejected" and r["invited"] and r["rule"].startswith(ROUTING):
            out = "routed"
        key = f"{out} by {who}" if who and out in ("admitted", "rejected", "routed") else out
        if out == "rejected" and r["rule"].startswith(LEGAL):
            key = "rejected by the legal line"
        s = r["label"].split(":")[0]
        for c in (by_label[r["label"]], side[s]):
            c["requests"] += 1
            c[key] += 1
        if who == "rule" and ((s == "spam" and out in ("admitted", "routed")) or
                              (s == "genuine" and out == "rejected" and not r["rule"].startswith(ROUTING + LEGAL))):
            side[s]["wrong by rule"] += 1
            wrong_rules[r["rule"]] += 1
    sides = {k: dict(v) for k, v in sorted(side.items())}
    if "genuine" in sides:  # issue 14's measure: genuine applicants let in (here or a sibling) by rule
        g = sides["genuine"]
        g["admitted without a person"] = g.get("admitted by rule", 0) + g.get("routed by rule", 0)
    return {"sides": sides, "labels": {k: dict(v) for k, v in sorted(by_label.items())},
            "wrong": sum(c["wrong by rule"] for c in side.values()), "wrong_rules": dict(wrong_rules)}
