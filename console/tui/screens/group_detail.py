"""A group's detail: members (paged), roles, policies, recent events, cases.

Pushed over any screen (escape goes back). Kick (``K``) and mute (``u``) act on the
marked members, or the one under the cursor, of the Members tab only (on another tab
they are dimmed: they never reach a row the operator cannot see), after a reason and a
confirmation naming the people and the group; ``J`` marks everyone who joined in the
last N minutes (a raid's newcomers). They are disabled with the reason when the group's
platform cannot do them or the console is read-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent, TabPane

from .. import queries
from ..base import ZONE, ShequnScreen  # ZONE: the operator's zone, set by the app from ws.tz
from ..decide import names
from .. import group_switches as switches
from ..dialogs import ConfirmScreen, PromptScreen
from ..keymap import bindings
from ..vtable import Column, ListSource, VirtualTable
from ...words import rule_text, scope_text, step_text


def when(ts: Any) -> str:
    """Month-day hour:minute in the operator's time zone (config operator.timezone)."""
    if not ts:
        return ""
    return datetime.fromtimestamp(int(ts), ZONE[0]).strftime("%m-%d %H:%M")


class GroupDetailScreen(ShequnScreen):
    TITLE_EN = "Group"
    HELP = ("One group: its members (space marks, * marks every one, J marks who joined in the last minutes you "
            "give, K kicks, u mutes, enter opens a person), roles, the policies that apply to it, recent events and "
            "cases. Kick and mute act on the Members tab only. e sets the group's theme, tier and capacity, B schedules "
            "an announcement, E on the Policies tab edits the rule with its dry-run preview. Escape drops the marks, "
            "then goes back.")
    BINDINGS = bindings("group.kick", "group.mute", "group.mark_recent", "group.schedule", "group.edit",
                        "group.mute_all", "group.rename",
                        "group.edit_rule")
    GUARDED = {"kick": "kick", "mute": "mute", "schedule": "write", "edit_group": "write",
               "mute_all": "whole_mute", "rename_group": "set_group_name", "edit_rule": "write"}
    ACTION_TABLES = {"kick": "members", "mute": "members", "mark_recent": "members", "edit_rule": "policies"}
    DEFAULT_CSS = """
    GroupDetailScreen #info { height: auto; padding: 0 1; }
    GroupDetailScreen TabbedContent { height: 1fr; }
    GroupDetailScreen TabPane { padding: 0; }
    """

    def __init__(self, group_id: int):
        super().__init__()
        self.group_id = group_id
        self.MODE = ""

    def body(self) -> ComposeResult:
        t = self.t
        yield Static("", id="info")
        with TabbedContent(id="tabs"):
            with TabPane(t("Members"), id="tab-members"):
                yield VirtualTable([Column("name", "member"), Column("group_nickname", "group nickname"),
                                    Column("platform_role", "role", 7, fmt=t),
                                    Column("joined_at", "joined", 11, fmt=when),
                                    Column("message_count", "messages", 8, "right")],
                                   markable=True, id="members", empty="No members")
            with TabPane(t("Roles"), id="tab-roles"):
                yield VirtualTable([Column("role", "role", 10, fmt=t), Column("person", "member"),
                                    Column("platform_state", "on platform", 12), Column("assigned_by", "by", 16)],
                                   id="roles", empty="No roles assigned")
            with TabPane(t("Policies"), id="tab-policies"):
                yield VirtualTable([Column("name", "rule", fmt=lambda v: rule_text(t, v)),
                                    Column("kind", "kind", 12, fmt=t),
                                    Column("plugin", "plugin", 12),
                                    Column("scope", "scope", 12, fmt=lambda v: scope_text(t, v)),
                                    Column("state", "state", 10, fmt=t)],
                                   id="policies", empty="No rules apply")
            with TabPane(t("Events"), id="tab-events"):
                yield VirtualTable([Column("ts", "time", 11, fmt=when), Column("kind", "kind", 9, fmt=t),
                                    Column("person", "member", 14), Column("detail", "detail")],
                                   id="events", empty="No events yet")
            with TabPane(t("Cases"), id="tab-cases"):
                yield VirtualTable([Column("opened_at", "time", 11, fmt=when), Column("person", "member", 14),
                                    Column("rule", "rule", fmt=t), Column("step", "step", 8, fmt=lambda v: step_text(t, v)),
                                    Column("status", "status", 8, fmt=lambda v: t("to review" if v == "open" else v))], id="cases",
                                   empty="No cases")

    def refresh_data(self) -> None:
        self.load(queries.group_detail, self.ws, self.group_id, then=self._show)
        members = self.query_one("#members", VirtualTable)
        if members.source is None:
            members.set_source(queries.GroupMembersSource(self.ws, self.group_id))
        else:
            members.reload()

    def _show(self, d: dict[str, Any]) -> None:
        g = d["group"]
        if not g:
            self.query_one("#info", Static).update(self.t("This group no longer exists"))
            return
        self.title = f"{self.t('Group')}{self.t(': ')}{g['name']}"
        self.group_name = g["name"]
        self.group_row = g  # what e (theme, tier, capacity) starts from
        cap = f"/{g['capacity']}" if g.get("capacity") else ""
        # the group row is here already: no query on the event loop
        conn = g.get("connection_id")
        caps = self.t(", ").join(self.t(str(c)) for c in sorted(self.ws.capabilities(conn) if conn else ())) or "-"
        self.query_one("#info", Static).update(
            f"[b]{esc(g['name'])}[/]  {g['platform']} · {self.t(g['type'])} · {self.t('members')} {g['member_count']}{cap}"
            f" · {self.t('theme')}{self.t(': ')}{esc(g['theme'] or '-')} · {self.t('tier')}{self.t(': ')}{g['tier'] or '-'}"
            f" · {self.t('family')}{self.t(': ')}{g['family'] or '-'} · {self.t(g['status'])}\n"
            f"[dim]{self.t('platform can')}{self.t(': ')}{caps}[/]")
        self.query_one("#roles", VirtualTable).set_source(ListSource(d["roles"]), keep_cursor=True)
        for p in d["policies"]:
            p["scope"] = "all" if p["scope_type"] == "all" else f"{p['scope_type']}:{p['scope_value']}"
            p["state"] = "dry-run" if p["dry_run"] else ("enabled" if p["enabled"] else "disabled")
        self.query_one("#policies", VirtualTable).set_source(ListSource(d["policies"]), keep_cursor=True)
        for e in d["events"]:
            e["detail"] = queries.short_data(e["data"])
        self.query_one("#events", VirtualTable).set_source(ListSource(d["events"]), keep_cursor=True)
        self.query_one("#cases", VirtualTable).set_source(ListSource(d["cases"]), keep_cursor=True)
        self.show_why()

    def group_ids_for_guard(self) -> list[int]:
        return [self.group_id]

    def open_row(self, table: VirtualTable, row: dict[str, Any]) -> None:
        if table.id == "members":
            self.app.open_person(row["id"])
        elif table.id == "roles":
            self.app.open_person(row["person_id"])
        else:
            self.show_detail(table, row)

    def action_schedule(self) -> None:
        """B: an announcement in this group at a time (console.tui.schedule_dialog)."""
        from ..schedule_dialog import schedule

        if self.guard("write", []):
            schedule(self, [{"id": self.group_id, "name": getattr(self, "group_name", f"#{self.group_id}")}])

    def action_edit_group(self) -> None:
        """e: this group's theme, tier and capacity (console.tui.group_edit)."""
        from ..group_edit import edit_groups

        if getattr(self, "group_row", None) and self.guard("write", []):
            edit_groups(self, [self.group_row])

    def action_edit_rule(self) -> None:
        """E on the Policies tab: the rule under the cursor, with its dry-run preview before saving (rule_edit)."""
        from ..rule_edit import edit_rule

        rows = self.chosen("policies")
        if rows and self.guard("write", []):
            edit_rule(self.app, rows[0]["name"])

    def action_mute_all(self) -> None:
        switches.mute_all(self)  # M: whole-group mute on or off, confirmed naming the group

    def action_rename_group(self) -> None:
        switches.rename(self)  # R: a new name, confirmed naming the group

    def _targets(self) -> list[dict[str, Any]]:
        return self.chosen("members")

    def action_mark_recent(self) -> None:
        """Mark the members who joined in the last N minutes (a selection for K or u)."""
        table = self.active_table("members")
        if table is None:
            return

        def got(text: str | None) -> None:
            if not text:
                return
            if not text.strip().isdigit() or not 1 <= int(text) <= 7 * 24 * 60:
                self.app.notify(self.t("Give a number of minutes from 1 to 10080"), severity="warning")
                return
            since = self.ws.now() - int(text) * 60

            def marked(rows: list[dict[str, Any]]) -> None:
                table.marked = {r["id"]: r for r in rows}
                table._marks_changed()
                self.app.notify(self.t("{n} members joined in the last {m} minutes", n=len(rows), m=int(text)))

            self.load(lambda: self.ws.store.query(
                "SELECT m.person_id AS id, p.display_name AS name, m.joined_at FROM memberships m JOIN people p ON"
                " p.id = m.person_id WHERE m.group_id = ? AND m.status = 'member' AND m.joined_at >= ? ORDER BY m.id",
                (self.group_id, since)), then=marked, group="mark-recent")

        self.app.push_screen(PromptScreen(self.t("Mark who joined in the last how many minutes?")), got)

    def action_kick(self) -> None:
        self._penalise("kick", {})

    def action_mute(self) -> None:
        self._penalise("mute", {"duration": 3600})

    def _penalise(self, kind: str, params: dict[str, Any]) -> None:
        rows = self._targets()
        if not rows or not self.guard(kind, [self.group_id]):
            return

        def got_reason(reason: str | None) -> None:
            if not reason:
                return
            who = names([r["name"] for r in rows])
            q = self.t("{what} {people} people in {group}?", what=self.t(kind), people=len(rows), group=getattr(self, "group_name", f"#{self.group_id}"))
            from ..ops import act_on_members

            targets = [(self.group_id, r["id"]) for r in rows]
            self.app.push_screen(
                ConfirmScreen(q, f"{who}\n" + self.t("reason: {reason}", reason=reason), yes=self.t(kind.capitalize()),
                              no=self.t("Cancel")),
                lambda ok: ok and self.do(act_on_members, self.ws, kind, targets, reason, params,
                                          done=self.t("{n} actions queued", n=len(targets))))

        self.app.push_screen(PromptScreen(self.t("Reason (recorded with the action)")), got_reason)
