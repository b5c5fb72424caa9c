"""The Roles screen (社群运营团队): the staffing matrix with guideline warnings; assign and unassign.

Reads ``guidelines.staffing`` (one row per group: owner, admins, cheer squad, KOLs,
insiders, status and the reasons) in a thread worker. ``a`` assigns a role to someone
in the marked groups (or the group under the cursor), ``u`` takes it away; both go
through ``assign.assign``/``assign.unassign``, which refuse the whole change with a
reason (not a member, a second owner...) and queue the platform side (set_admin)
where the platform can.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from console.tui.base import ShequnScreen
from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.vtable import Column, ListSource, VirtualTable

ROLES = ("owner", "admin", "kol", "cheer")


class RolesScreen(ShequnScreen):
    MODE = "roles"
    TITLE_EN = "Roles"
    HELP = ("The staffing matrix: owner, admins (guideline 1-3), cheer squad (2-3), KOLs and insiders per group. "
            "Red rows are understaffed, yellow overstaffed, with the reason. Space marks groups; a assigns a role "
            "(type who and which role, e.g. `Li Lei cheer`), u unassigns; enter opens the group.")
    BINDINGS = [Binding("a", "assign", "Assign", id="roles.assign"),
                Binding("u", "unassign", "Unassign", id="roles.unassign"),
                Binding("space", "mark", "Mark", id="roles.mark"),
                Binding("f", "only_problems", "Problems only", id="roles.problems")]
    GUARDED = {"assign": "write", "unassign": "write"}
    PALETTE = [("Assign a role", "screen.assign"), ("Unassign a role", "screen.unassign"),
               ("Show only understaffed groups", "screen.only_problems")]
    DEFAULT_CSS = "RolesScreen #reasons { height: 3; padding: 0 1; color: $warning; }"

    def __init__(self) -> None:
        super().__init__()
        self.only_problems = False
        self.rows: list[dict[str, Any]] = []

    def body(self) -> ComposeResult:
        t = self.t
        yield VirtualTable([Column("group", "group"), Column("type", "type", 7, fmt=t),
                            Column("owner", "owner", 10), Column("admins", "admin", 5, "right"),
                            Column("cheer", "cheer", 6, "right"), Column("kols", "KOL", 4, "right"),
                            Column("insiders", "insider", 6, "right"), Column("state", "state", 15, fmt=t)],
                           key="group_id", markable=True, id="matrix", empty="No groups")
        yield Static("", id="reasons")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#matrix").focus()

    def refresh_data(self) -> None:
        from .guidelines import staffing

        self.load(staffing, self.ws, then=self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            r["state"] = {"understaffed": "✗ understaffed", "overstaffed": "! overstaffed"}.get(r["status"], "ok")
        self.rows = rows
        shown = [r for r in rows if r["status"] != "ok"] if self.only_problems else rows
        self.query_one("#matrix", VirtualTable).set_source(ListSource(shown), keep_cursor=True)
        bad = sum(1 for r in rows if r["status"] == "understaffed")
        self.sub_title = self.t("{n} groups understaffed", n=bad) + f" / {len(rows)}"
        self.show_why()

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        r = event.row
        self.query_one("#reasons", Static).update("; ".join(r["reasons"]) if r else "")

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        self.app.open_group(event.row["group_id"])

    def action_mark(self) -> None:
        self.query_one("#matrix", VirtualTable).action_mark()

    def action_only_problems(self) -> None:
        self.only_problems = not self.only_problems
        self._show(self.rows)

    def _groups(self) -> list[int]:
        return [r["group_id"] for r in self.query_one("#matrix", VirtualTable).chosen]

    def action_assign(self) -> None:
        self._change("assign")

    def action_unassign(self) -> None:
        self._change("unassign")

    def _change(self, what: str) -> None:
        if not self.guard("write", []):
            return
        gids = self._groups()
        if not gids:
            self.app.notify(self.t("No group selected"), severity="warning")
            return

        def got(text: str | None) -> None:
            if not text:
                return
            who, _, role = text.strip().rpartition(" ")
            if role not in ROLES or not who:
                self.app.notify(self.t("Type who and a role (owner, admin, kol, cheer), e.g. `Li Lei cheer`"),
                                severity="error")
                return
            q = self.t("{what} {role} for {who} in {n} groups?", what=self.t(what), role=self.t(role), who=who,
                       n=len(gids))
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self._run(what, who, role, gids))

        self.app.push_screen(PromptScreen(self.t("Who and which role (e.g. `Li Lei cheer` or `1234 admin`)")), got)

    def _run(self, what: str, who: str, role: str, gids: list[int]) -> None:
        from . import assign as roles_assign
        from .lookup import resolve_person

        def run() -> int:
            person = resolve_person(self.ws, who)
            fn = roles_assign.assign if what == "assign" else roles_assign.unassign
            return len(fn(self.ws, person["id"], gids, role, f"operator:{self.ws.operator}"))

        self.do(run, done=self.t("Saved"))
