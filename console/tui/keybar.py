"""The key line at the bottom of every console screen, as one widget.

Textual's ``Footer`` is a container with one widget per key that it recomposes (mounts
anew and styles) every time the screen's bindings change, and a screen's bindings
change on every focus move and mode switch: on this machine that was 50-80 ms of the
event loop for each switch to a screen (more than everything else the switch does).
This line shows the same thing (each shown binding's key and description, disabled
ones dimmed, the command palette key on the right), draws it as one line of text, and
redraws only when the list actually changed. A click on a key presses it.

It is also the status line: while typing goes into a text box (a filter, a search) it
says so on the left, "✎ filter · Esc back", instead of the keys (they type letters
then), and on the right it shows how many rows are marked for a bulk action.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

Key = tuple[str, str, str, bool]  # key, key as shown, description, enabled


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--separator", "keybar--mode", "keybar--marked"}
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
    KeyBar > .keybar--separator { color: $foreground 20%; }
    KeyBar > .keybar--mode { color: $text; background: $warning-darken-1; text-style: bold; }
    KeyBar > .keybar--marked { color: $warning; text-style: bold; }
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
        screen = self.screen
        t = getattr(self.app, "t", lambda s, **kw: s.format(**kw) if kw else s)
        typing = getattr(screen, "typing_in", lambda: "")()
        if typing:  # typing mode: the keys would type letters; say where typing goes and how out
            text.append(" ✎ " + t("typing: {box}", box=t(typing)) + " ", self.get_component_rich_style("keybar--mode"))
            text.append(" Esc ", key_style)
            text.append(t("back to the keys") + " ", desc_style)
            return text
        marked = getattr(screen, "marked_count", lambda: 0)()
        tail_marked = (" ● " + t("{n} marked", n=f"{marked:,}") + " ") if marked else ""
        tail = f"▏{self.palette[1]} {self.palette[2]} " if self.palette is not None else ""
        width = self.size.width or 80
        room = width - cell_len(tail_marked) - cell_len(tail)
        dim = Style(dim=True)
        x = 0
        for k, desc in self.fitted(room):
            start = x
            text.append(f" {k[1]} ", key_style if k[3] else key_style + dim)
            x += cell_len(k[1]) + 2
            if desc:
                text.append(f"{desc} ", desc_style if k[3] else desc_style + dim)
                x += cell_len(desc) + 1
            self._spans.append((start, x, k))
        text.append(" " * max(0, room - x))
        x = max(x, room)
        if tail_marked:
            text.append(tail_marked, self.get_component_rich_style("keybar--marked"))
            x += cell_len(tail_marked)
        if self.palette is not None:
            self._spans.append((x, x + cell_len(tail), self.palette))
            text.append("▏", self.get_component_rich_style("keybar--separator"))
            text.append(f"{self.palette[1]} ", key_style)
            text.append(f"{self.palette[2]} ", desc_style)
        return text

    def fitted(self, room: int) -> list[tuple[Key, str]]:
        """The keys with their descriptions cut short enough that every key fits in ``room``
        cells (``?`` help and the palette key are never pushed off an 80-column line); in
        the narrowest terminals the keys alone."""
        keys = self.keys

        def cells(cut: int | None) -> tuple[int, list[tuple[Key, str]]]:
            out, n = [], 0
            for k in keys:
                desc = k[2]
                if cut is not None and cell_len(desc) > cut:
                    desc = set_cell_size(desc, cut - 1).rstrip() + "…" if cut > 1 else ""
                out.append((k, desc))
                n += cell_len(k[1]) + 2 + (cell_len(desc) + 1 if desc else 0)
            return n, out

        n, out = cells(None)
        if n <= room:
            return out
        longest = max((cell_len(k[2]) for k in keys), default=0)
        for cut in range(longest, 0, -1):
            n, out = cells(cut)
            if n <= room:
                return out
        return cells(0)[1]

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key[3]:
                    self.app.simulate_key(key[0])
                else:
                    self.app.bell()
                return
