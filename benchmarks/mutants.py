"""Would the tests notice? Realistic one-line bugs, put in one at a time, each run against
the tests of its area: a mutant is *killed* when a test fails, *survived* when all pass.

    .venv/bin/python benchmarks/mutants.py [--before] [--rev HEAD] [--only ID ...] [--list]

The tree is ``git archive REV`` unpacked under /tmp/<user>-mutants/ (never the
working tree: other people edit it while this runs). ``--before`` deletes the tests
written for issue 16 item 9 (``NEW_TESTS``) from that copy first, so the two runs give
the kill rate before and after them. Each mutant replaces one exact string (which must
occur once in the file, else it is reported *stale*: the code moved on), runs
``pytest -x`` on its area's tests with PYTHONPATH at the copy, and restores the file.
The mutants are the ones issue 16 lists (KPI formulas, backoff, two executors, undo by
case id, the ladder and undone cases, the nickname sync, approved-not-joined requests,
undo of a running action, paging, a bad database's exit code) and more of their kind.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"

NEW_TESTS = ["tests/plugins/kpi/test_kpi_formulas_pinned.py", "tests/test_outbox_backoff.py",
             "tests/test_outbox_race.py", "tests/plugins/moderation/test_moderation_undo_ids.py",
             "tests/plugins/entry_rules/test_entry_rules_nickname_sync.py",
             "tests/plugins/entry_rules/test_entry_rules_overflow_awaiting.py", "tests/tui/test_page_sources.py",
             "tests/test_cli_bad_database.py"]

# the tests of each area, the new ones first (with -x a kill stops at the first failure)
KPI = ["tests/plugins/kpi/test_kpi_formulas_pinned.py", "tests/plugins/kpi"]
OUTBOX = ["tests/test_outbox_backoff.py", "tests/test_outbox_race.py", "tests/test_outbox.py",
          "tests/test_outbox_commits.py", "tests/test_outbox_crash.py", "tests/test_runtime.py",
          "tests/plugins/sandbox/test_sandbox_actions.py"]
MOD = ["tests/plugins/moderation/test_moderation_undo_ids.py", "tests/plugins/moderation"]
ENTRY = ["tests/plugins/entry_rules/test_entry_rules_nickname_sync.py",
         "tests/plugins/entry_rules/test_entry_rules_overflow_awaiting.py", "tests/plugins/entry_rules",
         "tests/test_sync.py"]
PAGES = ["tests/tui/test_page_sources.py", "tests/test_queues.py", "tests/test_cli_queues.py",
         "tests/plugins/moderation/test_moderation_cases_paging.py", "tests/plugins/moderation/test_moderation_door.py",
         "tests/plugins/entry_rules/test_entry_rules_queue_pages.py"]
CLI = ["tests/test_cli_bad_database.py", "tests/test_cli_core.py", "tests/test_cli_queues.py", "tests/test_config.py",
       "tests/test_deadletters.py"]

M = "plugins/kpi/metrics.py"
OB = "console/executor.py"
# (id, file, old, new, tests)
MUTANTS: list[tuple[str, str, str, str, list[str]]] = [
    # --- KPI formulas (DOMAIN.md) ---
    ("kpi-churn-over-members-end", M, 'act["members_start"] + act["joins"], no_members)',
     'act["members_end"], no_members)', KPI),
    ("kpi-churn-without-joins", M, 'act["members_start"] + act["joins"], no_members)', 'act["members_start"], no_members)',
     KPI),
    ("kpi-members-start-off-by-one", M, '"members_start": series.members.get(shift(window.since, -1), 0),',
     '"members_start": series.members.get(window.since, 0),', KPI),
    ("kpi-messages-per-member-over-end", M, '_ratio(act["messages"], act["members_avg"], no_members)',
     '_ratio(act["messages"], act["members_end"], no_members)', KPI),
    ("kpi-interaction-pooled", M, '"interaction": sum(rates) / len(rates) if rates else None}',
     '"interaction": spk_days / member_sum if member_sum else None}', KPI),
    ("kpi-interaction-over-all-days", M, '"interaction": sum(rates) / len(rates) if rates else None}',
     '"interaction": sum(rates) / len(days) if rates else None}', KPI),
    ("kpi-conversion-buyers", M, '_ratio(inp.orders, act["members_avg"], no_members)',
     '_ratio(inp.buyers, act["members_avg"], no_members)', KPI),
    ("kpi-conversion-over-members-end", M, '_ratio(inp.orders, act["members_avg"], no_members)',
     '_ratio(inp.orders, act["members_end"], no_members)', KPI),
    ("kpi-aov-per-order", M, "_ratio(inp.revenue, inp.buyers,", "_ratio(inp.revenue, inp.orders,", KPI),
    ("kpi-roi-inverted", M, "_ratio(inp.revenue, inp.cost,", "_ratio(inp.cost, inp.revenue,", KPI),
    ("kpi-buyers-are-orders", "plugins/kpi/inputs.py", 'f" count(DISTINCT person_id) + sum(person_id IS NULL) AS buyers"',
     'f" count(*) AS buyers"', KPI),
    ("kpi-retention-any-leaver-kept", "plugins/kpi/cohorts.py", "m.left_at >= m.joined_at + {s})",
     "m.left_at >= m.joined_at)", KPI),
    ("kpi-retention-joined-in-window", M, "joined = Window(shift(window.since, -n), shift(window.until, -n))",
     "joined = window", KPI),
    ("kpi-previous-window-overlaps", "plugins/kpi/window.py", "(a - timedelta(1)).isoformat())", "a.isoformat())", KPI),
    ("kpi-kick-me-not-a-kick", "console/event_effects.py", 'if e.data.get("reason") in ("kick", "kick_me"):',
     'if e.data.get("reason") == "kick":', KPI),
    # --- outbox ---
    ("outbox-backoff-exponent", OB, "self.base_backoff * 2 ** (attempts - 1))", "self.base_backoff * 2 ** attempts)",
     OUTBOX),
    ("outbox-backoff-never-grows", OB, "self.base_backoff * 2 ** (attempts - 1))", "self.base_backoff)", OUTBOX),
    ("outbox-backoff-cap-max", OB, "if result.retry_after is not None else min(",
     "if result.retry_after is not None else max(", OUTBOX),
    ("outbox-retry-after-ignored", OB, "delay = result.retry_after if result.retry_after is not None else min(",
     "delay = min(", OUTBOX),
    ("outbox-claim-not-compare-and-set", OB, "\" WHERE id = ? AND status = 'pending'\", (self.ws.now(), row[\"id\"]))",
     "\" WHERE id = ?\", (self.ws.now(), row[\"id\"]))", OUTBOX),
    ("outbox-claim-result-ignored", OB, "(self.ws.now(), row[\"id\"])).rowcount == 1",
     "(self.ws.now(), row[\"id\"])).rowcount >= 0", OUTBOX),
    ("outbox-gives-up-one-late", OB, "attempts >= self.max_attempts:", "attempts > self.max_attempts:", OUTBOX),
    ("outbox-due-strictly-after", OB, "status = 'pending' AND not_before <= ? ORDER BY id",
     "status = 'pending' AND not_before < ? ORDER BY id", OUTBOX),
    ("outbox-in-doubt-send-rerun", OB, 'if doubt and result is None and row["kind"] not in IDEMPOTENT_ACTIONS:',
     'if doubt and result is None and row["kind"] in IDEMPOTENT_ACTIONS:', OUTBOX),
    ("outbox-bucket-no-burst-cap", OB, "self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)",
     "self.tokens = self.tokens + (now - self.updated) * self.rate", OUTBOX),
    # --- moderation cases ---
    ("mod-undo-blacklist-by-entry-id", "plugins/moderation/cases.py",
     "removed_by = ? WHERE case_id = ? AND removed_at IS NULL", "removed_by = ? WHERE id = ? AND removed_at IS NULL",
     MOD),
    ("mod-remove-entry-by-case-id", "plugins/moderation/door.py", "removed_by = ? WHERE id = ?\", (ws.now(), actor, entry_id)",
     "removed_by = ? WHERE case_id = ?\", (ws.now(), actor, entry_id)", MOD),
    ("mod-ladder-counts-overturned", "plugins/moderation/penalize.py", "\" WHERE status NOT IN ('undone', 'overturned')\"",
     "\" WHERE status != 'undone'\"", MOD),
    ("mod-door-counts-overturned", "plugins/moderation/door.py",
     "\" AND status NOT IN ('undone', 'overturned') AND coalesce(step", "\" AND status != 'undone' AND coalesce(step",
     MOD),
    ("mod-undo-skips-running", "plugins/moderation/cases.py", 'if st not in ("done", "running", "unsupported"):',
     'if st not in ("done", "unsupported"):', MOD),
    ("mod-undo-cancels-running", "plugins/moderation/cases.py", 'if st == "pending":', 'if st in ("pending", "running"):',
     MOD),
    ("mod-ladder-step-off-by-one", "plugins/moderation/penalize.py", "step = ladder[min(n, len(ladder)) - 1]",
     "step = ladder[min(n, len(ladder) - 1)]", MOD),
    ("mod-ladder-window-hours", "plugins/moderation/penalize.py", 'since = now - cfg["window_days"] * 86400',
     'since = now - cfg["window_days"] * 3600', MOD),
    ("mod-undo-always-undone", "plugins/moderation/cases.py",
     'outcome = "overturned" if str(case["actor"]).startswith("rule:") and case["kind"] == "penalty" else "undone"',
     'outcome = "undone"', MOD),
    # --- entry rules ---
    ("entry-nickname-ignores-sync", "plugins/entry_rules/nickname.py", 'current = m["group_nickname"] or chk["nickname"]',
     'current = chk["nickname"] or m["group_nickname"]', ENTRY),
    ("entry-overflow-no-approved", "plugins/entry_rules/overflow.py",
     'return (row["member_count"] if row else 0) + awaiting + inviting',
     'return (row["member_count"] if row else 0) + inviting', ENTRY),
    ("entry-overflow-approving-missed", "plugins/entry_rules/overflow.py", "r.status IN ('approving', 'approved')",
     "r.status = 'approved'", ENTRY),
    ("entry-overflow-approvals-forever", "plugins/entry_rules/overflow.py", "(group_id, ws.now() - APPROVED_WINDOW), 0)",
     "(group_id, 0), 0)", ENTRY),
    ("entry-overflow-running-invites", "plugins/entry_rules/overflow.py", "status IN ('pending', 'running') AND kind = 'invite'",
     "status = 'pending' AND kind = 'invite'", ENTRY),
    ("entry-full-only-past-limit", "plugins/entry_rules/overflow.py", 'occupancy(ws, group["id"]) >= lim',
     'occupancy(ws, group["id"]) > lim', ENTRY),
    ("entry-nickname-no-grace", "plugins/entry_rules/nickname.py", "ts + s.nickname_grace_seconds))", "ts))", ENTRY),
    # --- paging, tables and search ---
    ("page-search-offset-ignored", "console/tui/queries.py", "ids = self._match()[offset:offset + limit]",
     "ids = self._match()[:limit]", PAGES),
    ("page-search-slice-end", "console/tui/queries.py", "ids = self._match()[offset:offset + limit]",
     "ids = self._match()[offset:limit]", PAGES),
    ("page-people-offset-ignored", "console/tui/queries.py", '" ORDER BY id LIMIT ? OFFSET ?", (limit, offset))',
     '" ORDER BY id LIMIT ? OFFSET ?", (limit, 0))', PAGES),
    ("page-group-members-offset-ignored", "console/tui/queries.py", "(self.group_id, limit, offset))",
     "(self.group_id, limit, 0))", PAGES),
    ("page-sqlsource-swapped", "console/tui/activity_sources.py", "self.params + (limit, offset))",
     "self.params + (offset, limit))", PAGES),
    ("page-listsource-slice-end", "console/tui/rows.py", "return self.data[offset:offset + limit]",
     "return self.data[offset:limit]", PAGES),
    ("page-stacked-overlong", "console/queues.py", "out += s.rows(offset, limit - len(out))", "out += s.rows(offset, limit)",
     PAGES),
    ("page-stacked-offset-kept", "console/queues.py", "out += s.rows(offset, limit - len(out))\n            offset = 0\n",
     "out += s.rows(offset, limit - len(out))\n", PAGES),
    ("page-segment-offset-ignored", "console/queues.py", "[*self.params, limit, offset])", "[*self.params, limit, 0])",
     PAGES),
    ("page-cli-page-off-by-one", "console/cli/queue_verbs.py", "rows = src.rows((page - 1) * per_page, per_page)",
     "rows = src.rows(page * per_page, per_page)", PAGES),
    ("page-blacklist-offset-ignored", "plugins/moderation/door.py", "(int(limit), int(offset)))", "(int(limit), 0))", PAGES),
    ("page-cases-offset-ignored", "plugins/moderation/cases.py", '"rows": stack.rows(offset, max(0, int(limit)))}',
     '"rows": stack.rows(0, max(0, int(limit)))}', PAGES),
    # --- a bad database ---
    ("cli-store-error-exit-1", "console/cli/context.py", "    except StoreError as e:\n        fail(said(e))",
     "    except StoreError as e:\n        fail(said(e), 1)", CLI),
    ("cli-store-error-traceback", "console/cli/context.py", "    except StoreError as e:\n        fail(said(e))",
     "    except StoreError:\n        raise", CLI),
    ("cli-fail-default-exit-1", "console/cli/context.py", 'def fail(message: str, code: int = 2) -> "None":',
     'def fail(message: str, code: int = 1) -> "None":', CLI),
]


def unpack(rev: str, tree: Path, before: bool) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    if before:
        for t in NEW_TESTS:
            (tree / t).unlink(missing_ok=True)


def run_tests(tree: Path, tests: list[str], timeout: int) -> tuple[int | None, str]:
    # directories as their files, so a file named first and its directory later run once each,
    # in the order given (pytest collects nothing more from a directory whose file it was given)
    files = [str(f.relative_to(tree)) for t in tests for f in
             ([tree / t] if (tree / t).is_file() else sorted((tree / t).rglob("test_*.py")))]
    present = list(dict.fromkeys(files))
    env = dict(os.environ, PYTHONPATH=str(tree))
    try:
        p = subprocess.run([str(PY), "-m", "pytest", "-x", "-q", "-rf", "-p", "no:cacheprovider", *present],
                           cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", p.stdout, re.M)
    return p.returncode, failed[0] if failed else p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", action="store_true", help="without the tests of issue 16 item 9 (NEW_TESTS)")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--only", nargs="*", default=None, help="mutant ids (prefixes) to run")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per mutant (a hang counts as killed)")
    ap.add_argument("--no-baseline", action="store_true", help="skip running each area's tests unmutated first")
    args = ap.parse_args()
    chosen = [m for m in MUTANTS if args.only is None or any(m[0].startswith(o) for o in args.only)]
    if args.list:
        for mid, f, *_ in chosen:
            print(f"{mid:40} {f}")
        return
    tree = Path(f"/tmp/{getpass.getuser()}-mutants/tree-{'before' if args.before else 'after'}")
    unpack(args.rev, tree, args.before)
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    print(f"tree: {args.rev} ({sha}) unpacked in {tree}" + (" without the new tests" if args.before else ""), flush=True)
    if not args.no_baseline:  # a test that fails without a mutant would "kill" every mutant of its area
        for tests in {tuple(m[4]) for m in chosen}:
            rc, why = run_tests(tree, list(tests), args.timeout)
            if rc != 0:
                sys.exit(f"the unmutated tree fails {why} ({' '.join(tests)}): fix that first")
        print("baseline: every area's tests pass unmutated", flush=True)
    counts = {"killed": 0, "survived": 0, "stale": 0}
    rows = []
    for mid, rel, old, new, tests in chosen:
        path = tree / rel
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            counts["stale"] += 1
            rows.append((mid, "stale", f"{rel}: the old text occurs {text.count(old)} times"))
            print(f"{mid:40} stale", flush=True)
            continue
        line = text[:text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new), encoding="utf-8")
        started = time.monotonic()
        try:
            rc, why = run_tests(tree, tests, args.timeout)
        finally:
            path.write_text(text, encoding="utf-8")
        verdict = "survived" if rc == 0 else "killed"
        counts[verdict] += 1
        rows.append((mid, verdict, f"{rel}:{line}  {why if verdict == 'killed' else ''}".rstrip()))
        print(f"{mid:40} {verdict:8} {time.monotonic() - started:5.0f}s  {rel}:{line}  "
              f"{why if verdict == 'killed' else ''}", flush=True)
    judged = counts["killed"] + counts["survived"]
    print(f"\nkilled {counts['killed']} of {judged} ({counts['killed'] / max(1, judged):.0%}), survived "
          f"{counts['survived']}, stale {counts['stale']}")
    for mid, verdict, where in rows:
        if verdict == "survived":
            print(f"  survived: {mid}  {where}")


if __name__ == "__main__":
    sys.exit(main())
