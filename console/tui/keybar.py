"""The key line at the bottom of every console screen, as one widget.

Textual's ``Footer`` is a container with one widget per key that it recomposes (mounts
anew and styles) every time the screen's bindings change, and a screen's bindings
change on every focus move and mode switch: on this machine that was 50-80 ms of the
event loop for each switch to a screen (more than everything else the switch does).
This line shows the same thing (each shown binding's key and description, disabled
ones dimmed, the command palette key on the right), draws it as one line of text, and
redraws only when the list actually changed. A click on a key presses it.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

Key = tuple[str, str, str, bool]  # key, key as shown, description, enabled


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
    KeyBar > .keybar--separator { color: $foreground 20%; }
    """

    def __init__(self, *, id: str | None = "keybar") -> None:
        super().__init__(id=id)
        self.keys: tuple[Key, ...] = ()
        self.palette: Key | None = None
        self._spans: list[tuple[int, int, Key]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys, palette = self.collect()
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    def collect(self) -> tuple[tuple[Key, ...], Key | None]:
        """The shown bindings of the screen, one per action (as Textual's Footer picks them)."""
        active = self.screen.active_bindings
        app = self.app
        seen: set[str] = set()
        keys: list[Key] = []
        for _, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((binding.key, app.get_key_display(binding), binding.description, bool(enabled)))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = (binding.key, app.get_key_display(binding), binding.description, bool(enabled))
        return tuple(keys), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        x = 0
        dim = Style(dim=True)
        for k in self.keys:
            start = x
            text.append(f" {k[1]} ", key_style if k[3] else key_style + dim)
            x += cell_len(k[1]) + 2
            if k[2]:
                part = f"{k[2]} "
                text.append(part, desc_style if k[3] else desc_style + dim)
                x += cell_len(part)
            self._spans.append((start, x, k))
        if self.palette is not None:
            tail = f"▏{self.palette[1]} {self.palette[2]} "
            width = self.size.width
            gap = width - x - cell_len(tail)
            if gap >= 1:
                text.append(" " * gap)
                x += gap
                self._spans.append((x, x + cell_len(tail), self.palette))
                text.append("▏", self.get_component_rich_style("keybar--separator"))
                text.append(f"{self.palette[1]} ", key_style)
                text.append(f"{self.palette[2]} ", desc_style)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key[3]:
                    self.app.simulate_key(key[0])
                else:
                    self.app.bell()
                return
