"""The reviewing person of ``operator_day.py``: settles the queue at each day's end, knowing the truth.

Every call into the product is here, through its public functions, so when the queues'
APIs change (paging, true totals, new statuses) only this file follows:

- join requests: ``plugins.entry_rules.queue.queue`` (every waiting request, page by page
  when it pages; a list with a ``limit`` before it did) and ``queue.decide``;
- cases: ``plugins.moderation.cases.list_cases`` (the review queue: ``status='queue'``
  where it exists, ``'open'`` before), ``review_case`` and ``undo_case``;
- tasks and alerts: ``console.tui.ops.close_task`` / ``resolve_alert`` (what the console's
  keys call; no Textual is imported).

The person is what the console would see, and decides as a careful person would with
perfect knowledge: genuine applicants approved, spam rejected with a reason, a case
confirmed when its message (or its person, for cases without one) is what its rule is
for, undone otherwise, every task done, every alert resolved. The truth comes from the
sandbox's own table, read here and nowhere in the product.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PAGE = 500

#: keystrokes a console needs per item (see operator_day.py's docstring for the model)
KEYS = {"approve": 2, "reject": 4, "confirm": 2, "undo": 3, "task": 2, "alert": 2}
KEYS_PER_QUEUE = 2  # open a queue screen (a screen key, then the list)

REASONS = {"ads": "入群后发广告的账号，拒绝 (an account that posts ads)",
           "flood": "刷屏账号，拒绝 (an account that floods groups)",
           "abuse": "辱骂他人的账号，拒绝 (an account that insults members)"}


@dataclass
class DayWork:
    """What waited for the person at a day's end, and what they did with it."""
    queue: Counter = field(default_factory=Counter)  # kind -> items waiting
    by_group: Counter = field(default_factory=Counter)  # group id -> items waiting
    done: Counter = field(default_factory=Counter)  # approve / reject / confirm / undo / task / alert
    refused: Counter = field(default_factory=Counter)  # the product refused the person's decision (kind)
    keys: int = 0

    @property
    def decisions(self) -> int:
        return sum(self.done.values())


def _page(result: Any) -> tuple[list[dict[str, Any]], int | None]:
    """(rows, total) of a listing: a dict with rows and total (paged), or a plain list."""
    if isinstance(result, dict):
        return list(result.get("rows") or []), result.get("total")
    return list(result), None


def _all_pages(call) -> list[dict[str, Any]]:
    """Every row of a paged listing; ``call(offset)`` returns one page."""
    out: list[dict[str, Any]] = []
    while True:
        rows, total = _page(call(len(out)))
        out += rows
        if total is None or not rows or len(out) >= total:
            return out


def waiting_requests(ws) -> list[dict[str, Any]]:
    from plugins.entry_rules import queue as q

    try:
        return _all_pages(lambda off: q.queue(ws, "pending", limit=PAGE, offset=off))
    except TypeError:  # the queue before paging: one list, capped by limit
        return _all_pages(lambda off: q.queue(ws, "pending", limit=10 ** 7))


def open_cases(ws) -> list[dict[str, Any]]:
    from plugins.moderation import cases as mc

    out = []
    for kind in ("penalty", "blacklist"):
        try:
            out += _all_pages(lambda off, k=kind: mc.list_cases(ws, "queue", limit=PAGE, offset=off, kind=k))
        except TypeError:  # before paging and the 'queue' status: open and appealed, listed apart
            for status in ("open", "appealed"):
                out += _all_pages(lambda off, k=kind, s=status: mc.list_cases(ws, s, limit=10 ** 7, kind=k))
    return out


def open_tasks(ws) -> list[dict[str, Any]]:
    return ws.store.query("SELECT id, group_id FROM tasks WHERE status = 'open'")


def open_alerts(ws) -> list[dict[str, Any]]:
    return ws.store.query("SELECT id, group_id FROM alerts WHERE resolved_at IS NULL")


