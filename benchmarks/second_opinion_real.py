"""The learned second opinion on real Chinese text: what it adds to the rules, and whom it asks
about wrongly.

    .venv/bin/python benchmarks/second_opinion_real.py [--limit N] [--threshold T]

1. A fresh workspace with a new user's defaults. The tune part of the corpus
   (:mod:`moderation_labels`) goes through the engine; a person who knows the labels then
   judges every case the rules opened (confirms the right ones, undoes the wrong ones), as an
   operation's review queue would over weeks; ``shequn rules learn`` runs (the product's own
   ``second_opinion.learn``, from those cases and the ordinary chat, which still holds what the
   rules missed: nobody reported it).
2. The held-out part goes through the same engine, then the job ``moderation.second_look``. Printed per label: recall of the rules,
   of the second opinion's review requests, and of both; the benign messages each one flags,
   and the share of review requests a person would confirm.
3. The same again, but members report half the messages the rules missed in the tune part
   (``shequn cases report``; ``--report-share``), so the model learns what the rules lack.
4. An upper bound, outside the product: the same model trained as if the person had also
   reported every message the rules missed in the tune part (all its labels), scored on the
   held-out part at the same threshold.

The corpus's texts are the datasets' (``../shared/data/moderation/``); nothing learned from
them is written anywhere but a temporary workspace. Without the folder it says so, exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))

import moderation_labels as ml  # noqa: E402
from moderation_real import BATCH, CONFIG, GROUPS, T0, UNWANTED  # noqa: E402

from console.engine import Engine  # noqa: E402
from console.model import Event, Kind  # noqa: E402
from console.workspace import Workspace  # noqa: E402

KIND_OF = {"ad_obvious": "ads", "ad_disguised": "ads", "scam": "scam", "abuse": "abuse"}


def feed(ws, rows: list[ml.Row], start: int) -> None:
    eng = Engine(ws)
    events = [Event(connection="sandbox", id=r.id, kind=Kind.MESSAGE, ts=T0 + start + i, group=f"g{i % GROUPS}",
                    user=f"m{start + i}", nickname=f"member {start + i}", text=r.text, data={})
              for i, r in enumerate(rows)]
    for k in range(0, len(events), BATCH):
        b = events[k:k + BATCH]
        with ws.clock_at(b[-1].ts):
            eng.ingest(b)


def flagged(ws) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in ws.store.query("SELECT rule, evidence FROM cases WHERE kind = 'penalty'"):
        ev = json.loads(c["evidence"] or "{}")
        if ev.get("message_id"):
            out.setdefault(ev["message_id"], set()).add(c["rule"])
    return out


def judge(ws, label_of: dict[str, str]) -> Counter:
    """The person: confirm each open case whose message is unwanted, undo each on a benign one."""
    from plugins.moderation.cases import review_case, undo_case

    done: Counter = Counter()
    for c in ws.store.query("SELECT id, status, evidence FROM cases WHERE kind = 'penalty'"
                            " AND status IN ('open', 'settled')"):
        label = label_of.get(json.loads(c["evidence"] or "{}").get("message_id"), "")
        if label == "benign":
            undo_case(ws, c["id"], note="benchmark")
            done["overturned"] += 1
        elif label and c["status"] == "open":
            review_case(ws, c["id"], note="benchmark")
            done["confirmed"] += 1
        elif label:
            done["settled"] += 1
    return done


def upper_bound(tune: list[ml.Row], held: list[ml.Row], threshold: float) -> set[str]:
    """Held-out row ids the model would raise had every tune message been judged."""
    from plugins.moderation.bayes import count, train
    from plugins.moderation.normalize import normalize

    good = [normalize(r.text) for r in tune if r.label == "benign"]
    cg = count(good)
    models = {}
    for kind in ("ads", "scam", "abuse"):
        bad = [normalize(r.text) for r in tune if KIND_OF.get(r.label) == kind]
        models[kind] = train(*count(bad), *cg)
    out = set()
    for r in held:
        norm = normalize(r.text)
        if len(r.text) >= 4 and max(m.score(norm) for m in models.values()) >= threshold:
            out.add(r.id)
    return out


def reported(tune: list[ml.Row], caught: dict[str, set[str]], share: float) -> list[ml.Row]:
    """The tune messages the rules missed that members report: ``share`` of them, chosen by a
    hash of the row id (the same rows on every run)."""
    import hashlib

    def picked(row_id: str) -> bool:
        return int.from_bytes(hashlib.blake2b(f"report:{row_id}".encode(), digest_size=8).digest(), "big") / 2 ** 64 < share

    return [r for r in tune if r.label in KIND_OF and not caught.get(r.id) and picked(r.id)]


def run(tune: list[ml.Row], held: list[ml.Row], share: float, extra: str) -> tuple[dict, dict, Counter, int, float]:
    """One workspace: tune part, the person's judgement and reports, learning, held part, job."""
    from plugins.moderation.report import report_message
    from plugins.moderation.second_opinion import learn, second_look
    from plugins.moderation.settings import settings_of

    label_of = {r.id: r.label for r in tune + held}
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(CONFIG + extra, encoding="utf-8")
        ws = Workspace.open(cfg)
        try:
            settings = settings_of(ws)
            feed(ws, tune, 0)
            done = judge(ws, label_of)
            reports = reported(tune, flagged(ws), share)
            for r in reports:
                report_message(ws, f"sandbox:{r.id}", KIND_OF[r.label], actor="operator:benchmark")
            with ws.clock_at(T0 + len(tune)):
                learned = learn(ws)
                second_look(ws, settings)  # the job's first look marks where it starts
            feed(ws, held, len(tune) + 10)
            with ws.clock_at(T0 + len(tune) + len(held) + 20):
                second_look(ws, settings, limit=len(held) + 1)  # the job, over the held part
            return flagged(ws), learned, done, len(reports), settings.second_opinion_threshold
        finally:
            ws.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="at most N messages per label and part")
    ap.add_argument("--threshold", type=float, default=None, help="second_opinion_threshold (default: the product's)")
    ap.add_argument("--report-share", type=float, default=0.5,
                    help="share of the tune part's misses members report, for the second run (default 0.5)")
    args = ap.parse_args(argv)
    if not ml.DATA.is_dir():
        print(f"second_opinion_real: skipped, no labelled data at {ml.DATA} (it lives beside the project)")
        return 0
    from plugins.moderation.second_opinion import RULE

    tune, held = ml.corpus("tune", args.limit), ml.corpus("held", args.limit)
    extra = f"[moderation]\nsecond_opinion_threshold = {args.threshold}\n" if args.threshold else ""
    caught, learned, done, _, threshold = run(tune, held, 0.0, extra)
    caught_r, learned_r, _, n_reports, _ = run(tune, held, args.report_share, extra)
    bound = upper_bound(tune, held, threshold)
    print(f"tune part judged by the person: {dict(done)}; threshold {threshold}")
    print(f"learned without reports: {learned}")
    print(f"learned with {n_reports} reports ({args.report_share:.0%} of the tune part's misses): {learned_r}")
    cols = {"rules": Counter(), "+review": Counter(), "+reports": Counter(), "bound": Counter()}
    asked, n = Counter(), Counter()
    for r in held:
        got, got_r = caught.get(r.id, set()), caught_r.get(r.id, set())
        n[r.label] += 1
        cols["rules"][r.label] += bool(got - {RULE})
        cols["+review"][r.label] += bool(got)
        cols["+reports"][r.label] += bool(got_r)
        cols["bound"][r.label] += bool(got - {RULE}) or r.id in bound
        asked["no reports"] += RULE in got
        asked["reports"] += RULE in got_r
        asked["no reports right"] += RULE in got and r.label != "benign"
        asked["reports right"] += RULE in got_r and r.label != "benign"
    print(f"\n== held: {len(held):,} messages (rules; rules or a review request, learned from the judged cases;"
          " the same with members' reports; the upper bound: every tune message judged)")
    print(f"{'label':14} {'messages':>9} " + " ".join(f"{c:>9}" for c in cols))
    for lab in ml.LABELS:
        if n[lab]:
            print(f"{lab:14} {n[lab]:>9} " + " ".join(f"{c[lab] / n[lab]:>9.1%}" for c in cols.values()))
    for k in ("no reports", "reports"):
        if asked[k]:
            print(f"review requests ({k}): {asked[k]}, a person would confirm {asked[k + ' right'] / asked[k]:.0%}")
    print("\nsecond_opinion_real: held: " + ", ".join(
        f"{k} {cols['rules'][k] / n[k]:.0%} -> {cols['+review'][k] / n[k]:.0%} -> {cols['+reports'][k] / n[k]:.0%}"
        for k in UNWANTED if n[k])
        + f"; benign flagged {cols['rules']['benign'] / n['benign']:.1%} -> {cols['+review']['benign'] / n['benign']:.1%}"
        + f" -> {cols['+reports']['benign'] / n['benign']:.1%} (rules -> + review -> + {args.report_share:.0%} reported)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
