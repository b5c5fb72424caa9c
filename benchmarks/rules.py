"""Conduct-rule cost per message, next to the engine's persist step, on the sandbox's mix.

    .venv/bin/python benchmarks/rules.py [--days 3] [--repeat 5]

1. A temporary workspace gets ``--days`` of sandbox history (``shequn demo``'s back-fill:
   chat, ads, polite ads, delivery links, floods, off-topic talk, joins).
2. Its stored messages are replayed as events, in ingest batches of 1,000:
   - rule evaluation: the whole enabled built-in rule set (ads, abuse, flood) through
     ``plugins.moderation.live.find_hits``, the hot path of ``process_events`` (prefilter,
     flood counters, per-rule matching on prefilter hits), fresh counters each run;
   - persist: ``Engine(ws, hooks=False).ingest`` of the same messages into a fresh
     workspace (dedupe, resolve, store, memberships, rollups), the step rules sit beside.
3. What the rules caught is compared with the sandbox's truth labels.
Figures are medians over ``--repeat`` runs, in microseconds per message. Target: rule
evaluation at most 20 us per message.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_config import SANDBOX_CONFIG  # noqa: E402  (benchmarks/ is on sys.path)
from console.engine import Engine  # noqa: E402
from console.model import Event, Kind  # noqa: E402
from console.workspace import Workspace  # noqa: E402
from plugins.moderation.live import find_hits, load_compiled  # noqa: E402
from plugins.moderation.matcher import RuleSet  # noqa: E402
from plugins.moderation.scope import BatchLookups  # noqa: E402

BATCH = 1000


def workspace(folder: Path, db: str) -> Workspace:
    cfg = folder / f"{db}.toml"
    cfg.write_text(SANDBOX_CONFIG.format(db=db + ".db"), encoding="utf-8")
    return Workspace.open(cfg)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from plugins.sandbox.demo import backfill

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = workspace(folder, "history")
        t = time.perf_counter()
        backfill(ws, "sandbox", days=args.days, seed=42, now=1_750_000_000)
        print(f"sandbox history: {args.days} days simulated in {time.perf_counter() - t:.1f} s")
        rows = ws.store.query("SELECT connection_id, platform_msg_id, group_id, person_id, ts, text, meta"
                              " FROM messages WHERE person_id IS NOT NULL ORDER BY ts, id")
        events = [Event(connection=r["connection_id"], id=r["platform_msg_id"], kind=Kind.MESSAGE, ts=r["ts"],
                        text=r["text"], data=json.loads(r["meta"]) if r["meta"] else {}, group_id=r["group_id"],
                        person_id=r["person_id"]) for r in rows]
        platform_ids = {r["platform_msg_id"]: (r["group_id"], r["person_id"]) for r in rows}
        n = len(events)
        avg_len = sum(len(e.text or "") for e in events) / max(1, n)
        print(f"messages: {n:,} (average {avg_len:.1f} characters)")
        batches = [events[i:i + BATCH] for i in range(0, n, BATCH)]

        # --- rule evaluation ----------------------------------------------------------------
        eval_us, hits = [], []
        for _ in range(args.repeat):
            compiled = load_compiled(ws)  # fresh flood counters each run
            rs = RuleSet.build(compiled)
            t = time.perf_counter()
            run_hits = []
            for b in batches:
                look = BatchLookups(ws, ["lead", "owner", "admin", "kol", "cheer"], [])
                run_hits.extend(find_hits(rs, b, look))
            eval_us.append((time.perf_counter() - t) / n * 1e6)
            hits = run_hits
        names = ", ".join(f"{r.name} ({r.kind})" for r in rs.rules)
        print(f"rule set: {names}")

        # --- persist (the engine without plugin hooks) -----------------------------------------
        persist_us = []
        for i in range(args.repeat):
            w2 = workspace(folder, f"persist{i}")
            fresh = [[Event(connection="sandbox", id=e.id, kind=Kind.MESSAGE, ts=e.ts, group=str(platform_ids[e.id][0]),
                            user=str(platform_ids[e.id][1]), nickname="", text=e.text, data=e.data) for e in b]
                     for b in batches]
            eng = Engine(w2, hooks=False)
            t = time.perf_counter()
            with w2.clock_at(1_750_000_000):
                for b in fresh:
                    eng.ingest(b)
            persist_us.append((time.perf_counter() - t) / n * 1e6)
            w2.close()

        ev, pe = statistics.median(eval_us), statistics.median(persist_us)
        print()
        print(f"{'step':38} {'us/message (median)':>20} {'runs':>18}")
        print(f"{'rule evaluation (built-in rule set)':38} {ev:>20.2f} {' '.join(f'{x:.1f}' for x in eval_us):>18}")
        print(f"{'engine persist (batch 1000, no hooks)':38} {pe:>20.2f} {' '.join(f'{x:.1f}' for x in persist_us):>18}")
        print(f"rules cost {ev / pe * 100:.0f}% of persist; target <= 20 us/message: {'met' if ev <= 20 else 'NOT met'}")

        # --- the learned second opinion, trained on the history's judged cases ----------------
        from plugins.moderation.second_opinion import MIN_CHARS, learn, models
        from plugins.moderation.bayes import grams
        from plugins.moderation.normalize import normalize

        learned = learn(ws)
        kinds = [m for m in models(ws).values() if m.bad]
        so_us = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            for e in events:
                if e.text and len(e.text) >= MIN_CHARS:
                    norm = normalize(e.text)
                    gs = grams(norm)
                    for m in kinds:
                        m.score(norm, gs)
            so_us.append((time.perf_counter() - t) / n * 1e6)
        so = statistics.median(so_us)
        print(f"{'second opinion (' + str(len(kinds)) + ' kinds learned)':38} {so:>20.2f} "
              f"{' '.join(f'{x:.1f}' for x in so_us):>18}")
        print(f"second opinion costs {so / pe * 100:.0f}% of persist, {so / ev:.1f}x the rules "
              f"(confirmed texts learned: {', '.join(k + ' ' + str(v['bad']) for k, v in learned.items())})")

        # --- what was caught, against the sandbox's truth ----------------------------------------
        truth = {r["platform_id"]: r["label"] for r in ws.store.query(
            "SELECT platform_id, label FROM sandbox_truth WHERE kind = 'message'")}
        labels = Counter(truth.values())
        caught = Counter()
        for h, e in hits:
            caught[(h.rule.name, truth.get(e.id, "chat"))] += 1
        print()
        print("caught by rule and true label (before exemptions): "
              + ", ".join(f"{r}/{lab}: {c}" for (r, lab), c in sorted(caught.items())))
        print("labels in the history: " + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())))
        ad_ids = {e.id for h, e in hits if h.rule.kind == "ads"}
        true_ads = {m for m, lab in truth.items() if lab == "ad"}
        if true_ads:
            print(f"ads rule: recall of plain ads {len(ad_ids & true_ads) / len(true_ads):.0%}, "
                  f"polite ads caught {len(ad_ids & {m for m, l in truth.items() if l == 'polite_ad'})}"
                  f"/{labels.get('polite_ad', 0)}, delivery links (not ads) caught "
                  f"{len(ad_ids & {m for m, l in truth.items() if l == 'not_ad'})}/{labels.get('not_ad', 0)}")
        ws.close()


if __name__ == "__main__":
    main()
