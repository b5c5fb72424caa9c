"""Choosing from a list in a dialog: a reason (preset, recent or typed) and one of several
candidates (an ambiguous name resolved before anything is confirmed).

Both open with the list focused and the first choice highlighted, so Enter takes the
default; j/k and the arrows move; Tab goes to the text box where there is one, and a
line at the bottom says so.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape as esc
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

CSS = """
%s { align: center middle; }
%s > Vertical { width: 80; max-width: 95%%; height: auto; max-height: 90%%; border: thick $warning;
                background: $surface; padding: 1 2; }
%s OptionList { height: auto; max-height: 14; margin: 1 0; }
%s .hint { color: $text-muted; }
"""


class KeyList(OptionList):
    """An option list that also moves with j/k (as every list of the console does)."""

    BINDINGS = [Binding("j", "cursor_down", show=False, id="list.down"),
                Binding("k", "cursor_up", show=False, id="list.up")]

    def on_focus(self) -> None:
        """Focused with nothing highlighted: the first line is, so Enter and x act on what is seen."""
        if self.highlighted is None and self.option_count:
            self.highlighted = 0


class ReasonScreen(ModalScreen[str | None]):
    """A reason for a rejection (shown to the applicant): the default first, then the
    presets for the group types concerned, then this operator's recent reasons; or typed.

    Enter takes the highlighted reason; Tab goes to the box to type one; Esc cancels."""

    DEFAULT_CSS = CSS % (("ReasonScreen",) * 4)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel")]

    def __init__(self, question: str, presets: list[str], recent: list[str] | None = None):
        super().__init__()
        self.question = question
        seen: set[str] = set()
        self.choices: list[tuple[str, str]] = []  # (reason, where it comes from)
        for i, r in enumerate(presets):
            if r and r not in seen:
                seen.add(r)
                self.choices.append((r, "default" if i == 0 else "preset"))
        for r in recent or []:
            if r and r not in seen:
                seen.add(r)
                self.choices.append((r, "recent"))

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(self.question)
            yield KeyList(*[Option(f"{esc(r)}  [dim]({t(kind)})[/]", id=f"r{i}") for i, (r, kind)
                            in enumerate(self.choices)], id="reasons")
            yield Input(placeholder=t("or type a reason here and press Enter"), id="typed", name="reason")
            yield Label(t("Enter takes the highlighted reason · Tab: type one · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        box = self.query_one("#reasons", KeyList)
        if self.choices:
            box.highlighted = 0
            box.focus()
        else:
            self.query_one("#typed", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id[1:])][0])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.app.bell()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[Any]):
    """Pick one of several candidates (e.g. the people a name matches); Esc cancels."""

    DEFAULT_CSS = CSS % (("ChoiceScreen",) * 4)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, question: str, options: list[tuple[str, Any]]):
        super().__init__()
        self.question, self.options = question, options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield KeyList(*[Option(esc(label), id=f"c{i}") for i, (label, _) in enumerate(self.options)], id="choices")
            yield Label(self.app.t("Enter picks · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        box = self.query_one("#choices", KeyList)
        box.highlighted = 0
        box.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id[1:])][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
