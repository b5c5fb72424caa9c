"""The default conduct rules on real Chinese text: what they catch and whom they wrong.

    .venv/bin/python benchmarks/moderation_real.py [--part tune|held|both] [--limit N] [--json]

1. The corpus of :mod:`moderation_labels` (public spam-SMS, telecom-fraud and offensive-language
   datasets from ``../shared/data/moderation/``, relabelled by what a message does in a group
   chat: ad_obvious, ad_disguised, scam, abuse, benign with its look-alikes). A fresh clone has
   no ``../shared``: the script says so and exits 0.
2. A fresh temporary workspace with the rules a new user gets (seeded on first open), and every
   message fed as a sandbox connection delivers it, through ``Engine(ws).ingest`` with the
   plugins' hooks, one member per message (so flood and repeat counts never join unrelated
   rows), spread over ten groups, in batches of 200.
3. The cases the rules opened are read back from the ``cases`` table (their evidence names the
   message) and compared with the labels: recall per label, precision per label (of what the
   label's rule kind flagged, the share with a label that kind is for: ads for both kinds of
   ad) and per rule kind (unwanted at all, or what the kind is for), the benign false-positive
   rate overall, without members' own numbers (a setting of their own) and per look-alike, then the false positives with their texts (terminal only:
   the texts are the datasets', never written anywhere) and one summary line.

``--part tune`` is what tuning may look at; ``held`` is the part it never does (chosen by a hash
of each row id). ``--limit N`` keeps at most N rows per label, for a quick look.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import moderation_labels as ml  # noqa: E402  (benchmarks/ is on sys.path)

from console.engine import Engine  # noqa: E402
from console.model import Event, Kind  # noqa: E402
from console.workspace import Workspace  # noqa: E402

T0 = 1_750_000_000
BATCH = 200
GROUPS = 10
UNWANTED = ("ad_obvious", "ad_disguised", "scam", "abuse")
#: What each rule kind is for: a hit on one of these labels is the kind doing its job.
PURPOSE = {"ads": {"ad_obvious", "ad_disguised"}, "abuse": {"abuse"}, "scam": {"scam"}}

CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "real.db"
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 42
groups = 4
members = 100
"""


