"""Owner's queue: everything waiting on the signed-in owner (config ``console.owner``)
across platforms: join requests, open cases, tasks (fix nickname, create sibling,
invite cheer squad...) and alerts.

Enter opens the item's group; ``a``/``x`` approve or reject a join request (with a
reason), ``D`` marks a task done, ``X`` resolves an alert. With no owner configured
the queue covers every group (a solo operator owns everything).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding

from .. import queries
from ..base import ShequnScreen
from ..dialogs import PromptScreen
from ..vtable import Column, ListSource, VirtualTable
from .group_detail import when


class OwnerScreen(ShequnScreen):
    MODE = "owner"
    TITLE_EN = "Owner's queue"
    HELP = ("Everything waiting on you (config console.owner) across platforms. Enter opens the group; "
            "a approves and x rejects a join request, D marks a task done, X resolves an alert.")
    BINDINGS = [Binding("a", "approve", "Approve", id="owner.approve"),
                Binding("x", "reject", "Reject", id="owner.reject"),
                Binding("D", "done", "Task done", id="owner.done"),
                Binding("X", "resolve", "Resolve alert", id="owner.resolve")]
    GUARDED = {"approve": "approve_join", "reject": "reject_join", "done": "write", "resolve": "write"}

    def body(self) -> ComposeResult:
        t = self.t
        yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "kind", 10, fmt=t),
                            Column("platform", "platform", 8), Column("group_name", "group", 16),
                            Column("what", "what")], key="key", id="queue", empty="Nothing is waiting on you")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#queue").focus()

    def refresh_data(self) -> None:
        self.load(queries.owner_queue, self.ws, self.ws.settings.console.owner, then=self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.query_one("#queue", VirtualTable).set_source(ListSource(rows), keep_cursor=True)
        owner = self.ws.settings.console.owner or self.t("every group")
        self.sub_title = f"{owner} · " + self.t("{n} waiting", n=len(rows))
        self.show_why()

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
