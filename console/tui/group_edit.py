"""A group's theme (社群主题), tier (分级) and capacity (群上限) from the keyboard: ``e`` on
Groups (the marked groups, or the one under the cursor) or on a group's page.

One dialog with three boxes, each holding the groups' current value (empty, with the
values in use as its placeholder, when the groups differ). A box left as it was changes
nothing; ``-`` clears a theme or tier. Everything is checked in the dialog before the
confirmation (a theme over 60 characters, a tier over 20, a capacity that is not a whole
number from 1 to 3,000 or is below a group's members, naming the group), which names the
groups and each change. Theme and tier are written by the host's ``ops.set_group_fields``,
the capacity by the entry_rules plugin's ``set_capacity`` when it is installed (as
``shequn entry capacity`` does), all audited; ``z`` puts the values back.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from .dialogs import MODAL_CSS

FIELDS = ("theme", "tier", "capacity")
MAX_THEME, MAX_TIER, MAX_CAPACITY = 60, 20, 3000


class FieldProblem(ValueError):
    """A value that cannot be saved, in words with their values (translated when shown)."""

    def __init__(self, box: str, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.box, self.template, self.values = box, template, values


def common(groups: list[dict[str, Any]], field: str) -> str:
    """The value every group has for ``field`` ("" when they differ or have none)."""
    vals = {("" if g.get(field) is None else str(g.get(field))) for g in groups}
    return vals.pop() if len(vals) == 1 else ""


def changes(groups: list[dict[str, Any]], typed: dict[str, str]) -> dict[str, Any]:
    """What the boxes change: {field: new value ("" clears)}; raises FieldProblem naming the field."""
    out: dict[str, Any] = {}
    for field in FIELDS:
        text = (typed.get(field) or "").strip()
        if text == common(groups, field):
            continue  # left as it was
        if text == "" and common(groups, field) == "":
            continue
        if field in ("theme", "tier"):
            if text in ("-", ""):
                out[field] = ""  # as sync leaves a group without one
                continue
            limit = MAX_THEME if field == "theme" else MAX_TIER
            if len(text) > limit:
                raise FieldProblem(field, "{field}: {n} characters; expected at most {max}", field=field, n=len(text),
                                   max=limit)
            out[field] = text
            continue
        if not text.isdigit() or not 1 <= int(text) <= MAX_CAPACITY:
            raise FieldProblem(field, "capacity: {value!r} is not a whole number from 1 to {max}", value=text,
                               max=f"{MAX_CAPACITY:,}")
        cap = int(text)
        for g in groups:
            if cap < (g.get("member_count") or 0):
                raise FieldProblem(field, "capacity: {cap} is below the {n} members of {group}; expected {n} to {max}",
                                   cap=cap, n=g["member_count"], group=g["name"], max=f"{MAX_CAPACITY:,}")
        out[field] = cap
    return out


def save(ws: Any, group_ids: list[int], change: dict[str, Any]) -> None:
    """(In a worker) write the changes, audited: theme and tier by the host, capacity by entry_rules when installed."""
    from .ops import set_group_fields

    words = {k: v for k, v in change.items() if k != "capacity"}
    if words:
        set_group_fields(ws, group_ids, **words)
    if "capacity" in change:
        if ws.pm.get_plugin("entry_rules") is not None:
            from plugins.entry_rules.api import set_capacity

            for gid in group_ids:
                set_capacity(ws, gid, change["capacity"])
        else:
            set_group_fields(ws, group_ids, capacity=change["capacity"])


def put_back(ws: Any, before: dict[str, Any]) -> str:
    """Undo for one group: its values as they were (``before`` has its id and the fields changed)."""
    from .ops import set_group_fields

    fields = {k: v for k, v in before.items() if k != "id"}
    set_group_fields(ws, [before["id"]], **fields)
    return ""


class GroupEditScreen(ModalScreen[dict[str, Any] | None]):
    """Theme, tier, capacity; Enter moves to the next box and, in the last, checks them."""

    DEFAULT_CSS = MODAL_CSS % (("GroupEditScreen",) * 5) + """
    GroupEditScreen #problem { color: $error; height: auto; }
    GroupEditScreen Input { margin-bottom: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="group_edit.cancel")]

    def __init__(self, question: str, groups: list[dict[str, Any]]):
        super().__init__()
        self.question, self.groups = question, groups

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.question)
            for field in FIELDS:
                values = sorted({str(g[field]) for g in self.groups if g.get(field) not in (None, "")})
                hint = t("several: {values}", values=", ".join(values[:4])) if len(values) > 1 else t(field)
                yield Label(t(field))
                yield Input(common(self.groups, field), placeholder=hint, id=field, name=field)
            yield Static("", id="problem")
            yield Static("✎ " + t("A box left as it was changes nothing; - clears · Enter: next, then check · Esc "
                                  "cancels"), classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one("#theme", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        i = FIELDS.index(event.input.id or "theme")
        if i < len(FIELDS) - 1:
            self.query_one(f"#{FIELDS[i + 1]}", Input).focus()
            return
        typed = {f: self.query_one(f"#{f}", Input).value for f in FIELDS}
        try:
            change = changes(self.groups, typed)
        except FieldProblem as e:
            values = {**e.values, "field": self.app.t(e.values.get("field", ""))} if "field" in e.values else e.values
            self.query_one("#problem", Static).update(escape(self.app.t(e.template, **values)))
            self.query_one(f"#{e.box}", Input).focus()
            return
        if not change:
            self.query_one("#problem", Static).update(self.app.t("Nothing changed"))
            return
        self.dismiss(change)

    def action_cancel(self) -> None:
        self.dismiss(None)


def edit_groups(screen: Any, groups: list[dict[str, Any]]) -> None:
    """Ask, check, confirm naming the groups and the changes, save, say it; z puts them back."""
    from .decide import names
    from .dialogs import ConfirmScreen

    app, ws, t = screen.app, screen.ws, screen.t
    if not groups:
        return
    n = len(groups)
    question = t("Theme, tier and capacity of {group}", group=groups[0]["name"]) if n == 1 else t(
        "Theme, tier and capacity of {n} groups", n=n)

    def chosen(change: dict[str, Any] | None) -> None:
        if not change:
            return
        said = t(", ").join(f"{t(k)} → {t('(none)') if v in (None, '') else v}" for k, v in change.items())
        q = t("Set {changes} in {group}?", changes=said, group=groups[0]["name"]) if n == 1 else t(
            "Set {changes} in {n} groups?", changes=said, n=n)
        detail = t("groups: {names}", names=names([g["name"] for g in groups]))
        before = [{"id": g["id"], **{k: g.get(k) for k in change}} for g in groups]

        def run() -> None:
            save(ws, [g["id"] for g in groups], change)
            app.call_from_thread(app.record, "set the theme, tier or capacity of {n} groups",
                                 [(g["name"], b) for g, b in zip(groups, before)], lambda b: put_back(ws, b))

        done = t("{group}: {changes}", group=groups[0]["name"], changes=said) if n == 1 else t(
            "{n} groups: {changes}", n=n, changes=said)
        app.push_screen(ConfirmScreen(q, detail, yes=t("Confirm"), no=t("Cancel")),
                        lambda ok: ok and screen.do(run, done=done))

    app.push_screen(GroupEditScreen(question, groups), chosen)
