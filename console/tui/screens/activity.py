"""Activity: the live event stream, the outbox (待执行操作) and the audit log (操作日志).

Three tabs, each a paged newest-first table; ``f`` sets a filter (event kind, action
status, audit actor), ``R`` retries a failed action. New rows appear as they arrive
(the app's live poll) without moving the cursor.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane

from .. import queries
from ..base import ShequnScreen
from ..dialogs import PromptScreen
from ..vtable import Column, VirtualTable
from .group_detail import when


class ActivityScreen(ShequnScreen):
    MODE = "activity"
    TITLE_EN = "Activity"
    HELP = ("Events as they arrive, the outbox (pending, done, failed with the reason) and the audit log. "
            "f filters the current tab (event kind; action status such as failed; audit actor such as rule: or "
            "operator:), R retries a failed action, enter on an event opens its group.")
    BINDINGS = [Binding("f", "filter", "Filter", id="activity.filter"),
                Binding("R", "retry", "Retry", id="activity.retry"),
                Binding("1", "tab('tab-events')", "Events", show=False, id="activity.events"),
                Binding("2", "tab('tab-outbox')", "Outbox", show=False, id="activity.outbox"),
                Binding("3", "tab('tab-audit')", "Audit log", show=False, id="activity.audit")]
    GUARDED = {"retry": "write"}
    PALETTE = [("Show failed actions", "screen.show_failed"), ("Filter", "screen.filter")]

    def __init__(self) -> None:
        super().__init__()
        self.filters = {"events": "", "outbox": "", "audit": ""}

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("Events"), id="tab-events"):
                yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "kind", 9, fmt=t),
                                    Column("group_name", "group", 16), Column("person", "member", 12),
                                    Column("detail", "detail")], id="events", empty="No events yet")
            with TabPane(t("outbox"), id="tab-outbox"):
                yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "action", 10, fmt=t),
                                    Column("status", "status", 9, fmt=t), Column("group_name", "group", 14),
                                    Column("person", "member", 10), Column("requested_by", "by", 14),
                                    Column("why", "reason")], id="outbox", empty="The outbox is empty")
            with TabPane(t("audit log"), id="tab-audit"):
                yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("actor", "by", 18),
                                    Column("action", "action", 20), Column("target", "target", 12),
                                    Column("detail", "detail")], id="audit", empty="Nothing recorded yet")

    def refresh_data(self) -> None:
        ws = self.ws
        self._set("events", _Decorated(queries.events_source(ws, self.filters["events"]), _event_row))
        self._set("outbox", _Decorated(queries.actions_source(ws, self.filters["outbox"]), _action_row))
        self._set("audit", _Decorated(queries.audit_source(ws, self.filters["audit"]), _audit_row))
        self._subtitle()

    def _set(self, tid: str, source: Any) -> None:
        table = self.query_one(f"#{tid}", VirtualTable)
        same = table.source is not None and getattr(table.source, "key", None) == source.key
        table.set_source(source, keep_cursor=same)

    def _subtitle(self) -> None:
        active = self._active()
        f = self.filters.get(active, "")
        self.sub_title = self.app.status_line() + (f" · {self.t('filter')}: {f}" if f else "")

    def _active(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-events").removeprefix("tab-")

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_filter(self) -> None:
        active = self._active()
        hint = {"events": "Event kind (join, leave, message, join_request...; empty for all)",
                "outbox": "Action status (pending, running, done, failed, unsupported; empty for all)",
                "audit": "Actor prefix (operator:, rule:, plugin:...; empty for all)"}[active]

        def got(value: str | None) -> None:
            if value is None:
                return
            self.filters[active] = value.strip()
            self.refresh_data()

        self.app.push_screen(PromptScreen(self.t(hint), self.filters[active], required=False), got)

    def focus_on(self, arg: Any) -> None:
        if arg == "failed":
            self.action_show_failed()
        elif arg:
            self.filters["events"] = str(arg)
            self.action_tab("tab-events")
            self.refresh_data()

    def action_show_failed(self) -> None:
        self.filters["outbox"] = "failed"
        self.action_tab("tab-outbox")
        self.refresh_data()

    def action_retry(self) -> None:
        if not self.guard("write", []):
            return
        if self._active() != "outbox":
            self.action_tab("tab-outbox")
            return
        row = self.query_one("#outbox", VirtualTable).current_row
        if not row or row["status"] != "failed":
            self.app.notify(self.t("Only failed actions are retried"), severity="warning")
            return
        from ..ops import retry_action

        self.do(retry_action, self.ws, row["id"], done=self.t("Queued again"))

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        gid = event.row.get("group_id")
        if gid:
            self.app.open_group(gid)


class _Decorated:
    """A source whose rows get display fields added in the worker (JSON parsed off the loop)."""

    def __init__(self, source: Any, fn: Any):
        self.source, self.fn = source, fn
        self.key = (source.select, source.params)

    def count(self) -> int:
        return self.source.count()

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return [self.fn(r) for r in self.source.rows(offset, limit)]


def _event_row(r: dict[str, Any]) -> dict[str, Any]:
    r["detail"] = queries.short_data(r.get("data"))
    return r


def _action_row(r: dict[str, Any]) -> dict[str, Any]:
    r["why"] = (r.get("last_error") or "") if r["status"] in ("failed", "unsupported") else (r.get("reason") or "")
    return r


def _audit_row(r: dict[str, Any]) -> dict[str, Any]:
    r["target"] = f"{r['target_type'] or ''}:{r['target_id'] or ''}".strip(":")
    r["detail"] = queries.short_data(r.get("detail"))
    return r
