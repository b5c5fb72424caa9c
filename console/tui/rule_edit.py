"""Edit a rule or policy with its dry-run preview before saving: ``E`` on a group's Policies
tab (the rule under the cursor) or "Edit a rule or policy" in the palette (a list of every
rule and policy).

The dialog holds the rule's scope and its config as JSON. ``ctrl+r`` checks them with the
rule's plugin and runs the preview over the last 7 days of stored history (in a worker):
a moderation rule's messages, people and groups caught, an admission policy's requests
approved / held / rejected, each against the saved config; a welcome template rendered.
``ctrl+s`` saves only what was previewed: an edit since the last preview runs the preview
again first, so nothing is saved unseen. A config that cannot work is refused by the
plugin's own check, named under the boxes, and nothing is asked. The confirmation names
the rule, its scope and the preview's figures; ``z`` puts the rule back as it was.
(console.tui.rule_preview holds what is called; no Textual there.)
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from . import rule_preview as rp
from .dialogs import MODAL_CSS
from ..words import rule_text, scope_text


#: one and many of what a preview counts ("1 person", "2 people")
COUNTED = {"messages": ("1 message", "{n} messages"), "people": ("1 person", "{n} people"),
           "groups": ("1 group", "{n} groups")}


def counted(t: Any, what: str, n: int) -> str:
    one, many = COUNTED[what]
    return t(one) if n == 1 else t(many, n=f"{n:,}")


def figures(t: Any, p: dict[str, Any]) -> str:
    """The preview's counts in words, with the saved config's beside them."""
    if p["what"] == "messages":
        new, old = ({k: counted(t, k, d[k]) for k in COUNTED} for d in (p["new"], p["old"]))
        return t("Last {days} days: {messages} of {people} in {groups} (saved config: {old})", days=rp.PREVIEW_DAYS,
                 old=t(", ").join(old.values()), **new)
    if p["what"] == "requests":
        new, old = p["new"], p["old"]
        return t("Last {days} days' join requests: approve {a}, hold {h}, reject {r} (saved config: {a0}, {h0}, {r0})",
                 days=rp.PREVIEW_DAYS, a=new["approve"], h=new["hold"], r=new["reject"], a0=old["approve"],
                 h0=old["hold"], r0=old["reject"])
    return t("Preview")


class RuleEditScreen(ModalScreen[None]):
    """The scope and the config of one rule; ctrl+r previews, ctrl+s saves what was previewed."""

    DEFAULT_CSS = MODAL_CSS % (("RuleEditScreen",) * 5) + """
    RuleEditScreen > Vertical { width: 100; }
    RuleEditScreen TextArea { height: 30vh; min-height: 4; }
    RuleEditScreen #problem { color: $error; height: auto; }
    RuleEditScreen #preview { height: auto; max-height: 8; color: $text; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rule_edit.cancel"),
                Binding("ctrl+r", "preview", "Dry-run preview", id="rule_edit.preview"),
                Binding("ctrl+s", "save", "Save", id="rule_edit.save")]

    def __init__(self, row: dict[str, Any]):
        super().__init__()
        self.row = row
        self.previewed: tuple[str, str] | None = None  # (scope, config text) the preview shown is of
        self.checked: dict[str, Any] | None = None
        self.result: dict[str, Any] | None = None
        self.save_after = False

    def compose(self) -> ComposeResult:
        t = self.app.t
        r = self.row
        state = t("dry-run") if r["dry_run"] else (t("enabled") if r["enabled"] else t("switched off"))
        with Vertical():
            yield Label(f"{escape(rule_text(t, r['name']))} · {escape(r['plugin'])} · {escape(t(r['kind']))} · {state}")
            yield Label(t("scope (all, type:welfare, group:ID)"))
            yield Input(rp.scope_of(r), id="scope", name="scope")
            yield TextArea(rp.config_text(r["config"]), id="config", language=None, soft_wrap=True)
            yield Static("", id="problem")
            yield Static("", id="preview", markup=False)
            yield Static("✎ " + t("ctrl+r dry-run preview · ctrl+s save (after its preview) · Esc cancels"),
                         classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one("#config", TextArea).focus()

    def typed(self) -> tuple[str, str]:
        return self.query_one("#scope", Input).value.strip(), self.query_one("#config", TextArea).text

    def action_preview(self) -> None:
        scope, text = self.typed()
        ws, row = self.app.ws, self.row

        def work() -> None:
            try:
                checked = rp.check(ws, row, text, scope)
                result = rp.preview(ws, row, checked)
            except rp.RuleProblem as e:
                self.app.call_from_thread(self._problem, self.app.t(e.template, **e.values))
                return
            except ValueError as e:  # the plugin's own check, in its words
                self.app.call_from_thread(self._problem, self.app.shown(str(e)))
                return
            self.app.call_from_thread(self._previewed, (scope, text), checked, result)

        self.query_one("#problem", Static).update(self.app.t("Checking and replaying the last {days} days…",
                                                            days=rp.PREVIEW_DAYS))
        self.run_worker(work, thread=True, group="rule-preview", exclusive=True)

    def _problem(self, words: str) -> None:
        self.save_after = False
        self.previewed = self.checked = self.result = None
        self.query_one("#problem", Static).update(escape(words))
        self.query_one("#preview", Static).update("")

    def _previewed(self, typed: tuple[str, str], checked: dict[str, Any], result: dict[str, Any]) -> None:
        t = self.app.t
        self.previewed, self.checked, self.result = typed, checked, result
        notes = [t("note: {note}", note=self.app.shown(n)) for n in checked.get("notes", [])]
        self.query_one("#problem", Static).update("")
        self.query_one("#preview", Static).update("\n".join([figures(t, result), *result["lines"], *notes]))
        if self.save_after:
            self.save_after = False
            self.action_save()

    def action_save(self) -> None:
        if self.previewed != self.typed() or self.checked is None:
            self.save_after = True  # nothing is saved unseen: preview this text first, then ask
            self.action_preview()
            return
        from .dialogs import ConfirmScreen

        t, row, checked = self.app.t, self.row, self.checked
        scope = "all" if checked["scope_type"] == "all" else f"{checked['scope_type']}:{checked['scope_value']}"
        q = t("Save {rule} (scope: {scope})?", rule=rule_text(t, row["name"]), scope=scope_text(t, scope))
        detail = figures(t, self.result or {"what": "text"})

        def go(ok: bool | None) -> None:
            if ok:
                self.dismiss(None)
                self.app.call_later(lambda: save_rule(self.app, row, checked))

        self.app.push_screen(ConfirmScreen(q, detail, yes=t("Save"), no=t("Cancel")), go)

    def action_cancel(self) -> None:
        self.dismiss(None)


def save_rule(app: Any, row: dict[str, Any], checked: dict[str, Any]) -> None:
    """Save in a worker, say it (with the plugin's notes), journal it for z, read the screen again."""
    t, ws = app.t, app.ws

    def work() -> None:
        try:
            notes = rp.save(ws, row, checked)
        except ValueError as e:
            app.call_from_thread(app.notify, app.shown(str(e)), severity="error", title=t("Not saved"))
            return
        app.call_from_thread(app.record, "edit a rule or policy", [(rule_text(t, row["name"]), dict(row))],
                             lambda before: rp.put_back(ws, before))
        words = t("Saved {rule}", rule=rule_text(t, row["name"]))
        if notes:
            words += "\n" + "\n".join(app.shown(n) for n in notes)
        app.call_from_thread(app.notify, words)
        again = getattr(app.screen, "refresh_data", None)
        if again:
            app.call_from_thread(again)

    app.run_worker(work, thread=True, group="rule-save")


def edit_rule(app: Any, name: str) -> None:
    """Open the editor on the rule ``name`` (read in a worker)."""
    def work() -> None:
        try:
            row = rp.rule_row(app.ws, name)
        except rp.RuleProblem as e:
            app.call_from_thread(app.notify, app.t(e.template, **e.values), severity="error")
            return
        app.call_from_thread(app.push_screen, RuleEditScreen(row))

    if app.read_only:
        app.notify(app.t("read-only: rules cannot be changed here"), severity="warning")
        return
    app.run_worker(work, thread=True, group="rule-open")


def pick_and_edit(app: Any) -> None:
    """The palette's "Edit a rule or policy": every rule and policy by name, then the editor."""
    from .pickers import ChoiceScreen

    t = app.t
    rows = app.ws.store.query("SELECT name, plugin, kind, scope_type, scope_value FROM rules"
                              " WHERE plugin IN ('moderation', 'entry_rules') ORDER BY plugin, name")
    if not rows:
        app.notify(t("No rules or policies yet"), severity="warning")
        return
    options = [(f"{rule_text(t, r['name'])} · {t(r['kind'])} · "
                f"{scope_text(t, 'all' if r['scope_type'] == 'all' else r['scope_type'] + ':' + r['scope_value'])}",
                r["name"]) for r in rows]
    app.push_screen(ChoiceScreen(t("Which rule or policy?"), options), lambda name: name and edit_rule(app, name))
