"""Owner's queue: everything waiting on the signed-in owner (config ``console.owner``)
across platforms: join requests, open cases, tasks (fix nickname, create sibling,
invite cheer squad...) and alerts.

Enter opens the item's detail (the request's comment and answer, the alert's cause,
the task's instructions) and from there its group; ``y``/``x`` approve or reject the
join requests marked (or the one under the cursor; a rejection takes a reason from a
list of recent ones or typed), ``l`` leaves them held, ``D`` marks tasks done, ``X``
resolves alerts (until their cause changes), ``f`` filters by kind, group and age, space
marks and ``*`` marks every row shown. With no owner configured the queue covers every
group (a solo operator owns everything). The title shows the true total, and the table
pages through every row (console.queues orders them: urgent and live first).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from .. import queries
from ..base import ShequnScreen
from ..decide import ask_and_decide
from ..dialogs import PromptScreen
from ..keymap import bindings
from ..vtable import Column, VirtualTable
from .group_detail import when

KIND_OF = {"approve": "join request", "reject": "join request", "hold": "join request", "done": "task",
           "resolve": "alert"}


class OwnerScreen(ShequnScreen):
    MODE = "owner"
    TITLE_EN = "Owner's queue"
    HELP = ("Everything waiting on you (config console.owner) across platforms, urgent alerts and live join "
            "requests first. Enter shows an item in full (and opens its group). Space marks, * marks every row "
            "shown; y approves and x rejects the join requests marked (or the one under the cursor), l leaves them "
            "held, D marks tasks done, X resolves alerts (until their cause changes); z undoes. f filters: `alert`, "
            "`join`, `case` or `task`; `>2d` or `<6h` by age; `#12` or words of a group's name.")
    BINDINGS = bindings("owner.filter", "owner.approve", "owner.reject", "owner.hold", "owner.done", "owner.resolve")
    GUARDED = {"approve": "approve_join", "reject": "reject_join", "hold": "write", "done": "write", "resolve": "write"}
    ACTION_TABLES = {a: "queue" for a in KIND_OF}

    def body(self) -> ComposeResult:
        t = self.t
        yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "kind", 12, fmt=t),
                            Column("platform", "platform", 8, fmt=t), Column("group_name", "group", 16),
                            Column("what", "what", fmt=self.app.shown)],
                           key="key", markable=True, id="queue", empty="Nothing is waiting on you")

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.total = 0

    def refresh_data(self) -> None:
        self.load(queries.owner_queue_page, self.ws, self.ws.settings.console.owner, self.filter_text,
                  then=self._show)

    def _show(self, page: dict[str, Any]) -> None:
        self.total = page["total"]
        source = _Worded(page["source"], self.t)
        self.query_one("#queue", VirtualTable).set_source(source, keep_cursor=True,
                                                          preloaded=(page["total"], source.word(page["rows"])))
        owner = self.ws.settings.console.owner or self.t("every group")
        counts = self.t(", ").join(f"{self.t(k)} {n}" for k, n in page["counts"].items() if n)
        line = f"{owner} · " + self.t("{n} waiting", n=page["total"]) + (self.t(" ({items})", items=counts)
                                                                         if counts else "")
        if self.filter_text:
            line += f" · {self.t('filter')}{self.t(': ')}{self.filter_text}"
        self.sub_title = line
        self.show_why()

    def action_filter(self) -> None:
        def got(value: str | None) -> None:
            if value is None:
                return
            from ...queues import FilterError, parse_filter

            try:
                parse_filter(value)
            except FilterError as e:
                self.app.notify(self.t("Filter not applied: {error}", error=self.t(e.template, **e.values)),
                                severity="warning")
                return
            self.filter_text = value.strip()
            self.refresh_data()

        self.app.push_screen(PromptScreen(self.t("Filter: alert, join, case, task; >2d or <6h; #12 or a group's name"
                                                 " (empty for everything)"), self.filter_text, required=False), got)

    def focus_on(self, arg: Any) -> None:
        """The dashboard's lines open the queue filtered to one kind ("task", "alert")."""
        self.filter_text = str(arg or "")
        self.refresh_data()

    def group_ids_for_guard(self) -> list[int]:
        row = self.query_one("#queue", VirtualTable).current_row
        return [row["group_id"]] if row and row.get("group_id") else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        wanted = KIND_OF.get(action)
        if wanted:
            try:
                table = self.query_one("#queue", VirtualTable)
            except Exception:
                return None
            if not any(r.get("kind") == wanted for r in table.chosen):
                return None  # dimmed: nothing of that kind under the cursor or marked
        return super().check_action(action, parameters)

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        self.show_why()

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        from ..detail_queries import describe_queue_row

        return describe_queue_row(self.ws, row, self.t, self.app.shown)

    # --- acts (on the marked rows of the act's kind, or the row under the cursor) ---------------

    def action_approve(self) -> None:
        self._decide("approve")

    def action_reject(self) -> None:
        self._decide("reject")

    def action_hold(self) -> None:
        self._decide("hold")

    def _decide(self, verdict: str) -> None:
        rows = self.chosen("queue", ("join request",))
        kind = "approve_join" if verdict == "approve" else "reject_join" if verdict == "reject" else "write"
        if rows and self.guard(kind, sorted({r["group_id"] for r in rows if r.get("group_id")})):
            from ..ops import decide_request, recent_reasons

            ask_and_decide(self, rows, verdict, decide=lambda rid, v, reason: decide_request(self.ws, rid, v, reason),
                           presets=[self.t("Your request does not meet this group's entry rules")],
                           recent=lambda: recent_reasons(self.ws))

    def action_done(self) -> None:
        rows = self.chosen("queue", ("task",))
        if rows and self.guard("write", []):
            from ..ops import close_task

            self.bulk(self.t("Mark {n} tasks done", n=len(rows)), [(r["what"], r["id"]) for r in rows],
                      lambda tid: close_task(self.ws, tid), done=self.t("Tasks done: {n}"))

    def action_resolve(self) -> None:
        rows = self.chosen("queue", ("alert",))
        if rows and self.guard("write", []):
            from ..ops import resolve_alert

            self.bulk(self.t("Resolve {n} alerts", n=len(rows)), [(self.app.shown(r["what"]), r["id"]) for r in rows],
                      lambda aid: resolve_alert(self.ws, aid), done=self.t("Alerts resolved: {n}"))


class _Worded:
    """The queue's rows with a case's rule and ladder step in words ("ads blacklist" is
    "广告 拉黑" in the Chinese console; "mute:10" reads "mute 10 min")."""

    def __init__(self, source: Any, t: Any):
        self.source, self.t = source, t

    def count(self) -> int:
        return self.source.count()

    def counts(self) -> dict[str, int]:
        return self.source.counts()

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.word(self.source.rows(offset, limit))

    def word(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from ...words import step_text

        for r in rows:
            if r.get("kind") == "case" and ": " in (r.get("what") or "") and not r.get("_worded"):
                who, _, what = r["what"].rpartition(": ")
                rule, _, step = what.partition(" ")
                r["what"] = who + self.t(": ") + " ".join(x for x in (self.t(rule), step_text(self.t, step)) if x)
                r["_worded"] = True
        return rows
