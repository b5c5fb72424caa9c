"""The Moderation screen: the review queue of cases (review, undo, undo and teach the rule,
note), conduct rules with their measured precision (enable, disable, dry-run preview over
history before enabling), the blacklist, silent newcomers and groups holding joins after a
burst (lift, extend). Every table reads one page at a time with the true total.

Enabling a rule first runs ``dryrun.dry_run`` over the last 7 days of stored messages
(in a thread worker) and asks with what it would have done: how many messages, people
and groups. Undo goes through ``cases.undo_case`` (it re-invites where the platform can,
or leaves a task), after a confirmation.
"""

from __future__ import annotations

import json
from functools import partial
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


class PageSource:
    """A table source over a function returning ``{"total", "rows"}`` for (limit, offset)."""

    def __init__(self, fn):
        self.fn = fn

    def count(self) -> int:
        return self.fn(1, 0)["total"]

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.fn(limit, offset)["rows"]


class ModerationScreen(ShequnScreen):
    MODE = "moderation"
    TITLE_EN = "Moderation"
    HELP = ("Cases: the queue holds removals, appeals and an audit sample of what rules settled. v marks "
            "reviewed, U undoes (re-invites where the platform allows), T undoes and allows the matched text in the "
            "rule, P undoes and allows the member in the rule, n adds a note; f shows the queue or all. Rules: e "
            "enables or disables (enabling shows a dry-run over the last 7 days first), D switches dry-run mode, p "
            "previews what the rule would have done. Blacklist: x removes the entry. Raids: L lifts the hold, X "
            "holds 30 minutes more, H mutes everyone who joined in the last minutes you give. 1-5 switch tabs.")
    BINDINGS = [Binding("v", "review", "Reviewed", id="moderation.review"),
                Binding("U", "undo", "Undo", id="moderation.undo"),
                Binding("T", "undo('text')", "Undo, allow text", id="moderation.undo_text"),
                Binding("P", "undo('person')", "Undo, allow member", id="moderation.undo_person"),
                Binding("x", "unblacklist", "Remove from blacklist", show=False, id="moderation.unblacklist"),
                Binding("L", "raid_lift", "Lift hold", show=False, id="moderation.raid_lift"),
                Binding("X", "raid_extend", "Hold 30 min more", show=False, id="moderation.raid_extend"),
                Binding("H", "raid_hold", "Mute latest joiners", show=False, id="moderation.raid_hold"),
                Binding("n", "note", "Note", id="moderation.note"),
                Binding("f", "toggle_open", "Open/all", id="moderation.filter"),
                Binding("e", "toggle_rule", "Enable/disable", id="moderation.enable"),
                Binding("D", "toggle_dry_run", "Dry-run", id="moderation.dry_run"),
                Binding("p", "preview", "Preview", id="moderation.preview"),
                Binding("1", "tab('tab-cases')", "Cases", show=False, id="moderation.cases"),
                Binding("2", "tab('tab-rules')", "Rules", show=False, id="moderation.rules"),
                Binding("3", "tab('tab-blacklist')", "Blacklist", show=False, id="moderation.blacklist"),
                Binding("4", "tab('tab-newcomers')", "Newcomers", show=False, id="moderation.newcomers"),
                Binding("5", "tab('tab-raids')", "Raids", show=False, id="moderation.raids")]
    GUARDED = {"review": "write", "undo": "write", "note": "write", "toggle_rule": "write", "toggle_dry_run": "write",
               "unblacklist": "write", "raid_lift": "write", "raid_extend": "write", "raid_hold": "write"}
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
                                    Column("step", "step", 9, fmt=t), Column("status", "status", 10, fmt=t),
                                    Column("text", "evidence")], id="cases", empty="No cases")
                yield Static("", id="case-detail")
            with TabPane(t("Rules"), id="tab-rules"):
                yield VirtualTable([Column("name", "rule", 14), Column("kind", "kind", 8, fmt=t),
                                    Column("mode", "state", 8, fmt=t), Column("open_cases", "open", 5, "right"),
                                    Column("settled", "settled", 7, "right"), Column("confirmed", "confirmed", 9, "right"),
                                    Column("overturned", "overturned", 10, "right"),
                                    Column("measured", "precision", 16, "right"),
                                    Column("settles", "settles", 8, fmt=lambda v: t("yes") if v else t("no")),
                                    Column("summary", "does")],
                                   key="name", id="rules", empty="No conduct rules")
                yield Static("", id="rule-detail")
            with TabPane(t("Blacklist"), id="tab-blacklist"):
                yield VirtualTable([Column("person", "member", 14), Column("scope", "scope", 12),
                                    Column("added_by", "by", 16), Column("added_at", "time", 11, fmt=when),
                                    Column("reason", "reason")], id="blacklist", empty="Nobody is blacklisted")
            with TabPane(t("Newcomers"), id="tab-newcomers"):
                yield VirtualTable([Column("joined_at", "joined", 11, fmt=when), Column("group_name", "group", 16),
                                    Column("person", "member", 14), Column("silent_days", "days silent", 11, "right"),
                                    Column("join_scene", "how joined")], key="person_id", id="newcomers",
                                   empty="No silent newcomers")
            with TabPane(t("Raids"), id="tab-raids"):
                yield VirtualTable([Column("group_name", "group", 18), Column("joins", "joins", 6, "right"),
                                    Column("started_at", "since", 11, fmt=when), Column("until", "held until", 11, fmt=when)],
                                   key="group_id", id="raids", empty="No group is holding joins")

    def refresh_data(self) -> None:
        self.load(self._read, then=self._show)

    def _read(self) -> dict[str, Any]:
        from .cases import CaseSource
        from .door import blacklist_page
        from .probation import silent_newcomers
        from .raid import raid_groups
        from .rulestore import list_rules

        cases = CaseSource(self.ws, "queue" if self.only_open else None, kind=None)
        return {"cases": cases, "total": cases.count(), "rules": list_rules(self.ws),
                "blacklist": PageSource(partial(blacklist_page, self.ws)),
                "newcomers": PageSource(partial(silent_newcomers, self.ws)), "raids": raid_groups(self.ws)}

    def _show(self, d: dict[str, Any]) -> None:
        self.query_one("#cases", VirtualTable).set_source(d["cases"], keep_cursor=True)
        self.query_one("#rules", VirtualTable).set_source(ListSource(d["rules"]), keep_cursor=True)
        for name in ("blacklist", "newcomers"):
            self.query_one(f"#{name}", VirtualTable).set_source(d[name], keep_cursor=True)
        self.query_one("#raids", VirtualTable).set_source(ListSource(d["raids"]), keep_cursor=True)
        self.sub_title = (self.t("cases waiting") if self.only_open else self.t("all cases")) + f": {d['total']:,}"
        self.show_why()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def _active(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-cases").removeprefix("tab-")

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        r = event.row
        if event.table.id not in ("cases", "rules"):
            return
        if event.table.id == "cases":
            text = "" if r is None else (
                f"#{r['id']} {esc(r['person'] or '?')} · {esc(r['group_name'] or '')} · {r['rule'] or ''} · "
                f"{self.t(r['step'] or '')} · {self.t(r['actor'] or '')}\n{esc(r['text'] or '')}")
            self.query_one("#case-detail", Static).update(text)
        else:
            text = "" if r is None else (
                f"{esc(r['name'])}: {esc(r['summary'] or '')}\n"
                + self.t("Precision {measured} (bar {bar:.0%}): {what}", measured=r["measured"], bar=r["precision_bar"],
                         what=self.t("settles its warnings and mutes") if r["settles"]
                         else self.t("below the bar, its warnings and mutes wait for a person"))
                + "\n" + esc(json.dumps(r["config"], ensure_ascii=False))[:300])
            self.query_one("#rule-detail", Static).update(text)

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if event.table.id in ("cases", "blacklist", "newcomers") and event.row.get("person_id"):
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

    def action_undo(self, teach: str = "") -> None:
        c = self._case()
        if not c or not self.guard("write", []):
            return
        from .cases import undo_case

        groups = c.get("groups_touched") or 1
        q = (self.t("Undo case {id}: {step} of {person} in {groups} groups?", id=c["id"], step=self.t(c["step"] or ""),
                    person=c["person"] or "?", groups=groups) if groups != 1 else
             self.t("Undo case {id}: {step} of {person} in one group?", id=c["id"], step=self.t(c["step"] or ""),
                    person=c["person"] or "?"))
        more = {"text": self.t("The rule will allow the matched text from now on."),
                "person": self.t("The rule will leave this member alone from now on.")}.get(teach, "")
        run = partial(undo_case, self.ws, c["id"], teach=teach or None)
        self.app.push_screen(ConfirmScreen(q, " ".join(x for x in (
            self.t("Re-invited where the platform allows; otherwise a task."), more) if x),
                                           yes=self.t("Confirm"), no=self.t("Cancel")),
                             lambda ok: ok and self.do(run, done=self.t("Undone")))

    # --- blacklist and raids ------------------------------------------------------------------

    def _row(self, tab: str) -> dict[str, Any] | None:
        if self._active() != tab:
            self.action_tab(f"tab-{tab}")
            return None
        row = self.query_one(f"#{tab}", VirtualTable).current_row
        if row is None:
            self.app.notify(self.t("Nothing selected"), severity="warning")
        return row

    def action_unblacklist(self) -> None:
        r = self._row("blacklist")
        if r and self.guard("write", []):
            from .door import remove_from_blacklist

            q = self.t("Take {person} off the blacklist ({scope})?", person=r["person"] or "?", scope=r["scope"])
            self.app.push_screen(ConfirmScreen(q, yes=self.t("Confirm"), no=self.t("Cancel")),
                                 lambda ok: ok and self.do(remove_from_blacklist, self.ws, r["id"], done=self.t("Saved")))

    def action_raid_lift(self) -> None:
        r = self._row("raids")
        if r and self.guard("write", [r["group_id"]]):
            from .raid import end_cooling

            self.do(partial(end_cooling, self.ws, r["group_id"], actor=f"operator:{self.ws.operator}"),
                    done=self.t("Saved"))

    def action_raid_extend(self) -> None:
        r = self._row("raids")
        if r and self.guard("write", [r["group_id"]]):
            from .raid import extend_cooling

            self.do(extend_cooling, self.ws, r["group_id"], 30, done=self.t("Saved"))

    def action_raid_hold(self) -> None:
        r = self._row("raids")
        if not r or not self.guard("write", [r["group_id"]]):
            return
        from .raid import act_on_recent
        from .settings import settings_of

        def go(text: str | None) -> None:
            if not text:
                return
            if not text.strip().isdigit():
                self.app.notify(self.t("Give a number of minutes"), severity="warning")
                return
            run = partial(act_on_recent, self.ws, r["group_id"], int(text), "hold",
                          mute_minutes=settings_of(self.ws).raid_hold_minutes)
            self.do(run, done=self.t("Saved"))

        self.app.push_screen(PromptScreen(self.t("Mute everyone who joined in the last how many minutes?")), go)

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
