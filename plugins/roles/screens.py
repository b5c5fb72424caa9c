"""The Roles screen (社群运营团队): the staffing matrix with guideline warnings; assign and unassign.

Reads ``guidelines.staffing`` (one row per group: owner, admins, cheer squad, KOLs,
insiders, status and the reasons) in a thread worker. ``+`` assigns roles to people in
the marked groups (or the group under the cursor), ``-`` takes them away. What is typed
("李雷 admin, 王芳 cheer, 1234 cheer") is checked before anything is asked: every name
must name one person (a name several people share opens a list to choose from, with
their ids, platform ids and groups), every person must be a member of the groups, and
only then the confirmation names the people, their roles and the groups. The change goes
through ``assign.assign``/``assign.unassign`` (which queue the platform side, set_admin,
where the platform can) and is undone with ``z``.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from shequn.tui import (ChoiceScreen, Column, ConfirmScreen, ListSource, PromptScreen, ShequnScreen, VirtualTable,
                        bindings, define)

ROLES = ("owner", "admin", "kol", "cheer")
define({"roles.assign": ("plus", "assign", "Assign", True),
        "roles.unassign": ("minus", "unassign", "Unassign", True),
        "roles.problems": ("f", "only_problems", "Problems only", True)})


def parse(text: str) -> list[tuple[str, str]] | None:
    """"李雷 admin, 王芳 cheer" as [(who, role)]; None when a part has no known role."""
    out = []
    for part in re.split(r"[,，;；、]", text):
        part = part.strip()
        if not part:
            continue
        who, _, role = part.rpartition(" ")
        if role.lower() not in ROLES or not who.strip():
            return None
        out.append((who.strip(), role.lower()))
    return out or None


class RolesScreen(ShequnScreen):
    MODE = "roles"
    TITLE_EN = "Roles"
    HELP = ("The staffing matrix: owner, admins (guideline 1-3), cheer squad (2-3), KOLs and insiders per group. "
            "Red rows are understaffed, yellow overstaffed, with the reason. Space marks groups; + assigns roles "
            "(type who and which role, several at once: `李雷 admin, 王芳 cheer`), - unassigns; a name several people "
            "share is chosen from a list before anything is confirmed; z undoes; enter opens the group.")
    BINDINGS = bindings("roles.assign", "roles.unassign", "roles.problems")
    GUARDED = {"assign": "write", "unassign": "write"}
    ACTION_TABLES = {"assign": "matrix", "unassign": "matrix"}
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
                            Column("owner", "owner", 10), Column("admins", "admin", 6, "right"),
                            Column("cheer", "cheer", 6, "right"), Column("kols", "KOL", 4, "right"),
                            Column("insiders", "insider", 7, "right"), Column("state", "state", 15, fmt=t)],
                           key="group_id", markable=True, id="matrix", empty="No groups")
        yield Static("", id="reasons")

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
        self.query_one("#reasons", Static).update(self.t("; ").join(self.app.shown(x) for x in r["reasons"])
                                                  if r else "")

    def open_row(self, table: VirtualTable, row: dict[str, Any]) -> None:
        self.app.open_group(row["group_id"])

    def action_only_problems(self) -> None:
        self.only_problems = not self.only_problems
        self._show(self.rows)

    def action_assign(self) -> None:
        self._change("assign")

    def action_unassign(self) -> None:
        self._change("unassign")

    # --- who, checked before the question ----------------------------------------------------------

    def _change(self, what: str) -> None:
        rows = self.chosen("matrix")
        if not rows or not self.guard("write", []):
            return
        groups = [(r["group_id"], r["group"]) for r in rows]

        def got(text: str | None) -> None:
            if not text:
                return
            wanted = parse(text)
            if wanted is None:
                self.app.notify(self.t("Type who and a role (owner, admin, kol, cheer), e.g. `Li Lei cheer`"),
                                severity="error")
                return
            self.load(self._resolve, wanted, [g for g, _ in groups], what,
                      then=lambda found: self._choose(found, [], groups, what), group="resolve")

        self.app.push_screen(PromptScreen(self.t("Who and which role, several with commas (e.g. `李雷 admin, 王芳 "
                                                 "cheer` or `1234 admin`)")), got)

    def _resolve(self, wanted: list[tuple[str, str]], gids: list[int], what: str) -> list[Any]:
        """(In a worker) each (who, role) with its candidates, or the reason nobody matches."""
        from .lookup import LookupProblem
        from .pick import candidates

        out = []
        for who, role in wanted:
            try:
                out.append((who, role, candidates(self.ws, who, gids)))
            except LookupProblem as e:
                out.append((who, role, str(e)))
        return out

    def _choose(self, found: list[Any], picked: list[tuple[dict[str, Any], str]], groups: list[tuple[int, str]],
                what: str) -> None:
        """One name at a time: a single match is taken, several are chosen from, none stops here."""
        t = self.t
        if not found:
            self.load(self._check, picked, [g for g, _ in groups], what,
                      then=lambda problems: self._confirm(picked, groups, what, problems), group="resolve")
            return
        (who, role, got), rest = found[0], found[1:]
        if isinstance(got, str):
            self.app.notify(self.app.shown(got), title=t("Nothing was asked or changed"), severity="error")
            return
        if len(got) == 1:
            self._choose(rest, picked + [(got[0], role)], groups, what)
            return
        options = [(f"#{c['id']} {c['display_name']} · {', '.join(c['identities']) or '-'} · "
                    + (t("in {groups}", groups="、".join(c["groups"][:4])) if c["groups"] else t("in no group")), c)
                   for c in got]

        def chose(c: dict[str, Any] | None) -> None:
            if c is not None:
                self._choose(rest, picked + [(c, role)], groups, what)

        self.app.push_screen(ChoiceScreen(t("{n} people are called {who}: which one?", n=len(got), who=who),
                                          options), chose)

    def _check(self, picked: list[tuple[dict[str, Any], str]], gids: list[int], what: str) -> list[str]:
        """(In a worker) why the change would be refused, before asking: not a member."""
        from .pick import not_member_of

        if what != "assign":
            return []
        return [self.t("{who} is not a member of {groups}", who=p["display_name"], groups="、".join(missing))
                for p, _ in picked if (missing := not_member_of(self.ws, p["id"], gids))]

    def _confirm(self, picked: list[tuple[dict[str, Any], str]], groups: list[tuple[int, str]], what: str,
                 problems: list[str]) -> None:
        t = self.t
        if problems:
            self.app.notify("\n".join(problems), title=t("Nothing was asked or changed"), severity="error")
            return
        people = "、".join(f"{p['display_name']} (#{p['id']}) {t(role)}" for p, role in picked)
        names = "、".join(name for _, name in groups[:10]) + (" …" if len(groups) > 10 else "")
        q = t("{what} {people} in {n} groups?", what=t(what), people=people, n=len(groups))
        self.app.push_screen(ConfirmScreen(q, t("groups: {names}", names=names), yes=t("Confirm"), no=t("Cancel")),
                             lambda ok: ok and self._run(what, picked, [g for g, _ in groups]))

    def _run(self, what: str, picked: list[tuple[dict[str, Any], str]], gids: list[int]) -> None:
        from . import assign as roles_assign

        actor = f"operator:{self.ws.operator}"
        fn = roles_assign.assign if what == "assign" else roles_assign.unassign
        back = roles_assign.unassign if what == "assign" else roles_assign.assign
        changed = "assigned" if what == "assign" else "unassigned"

        def one(arg: tuple[int, str, int]) -> str:
            pid, role, gid = arg
            res = fn(self.ws, pid, [gid], role, actor)
            if not any(r["result"] == changed for r in res):
                raise ValueError(self.t("nothing to change: already so"))
            return ""

        items = [(f"{p['display_name']} · {self.t(role)} · {self._group_name(gid)}", (p["id"], role, gid))
                 for p, role in picked for gid in gids]

        def journal(result: Any) -> None:
            self.app.record("assign {n} roles" if what == "assign" else "unassign {n} roles",
                            [(label, arg) for label, arg in items if arg in result.done],
                            lambda arg: back(self.ws, arg[0], [arg[2]], arg[1], actor) and "")

        self.bulk(self.t("{what}: {n} roles", what=self.t(what), n=len(items)), items, one,
                  done=self.t("Saved: {n}"), then=journal)

    def _group_name(self, gid: int) -> str:
        return next((r["group"] for r in self.rows if r["group_id"] == gid), f"#{gid}")
