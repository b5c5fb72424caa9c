"""How well the workspace judged people, measured against the sandbox's truth: segments
(confusion, accuracy, coverage), rule tags (top talker and lurker against the 20/80
``activity`` truth) and the calibration of predicted tags (stated probability against
what people then did).

Three accuracy figures are given together so nobody is fooled by one of them: over the
people given a segment, the share of everyone compared who got one (coverage), and over
everyone compared with ``unknown`` counted as wrong.

The functions read plain tables (``kpi_segments`` and ``tags`` of the kpi plugin, the core
``orders``, the sandbox's ``sandbox_truth``), so ``benchmarks/operator_day.py`` and
``shequn sandbox-truth`` can call them on any workspace with the kpi plugin.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

KNOWN = ("loyal", "bargain", "need", "low_need")
#: why a person is unknown, by their order count (plugins/kpi/segments.py classify): none yet
#: in too short a history to call "never", one too recent to tell a one-off from a repeat
UNKNOWN_REASONS = {0: "no order yet", 1: "one recent order"}
DAY = 86400


def _truth(ws, connection: str, kind: str) -> dict[int, str]:
    """person id -> the sandbox's truth label of ``kind`` (segment / activity / staff)."""
    platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (connection,), "sandbox")
    return dict(ws.store.execute(
        "SELECT i.person_id, t.label FROM sandbox_truth t JOIN identities i ON i.platform = ?"
        " AND i.platform_user_id = t.platform_id WHERE t.connection_id = ? AND t.kind = ?", (platform, connection, kind)))


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def segment_report(ws, connection: str = "sandbox") -> dict[str, Any]:
    """Computed segment (kpi_segments) against the true one, over every person the workspace
    knows who has a true segment (customers; staff have none). Returns people, classified,
    coverage, accuracy (over the classified), accuracy_all (unknown counted as wrong),
    confusion (true -> computed -> count), per segment precision and recall (recall
    over everyone of that true segment, so unknowns lower it), and the unknowns by why
    their records cannot show a segment yet, each with their true segments: what a guess
    would have had to get right."""
    if "kpi_segments" not in ws.store.tables():
        return {"people": 0, "note": "the kpi plugin is not installed"}
    truth = _truth(ws, connection, "segment")
    computed: dict[int, str] = {}
    orders: dict[int, int] = {}
    for pid, seg, signals in ws.store.execute("SELECT person_id, segment, signals FROM kpi_segments"):
        computed[pid] = seg
        if seg == "unknown":
            try:
                orders[pid] = int(json.loads(signals or "{}").get("orders") or 0)
            except (ValueError, TypeError, AttributeError):
                orders[pid] = -1
    confusion: dict[str, Counter] = defaultdict(Counter)
    unknown: dict[str, Counter] = defaultdict(Counter)  # why unknown -> true segment -> people
    for pid, label in truth.items():
        if pid in computed:
            confusion[label][computed[pid]] += 1
            if computed[pid] == "unknown":
                n = orders[pid]
                unknown["signals unreadable" if n < 0 else UNKNOWN_REASONS.get(n, "orders no rule fits")][label] += 1
    people = sum(sum(c.values()) for c in confusion.values())
    classified = sum(n for c in confusion.values() for s, n in c.items() if s != "unknown")
    right = sum(c[t] for t, c in confusion.items())
    per = {}
    for s in KNOWN:
        said = sum(c[s] for c in confusion.values())
        per[s] = {"true": sum(confusion[s].values()), "said": said,
                  "precision": _ratio(confusion[s][s], said), "recall": _ratio(confusion[s][s], sum(confusion[s].values()))}
    return {"people": people, "classified": classified, "coverage": _ratio(classified, people),
            "accuracy": _ratio(right, classified), "accuracy_all": _ratio(right, people),
            "confusion": {t: dict(c) for t, c in sorted(confusion.items())}, "segments": per,
            "unknown": {why: {"people": sum(c.values()), "share": _ratio(sum(c.values()), people), "truth": dict(c)}
                        for why, c in sorted(unknown.items(), key=lambda kv: -sum(kv[1].values()))}}


def activity_tags(ws, connection: str = "sandbox") -> dict[str, Any]:
    """Rule tags top_talker and lurker against the sandbox's activity truth (talker /
    lurker), over customers (staff excluded) the workspace tagged or knows."""
    truth = _truth(ws, connection, "activity")
    staff = set(_truth(ws, connection, "staff"))
    tagged: dict[str, set[int]] = {t: {p for (p,) in ws.store.execute(
        "SELECT DISTINCT person_id FROM tags WHERE tag = ? AND source = 'kpi.rule'", (t,))} for t in ("top_talker", "lurker")}
    out: dict[str, Any] = {}
    for tag, label in (("top_talker", "talker"), ("lurker", "lurker")):
        said = tagged[tag] - staff
        true = {p for p, lab in truth.items() if lab == label and p not in staff}
        hit = len(said & true)
        out[tag] = {"tagged": len(said), "true": len(true), "precision": _ratio(hit, len(said)),
                    "recall": _ratio(hit, len(true))}
    return out


