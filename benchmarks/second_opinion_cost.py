"""What the learned second opinion costs, once it has learned enough to speak, next to ingest.

    .venv/bin/python benchmarks/second_opinion_cost.py [--days 10] [--runs 3]

A sandbox workspace is simulated for ``--days`` days (its moderation cases judged by the
rules, the daily job ``moderation.learn`` run), then copied twice: one copy with
``[moderation] second_opinion = false``. The same fresh chat (the history's own texts,
re-sent as new messages by the same members) goes through ``Engine(ws).ingest`` of each
copy, then the job ``moderation.second_look`` runs over it; ``--runs`` rounds, medians and
ratios printed (same run, same machine, so the ratios hold where the absolute numbers are
noisy). The second opinion runs as a job, not in ingest: the ingest ratio should be about
1 (the issue's bar: ingest throughput drops by at most 15%), and the job's time is the CPU
it takes from the machine, printed as a share of the ingest of the same messages.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.engine import Engine  # noqa: E402
from console.model import Event, Kind  # noqa: E402
from console.workspace import Workspace  # noqa: E402

CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "{db}"
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 42
groups = 20
members = 2000
[moderation]
second_opinion = {on}
second_opinion_min_cases = 10
"""
NOW = 1_750_000_000


def open_ws(folder: Path, db: str, on: bool) -> Workspace:
    cfg = folder / f"{db}.toml"
    cfg.write_text(CONFIG.format(db=folder / f"{db}.db", on="true" if on else "false"), encoding="utf-8")
    return Workspace.open(cfg)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from plugins.moderation.second_opinion import learn, models
    from plugins.sandbox.demo import backfill

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = open_ws(folder, "base", True)
        backfill(ws, "sandbox", days=args.days, seed=42, now=NOW)
        with ws.clock_at(NOW):
            learned = learn(ws)
            from plugins.moderation.second_opinion import second_look
            from plugins.moderation.settings import settings_of

            second_look(ws, settings_of(ws))  # the job's first look marks where it starts
        speaking = {k: m.bad for k, m in models(ws).items() if m.bad >= 10}
        rows = ws.store.query("SELECT g.platform_group_id AS g, i.platform_user_id AS u, m.text FROM messages m"
                              " JOIN groups g ON g.id = m.group_id JOIN identities i ON i.person_id = m.person_id"
                              " WHERE m.text IS NOT NULL ORDER BY m.id DESC LIMIT 20000")
        ws.close()
        print(f"learned: {learned}; kinds that speak: {speaking}; {len(rows):,} messages per run")
        took: dict[bool, list[float]] = {True: [], False: []}
        job: list[float] = []
        for run in range(args.runs):
            for on in (True, False):
                name = f"r{run}{'on' if on else 'off'}"
                shutil.copy(folder / "base.db", folder / f"{name}.db")
                w = open_ws(folder, name, on)
                events = [Event(connection="sandbox", id=f"bench{run}-{i}", kind=Kind.MESSAGE, ts=NOW + 60 + i // 50,
                                group=r["g"], user=r["u"], nickname="", text=r["text"], data={})
                          for i, r in enumerate(rows)]
                eng = Engine(w)
                t = time.perf_counter()
                with w.clock_at(NOW + 3600):
                    for k in range(0, len(events), 500):
                        eng.ingest(events[k:k + 500])
                took[on].append(time.perf_counter() - t)
                if on:
                    from plugins.moderation.second_opinion import second_look
                    from plugins.moderation.settings import settings_of

                    t = time.perf_counter()
                    with w.clock_at(NOW + 3700):
                        second_look(w, settings_of(w), limit=len(rows) + 1)
                    job.append(time.perf_counter() - t)
                    raised = w.store.scalar("SELECT count(*) FROM cases WHERE rule = 'second_opinion'", default=0)
                w.close()
        on_s, off_s, job_s = statistics.median(took[True]), statistics.median(took[False]), statistics.median(job)
        print(f"ingest with the second opinion on: {len(rows) / on_s:,.0f} messages/s (median of {args.runs}); "
              f"off: {len(rows) / off_s:,.0f} messages/s; the job over the same messages: {job_s:.2f} s "
              f"({raised} review requests in the last run)")
        print(f"second_opinion_cost: ingest throughput on / off = {off_s / on_s:.2f} (the bar: at least 0.85); "
              f"the job costs {job_s / on_s:.0%} of the ingest time of the messages it reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
