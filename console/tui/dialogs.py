"""Small modal screens: confirm a destructive action, ask for a reason, show help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

MODAL_CSS = """
%s { align: center middle; }
%s > Vertical { width: 70; max-width: 95%%; height: auto; max-height: 90%%; border: thick $warning;
                background: $surface; padding: 1 2; }
%s Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
%s Button { margin-left: 2; }
%s .muted { color: $text-muted; }
"""


class ConfirmScreen(ModalScreen[bool]):
    """"Kick 3 people from 2 groups?" Enter/y confirms, Escape/n cancels.

    Destructive actions (kick, blacklist, anything in bulk) always come through here and
    say how many groups and people they touch."""

    DEFAULT_CSS = MODAL_CSS % (("ConfirmScreen",) * 5)
    BINDINGS = [Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
                Binding("y", "answer(True)", "Confirm", id="confirm.yes")]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Confirm", no: str = "Cancel"):
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            if self.detail:
                yield Static(self.detail, id="detail", classes="muted", markup=False)
            with Horizontal():
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="error")
            yield Label(self.app.t("y: {yes} · n or Esc: {no}", yes=self.yes, no=self.no), classes="muted")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text (a reason, a note); Escape cancels."""

    DEFAULT_CSS = MODAL_CSS % (("PromptScreen",) * 5)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, value: str = "", *, placeholder: str = "", required: bool = True):
        super().__init__()
        self.question, self.value, self.placeholder, self.required = question, value, placeholder, required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.value, placeholder=self.placeholder, id="answer", name="answer")
            yield Label("✎ " + self.app.t("Enter confirms · Esc cancels"), classes="muted")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.app.bell()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """? on any screen: what the screen is for and its keys (as remapped), set as prose
    (console.tui.typeset: Chinese breaks between characters, never before a closing mark)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 80%; border: thick $accent;
                                  background: $surface; padding: 0 1; }
    HelpScreen .help-title { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen Prose { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
                Binding("down,j", "scroll(1)", show=False, id="help.down"),
                Binding("up,k", "scroll(-1)", show=False, id="help.up")]

    def __init__(self, title: str, text: str, keys: list[tuple[str, str, str, bool]], screens: list[tuple[str, str]],
                 notes: list[str]):
        super().__init__()
        self.title_text, self.text, self.keys, self.screens, self.notes = title, text, keys, screens, notes

    def compose(self) -> ComposeResult:
        from rich.table import Table

        from .typeset import Prose

        t = self.app.t
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
        for name in ("key", "does", "id"):
            table.add_column(t(name), style="bold" if name == "key" else None, no_wrap=name != "does")
        for key, does, bid, enabled in self.keys:
            table.add_row(key, does + ("" if enabled else " (" + t("disabled") + ")"), bid,
                          style=None if enabled else "dim")
        with VerticalScroll():
            yield Label(self.title_text, classes="help-title")
            yield Prose(self.text)
            yield Label(t("Keys"), classes="help-title")
            yield Static(table)
            yield Label(t("Screens"), classes="help-title")
            yield Prose("  ".join(f"`{key}` {title}" for key, title in self.screens))
            for note in self.notes:
                yield Prose(note)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step * 3, animate=False)