class Person:
    """A careful reviewer who knows the truth of every request, message and person."""

    def __init__(self, ws, connection: str = "sandbox"):
        self.ws, self.connection = ws, connection
        self.platform = ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (connection,), "sandbox")

    # --- the truth (the sandbox's table, never the product's) -----------------------------

    def _truth(self, kind: str) -> dict[str, str]:
        return {r["platform_id"]: r["label"] for r in self.ws.store.query(
            "SELECT platform_id, label FROM sandbox_truth WHERE connection_id = ? AND kind = ?",
            (self.connection, kind))}

    def _flags(self, ids: list[int]) -> dict[int, str]:
        from console.store import rows_in

        return {r[0]: r[1] for r in rows_in(
            self.ws.store, "SELECT id, platform_request_id FROM join_requests WHERE id IN ({marks})", ids)}

    def _conduct_of_people(self) -> dict[int, str]:
        return {r["pid"]: r["label"] for r in self.ws.store.query(
            "SELECT i.person_id AS pid, t.label FROM sandbox_truth t JOIN identities i ON i.platform = ?"
            " AND i.platform_user_id = t.platform_id WHERE t.connection_id = ? AND t.kind = 'conduct'",
            (self.platform, self.connection))}

    def case_is_right(self, case_row: dict[str, Any], evidence: dict[str, Any], rule_kind: str,
                      messages: dict[str, str], conduct: dict[int, str]) -> bool:
        """A rule's case is right when its message is what the rule is for; a case without a
        message (a blacklist, a door check) when its person really is of bad conduct."""
        from plugins.sandbox.truth import TARGETS

        mid = evidence.get("message_id") if isinstance(evidence, dict) else None
        if mid and evidence.get("connection", self.connection) == self.connection:
            return messages.get(mid, "chat") in TARGETS.get(rule_kind, ())
        return bool(conduct.get(case_row["person_id"]))

    # --- a day's work -----------------------------------------------------------------------

    def settle(self, ws=None) -> DayWork:
        from console.tui import ops
        from plugins.entry_rules.policies import PolicyError
        from plugins.entry_rules.queue import decide
        from plugins.moderation.cases import review_case, undo_case

        ws = ws or self.ws
        work = DayWork()
        reqs, cases = waiting_requests(ws), open_cases(ws)
        tasks, alerts = open_tasks(ws), open_alerts(ws)
        for kind, rows in (("join requests", reqs), ("cases", cases), ("tasks", tasks), ("alerts", alerts)):
            work.queue[kind] = len(rows)
            work.by_group.update(r.get("group_id") for r in rows)
            if rows:
                work.keys += KEYS_PER_QUEUE
        # join requests: approve the genuine, reject spam with a reason
        truth, flags = self._truth("request"), self._flags([r["id"] for r in reqs])
        for r in reqs:
            label = truth.get(flags.get(r["id"], ""), "")
            spam = label.startswith("spam:")
            verdict = "reject" if spam else "approve"
            reason = REASONS.get(label.split(":")[1], "spam") if spam else ""
            try:
                decide(ws, r["id"], verdict, reason)
            except (PolicyError, ValueError):
                work.refused["join requests"] += 1
            work.done[verdict] += 1
            work.keys += KEYS[verdict]
        # cases: confirm the right ones, undo the wrong ones
        if cases:
            messages, conduct = self._truth("message"), self._conduct_of_people()
            kinds = {r["name"]: r["kind"] for r in ws.store.query("SELECT name, kind FROM rules")}
            evidence = {r["id"]: json.loads(r["evidence"] or "{}") for r in ws.store.query(
                "SELECT id, evidence FROM cases WHERE status IN ('open', 'appealed')")}
            for c in cases:
                ev = evidence.get(c["id"], {})
                kind = ev.get("model") if c["rule"] == "second_opinion" else kinds.get(c["rule"] or "", c["kind"])
                right = self.case_is_right(c, ev, kind, messages, conduct)
                try:
                    (review_case if right else undo_case)(ws, c["id"], note="operator-day benchmark")
                except ValueError:
                    work.refused["cases"] += 1
                verdict = "confirm" if right else "undo"
                work.done[verdict] += 1
                work.keys += KEYS[verdict]
        for t in tasks:
            ops.close_task(ws, t["id"], "done")
            work.done["task"] += 1
            work.keys += KEYS["task"]
        for a in alerts:
            ops.resolve_alert(ws, a["id"])
            work.done["alert"] += 1
            work.keys += KEYS["alert"]
        return work
