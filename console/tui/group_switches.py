"""A group's page: whole-group mute (M) and rename (R), each confirmed naming the group.

The work is console/group_switches.py's (the same the CLI does): refused where the
platform cannot, queued in the outbox, audited; the keys are greyed out where the
group's platform lacks the capability (the screen's GUARDED entries).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from .. import group_switches as gs
from .dialogs import MODAL_CSS, ConfirmScreen, PromptScreen


class MuteAllScreen(ModalScreen[str | None]):
    """"Whole-group mute in GROUP": mute everyone, lift it, or cancel (Escape)."""

    DEFAULT_CSS = MODAL_CSS % (("MuteAllScreen",) * 5)
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="muteall.cancel")]

    def __init__(self, group: str):
        super().__init__()
        self.group = group

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Label(t("Whole-group mute in {group}", group=self.group))
            with Horizontal():
                yield Button(t("Cancel"), id="cancel")
                yield Button(t("Lift the mute"), id="off")
                yield Button(t("Mute everyone"), id="on", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)


def _group(screen: Any) -> dict[str, Any] | None:
    g = getattr(screen, "group_row", None)
    if not g:
        return None
    return {"id": screen.group_id, "connection_id": g.get("connection_id"), "platform": g.get("platform", ""),
            "platform_group_id": g.get("platform_group_id", ""), "name": g.get("name", "")}


def _queue(screen: Any, fn: Any, *args: Any) -> None:
    def done(aid: int) -> None:
        screen.app.notify(screen.t("{n} actions queued", n=1))

    def work() -> int:
        try:
            return fn(screen.ws, *args)
        except gs.GroupSwitchError as e:
            screen.app.call_from_thread(screen.app.notify, str(e), severity="warning",
                                        title=screen.t("Not available"))
            return 0

    screen.load(work, then=lambda aid: done(aid) if aid else None, group="group-switch")


def mute_all(screen: Any) -> None:
    """M: choose mute or lift in a dialog naming the group, then queue it."""
    g = _group(screen)
    if g is None:
        return
    name = gs.label(g)

    def chosen(which: str | None) -> None:
        if which in ("on", "off"):
            _queue(screen, gs.mute_all, g, which == "on")

    screen.app.push_screen(MuteAllScreen(name), chosen)


def rename(screen: Any) -> None:
    """R: the new name (checked), then a confirmation naming the group and the name."""
    g = _group(screen)
    if g is None:
        return
    t = screen.t

    def got(text: str | None) -> None:
        if not text:
            return
        try:
            name = gs.check_name(screen.ws, text)
        except gs.GroupSwitchError as e:
            screen.app.notify(str(e), severity="warning", title=t("Not available"))
            return
        screen.app.push_screen(ConfirmScreen(t("Rename {group} to {name}?", group=gs.label(g), name=name),
                                             yes=t("Rename group"), no=t("Cancel")),
                               lambda ok: _queue(screen, gs.rename, g, name) if ok else None)

    screen.app.push_screen(PromptScreen(t("New name for {group}", group=gs.label(g)), g["name"]), got)
