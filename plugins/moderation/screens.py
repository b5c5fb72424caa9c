"""The Moderation screen: cases (review, undo, note) and conduct rules (enable, disable,
dry-run preview over history before enabling).

Enabling a rule first runs ``dryrun.dry_run`` over the last 7 days of stored messages
(in a thread worker) and asks with what it would have done: how many messages, people
and groups. Undo goes through ``cases.undo_case`` (it re-invites where the platform can,
or leaves a task), after a confirmation.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from console.tui.base import ShequnScreen
from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.screens.group_detail import when
from console.tui.vtable import Column, ListSource, VirtualTable

PREVIEW_DAYS = 7


class ModerationScreen(ShequnScreen):
    MODE = "moderation"
    TITLE_EN = "Moderation"
    HELP = ("Cases: v marks reviewed, U undoes (re-invites where the platform allows), n adds a note; f shows "
            "open or all. Rules: e enables or disables (enabling shows a dry-run over the last 7 days first), "
            "D switches dry-run mode, p previews what the rule would have done. 1-2 switch tabs.")
    BINDINGS = [Binding("v", "review", "Reviewed", id="moderation.review"),
                Binding("U", "undo", "Undo", id="moderation.undo"),
                Binding("n", "note", "Note", id="moderation.note"),
                Binding("f", "toggle_open", "Open/all", id="moderation.filter"),
                Binding("e", "toggle_rule", "Enable/disable", id="moderation.enable"),
                Binding("D", "toggle_dry_run", "Dry-run", id="moderation.dry_run"),
                Binding("p", "preview", "Preview", id="moderation.preview"),
                Binding("1", "tab('tab-cases')", "Cases", show=False, id="moderation.cases"),
                Binding("2", "tab('tab-rules')", "Rules", show=False, id="moderation.rules")]
    GUARDED = {"review": "write", "undo": "write", "note": "write", "toggle_rule": "write", "toggle_dry_run": "write"}
    PALETTE = [("Undo the selected case", "screen.undo"), ("Preview a rule over history", "screen.preview")]
    DEFAULT_CSS = """
    ModerationScreen #case-detail { height: 6; padding: 0 1; border-top: solid $panel; }
    ModerationScreen #rule-detail { height: 6; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.only_open = True

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("Cases"), id="tab-cases"):
                yield VirtualTable([Column("opened_at", "time", 11, fmt=when), Column("group_name", "group", 14),
                                    Column("person", "member", 12), Column("rule", "rule", 12),
                                    Column("step", "step", 8, fmt=t), Column("status", "status", 8, fmt=t),
                                    Column("text", "evidence")], id="cases", empty="No cases")
                yield Static("", id="case-detail")
            with TabPane(t("Rules"), id="tab-rules"):
                yield VirtualTable([Column("name", "rule", 16), Column("kind", "kind", 10, fmt=t),
                                    Column("scope", "scope", 12), Column("mode", "state", 8, fmt=t),
                                    Column("open_cases", "open", 5, "right"), Column("summary", "does")],
                                   key="name", id="rules", empty="No conduct rules")
                yield Static("", id="rule-detail")

    def refresh_data(self) -> None:
        self.load(self._read, then=self._show)

    def _read(self) -> dict[str, Any]:
        from .cases import list_cases
        from .rulestore import list_rules

        return {"cases": list_cases(self.ws, "open" if self.only_open else None, limit=500, kind=None),
                "rules": list_rules(self.ws)}

    def _show(self, d: dict[str, Any]) -> None:
        self.query_one("#cases", VirtualTable).set_source(ListSource(d["cases"]), keep_cursor=True)
        self.query_one("#rules", VirtualTable).set_source(ListSource(d["rules"]), keep_cursor=True)
        self.sub_title = (self.t("open cases") if self.only_open else self.t("all cases")) + f": {len(d['cases'])}"
        self.show_why()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def _active(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-cases").removeprefix("tab-")

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        r = event.row
        if event.table.id == "cases":
            text = "" if r is None else (
                f"#{r['id']} {esc(r['person'] or '?')} · {esc(r['group_name'] or '')} · {r['rule'] or ''} · "
                f"{self.t(r['step'] or '')} · {self.t(r['actor'] or '')}\n{esc(r['text'] or '')}")
            self.query_one("#case-detail", Static).update(text)
        else:
            text = "" if r is None else f"{esc(r['name'])}: {esc(r['summary'] or '')}\n{esc(str(r['config']))[:300]}"
            self.query_one("#rule-detail", Static).update(text)

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if event.table.id == "cases" and event.row.get("person_id"):
            self.app.open_person(event.row["person_id"])

    # --- cases -------------------------------------------------------------------------

    def _case(self) -> dict[str, Any] | None:
        if self._active() != "cases":
            self.action_tab("tab-cases")
            return None
        row = self.query_one("#cases", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("No case selected"), severity="warning")
        return row

    def action_toggle_open(self) -> None:
        self.only_open = not self.only_open
        self.refresh_data()

    def action_review(self) -> None:
        c = self._case()
        if c and self.guard("write", []):
            from .cases import review_case

            self.do(review_case, self.ws, c["id"], done=self.t("Saved"))

    def action_note(self) -> None:
        c = self._case()
        if c and self.guard("write", []):
            from .cases import add_note

            self.app.push_screen(PromptScreen(self.t("Note")),
                                 lambda text: text and self.do(add_note, self.ws, c["id"], text, done=self.t("Saved")))

    def action_undo(self) -> None:
        c = self._case()
        if not c or not self.guard("write", []):
            return
        from .cases import undo_case

        groups = c.get("groups_touched") or 1
        q = self.t("Undo case {id}: {step} of {person} in {groups} groups?", id=c["id"], step=self.t(c["step"] or ""),
                   person=c["person"] or "?", groups=groups)
        self.app.push_screen(ConfirmScreen(q, self.t("Re-invited where the platform allows; otherwise a task."),
                                           yes=self.t("Confirm"), no=self.t("Cancel")),
                             lambda ok: ok and self.do(undo_case, self.ws, c["id"], done=self.t("Undone")))

    # --- rules ------------------------------------------------------------------------------

    def _rule(self) -> dict[str, Any] | None:
        if self._active() != "rules":
            self.action_tab("tab-rules")
            return None
        row = self.query_one("#rules", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("No rule selected"), severity="warning")
        return row

    def _dry(self, name: str) -> dict[str, Any]:
        from .dryrun import dry_run

        rows = [r for r in dry_run(self.ws, name, self.ws.now() - PREVIEW_DAYS * 86400) if r.get("message_id")]
        return {"n": len(rows), "people": len({r["person_id"] for r in rows}),
                "groups": len({r["group_id"] for r in rows}), "rows": rows}

    def action_preview(self) -> None:
        r = self._rule()
        if r is None:
            return

        def show(d: dict[str, Any]) -> None:
            lines = [self.t("Last {days} days: {n} messages, {people} people, {groups} groups", days=PREVIEW_DAYS,
                            n=d["n"], people=d["people"], groups=d["groups"])]
            lines += [f"{x['time']} {esc(x['group'])} {esc(x['person'])} {x['step']} {esc(x['matched'])}: "
                      f"{esc(x['text'][:60])}" for x in d["rows"][-4:]]
            self.query_one("#rule-detail", Static).update("\n".join(lines))

        self.load(self._dry, r["name"], then=show, group="preview")

    def action_toggle_rule(self) -> None:
        r = self._rule()
        if not r or not self.guard("write", []):
            return
        from .rulestore import set_rule_enabled

        if r["enabled"]:
            self.do(set_rule_enabled, self.ws, r["name"], False, done=self.t("Saved"))
            return

        def ask(d: dict[str, Any]) -> None:
            q = self.t("Enable {name}? Over the last {days} days it would have acted on {n} messages of {people} "
                       "people in {groups} groups.", name=r["name"], days=PREVIEW_DAYS, n=d["n"], people=d["people"],
                       groups=d["groups"])
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(set_rule_enabled, self.ws, r["name"], True,
                                                           done=self.t("Saved")))

        self.load(self._dry, r["name"], then=ask, group="preview")

    def action_toggle_dry_run(self) -> None:
        r = self._rule()
        if r and self.guard("write", []):
            from .rulestore import set_rule_dry_run

            self.do(set_rule_dry_run, self.ws, r["name"], not r["dry_run"], done=self.t("Saved"))
