"""The Workflows screen: the join queue, entry policies, welcome templates with a live
preview, and announcements.

Everything it changes goes through this plugin's functions (``api.decide``,
``policies.set_enabled``, ``welcome.preview_welcome``), which check, audit and queue
the platform side; the screen only reads and asks. Decisions on the queue are the
console's (console.tui.decide): on the marked requests or the one under the cursor,
a rejection with a reason from the presets for the groups' types, the operator's recent
reasons or typed, confirmed naming the groups and people, run with progress and a
summary of failures, told when the platform answers, and undone with ``z``.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from rich.markup import escape as esc
from textual.containers import Vertical
from textual.widgets import Input, Static, TabbedContent, TabPane

from shequn.tui import (PAGE, Column, ListSource, ShequnScreen, VirtualTable, actor_text, ask_and_decide, bindings,
                        define, edit_rule, field_lines, rule_text, scope_text, when)

from .queue import QueueSource

define({"workflows.approve": ("y", "approve", "Approve", True),
        "workflows.reject": ("x", "reject", "Reject", True),
        "workflows.hold": ("l", "hold", "Leave held", True),
        "workflows.enable": ("e", "toggle_enabled", "Enable/disable", True),
        "workflows.edit_rule": ("E", "edit_rule", "Edit rule", True),
        "workflows.dry_run": ("D", "toggle_dry_run", "Dry-run", True),
        "workflows.queue": ("1", "tab('tab-queue')", "join queue", False),
        "workflows.policies": ("2", "tab('tab-policies')", "Policies", False),
        "workflows.welcome": ("3", "tab('tab-welcome')", "welcome message", False),
        "workflows.announcements": ("4", "tab('tab-announce')", "announcement", False)})


def waited(seconds: Any) -> str:
    """The CLI's format too (console.numbers.duration): 29d16h, not 712h05m."""
    from shequn.numbers import duration

    return duration(seconds or 0)


class ShownQueue(QueueSource):
    """The waiting requests as the table draws them, a page at a time (the true count)."""

    def __init__(self, ws) -> None:
        super().__init__(ws, "pending")

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        out = super().rows(offset, limit)
        for r in out:
            r["wait"] = ("⚑ " if r["flagged"] else "") + waited(r["waited"])
            r["left"] = waited(r["expires_in"]) if r["expires_in"] is not None else ""
            r["say"] = (r["would_have"] or r["status"], r["reason"] or "")  # words on screen: WorkflowsScreen.say
        return out


