"""The base of every console screen: header, body, a "why disabled" line, footer.

Screens read in thread workers and get their rows back on the event loop
(``self.load(fn, *args, then=callback)``), re-read when the app says the workspace
changed, translate every visible string through ``self.t`` and redraw themselves
when the language is switched. Bindings shown in the footer are translated too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from .keybar import KeyBar
from .keymap import bindings
from .screen_rows import TableKeys


#: the operator's time zone for table cells (set by the app from ws.tz, not the machine's)
ZONE: list = [None]


class ModeBar(Static):
    """The modes and their keys, fitted to the terminal's width (see ``ShequnApp.mode_bar``)."""

    def __init__(self, mode: str) -> None:
        super().__init__("", id="modebar", markup=True)
        self.mode = mode
        self._shown: tuple[int, str] = (-1, "")

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        width = self.content_size.width or self.size.width
        if width and (width, self.app.lang) != self._shown:
            self._shown = (width, self.app.lang)
            self.update(self.app.mode_bar(self.mode, width))


class ShequnScreen(TableKeys, Screen):
    """One mode of the console. Subclasses set MODE, TITLE_EN, HELP and write body().
    Tables, focus, Esc, marks and bulk acts: console.tui.screen_rows.TableKeys."""

    MODE = ""
    TITLE_EN = ""
    HELP = ""
    #: action name -> outbox kind (or "write") checked with ops.why_not for the footer
    GUARDED: dict[str, str] = {}
    #: action name -> id of the table it acts on (it is disabled while that table is not shown)
    ACTION_TABLES: dict[str, str] = {}
    BINDINGS = bindings("screen.normal", "screen.export")  # Esc and ctrl+e on every screen (keymap.py)

    DEFAULT_CSS = """
    ShequnScreen #why { height: auto; max-height: 2; color: $warning; padding: 0 1; }
    ShequnScreen .section { text-style: bold; padding: 0 1; color: $accent; }
    ShequnScreen .muted { color: $text-muted; }
    /* tabs take the room between the mode bar and the key bar, so a screen never scrolls
       as a whole (that pushed the mode bar out of view at 80x24) */
    ShequnScreen TabbedContent { height: 1fr; }
    ShequnScreen TabbedContent > ContentSwitcher { height: 1fr; }
    ShequnScreen TabPane { height: 1fr; }
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._lang = ""
        self._shequn_mounted = False
        self._shequn_fresh = False
        self._shequn_shown = False

    @property
    def ws(self):
        return self.app.ws

    def t(self, text: str, **kw: Any) -> str:
        return self.app.t(text, **kw)

    def explain(self, why: str) -> str:
        """A why_not reason in the console's language (the platform sentence has a template)."""
        import re

        m = re.fullmatch(r"the (.+) platform cannot (.+)", why)
        if m:
            return self.t("the {platform} platform cannot {action}", platform=self.t(m.group(1)),
                          action=self.t(m.group(2).replace(" ", "_")) if self.app.lang != "en" else m.group(2))
        return self.t(why)

    def compose(self) -> ComposeResult:
        self._lang = self.app.lang
        yield Header(icon="")
        yield ModeBar(self.MODE)
        yield from self.body()
        yield Static("", id="why")
        yield KeyBar()

    def body(self) -> ComposeResult:
        yield from ()

    # Textual calls a message handler of every class in the MRO, so a subclass's on_mount
    # that calls super().on_mount() runs this one twice; and a mode opened for the first
    # time gets ScreenResume twice (from App._init_mode and App.switch_mode). Each read
    # below would start again from scratch (a new table source, the old one thrown away),
    # so the screen reads once per mount and once per return to it.

    def on_mount(self) -> None:
        if self._shequn_mounted:
            return
        self._shequn_mounted = True
        self._shequn_fresh = True
        self.title = self.t(self.TITLE_EN)
        self.sub_title = self.app.status_line()
        self.focus_main()
        self.refresh_data()

    def on_screen_resume(self, event: Any = None) -> None:
        if self._shequn_shown or self._shequn_fresh:
            # Textual (Screen._on_screen_resume, which runs after this handler) restyles
            # every node of a resumed screen; a screen just mounted was styled when its
            # widgets were, and the second ScreenResume of a first switch repeats the
            # first: 10-20 ms of the event loop each, on the way to the first frame
            if event is not None and hasattr(event, "refresh_styles"):
                event.refresh_styles = False
        if self._shequn_shown:
            return
        self._shequn_shown = True
        if self._lang and self._lang != self.app.lang:
            self.relabel()
        elif self._shequn_fresh:
            # the first resume follows the mount, whose read is already on its way
            from .app import settle_memory

            release = getattr(self.app, "release_paint", None)
            if release is not None:
                release()  # mounted: the switch may paint it now

            self.set_timer(0.5, settle_memory)  # once its rows are in: it lives as long as the app
        else:
            self.refresh_data()
        self._shequn_fresh = False
        self.sub_title = self.app.status_line()
        if self.focused is None or not self.focused.display:
            self.focus_main()
        self.call_later(self.paint_now)

    def paint_now(self) -> None:
        """Paint the whole screen now rather than on Textual's next frame tick.

        Textual paints on a 60 Hz timer that, once it has ticked, sleeps one to two
        periods before it looks again, so a screen switched to (or rows that arrive)
        just after a tick waited up to about 50 ms to be seen. This does what the tick
        does, once (Textual's own Pilot does the same); the next ticks go on as before."""
        try:
            if self.is_current and not self.app._batch_count:
                self._repaint_required = True
                self._on_timer_update()
        except Exception:  # Textual internals moved: the next tick paints it anyway
            pass

    def on_screen_suspend(self) -> None:
        self._shequn_shown = False

    def relabel(self) -> None:
        """Redraw for a new language: compose again and read again."""
        self.title = self.t(self.TITLE_EN)

        async def again() -> None:
            await self.recompose()
            self.focus_main()  # never a hidden filter box: the table, as when the screen opened
            self.refresh_data()

        self.call_later(again)

    def refresh_data(self) -> None:
        """Read what the screen shows (in workers). Called on mount and on live changes."""

    def live_changed(self) -> None:
        """The workspace changed (new events, action results). Default: read again."""
        self.refresh_data()

    # --- workers ---------------------------------------------------------------------

    def load(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None], group: str = "load") -> None:
        """Run ``fn(*args)`` in a thread and hand the result to ``then`` on the event loop."""

        def work() -> None:
            try:
                result = fn(*args)
            except Exception as e:  # shown, never a traceback over the screen
                self.app.call_from_thread(self.app.notify, f"{type(e).__name__}: {e}", severity="error",
                                          title=self.t("Could not read"))
                return
            self.app.call_from_thread(then, result)

        self.run_worker(work, thread=True, group=group, exclusive=True)

    def do(self, fn: Callable[..., Any], *args: Any, done: str = "", then: Callable[[Any], None] | None = None) -> None:
        """Run an operator action in a thread; say what happened (or why not)."""

        def work() -> None:
            try:
                result = fn(*args)
            except Exception as e:
                self.app.call_from_thread(self.app.notify, str(e), severity="error", title=self.t("Not done"))
                return
            if done:
                self.app.call_from_thread(self.app.notify, done)
            if then:
                self.app.call_from_thread(then, result)
            self.app.call_from_thread(self.refresh_data)

        self.run_worker(work, thread=True, group="do")

    # --- disabled actions, with the reason ------------------------------------------------

    def group_ids_for_guard(self) -> list[int]:
        """The groups the guarded actions would touch now (override per screen)."""
        return []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        wanted = self.ACTION_TABLES.get(action)
        if wanted is not None and self.active_table(wanted) is None:
            return False  # not offered (not even dimmed): it acts on a table of another tab
        kind = self.GUARDED.get(action)
        if kind is None:
            return True
        from .ops import why_not

        return None if why_not(self.ws, kind, self.group_ids_for_guard()) else True

    def show_why(self) -> None:
        """List the disabled actions and why, under the body (the footer greys them out)."""
        from .ops import why_not

        reasons: dict[str, list[str]] = {}
        gids = self.group_ids_for_guard()
        for action, kind in self.GUARDED.items():
            why = why_not(self.ws, kind, gids)
            if why:
                label = next((b.description for _, b in self._bindings if b.action == action), action)
                reasons.setdefault(why, []).append(self.t(label))
        text = "  ".join(f"{', '.join(v)}: {self.t('disabled')} ({self.explain(k)})" for k, v in reasons.items())
        try:
            self.query_one("#why", Static).update(text)
        except Exception:
            pass
        self.refresh_bindings()

    def guard(self, kind: str, group_ids: list[int]) -> bool:
        """True when allowed; otherwise say why and refuse."""
        from .ops import why_not

        why = why_not(self.ws, kind, group_ids)
        if why:
            self.app.notify(self.explain(why), severity="warning", title=self.t("Not available"))
            return False
        return True

    @property
    def active_bindings(self):  # type: ignore[override]
        """The footer's bindings, with descriptions in the console's language."""
        out = {}
        for key, ab in super().active_bindings.items():
            if ab.binding.description:
                ab = ab._replace(binding=replace(ab.binding, description=self.t(ab.binding.description)))
            out[key] = ab
        return out

