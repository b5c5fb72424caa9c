"""The Workflows screen: the join queue, entry policies, welcome templates with a live
preview, and announcements.

Everything it changes goes through this plugin's functions (``queue.decide``,
``policies.set_enabled``, ``welcome.preview_welcome``), which check, audit and queue
the platform side; the screen only reads and asks.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static, TabbedContent, TabPane

from console.tui.base import ShequnScreen
from console.tui.dialogs import PromptScreen
from console.tui.screens.group_detail import when
from console.tui.vtable import PAGE, Column, ListSource, VirtualTable

from .queue import QueueSource


def waited(seconds: Any) -> str:
    s = int(seconds or 0)
    return f"{s // 3600}h{(s % 3600) // 60:02d}m" if s >= 3600 else f"{s // 60}m"


class ShownQueue(QueueSource):
    """The waiting requests as the table draws them, a page at a time (the true count)."""

    def __init__(self, ws) -> None:
        super().__init__(ws, "pending")

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        out = super().rows(offset, limit)
        for r in out:
            r["wait"] = ("⚑ " if r["flagged"] else "") + waited(r["waited"])
            r["left"] = waited(r["expires_in"]) if r["expires_in"] is not None else ""
            r["say"] = f"{r['would_have'] or r['status']}: {r['reason'] or ''}".strip(": ")
        return out


class WorkflowsScreen(ShequnScreen):
    MODE = "workflows"
    TITLE_EN = "Workflows"
    HELP = ("The join queue (a approves, x rejects with a reason the applicant sees, l leaves it held for later), "
            "entry policies per group type and group (e enables or disables, D toggles dry-run), welcome "
            "templates with a live preview (type in the box), and announcements. 1-4 switch tabs.")
    BINDINGS = [Binding("a", "approve", "Approve", id="workflows.approve"),
                Binding("x", "reject", "Reject", id="workflows.reject"),
                Binding("l", "hold", "Leave held", id="workflows.hold"),
                Binding("e", "toggle_enabled", "Enable/disable", id="workflows.enable"),
                Binding("D", "toggle_dry_run", "Dry-run", id="workflows.dry_run"),
                Binding("1", "tab('tab-queue')", "join queue", show=False, id="workflows.queue"),
                Binding("2", "tab('tab-policies')", "Policies", show=False, id="workflows.policies"),
                Binding("3", "tab('tab-welcome')", "welcome message", show=False, id="workflows.welcome"),
                Binding("4", "tab('tab-announce')", "announcement", show=False, id="workflows.announcements")]
    GUARDED = {"approve": "approve_join", "reject": "reject_join", "hold": "write", "toggle_enabled": "write",
               "toggle_dry_run": "write"}
    PALETTE = [("Approve the selected join request", "screen.approve"),
               ("Reject the selected join request", "screen.reject"),
               ("Preview a welcome message", "screen.tab('tab-welcome')")]
    DEFAULT_CSS = """
    WorkflowsScreen #preview { height: auto; min-height: 3; border: round $accent; padding: 0 1; }
    WorkflowsScreen #template { height: 3; }
    WorkflowsScreen #policy-detail { height: 3; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.welcome: list[dict[str, Any]] = []
        self.sent: dict[int, str] = {}  # request id -> verdict sent from here, until the platform answers

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("join queue"), id="tab-queue"):
                yield VirtualTable([Column("requested_at", "time", 11, fmt=when), Column("group_name", "group", 16),
                                    Column("person", "member", 12), Column("comment", "comment"),
                                    Column("wait", "waited", 9, "right"), Column("left", "expires in", 10, "right"),
                                    Column("say", "rule says", 16)],
                                   id="queue", empty="Nobody is waiting")
            with TabPane(t("Policies"), id="tab-policies"):
                yield VirtualTable([Column("name", "rule"), Column("kind", "kind", 10, fmt=t),
                                    Column("scope", "scope", 14), Column("state", "state", 9, fmt=t),
                                    Column("summary", "does")], key="name", id="policies",
                                   empty="No entry policies")
                yield Static("", id="policy-detail")
            with TabPane(t("welcome message"), id="tab-welcome"):
                with Vertical():
                    yield Input(placeholder=t("welcome template, e.g. Welcome {nickname} to {group}! {rules}"),
                                id="template")
                    yield Static("", id="preview")
                    yield VirtualTable([Column("name", "rule", 20), Column("scope", "scope", 14),
                                        Column("template", "template")], key="name", id="welcomes",
                                       empty="No welcome policies")
            with TabPane(t("announcement"), id="tab-announce"):
                yield VirtualTable([Column("id", "id", 5, "right"), Column("title", "title"),
                                    Column("groups", "groups", 6, "right"), Column("posted", "posted", 6, "right"),
                                    Column("created_by", "by", 16)], id="announcements",
                                   empty="No announcements yet")

    def refresh_data(self) -> None:
        self.load(self._read, then=self._show)

    def _read(self) -> dict[str, Any]:
        from .announcements import announcements
        from .policies import policies

        source = ShownQueue(self.ws)
        total = source.count()
        return {"queue": source, "first": (total, source.rows(0, PAGE)), "policies": policies(self.ws),
                "announcements": announcements(self.ws), "answers": self._answers()}

    def _answers(self) -> list[dict[str, Any]]:
        """The platform's answers to decisions made on this screen, not yet told."""
        if not self.sent:
            return []
        marks = ",".join("?" * len(self.sent))
        return self.ws.store.query(f"SELECT id, status, reason, decided_at FROM join_requests WHERE id IN ({marks})"
                                   " AND status NOT IN ('approving', 'rejecting')", list(self.sent))

    def _show(self, d: dict[str, Any]) -> None:
        table = self.query_one("#queue", VirtualTable)
        table.set_source(d["queue"], keep_cursor=True, preloaded=d["first"])
        for a in d["answers"]:
            verdict = self.sent.pop(a["id"], None)
            if a["status"] == "held":  # refused: back in the queue with the platform's words
                self.app.notify(a["reason"] or "", severity="error",
                                title=self.t("Join request {id}: not done", id=a["id"]))
            elif a["status"] == "expired":
                self.app.notify(self.t("The platform no longer keeps this request"), severity="warning",
                                title=self.t("Join request {id}: expired", id=a["id"]))
            elif verdict:
                self.app.notify(self.t("Join request {id}: {status}", id=a["id"], status=self.t(a["status"])))
        for p in d["policies"]:
            p["state"] = "dry-run" if p["dry_run"] else ("enabled" if p["enabled"] else "disabled")
        self.query_one("#policies", VirtualTable).set_source(ListSource(d["policies"]), keep_cursor=True)
        self.welcome = [dict(p, template=p["config"].get("template", "")) for p in d["policies"]
                        if p["kind"] == "welcome"]
        self.query_one("#welcomes", VirtualTable).set_source(ListSource(self.welcome), keep_cursor=True)
        self.query_one("#announcements", VirtualTable).set_source(ListSource(d["announcements"]), keep_cursor=True)
        n = d["first"][0]
        self.sub_title = self.t("{n} waiting", n=f"{n:,}")
        self.show_why()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def _active(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-queue").removeprefix("tab-")

    def group_ids_for_guard(self) -> list[int]:
        try:
            row = self.query_one("#queue", VirtualTable).current_row
        except Exception:
            return []
        return [row["group_id"]] if row and row.get("group_id") else []

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        if event.table.id == "policies" and event.row:
            self.query_one("#policy-detail", Static).update(str(event.row.get("config", "")))
        elif event.table.id == "welcomes" and event.row:
            self.query_one("#template", Input).value = event.row.get("template", "")
        self.show_why()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if event.table.id == "queue" and event.row.get("person_id"):
            self.app.open_person(event.row["person_id"])

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "template":
            return
        from .welcome import preview_welcome

        try:
            text = preview_welcome(self.ws, event.value) if event.value else ""
        except Exception as e:  # the template's problem, in the plugin's words
            text = f"[red]{e}[/]"
        self.query_one("#preview", Static).update(text)

    # --- the queue -----------------------------------------------------------------------

    def _request(self) -> dict[str, Any] | None:
        if self._active() != "queue":
            self.action_tab("tab-queue")
            return None
        row = self.query_one("#queue", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("Nobody is waiting"), severity="warning")
        return row

    def _decide(self, row: dict[str, Any], verdict: str, reason: str) -> None:
        from .queue import decide

        def sent(req: dict[str, Any]) -> None:
            if req and req["status"] in ("approving", "rejecting"):
                self.sent[req["id"]] = verdict  # told when the platform answers (live refresh)

        done = self.t("Held") if verdict == "hold" else self.t("Sent to the platform; waiting for its answer")
        self.do(decide, self.ws, row["id"], verdict, reason, done=done, then=sent)

    def action_approve(self) -> None:
        row = self._request()
        if row and self.guard("approve_join", [row["group_id"]]):
            self._decide(row, "approve", "")

    def action_reject(self) -> None:
        row = self._request()
        if row and self.guard("reject_join", [row["group_id"]]):
            self.app.push_screen(PromptScreen(self.t("Reason (shown to the applicant)")),
                                 lambda reason: reason and self._decide(row, "reject", reason))

    def action_hold(self) -> None:
        row = self._request()
        if row and self.guard("write", []):
            self._decide(row, "hold", "")

    # --- policies ---------------------------------------------------------------------------

    def _policy(self) -> dict[str, Any] | None:
        if self._active() != "policies":
            self.action_tab("tab-policies")
            return None
        return self.query_one("#policies", VirtualTable).current_row

    def action_toggle_enabled(self) -> None:
        p = self._policy()
        if p and self.guard("write", []):
            from .policies import set_enabled

            self.do(lambda: set_enabled(self.ws, p["name"], enabled=not p["enabled"]), done=self.t("Saved"))

    def action_toggle_dry_run(self) -> None:
        p = self._policy()
        if p and self.guard("write", []):
            from .policies import set_enabled

            self.do(lambda: set_enabled(self.ws, p["name"], dry_run=not p["dry_run"]), done=self.t("Saved"))
