"""The console application: modes (one per screen), live refresh, language, palette.

Modes are the core screens plus every plugin's ``register_screens``; each is
reachable by one key (binding id ``mode.<id>``, remappable in ``[console] bindings``)
and from the command palette. Screens are imported on first use, so a plugin's
screen costs nothing until it is opened.

Live: a timer polls a handful of max() fingerprints (queries.change_marks) in a thread
worker every ``console.refresh_seconds`` and tells the visible screen when something
changed; the event loop itself never touches SQLite.
"""

from __future__ import annotations

import importlib
from functools import partial
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from ..i18n import translate
from ..registry import PanelSpec, ScreenSpec
from .commands import ConsoleCommands
from .keymap import bindings

CORE_SCREENS = [
    ScreenSpec("dashboard", "Dashboard", "d", "console.tui.screens.dashboard:DashboardScreen", 10, "console"),
    ScreenSpec("groups", "Groups", "g", "console.tui.screens.groups:GroupsScreen", 20, "console"),
    ScreenSpec("members", "Members", "m", "console.tui.screens.members:MembersScreen", 30, "console"),
    ScreenSpec("activity", "Activity", "a", "console.tui.screens.activity:ActivityScreen", 70, "console"),
    ScreenSpec("connections", "Connections", "c", "console.tui.screens.connections:ConnectionsScreen", 80, "console"),
    ScreenSpec("owner", "Owner's queue", "q", "console.tui.screens.owner:OwnerScreen", 90, "console"),
]


def settle_memory() -> None:
    """After the first frame, and after each screen is first drawn: move what is alive
    (modules, classes, built screens) out of the garbage collector's sight (``gc.freeze``).

    The console holds about 85,000 long-lived objects after start-up; a full collection
    walks all of them, which took about 60 ms on this machine and happened in the middle
    of a mode switch (a switch allocates a lot), stalling the event loop; with them frozen
    a full collection walks only what was made since. Frozen objects are still freed by
    reference counting; the young generations are collected first, so only cycles that
    were already old stay until exit. ``run_console`` also disables the collector during
    start-up (imports allocate a lot and free almost nothing); it is enabled here."""
    import gc

    if gc.isenabled():
        gc.collect(1)
    gc.freeze()
    gc.enable()


def load_target(target: str) -> Any:
    """Import ``"module:attribute"`` (a plugin's screen or panel class)."""
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