def run_rules(rows: list[ml.Row]) -> tuple[dict[str, set[str]], dict[str, str], float]:
    """Feed every row through the engine of a fresh workspace; return, per row id, the rules
    whose cases name it, the rules' kinds, and the seconds the ingest took."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(CONFIG, encoding="utf-8")
        ws = Workspace.open(cfg)
        try:
            kinds = {r["name"]: r["kind"] for r in ws.store.query("SELECT name, kind FROM rules WHERE enabled = 1")}
            events = [Event(connection="sandbox", id=r.id, kind=Kind.MESSAGE, ts=T0 + i, group=f"g{i % GROUPS}",
                            user=f"m{i}", nickname=f"member {i}", text=r.text, data={}) for i, r in enumerate(rows)]
            eng = Engine(ws)
            t = time.perf_counter()
            for k in range(0, len(events), BATCH):
                b = events[k:k + BATCH]
                with ws.clock_at(b[-1].ts):
                    eng.ingest(b)
            took = time.perf_counter() - t
            caught: dict[str, set[str]] = defaultdict(set)
            for c in ws.store.query("SELECT rule, evidence FROM cases WHERE kind = 'penalty'"):
                ev = json.loads(c["evidence"] or "{}")
                if ev.get("message_id"):
                    caught[ev["message_id"]].add(c["rule"])
        finally:
            ws.close()
    return caught, kinds, took


def measure(rows: list[ml.Row], caught: dict[str, set[str]], kinds: dict[str, str]) -> dict:
    """Recall per label, precision per rule kind, benign false positives (overall and per kind)."""
    n, hit = Counter(), Counter()
    by_kind_n, by_kind_hit = Counter(), Counter()
    flagged, right, on_purpose = Counter(), Counter(), Counter()
    for r in rows:
        rules = caught.get(r.id, set())
        n[r.label] += 1
        by_kind_n[(r.label, r.kind)] += 1
        if rules:
            hit[r.label] += 1
            by_kind_hit[(r.label, r.kind)] += 1
        for k in {kinds.get(x, "?") for x in rules}:
            flagged[k] += 1
            right[k] += r.label != "benign"
            on_purpose[k] += r.label in PURPOSE.get(k, set())
    kinds_out = {k: {"flagged": flagged[k], "precision_unwanted": right[k] / flagged[k],
                     "precision_purpose": on_purpose[k] / flagged[k]} for k in sorted(flagged)}
    # a label's precision is its rule kind's: of the messages the kind flagged, the share
    # that carry a label the kind is for (ads for both kinds of ad); None if nothing flagged
    purpose_of = {lab: k for k, labs in PURPOSE.items() for lab in labs}
    labels = {lab: {"n": n[lab], "flagged": hit[lab], "rate": hit[lab] / n[lab],
                    "precision": kinds_out.get(purpose_of.get(lab), {}).get("precision_purpose")}
              for lab in ml.LABELS if n[lab]}
    own = by_kind_n[("benign", "own_number")], by_kind_hit[("benign", "own_number")]
    if n["benign"] > own[0]:  # members' own numbers are a setting of their own (issue 15, item 4)
        labels["benign"]["rate_without_own_numbers"] = (hit["benign"] - own[1]) / (n["benign"] - own[0])
    strata = {f"{lab}/{kind}": {"n": by_kind_n[(lab, kind)], "flagged": by_kind_hit[(lab, kind)]}
              for lab, kind in sorted(by_kind_n)}
    return {"rows": len(rows), "labels": labels, "rule_kinds": kinds_out, "strata": strata}


def print_part(name: str, m: dict) -> None:
    print(f"\n== {name}: {m['rows']:,} messages")
    print(f"{'label':14} {'messages':>9} {'flagged':>8} {'recall':>8} {'precision':>10}")
    for lab, v in m["labels"].items():
        if lab == "benign":
            extra = v.get("rate_without_own_numbers")
            print(f"{lab:14} {v['n']:>9} {v['flagged']:>8}   false-positive rate {v['rate']:.1%}"
                  + (f" ({extra:.1%} without members' own numbers)" if extra is not None else ""))
            continue
        prec = "-" if v["precision"] is None else f"{v['precision']:.2f}"
        print(f"{lab:14} {v['n']:>9} {v['flagged']:>8} {v['rate']:>8.1%} {prec:>10}")
    for k, v in m["rule_kinds"].items():
        print(f"rule kind {k}: flagged {v['flagged']}, precision {v['precision_unwanted']:.2f} (unwanted at all),"
              f" {v['precision_purpose']:.2f} (what the kind is for)")
    print("by source kind: " + ", ".join(f"{s} {v['flagged']}/{v['n']}" for s, v in m["strata"].items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("tune", "held", "both"), default="both")
    ap.add_argument("--limit", type=int, default=None, help="at most N messages per label (and part)")
    ap.add_argument("--json", action="store_true", help="the figures as JSON, without the false positives' texts")
    args = ap.parse_args(argv)
    if not ml.DATA.is_dir():
        print(f"moderation_real: skipped, no labelled data at {ml.DATA} (it lives beside the project, "
              "in ../shared/data/moderation/, not in a clone)")
        return 0
    parts = ("tune", "held") if args.part == "both" else (args.part,)
    rows = []
    for p in parts:
        rows.extend(ml.corpus(p, args.limit))
    caught, kinds, took = run_rules(rows)
    result = {p: measure([r for r in rows if r.part == p], caught, kinds) for p in parts}
    result["ingest_seconds"] = round(took, 2)
    result["rules"] = kinds
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"enabled rules (a new workspace's defaults): {', '.join(f'{n} ({k})' for n, k in kinds.items())}")
    print(f"{len(rows):,} messages through the engine in {took:.1f} s")
    for p in parts:
        print_part(p, result[p])
    fps = [r for r in rows if r.label == "benign" and caught.get(r.id)]
    print(f"\nfalse positives ({len(fps)}), texts from the datasets, shown here only:")
    for r in fps:
        print(f"  [{r.part} {r.id} {r.kind} <- {','.join(sorted(caught[r.id]))}] {r.text[:160]}")
    line = []
    for p in parts:
        lab = result[p]["labels"]
        line.append(f"{p}: " + ", ".join(f"{k} {lab[k]['rate']:.0%}" for k in UNWANTED if k in lab)
                    + (f", benign FP {lab['benign']['rate']:.1%}" if "benign" in lab else ""))
        if "rate_without_own_numbers" in lab.get("benign", {}):
            line[-1] += f" ({lab['benign']['rate_without_own_numbers']:.1%} without own numbers)"
    print("\nmoderation_real: " + "; ".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
