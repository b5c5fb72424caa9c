"""Activity: the live event stream, the outbox (待执行操作) and the audit log (操作日志).

Three tabs, each a paged newest-first table; ``f`` sets a filter (event kind, action
status, audit actor), ``R`` retries the failed actions marked (or the one under the
cursor; ``z`` takes the retry back while they wait). Enter on an outbox row shows the
action in full (its whole error, its parameters), on an event or audit row its detail.
New rows appear as they arrive (the app's live poll) without moving the cursor.
"""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from .. import queries
from ..base import ShequnScreen
from ..audit_words import audit_rows
from ..dialogs import PromptScreen
from ..event_words import event_rows
from ..keymap import bindings
from ..vtable import Column, VirtualTable
from .group_detail import when


class ActivityScreen(ShequnScreen):
    MODE = "activity"
    TITLE_EN = "Activity"
    HELP = ("Events as they arrive, the outbox (pending, done, failed with the reason) and the audit log. "
            "f filters the current tab (event kind; action status such as failed; the audit log by the actor's "
            "stored code: rule:, operator:, plugin:, job: or outbox), space marks and * marks every row shown, "
            "R retries the failed actions marked (z takes it back), enter shows a row in full (an action's whole "
            "error and parameters).")
    BINDINGS = bindings("activity.filter", "activity.retry", "activity.events", "activity.outbox", "activity.audit")
    GUARDED = {"retry": "write"}
    ACTION_TABLES = {"retry": "outbox"}
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
                                    Column("why", "reason", fmt=self.app.shown)], id="outbox", markable=True,
                                   empty="The outbox is empty")
            with TabPane(t("audit log"), id="tab-audit"):
                yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("who", "by", 16),
                                    Column("what", "action", 18 if self.app.lang == "zh-CN" else 24),
                                    Column("on", "target", 20),
                                    Column("said", "detail")], id="audit", empty="Nothing recorded yet")

    def refresh_data(self) -> None:
        ws = self.ws
        t = self.t
        self._set("events", _Decorated(queries.events_source(ws, self.filters["events"]),
                                       page=lambda rows: event_rows(ws, rows, t)))
        self._set("outbox", _Decorated(queries.actions_source(ws, self.filters["outbox"]), _action_row))
        self._set("audit", _Decorated(queries.audit_source(ws, self.filters["audit"]),
                                      page=lambda rows: audit_rows(ws, rows, t, self.app.shown)))
        self._subtitle()

    def _set(self, tid: str, source: Any) -> None:
        table = self.query_one(f"#{tid}", VirtualTable)
        same = table.source is not None and getattr(table.source, "key", None) == source.key
        table.set_source(source, keep_cursor=same)

    def _subtitle(self) -> None:
        active = self._active()
        f = self.filters.get(active, "")
        self.sub_title = self.app.status_line() + (f" · {self.t('filter')}{self.t(': ')}{f}" if f else "")

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
        rows = self.chosen("outbox")
        if not rows or not self.guard("write", []):
            return
        failed = [r for r in rows if r["status"] == "failed"]
        if not failed:
            self.app.notify(self.t("Only failed actions are retried"), severity="warning")
            return
        from ..ops import retry_action
        from ..undo import unretry_action

        actor = f"operator:{self.ws.operator}"

        def label(r: dict[str, Any]) -> str:
            return f"#{r['id']} {self.t(r['kind'])} · {r.get('group_name') or '?'}"

        def journal(result: Any) -> None:
            self.app.record("retry {n} actions", [(label(r), r["id"]) for r in failed if r["id"] in result.done],
                            lambda aid: unretry_action(self.ws, aid, actor))

        if len(failed) == 1:
            from ..bulk import BulkResult

            aid = failed[0]["id"]
            self.do(retry_action, self.ws, aid, done=self.t("Queued again"),
                    then=lambda _: journal(BulkResult(done=[aid])))
            return
        self.bulk(self.t("Retry {n} failed actions", n=len(failed)), [(label(r), r["id"]) for r in failed],
                  lambda aid: retry_action(self.ws, aid), done=self.t("Queued again: {n}"), then=journal)

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        if table_id == "outbox":
            from ..detail_queries import action

            return action(self.ws, row["id"], self.t, self.app.shown)
        if table_id == "audit":
            return self._describe_audit(row)
        return super().describe(table_id, row)

    def _describe_audit(self, row: dict[str, Any]) -> dict[str, Any]:
        """An audit row in words, each part of its detail on a line, then the record as stored."""
        from ..audit_words import SEP
        from ..detail import field_lines

        t = self.t
        stored = f"{row['actor']} · {row['action']}" + (f" · {row['target_type']}:{row['target_id']}"
                                                         if row.get("target_type") else "")
        parts = [p for p in (row.get("said") or "").split(t(SEP)) if p]
        words = {"time": when(row["ts"]), "by": row["who"], "target": row["on"],
                 "detail": "\n".join("  " + p for p in parts) if len(parts) > 1 else "".join(parts),
                 "stored as": stored, "stored detail": row.get("detail") or ""}
        try:
            d = json.loads(row.get("detail") or "{}")
        except ValueError:
            d = {}
        d = d if isinstance(d, dict) else {}
        links = {k: v for k, v in (("group", d.get("group_id")), ("person", d.get("person_id"))) if isinstance(v, int)}
        if row.get("target_type") in ("group", "person") and str(row.get("target_id") or "").isdigit():
            links.setdefault(row["target_type"], int(row["target_id"]))
        return {"title": row["what"], "body": field_lines(words, t), "links": links}


class _Decorated:
    """A source whose rows get display fields added in the worker (JSON parsed off the loop)."""

    def __init__(self, source: Any, fn: Any = None, *, page: Any = None):
        self.source, self.fn, self.page = source, fn, page  # fn: one row; page: a page at once (names in one query)
        self.key = (source.select, source.params)

    def count(self) -> int:
        return self.source.count()

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        got = self.source.rows(offset, limit)
        return self.page(got) if self.page is not None else [self.fn(r) for r in got]


def _action_row(r: dict[str, Any]) -> dict[str, Any]:
    r["why"] = (r.get("last_error") or "") if r["status"] in ("failed", "unsupported") else (r.get("reason") or "")
    return r

