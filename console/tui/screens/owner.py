"""Owner's queue: everything waiting on the signed-in owner (config ``console.owner``)
across platforms: join requests, open cases, tasks (fix nickname, create sibling,
invite cheer squad...) and alerts.

Enter opens the item's group; ``a``/``x`` approve or reject a join request (with a
reason), ``D`` marks a task done, ``X`` resolves an alert (it stays resolved until its
cause changes), ``f`` filters by kind, group and age. With no owner configured the queue
covers every group (a solo operator owns everything). The title shows the true total,
and the table pages through every row (console.queues orders them: urgent and live first).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding

from .. import queries
from ..base import ShequnScreen
from ..dialogs import PromptScreen
from ..vtable import Column, VirtualTable
from .group_detail import when


class OwnerScreen(ShequnScreen):
    MODE = "owner"
    TITLE_EN = "Owner's queue"
    HELP = ("Everything waiting on you (config console.owner) across platforms, urgent alerts and live join "
            "requests first. Enter opens the group; a approves and x rejects a join request, D marks a task done, "
            "X resolves an alert (until its cause changes). f filters: alert, join, case or task; >2d or <6h by "
            "age; #12 or words of a group's name.")
    BINDINGS = [Binding("f", "filter", "Filter", id="owner.filter"),
                Binding("a", "approve", "Approve", id="owner.approve"),
                Binding("x", "reject", "Reject", id="owner.reject"),
                Binding("D", "done", "Task done", id="owner.done"),
                Binding("X", "resolve", "Resolve alert", id="owner.resolve")]
    GUARDED = {"approve": "approve_join", "reject": "reject_join", "done": "write", "resolve": "write"}

    def body(self) -> ComposeResult:
        t = self.t
        yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "kind", 12, fmt=t),
                            Column("platform", "platform", 8), Column("group_name", "group", 16),
                            Column("what", "what")], key="key", id="queue", empty="Nothing is waiting on you")

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.total = 0

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#queue").focus()

    def refresh_data(self) -> None:
        self.load(queries.owner_queue_page, self.ws, self.ws.settings.console.owner, self.filter_text,
                  then=self._show)

    def _show(self, page: dict[str, Any]) -> None:
        self.total = page["total"]
        self.query_one("#queue", VirtualTable).set_source(page["source"], keep_cursor=True,
                                                          preloaded=(page["total"], page["rows"]))
        owner = self.ws.settings.console.owner or self.t("every group")
        counts = self.t(", ").join(f"{self.t(k)} {n}" for k, n in page["counts"].items() if n)
        line = f"{owner} · " + self.t("{n} waiting", n=page["total"]) + (self.t(" ({items})", items=counts)
                                                                         if counts else "")
        if self.filter_text:
            line += f" · {self.t('filter')}: {self.filter_text}"
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
        row = None
        try:
            row = self.query_one("#queue", VirtualTable).current_row
        except Exception:
            pass
        wanted = {"approve": "join request", "reject": "join request", "done": "task", "resolve": "alert"}.get(action)
        if wanted and (row is None or row["kind"] != wanted):
            return None
        return super().check_action(action, parameters)

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        self.show_why()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if event.row.get("group_id"):
            self.app.open_group(event.row["group_id"])

    def _row(self, kind: str) -> dict[str, Any] | None:
        row = self.query_one("#queue", VirtualTable).current_row
        if row is None or row["kind"] != kind:
            self.app.notify(self.t("Select a {kind} first", kind=self.t(kind)), severity="warning")
            return None
        return row

    def action_approve(self) -> None:
        row = self._row("join request")
        if row and self.guard("approve_join", [row["group_id"]]):
            from ..ops import decide_request

            self.do(decide_request, self.ws, row["id"], "approve", self.t("approved by hand"), done=self.t("Approved"))

    def action_reject(self) -> None:
        row = self._row("join request")
        if not row or not self.guard("reject_join", [row["group_id"]]):
            return
        from ..ops import decide_request

        self.app.push_screen(PromptScreen(self.t("Reason (shown to the applicant)")),
                             lambda reason: reason and self.do(decide_request, self.ws, row["id"], "reject", reason,
                                                               done=self.t("Rejected")))

    def action_done(self) -> None:
        row = self._row("task")
        if row and self.guard("write", []):
            from ..ops import close_task

            self.do(close_task, self.ws, row["id"], done=self.t("Task done"))

    def action_resolve(self) -> None:
        row = self._row("alert")
        if row and self.guard("write", []):
            from ..ops import resolve_alert

            self.do(resolve_alert, self.ws, row["id"], done=self.t("Alert resolved"))