class WorkflowsScreen(ShequnScreen):
    MODE = "workflows"
    TITLE_EN = "Workflows"
    HELP = ("The join queue: space marks requests, * marks every one shown; y approves, x rejects with a reason "
            "the applicant sees (a preset, a recent one or typed), l leaves them held; enter shows a request in full; "
            "z undoes. Entry policies per group type and group (e enables or disables, E edits one with its preview "
            "before saving, D toggles dry-run), welcome templates with a live preview (type in the box), and "
            "announcements. 1-4 switch tabs.")
    BINDINGS = bindings("workflows.approve", "workflows.reject", "workflows.hold", "workflows.enable", "workflows.edit_rule",
                        "workflows.dry_run", "workflows.queue", "workflows.policies", "workflows.welcome",
                        "workflows.announcements")
    GUARDED = {"approve": "approve_join", "reject": "reject_join", "hold": "write", "toggle_enabled": "write",
               "edit_rule": "write",
               "toggle_dry_run": "write"}
    ACTION_TABLES = {"approve": "queue", "reject": "queue", "hold": "queue", "toggle_enabled": "policies",
                     "edit_rule": "policies",
                     "toggle_dry_run": "policies"}
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
        self.names: dict[int, str] = {}  # a group-scoped policy's group by its name (群：会员福利2群, not 群：4)

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("join queue"), id="tab-queue"):
                yield VirtualTable([Column("requested_at", "time", 11, fmt=when), Column("group_name", "group", 16),
                                    Column("person", "member", 12), Column("comment", "comment"),
                                    Column("wait", "waited", 9, "right"), Column("left", "expires in", 10, "right"),
                                    Column("say", "rule says", fmt=self.say)],
                                   id="queue", markable=True, empty="Nobody is waiting")
            with TabPane(t("Policies"), id="tab-policies"):
                yield VirtualTable([Column("name", "rule", fmt=self.rule), Column("kind", "kind", 10, fmt=t),
                                    Column("scope", "scope", 18, fmt=self.scope), Column("state", "state", 9, fmt=t),
                                    Column("summary", "does")], key="name", id="policies",
                                   empty="No entry policies")
                yield Static("", id="policy-detail")
            with TabPane(t("welcome message"), id="tab-welcome"):
                with Vertical():
                    yield Input(placeholder=t("welcome template, e.g. Welcome {nickname} to {group}! {rules}"),
                                id="template", name="welcome template")
                    yield Static("", id="preview")
                    yield VirtualTable([Column("name", "rule", 26, fmt=self.rule),
                                        Column("scope", "scope", 18, fmt=self.scope),
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
        from .policies import describe_policy, policies
        from .words import group_names

        source = ShownQueue(self.ws)
        total = source.count()
        rows = policies(self.ws)
        for p in rows:  # the summary in the console's language (the CLI's is English)
            p["summary"] = describe_policy(p["kind"], p["config"], self.t)
        return {"queue": source, "first": (total, source.rows(0, PAGE)), "policies": rows,
                "announcements": announcements(self.ws), "names": group_names(self.ws)}

    def scope(self, value: Any) -> str:
        return scope_text(self.t, value, self.names)

    def rule(self, value: Any) -> str:
        return rule_text(self.t, value, self.names)

    def say(self, value: Any) -> str:
        """What the rule said about a request: its verdict and reason, in the console's words."""
        verdict, reason = value if isinstance(value, tuple) else (value, "")
        verdict = {"pending": "waiting"}.get(verdict, verdict)  # a request's pending, not an action's
        return self.t(verdict or "") + (self.t(": ") + self.app.shown(reason) if reason else "")

    def _show(self, d: dict[str, Any]) -> None:
        self.names = d["names"]
        table = self.query_one("#queue", VirtualTable)
        table.set_source(d["queue"], keep_cursor=True, preloaded=d["first"])
        for p in d["policies"]:
            p["state"] = "dry-run" if p["dry_run"] else ("enabled" if p["enabled"] else "switched off")
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

    def group_ids_for_guard(self) -> list[int]:
        try:
            rows = self.query_one("#queue", VirtualTable).chosen
        except Exception:
            return []
        return sorted({r["group_id"] for r in rows if r.get("group_id")})

    def policy_line(self, row: dict[str, Any]) -> str:
        """The policy under the cursor as a person reads it: what it does in words (the summary
        `shequn entry show` prints, policies.describe_policy) and its state, not its config's
        keys and codes ("modes: referral, invite" read as 推荐制 / 邀请制); the whole config is a
        key away, in the editor E opens (not offered read-only, where E refuses)."""
        line = esc(row.get("summary") or "-") + esc(self.t(" · ")) + esc(self.t(row.get("state") or ""))
        return line if self.app.read_only else line + "\n" + esc(self.t("E shows and edits its whole config"))

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        if event.table.id == "policies" and event.row:
            self.query_one("#policy-detail", Static).update(self.policy_line(event.row))
        elif event.table.id == "welcomes" and event.row:
            self.query_one("#template", Input).value = event.row.get("template", "")
        self.show_why()

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        if table_id == "queue":
            from shequn.tui import join_request_detail

            return join_request_detail(self.ws, row["id"], self.t, self.app.shown)
        if table_id == "policies":  # in words, as the line under the table; the config is E's
            t = self.t
            words = {"rule": self.rule(row["name"]), "kind": t(row["kind"]), "scope": self.scope(row["scope"]),
                     "state": t(row.get("state") or ""), "does": row.get("summary") or "",
                     "by": actor_text(t, row.get("updated_by")) if row.get("updated_by") else "",
                     "updated": when(row["updated_at"]) if row.get("updated_at") else ""}
            return {"title": self.rule(row["name"]), "body": field_lines(words, t), "links": {}}
        return super().describe(table_id, row)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "template":
            return
        from .welcome import preview_welcome

        try:
            text = preview_welcome(self.ws, event.value) if event.value else ""
        except Exception as e:  # the template's problem, in the plugin's words
            text = f"[red]{e}[/]"
        self.query_one("#preview", Static).update(text)

    # --- the queue: on the marked requests, or the one under the cursor ---------------------------

    def _requests(self, kind: str) -> list[dict[str, Any]]:
        rows = self.chosen("queue")
        if rows and self.guard(kind, sorted({r["group_id"] for r in rows if r.get("group_id")})):
            return rows
        return []

    def _decide(self, verdict: str, kind: str) -> None:
        rows = self._requests(kind)
        if not rows:
            return
        from .api import decide, recent_reasons, reject_presets

        types = [r["type"] for r in self.ws.store.query(
            f"SELECT DISTINCT type FROM groups WHERE id IN ({','.join('?' * len(rows))})", [r["group_id"] for r in rows])]
        ask_and_decide(self, rows, verdict, decide=lambda rid, v, reason: decide(self.ws, rid, v, reason),
                       presets=reject_presets(self.ws, types) if verdict == "reject" else [],
                       recent=lambda: recent_reasons(self.ws))

    def action_approve(self) -> None:
        self._decide("approve", "approve_join")

    def action_reject(self) -> None:
        self._decide("reject", "reject_join")

    def action_hold(self) -> None:
        self._decide("hold", "write")

    # --- policies ---------------------------------------------------------------------------

    def _policy(self) -> dict[str, Any] | None:
        rows = self.chosen("policies")
        return rows[0] if rows else None

    def action_toggle_enabled(self) -> None:
        p = self._policy()
        if p and self.guard("write", []):
            from .policies import set_enabled

            self.do(lambda: set_enabled(self.ws, p["name"], enabled=not p["enabled"]), done=self.t("Saved"))

    def action_edit_rule(self) -> None:
        """E on the Policies tab: the policy under the cursor in the host's rule editor, previewed before saving."""
        p = self._policy()
        if p and self.guard("write", []):
            edit_rule(self.app, p["name"])

    def action_toggle_dry_run(self) -> None:
        p = self._policy()
        if p and self.guard("write", []):
            from .policies import set_enabled

            self.do(lambda: set_enabled(self.ws, p["name"], dry_run=not p["dry_run"]), done=self.t("Saved"))
