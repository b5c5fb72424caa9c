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
"""


class ConfirmScreen(ModalScreen[bool]):
    """"Kick 3 people from 2 groups?" Enter/y confirms, Escape/n cancels.

    Destructive actions (kick, blacklist, anything in bulk) always come through here and
    say how many groups and people they touch."""

    DEFAULT_CSS = MODAL_CSS % (("ConfirmScreen",) * 4)
    BINDINGS = [Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
                Binding("y", "answer(True)", "Confirm", id="confirm.yes")]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Confirm", no: str = "Cancel"):
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="question")
            if self.detail:
                yield Static(self.detail, id="detail", classes="muted")
            with Horizontal():
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text (a reason, a note); Escape cancels."""

    DEFAULT_CSS = MODAL_CSS % (("PromptScreen",) * 4)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, value: str = "", *, placeholder: str = "", required: bool = True):
        super().__init__()
        self.question, self.value, self.placeholder, self.required = question, value, placeholder, required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.value, placeholder=self.placeholder, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.app.bell()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """? on any screen: what the screen is for and its keys (as remapped)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 80%; border: thick $accent;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, markdown: str):
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # markdown-it and friends: only when help is asked for

        with VerticalScroll():
            yield Markdown(self.markdown)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
