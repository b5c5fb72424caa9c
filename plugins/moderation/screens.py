"""The Moderation screen: the review queue of cases (review, undo, undo and teach the rule,
note), conduct rules with their measured precision (enable, disable, dry-run preview over
history before enabling), the blacklist, silent newcomers and groups holding joins after a
burst (lift, extend). Every table reads one page at a time with the true total.

Cases are marked with space (``*`` marks every one shown); ``v`` reviews and ``U`` undoes
the marked cases (or the one under the cursor) with progress and a summary of failures.
Undo goes through ``cases.undo_case`` (it re-invites where the platform can, or leaves a
task), after a confirmation naming the cases' people and groups; a review is taken back
with ``z`` (``reopen.reopen_case``). Enter shows a case in full: its evidence, what was
done and by whom. The rules, blacklist and raids tabs: screens_rules.RuleActions.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent, TabPane

from shequn.tui import (Column, ConfirmScreen, ListSource, PromptScreen, ShequnScreen, VirtualTable, actor_text,
                        bindings, define, name_list as names, rule_text, scope_text, step_text, when)

from .screens_rules import PREVIEW_DAYS, RuleActions

define({"moderation.review": ("v", "review", "Reviewed", True),
        "moderation.undo": ("U", "undo", "Undo", True),
        "moderation.undo_text": ("T", "undo('text')", "Undo, allow text", False),
        "moderation.undo_person": ("P", "undo('person')", "Undo, allow member", False),
        "moderation.unblacklist": ("x", "unblacklist", "Remove from blacklist", True),
        "moderation.raid_lift": ("L", "raid_lift", "Lift hold", True),
        "moderation.raid_extend": ("X", "raid_extend", "Hold 30 min more", True),
        "moderation.raid_hold": ("H", "raid_hold", "Mute latest joiners", True),
        "moderation.note": ("n", "note", "Note", True),
        "moderation.filter": ("f", "toggle_open", "Open/all", True),
        "moderation.today": ("t", "toggle_today", "Today only", True),
        "moderation.enable": ("e", "toggle_rule", "Enable/disable", True),
        "moderation.edit_rule": ("E", "edit_rule", "Edit rule", True),
        "moderation.dry_run": ("D", "toggle_dry_run", "Dry-run", True),
        "moderation.preview": ("p", "preview", "Preview", True),
        "moderation.cases": ("1", "tab('tab-cases')", "Cases", False),
        "moderation.rules": ("2", "tab('tab-rules')", "Rules", False),
        "moderation.blacklist": ("3", "tab('tab-blacklist')", "Blacklist", False),
        "moderation.newcomers": ("4", "tab('tab-newcomers')", "Newcomers", False),
        "moderation.raids": ("5", "tab('tab-raids')", "Raids", False)})
CASE_ACTIONS = ("review", "undo", "note")


class PageSource:
    """A table source over a function returning ``{"total", "rows"}`` for (limit, offset)."""

    def __init__(self, fn):
        self.fn = fn

    def count(self) -> int:
        return self.fn(1, 0)["total"]

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.fn(limit, offset)["rows"]


class ModerationScreen(RuleActions, ShequnScreen):
    MODE = "moderation"
    TITLE_EN = "Moderation"
    HELP = ("Cases: the queue holds removals, appeals and an audit sample of what rules settled. Space marks cases "
            "(* every one shown); v marks them reviewed, U undoes them (re-invites where the platform allows), T "
            "undoes and allows the matched text in the rule, P undoes and allows the member in the rule, n adds a "
            "note; enter shows a case in full; f shows the queue or all, t only today's; z takes your last review "
            "back. Rules: e enables or disables (enabling shows a dry-run over the last 7 days first), E edits one "
            "(scope and config, previewed before saving), D switches "
            "dry-run mode, p previews what the rule would have done. Blacklist: x removes the entry. Raids: L lifts "
            "the hold, X holds 30 minutes more, H mutes everyone who joined in the last minutes you give. 1-5 switch "
            "tabs.")
    BINDINGS = bindings("moderation.review", "moderation.undo", "moderation.undo_text", "moderation.undo_person",
                        "moderation.unblacklist", "moderation.raid_lift", "moderation.raid_extend",
                        "moderation.raid_hold", "moderation.note", "moderation.filter", "moderation.today",
                        "moderation.enable", "moderation.edit_rule",
                        "moderation.dry_run", "moderation.preview", "moderation.cases", "moderation.rules",
                        "moderation.blacklist", "moderation.newcomers", "moderation.raids")
    GUARDED = {"review": "write", "undo": "write", "note": "write", "toggle_rule": "write", "toggle_dry_run": "write",
               "edit_rule": "write", "unblacklist": "write", "raid_lift": "write", "raid_extend": "write", "raid_hold": "write"}
    ACTION_TABLES = {"review": "cases", "undo": "cases", "note": "cases", "toggle_open": "cases", "toggle_today": "cases",
                     "toggle_rule": "rules", "edit_rule": "rules", "toggle_dry_run": "rules", "preview": "rules", "unblacklist": "blacklist",
                     "raid_lift": "raids", "raid_extend": "raids", "raid_hold": "raids"}
    PALETTE = [("Undo the selected case", "screen.undo"), ("Preview a rule over history", "screen.preview")]
    DEFAULT_CSS = """
    ModerationScreen #case-detail { height: 6; padding: 0 1; border-top: solid $panel; }
    ModerationScreen #rule-detail { height: 6; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.only_open = True
        self.only_today = False

    def body(self) -> ComposeResult:
        t = self.t
        with TabbedContent(id="tabs"):
            with TabPane(t("Cases"), id="tab-cases"):
                yield VirtualTable([Column("opened_at", "time", 11, fmt=when), Column("group_name", "group", 14),
                                    Column("person", "member", 12), Column("rule", "rule", 12, fmt=t),
                                    Column("step", "step", 9, fmt=lambda v: step_text(t, v)),
                                    Column("status", "status", 10, fmt=lambda v: t("to review" if v == "open" else v)),
                                    Column("text", "evidence")], id="cases", markable=True, empty="No cases")
                yield Static("", id="case-detail")
            with TabPane(t("Rules"), id="tab-rules"):
                yield VirtualTable([Column("name", "rule", 14, fmt=lambda v: rule_text(t, v)),
                                    Column("kind", "kind", 8, fmt=t),
                                    Column("mode", "state", 8, fmt=t), Column("open_cases", "open", 5, "right"),
                                    Column("settled", "settled", 7, "right"), Column("confirmed", "confirmed", 9, "right"),
                                    Column("overturned", "overturned", 10, "right"),
                                    Column("measured", "precision", 16, "right"),
                                    Column("settles", "settles", 8, fmt=lambda v: t("yes") if v else t("no")),
                                    Column("summary", "does")],
                                   key="name", id="rules", empty="No conduct rules")
                yield Static("", id="rule-detail")
            with TabPane(t("Blacklist"), id="tab-blacklist"):
                yield VirtualTable([Column("person", "member", 14), Column("scope", "scope", 12,
                                                                                  fmt=lambda v: scope_text(t, v)),
                                    Column("added_by", "by", 16), Column("added_at", "time", 11, fmt=when),
                                    Column("reason", "reason", fmt=self.app.shown)], id="blacklist",
                                   empty="Nobody is blacklisted")
            with TabPane(t("Newcomers"), id="tab-newcomers"):
                yield VirtualTable([Column("joined_at", "joined", 11, fmt=when), Column("group_name", "group", 16),
                                    Column("person", "member", 14), Column("silent_days", "days silent", 11, "right"),
                                    Column("join_scene", "how joined", fmt=t)], key="person_id", id="newcomers",
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
        from .kinds import describe
        from .probation import silent_newcomers
        from .raid import raid_groups
        from .rulestore import list_rules

        since = (self.ws.now() - self.ws.day_start(self.ws.day(self.ws.now()))) / 86400 if self.only_today else None
        cases = CaseSource(self.ws, "queue" if self.only_open else None, kind=None, max_age_days=since)
        rules = list_rules(self.ws)
        for r in rules:  # the summary in the console's language (the stored one is English)
            r["summary"] = describe(r["kind"], r["config"], self.t)
        return {"cases": cases, "total": cases.count(), "rules": rules,
                "blacklist": PageSource(partial(blacklist_page, self.ws)),
                "newcomers": PageSource(partial(silent_newcomers, self.ws)), "raids": raid_groups(self.ws)}

    def _show(self, d: dict[str, Any]) -> None:
        self.query_one("#cases", VirtualTable).set_source(d["cases"], keep_cursor=True)
        self.query_one("#rules", VirtualTable).set_source(ListSource(d["rules"]), keep_cursor=True)
        for name in ("blacklist", "newcomers"):
            self.query_one(f"#{name}", VirtualTable).set_source(d[name], keep_cursor=True)
        self.query_one("#raids", VirtualTable).set_source(ListSource(d["raids"]), keep_cursor=True)
        self.sub_title = ((self.t("cases waiting") if self.only_open else self.t("all cases")) + self.t(": ")
                          + f"{d['total']:,}"
                          + (" · " + self.t("opened today") if self.only_today else ""))
        self.show_why()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def on_virtual_table_moved(self, event: VirtualTable.Moved) -> None:
        r = event.row
        if event.table.id not in ("cases", "rules"):
            return
        if event.table.id == "cases":
            text = "" if r is None else (
                f"#{r['id']} {esc(r['person'] or '?')} · {esc(r['group_name'] or '')} · {esc(self.t(r['rule'] or ''))}"
                f" · {esc(step_text(self.t, r['step']))} · {esc(actor_text(self.t, r['actor']))}\n{esc(r['text'] or '')}")
            self.query_one("#case-detail", Static).update(text)
        else:
            text = "" if r is None else (
                f"{esc(self.t(r['name']))}{self.t(': ')}{esc(r['summary'] or '')}\n"
                + self.t("Precision {measured} (bar {bar:.0%}): {what}", measured=r["measured"], bar=r["precision_bar"],
                         what=self.t("settles its warnings and mutes") if r["settles"]
                         else self.t("below the bar, its warnings and mutes wait for a person")))
            # its whole config (allow lists, exemptions) is one key away: E opens it in the editor
            self.query_one("#rule-detail", Static).update(text)

    def describe(self, table_id: str, row: dict[str, Any]) -> dict[str, Any]:
        if table_id == "cases":
            from shequn.tui import case_detail as case

            return case(self.ws, row["id"], self.t, self.app.shown)
        return super().describe(table_id, row)

    # --- cases: the marked ones, or the one under the cursor ---------------------------------------

    def action_toggle_open(self) -> None:
        self.only_open = not self.only_open
        self.refresh_data()

    def action_toggle_today(self) -> None:
        """Only the cases opened today (since midnight in the operator's zone), or every day."""
        self.only_today = not self.only_today
        self.refresh_data()

    def _cases(self) -> list[dict[str, Any]]:
        rows = self.chosen("cases")
        return rows if rows and self.guard("write", []) else []

    @staticmethod
    def _label(c: dict[str, Any]) -> str:
        return f"#{c['id']} {c['person'] or '?'} · {c['group_name'] or '?'}"

    def action_review(self) -> None:
        rows = self._cases()
        if not rows:
            return
        from .cases import review_case
        from .reopen import reopen_case

        before = {c["id"]: c["status"] for c in rows}
        actor = f"operator:{self.ws.operator}"

        def one(cid: int) -> str:
            review_case(self.ws, cid)
            return ""

        def journal(result: Any) -> None:
            self.app.record("review {n} cases", [(self._label(c), c["id"]) for c in rows if c["id"] in result.done],
                            lambda cid: reopen_case(self.ws, cid, "appealed" if before.get(cid) == "appealed" else "open",
                                                    actor) and "")

        if len(rows) == 1:
            self.do(one, rows[0]["id"], done=self.t("Reviewed: {who}", who=self._label(rows[0])),
                    then=lambda _: journal(_Done([rows[0]["id"]])))
            return
        people = list(dict.fromkeys(c["person"] or "?" for c in rows))
        groups = list(dict.fromkeys(c["group_name"] or "?" for c in rows))
        q = self.t("Mark {n} cases of {people} people in {groups} groups reviewed?", n=len(rows), people=len(people),
                   groups=len(groups))
        self.app.push_screen(ConfirmScreen(q, self._names(people, groups), yes=self.t("Reviewed"), no=self.t("Cancel")),
                             lambda ok: ok and self.bulk(self.t("Review {n} cases", n=len(rows)),
                                                         [(self._label(c), c["id"]) for c in rows], one,
                                                         done=self.t("Reviewed: {n}"), then=journal))

    def _names(self, people: list[str], groups: list[str]) -> str:
        return "\n".join((self.t("people: {names}", names=names(people)), self.t("groups: {names}", names=names(groups))))

    def action_note(self) -> None:
        rows = self._cases()
        if not rows:
            return
        from .cases import add_note

        def got(text: str | None) -> None:
            if text:
                self.bulk(self.t("Add a note to {n} cases", n=len(rows)), [(self._label(c), c["id"]) for c in rows],
                          lambda cid: add_note(self.ws, cid, text) and "", done=self.t("Notes added: {n}"))

        self.app.push_screen(PromptScreen(self.t("Note")), got)

    def action_undo(self, teach: str = "") -> None:
        rows = self._cases()
        if not rows:
            return
        from .cases import undo_case

        t = self.t
        people = list(dict.fromkeys(c["person"] or "?" for c in rows))
        groups = list(dict.fromkeys(c["group_name"] or "?" for c in rows))
        if len(rows) == 1:
            c = rows[0]
            q = t("Undo case {id}: {step} of {person} in {group}?", id=c["id"], step=step_text(t, c["step"]),
                  person=c["person"] or "?", group=c["group_name"] or "?")
        else:
            q = t("Undo {n} cases of {people} people in {groups} groups?", n=len(rows), people=len(people),
                  groups=len(groups))
        more = {"text": t("The rule will allow the matched text from now on."),
                "person": t("The rule will leave this member alone from now on.")}.get(teach, "")
        detail = "\n".join(x for x in (self._names(people, groups),
                                       t("Re-invited where the platform allows; otherwise a task."), more) if x)

        def one(cid: int) -> str:
            done = undo_case(self.ws, cid, teach=teach or None).get("undo") or []
            by_hand = [d for d in done if d.startswith("task for the owner")]
            return "; ".join(self.app.shown(d) for d in by_hand)

        self.app.push_screen(ConfirmScreen(q, detail, yes=t("Undo"), no=t("Cancel")),
                             lambda ok: ok and self.bulk(t("Undo {n} cases", n=len(rows)),
                                                         [(self._label(c), c["id"]) for c in rows], one,
                                                         done=t("Undone: {n}")))


class _Done:
    """What a one-row act hands the journal (the shape of a bulk act's result)."""

    def __init__(self, done: list[Any]):
        self.done = done