class ShequnApp(ConsoleCommands, App):
    """The console. Build it with :func:`build_app` (it adds one binding per mode)."""

    TITLE = "shequn"
    CSS = """
    Screen { layers: base overlay; }
    #modebar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = bindings("app.help", "app.undo", "app.language", "app.quit")

    def __init__(self, ws: Any, *, screens: list[ScreenSpec], panels: dict[str, PanelSpec] | None = None,
                 read_only: bool = False, engine_note: str = "", lang: str | None = None,
                 refresh_seconds: float | None = None, start_mode: str = "dashboard"):
        super().__init__()
        self.ws = ws
        self.read_only = read_only
        self.engine_note = engine_note
        self.lang = lang or ws.settings.console.language
        self.specs = sorted(screens, key=lambda s: (s.order, s.id))
        self.panels = panels or {}
        self.refresh_seconds = refresh_seconds if refresh_seconds is not None else ws.settings.console.refresh_seconds
        self.start_mode = start_mode
        self._marks: tuple | None = None
        self._held = False  # painting paused while a new mode screen mounts (switch_mode)
        #: mode -> what its screen class's ``prefetch(ws)`` read while idle (see _prefetch)
        self.prefetched: dict[str, Any] = {}
        self._screen_classes: dict[str, type] = {}
        from .undo import Journal

        self.journal = Journal()  # the operator's decisions made here, for z (undo)
        self.awaiting: dict[int, str] = {}  # join requests sent to the platform from here (check_answers)
        for spec in self.specs:
            self.add_mode(spec.id, partial(self._make_screen, spec))
        from .base import ZONE  # not from group_detail: that would import its widgets at start-up

        ZONE[0] = ws.tz
        if ws.settings.console.bindings:
            self.set_keymap(dict(ws.settings.console.bindings))

    # --- modes -------------------------------------------------------------------------

    def screen_class(self, spec: ScreenSpec) -> type:
        cls = self._screen_classes.get(spec.id)
        if cls is None:
            cls = self._screen_classes[spec.id] = load_target(spec.target)
        return cls

    def _make_screen(self, spec: ScreenSpec) -> Screen:
        try:
            cls = self.screen_class(spec)
            screen = cls()
        except Exception as e:  # a broken plugin screen must not take the console down
            from .screens.broken import BrokenScreen

            screen = BrokenScreen(spec, f"{type(e).__name__}: {e}")
        return self._styles_current(screen)

    def _styles_current(self, screen: Screen) -> Screen:
        """Tell Textual that a new mode screen needs no stylesheet refresh.

        Textual (8.2) marks a new screen "CSS out of date" and, on the first switch to it,
        re-parses every CSS source of the app from scratch and restyles every node of the
        current screen, twice (in ``_init_mode`` and ``switch_mode``); and as the mark is
        cleared only for a mounted screen, every later switch to it did the same again:
        40-80 ms on the event loop per mode switch. A new screen's widgets are styled when
        they are mounted, from the current stylesheet (their own DEFAULT_CSS is parsed
        then, incrementally), exactly as for a widget mounted into a running screen, so
        the refresh is not needed. A theme change still bumps the app's counter and
        refreshes as before."""
        if hasattr(screen, "_css_update_count") and hasattr(self, "_css_update_count"):
            screen._css_update_count = self._css_update_count
        return screen

    def on_mount(self) -> None:
        self.switch_mode(self.start_mode if any(s.id == self.start_mode for s in self.specs) else self.specs[0].id)
        if self.refresh_seconds > 0:
            self.set_interval(self.refresh_seconds, self.poll_changes)
        self.call_after_refresh(settle_memory)
        self.set_timer(0.3, self._prefetch)
        self.call_later(self.warn_collisions)

    #: modes whose screen has a ``prefetch(ws)``: read while the first screen is shown
    PREFETCH = ("members",)

    def _prefetch(self) -> None:
        """Soon after start-up, import the big screens and read what they show first, in a
        thread, so they open with their rows (500,000 people: the first key to open
        Members is the one the operator waits on)."""
        for spec in self.specs:
            if spec.id not in self.PREFETCH or self.current_mode == spec.id or spec.id in self._screen_stacks:
                continue
            try:
                fetch = getattr(self.screen_class(spec), "prefetch", None)
            except Exception:
                continue  # shown as "screen unavailable" when opened
            if fetch is None:
                continue

            def work(mode: str = spec.id, fetch=fetch) -> None:
                try:
                    data = fetch(self.ws)
                except Exception:
                    return  # the screen reads for itself when opened
                self.call_from_thread(self.prefetched.__setitem__, mode, data)

            self.run_worker(work, thread=True, group=f"prefetch-{spec.id}")

    def switch_mode(self, mode: str):
        """Textual's switch, without its 50 ms pause of all painting when the mode's screen
        is already built (the pause masks a screen composing itself; a built screen has
        nothing to mask, and the pause was a third of the time to get back to a screen),
        nor for the first screen at start-up (there is nothing on the terminal to mask)."""
        first = self.current_mode == ShequnApp.DEFAULT_MODE and not self._screen_stacks.get(self.current_mode)
        building = mode not in self._screen_stacks and not first
        if mode != self.current_mode:
            self._skip_delay = True
            if building and not self._held and hasattr(self, "_begin_batch"):
                # a screen that composes itself now: hold painting until it has mounted
                # (ShequnScreen.on_screen_resume releases it), not a fixed 50 ms
                self._begin_batch()
                self._held = True
                self.set_timer(0.5, self.release_paint)  # a screen that never says so
        try:
            return super().switch_mode(mode)
        finally:
            self._skip_delay = False

    def release_paint(self) -> None:
        """End the pause of painting begun when switching to a screen not built yet."""
        if self._held:
            self._held = False
            self._end_batch()
            if not self._batch_count:
                self.screen.refresh()

    def delay_update(self, delay: float = 0.05) -> None:
        if getattr(self, "_skip_delay", False):
            return
        super().delay_update(delay)

    def on_unmount(self) -> None:
        """The console is closing: what settle_memory froze may be collected again (tests and
        benchmarks run many consoles in one process)."""
        import gc

        gc.unfreeze()

    def action_mode(self, mode: str) -> None:
        if self.current_mode == mode:
            return
        self.switch_mode(mode)

    def mode_bar(self, current: str, width: int | None = None) -> str:
        """The one-line list of modes and their keys under the header (keys as remapped).

        With ``width`` (cells) it fits: the other modes' titles are shortened (to the same
        number of cells, with "…") and, in the narrowest terminals, left out (keys only);
        the current mode always shows its whole title."""
        from rich.cells import cell_len, set_cell_size
        from rich.markup import escape

        items = [(self.key_for(f"mode.{spec.id}") or spec.key, self.t(spec.title), spec.id == current)
                 for spec in self.specs]

        def build(cut: int | None, gap: str) -> tuple[str, int]:
            parts, cells = [], 0
            for key, title, here in items:
                if not here and cut is not None and cell_len(title) > cut:
                    title = (set_cell_size(title, cut - 1).rstrip() + "…") if cut > 1 else ""
                shown = f" {key} {title} " if here else (f"{key} {title}" if title else key)
                cells += cell_len(shown)
                shown = escape(shown)
                parts.append(f"[reverse]{shown}[/]" if here else (f"[b]{escape(key)}[/]" + shown[len(escape(key)):]))
            cells += cell_len(gap) * (len(parts) - 1)
            return gap.join(parts), cells

        text, cells = build(None, "  ")
        if width is None or cells <= width:
            return text
        longest = max((cell_len(t) for _, t, here in items if not here), default=0)
        for cut in range(longest, 1, -1):
            for gap in ("  ", " "):
                text, cells = build(cut, gap)
                if cells <= width:
                    return text
        return build(0, " ")[0]

    def key_for(self, binding_id: str) -> str:
        for _, b in self._bindings:
            if b.id == binding_id:
                return self.get_key_display(b)
        return ""

    # --- words -------------------------------------------------------------------------------

    def t(self, text: str, **kw: Any) -> str:
        out = translate(text, self.lang, self.ws.registry.translations)
        return out.format(**kw) if kw else out

    def shown(self, text: Any) -> str:
        """Stored words (an alert, a task, a reason) in the console's language (console/stored_text.py)."""
        r = getattr(self, "_retranslator", None)
        if r is None:
            from ..i18n import ZH_CN
            from ..stored_text import Retranslator

            r = self._retranslator = Retranslator({**ZH_CN, **self.ws.registry.translations.get("zh-CN", {})})
        return r.shown(text, self.lang)

    def action_toggle_language(self) -> None:
        self.set_language("en" if self.lang == "zh-CN" else "zh-CN")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        screen = self.screen
        relabel = getattr(screen, "relabel", None)
        if relabel:
            relabel()
        self.refresh_bindings()

    def status_line(self) -> str:
        bits = [self.t("operator") + self.t(": ") + self.ws.operator]
        if self.read_only:
            bits.append(self.t("read-only"))
        if self.engine_note:
            bits.append(self.t(self.engine_note.split(" (")[0]) + (
                " (" + self.engine_note.split(" (", 1)[1] if " (" in self.engine_note else ""))
        return " · ".join(bits)

    # --- live ----------------------------------------------------------------------------------

    def poll_changes(self) -> None:
        self.run_worker(self._poll_worker, thread=True, group="poll", exclusive=True)

    def _poll_worker(self) -> None:
        from .queries import change_marks

        try:
            marks = change_marks(self.ws)
        except Exception:
            return  # a busy database is retried on the next tick
        if marks != self._marks:
            first = self._marks is None
            self._marks = marks
            if not first:
                self.call_from_thread(self._changed)

    def _changed(self) -> None:
        self.check_answers()
        live = getattr(self.screen, "live_changed", None)
        if live:
            live()

    # --- places reachable from anywhere ----------------------------------------------------------

    def open_group(self, group_id: int) -> None:
        from .screens.group_detail import GroupDetailScreen

        self.push_screen(GroupDetailScreen(group_id))

    def open_person(self, person_id: int) -> None:
        from .screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(person_id))

    def goto(self, mode: str, arg: Any = None) -> None:
        """Open what a dashboard line or queue item is about."""
        if mode == "group" and arg is not None:
            self.open_group(int(arg))
            return
        if mode == "person" and arg is not None:
            self.open_person(int(arg))
            return
        if any(s.id == mode for s in self.specs):
            self.switch_mode(mode)
            if arg:
                self.call_later(lambda: getattr(self.screen, "focus_on", lambda a: None)(arg))
        else:
            self.notify(self.t("That screen is not installed: {mode}", mode=mode), severity="warning")


def build_app(ws: Any, *, plugin_screens: dict[str, ScreenSpec] | None = None,
              panels: dict[str, PanelSpec] | None = None, **kwargs: Any) -> ShequnApp:
    """The console app with one binding per mode (core and plugins')."""
    specs = list(CORE_SCREENS)
    taken = {s.id for s in specs}
    for spec in (plugin_screens or {}).values():
        if spec.id not in taken:
            specs.append(spec)
            taken.add(spec.id)
    binds = [Binding(s.key, f"app.mode('{s.id}')", s.title, show=False, id=f"mode.{s.id}") for s in specs]
    cls = type("ShequnConsole", (ShequnApp,), {"BINDINGS": binds})  # Textual adds ShequnApp's own
    return cls(ws, screens=specs, panels=panels, **kwargs)