def calibration(ws, predictions: dict[int, float], since: int, until: int, bins: int = 10) -> list[dict[str, Any]]:
    """Observed rate per decile of stated probability: ``predictions`` (person -> stated
    probability) made at ``since``, the truth whether the person ordered in (since, until].
    One row per decile of probability (0-10%, ..., 90-100%) that holds anyone: people,
    the mean stated probability and the observed rate."""
    buyers = {p for (p,) in ws.store.execute("SELECT DISTINCT person_id FROM orders WHERE person_id IS NOT NULL"
                                             " AND ordered_at > ? AND ordered_at <= ?", (since, until))}
    return calibration_rows(predictions, buyers, bins)


def calibration_rows(predictions: dict[int, float], buyers: set[int], bins: int = 10) -> list[dict[str, Any]]:
    """:func:`calibration` given the set of people who did buy."""
    groups: dict[int, list[int]] = defaultdict(list)
    for pid, p in predictions.items():
        groups[min(bins - 1, int(p * bins))].append(pid)
    rows = []
    for k in sorted(groups):
        people = groups[k]
        rows.append({"decile": f"{k * 100 // bins}-{(k + 1) * 100 // bins}%", "people": len(people),
                     "stated": round(sum(predictions[p] for p in people) / len(people), 4),
                     "observed": round(sum(1 for p in people if p in buyers) / len(people), 4)})
    return rows


def likely_buyer_calibration(ws) -> dict[str, Any]:
    """Back-test of the predicted tag likely_buyer: predictions made as the tags job makes
    them (kpi ``predict``, with the span it uses now: 30 days when the history allows), but
    one span before the newest order and from the orders before then only, against who did
    order in that span. Rows per decile of the stated probability; empty with a note when
    the orders do not reach back three spans (two to fit, one to check)."""
    from plugins.kpi.predict import predictions_as_of, span_for

    newest = ws.store.scalar("SELECT max(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    start = ws.store.scalar("SELECT min(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    if newest is None:
        return {"rows": [], "note": "no orders"}
    # the span the tags job uses now, checked one span earlier (so the history must hold three)
    span = span_for(start, newest)
    if span is None:
        return {"rows": [], "note": "the orders are too short for any prediction"}
    as_of = newest - span
    people = {p: s for p, s in ws.store.execute("SELECT id, created_at FROM people WHERE is_insider = 0")}
    fit, preds = predictions_as_of(ws, as_of, people, span)
    if fit is None:
        return {"rows": [], "note": f"the orders do not reach back three spans of {span // DAY} days:"
                                    " no earlier prediction to check"}
    from plugins.kpi.settings import kpi_settings

    stated = {p: r for p, (r, _) in preds.items()}
    rows = calibration(ws, stated, as_of, newest)
    worst = max((abs(r["stated"] - r["observed"]) for r in rows), default=None)
    # the tag itself: those stated at or above the bar, and how many of them did order
    bar = kpi_settings(ws).likely_buyer_min_confidence
    tagged = [p for p, r in stated.items() if r >= bar]
    buyers = {p for (p,) in ws.store.execute("SELECT DISTINCT person_id FROM orders WHERE ordered_at > ?"
                                             " AND ordered_at <= ?", (as_of, newest))}
    return {"rows": rows, "people": len(preds), "as_of": as_of, "until": newest, "days": span // DAY,
            "largest_gap": None if worst is None else round(worst, 4),
            "tagged": len(tagged), "tagged_bought": _ratio(sum(1 for p in tagged if p in buyers), len(tagged))}


def likely_buyer_forward(ws, connection: str = "sandbox") -> dict[str, Any]:
    """The predictions the tags job states now (as of the newest order) against the
    sandbox world's own future: each person's next order in the saved world's order heap.
    Someone bought if that order falls within the prediction's span (30 days when the
    history allows) and they are in a group now (the world only records orders of people
    in a group). Rows per decile of stated probability."""
    import json

    from plugins.kpi.predict import predictions_as_of

    raw = ws.store.scalar("SELECT state FROM sandbox_state WHERE connection_id = ?", (connection,))
    newest = ws.store.scalar("SELECT max(ordered_at) FROM orders WHERE person_id IS NOT NULL")
    if raw is None or newest is None:
        return {"rows": [], "note": "no saved sandbox world or no orders"}
    heap = json.loads(raw).get("order_heap", [])
    platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (connection,), "sandbox")
    person = dict(ws.store.execute("SELECT platform_user_id, person_id FROM identities WHERE platform = ?", (platform,)))
    in_group = {p for (p,) in ws.store.execute("SELECT DISTINCT person_id FROM memberships WHERE status = 'member'")}
    people = {p: s for p, s in ws.store.execute("SELECT id, created_at FROM people WHERE is_insider = 0")}
    fit, preds = predictions_as_of(ws, newest, people)
    if fit is None:
        return {"rows": [], "note": "the orders are too short for any prediction"}
    buyers = {person[uid] for ts, uid in heap if newest < ts <= newest + fit.span and uid in person} & in_group
    rows = calibration_rows({p: r for p, (r, _) in preds.items()}, buyers)
    worst = max((abs(r["stated"] - r["observed"]) for r in rows), default=None)
    return {"rows": rows, "people": len(preds), "days": fit.span // DAY,
            "largest_gap": None if worst is None else round(worst, 4)}
