"""What the console does from anywhere: help, the command palette, undo, and the words
of Textual's own commands and messages, in the console's language.

A mixin of the app (console.tui.app.ShequnApp): Textual's palette entries ("Keys",
"Maximize", "Theme"...), its placeholder ("Search for commands…"), the ctrl+c message
and its bindings' descriptions are English in Textual; here they are the console's,
translated like every other string.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable

from textual.app import SystemCommand
from textual.screen import Screen


class ConsoleCommands:
    """Help, palette and undo for :class:`console.tui.app.ShequnApp`."""

    # --- help ------------------------------------------------------------------------------

    def action_help(self) -> None:
        """What the screen is for, its keys as remapped (ours: every binding with an id), the screens."""
        from .dialogs import HelpScreen

        t = self.t
        screen = self.screen
        keys, seen = [], set()
        for key, ab in screen.active_bindings.items():
            b = ab.binding
            if not b.id or not b.description or b.id in seen or b.system:
                continue
            seen.add(b.id)
            keys.append((self.get_key_display(b), t(b.description), b.id, bool(ab.enabled)))
        screens = [(self.key_for("mode." + spec.id) or spec.key, t(spec.title)) for spec in self.specs]
        notes = [t("Ctrl+P opens the command palette; Ctrl+T switches 中文/English; Ctrl+Q quits."),
                 t("z undoes your last decision (within 30 minutes); Esc always goes back to the keys.")]
        self.push_screen(HelpScreen(t(getattr(screen, "TITLE_EN", "") or "shequn"),
                                    t(getattr(screen, "HELP", "") or ""), keys, screens, notes))

    def notify(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every toast in the console's language: ours are translated already (then this
        changes nothing), Textual's own and a plugin's stored English are read back
        through the catalogue (console.stored_text)."""
        message = self.shown(message) if isinstance(message, str) else message
        title = self.shown(title) if title else title
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (it copies in a text box): say which key does."""
        key = self.key_for("app.quit") or "ctrl+q"
        self.notify(self.t("Press {key} to quit", key=key), title=self.t("Quit?"))

    # --- the command palette ------------------------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("Search for commands…")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        t = self.t
        for spec in self.specs:
            yield SystemCommand(t("Go to") + t(": ") + t(spec.title), t("Open this screen"),
                                partial(self.switch_mode, spec.id))
        # each language names itself, so whoever cannot read the other finds the way back
        yield SystemCommand("Language: English", "Show every string in English", partial(self.set_language, "en"))
        yield SystemCommand("语言：中文", "界面使用简体中文", partial(self.set_language, "zh-CN"))
        # Every screen's own commands (core and plugins'), usable from anywhere: the
        # command switches to its screen first.
        for spec in self.specs:
            try:
                cls = self.screen_class(spec)
            except Exception:
                continue
            for title, action in getattr(cls, "PALETTE", ()):
                yield SystemCommand(t(spec.title) + t(": ") + t(title), t(title),
                                    partial(self._palette_action, spec.id, action))
        # Textual's own, in the console's words
        yield SystemCommand(t("Undo"), t("Undo your last decision (z)"), self.action_undo)
        from .ops_palette import ops_commands  # export, KPI table, schedule, group fields, rule edit

        yield from ops_commands(self, screen)
        yield SystemCommand(t("Keys and help"), t("What this screen is for and its keys (?)"), self.action_help)
        yield SystemCommand(t("Theme"), t("Change the colours"), self.action_change_theme)
        if screen.maximized is not None:
            yield SystemCommand(t("Minimize"), t("Show every panel again"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("Maximize"), t("Let the focused panel fill the screen"), screen.action_maximize)
        yield SystemCommand(t("Screenshot"), t("Save a picture of the screen as an SVG file"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        yield SystemCommand(t("Quit"), t("Close the console"), self.action_quit)

    def _palette_action(self, mode: str, action: str) -> None:
        async def run() -> None:
            await self.run_action(action, self.screen)

        if self.current_mode != mode:
            self.switch_mode(mode)
        self.call_later(run)

    # --- undo ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            # shown only while there is something of the operator's to undo
            return self.journal.latest(self.ws.now()) is not None and not self.read_only
        return True

    def record(self, what: str, items: list[tuple[str, Any]], undo, **extra: Any) -> None:
        """Journal an act of the operator (so z can undo it) and show the z key."""
        from .undo import Entry

        self.journal.add(Entry(what, self.ws.now(), list(items), undo, extra))
        self.refresh_bindings()

    def action_undo(self) -> None:
        """Undo the newest decision made in this console within the window, after a
        confirmation naming it; rows are undone one by one, failures listed."""
        from .bulk import BulkScreen
        from .dialogs import ConfirmScreen
        from .undo import WINDOW, ago

        t = self.t
        entry = self.journal.latest(self.ws.now())
        if entry is None:
            self.notify(t("Nothing to undo: no decision of yours in the last {minutes} minutes", minutes=WINDOW // 60),
                        severity="warning")
            return
        what = t(entry.what, n=len(entry.items))
        names = ", ".join(label for label, _ in entry.items[:5]) + (" …" if len(entry.items) > 5 else "")
        question = t("Undo {what} (made at {time})?", what=what, time=ago(self.ws, entry.at))
        detail = names + "\n" + t("What the platform has not done yet is cancelled; what it did and cannot take "
                                  "back becomes a task that says what to do by hand.")

        def go(ok: bool | None) -> None:
            if not ok:
                return
            self.journal.take(entry)
            self.refresh_bindings()

            def after(_result: Any) -> None:
                again = getattr(self.screen, "refresh_data", None)
                if again:
                    again()

            self.push_screen(BulkScreen(t("Undo {what}", what=what), entry.items, entry.undo,
                                        done=t("Undone: {n}"), failed=t("Not undone: {n}"),
                                        notes=t("Left to do by hand or waiting on the platform: {n}")), after)

        self.push_screen(ConfirmScreen(question, detail, yes=t("Undo"), no=t("Cancel")), go)

    # --- the key map's rule --------------------------------------------------------------------

    def collisions(self) -> list[str]:
        """Screen keys that shadow a global or table key with the keymap as configured."""
        from .keymap import collisions
        from .vtable import VirtualTable

        classes = {}
        for spec in self.specs:
            try:
                classes[spec.id] = self.screen_class(spec)
            except Exception:
                continue
        from .screens.group_detail import GroupDetailScreen
        from .screens.profile import ProfileScreen

        classes.update(group=GroupDetailScreen, profile=ProfileScreen)
        app_bindings = [b for _, b in self._bindings if not b.system]
        return collisions(app_bindings, VirtualTable.BINDINGS, classes, dict(self._keymap))

    def warn_collisions(self) -> None:
        """A remapping in config.toml that breaks the rule is said once, at start-up. Only
        then: the shipped map keeps it (tests/tui/test_tui_keys.py), and the check imports
        every screen, which the cold start should not pay for."""
        if not self.ws.settings.console.bindings:
            return
        try:
            problems = self.collisions()
        except Exception:
            return
        if problems:
            self.notify("\n".join(problems[:6]), title=self.t("Keys that collide in [console] bindings"),
                        severity="warning", timeout=15)

    # --- the platform's answers to decisions made here --------------------------------------------

    def await_answers(self, sent: dict[int, str]) -> None:
        """Join requests sent to the platform from this console (id -> verdict), told when answered."""
        self.awaiting.update(sent)

    def check_answers(self) -> None:
        """(On live changes) read which of the awaited requests the platform answered, in a worker."""
        if not self.awaiting:
            return
        ids = list(self.awaiting)

        def work() -> None:
            marks = ",".join("?" * len(ids))
            try:
                rows = self.ws.store.query(
                    "SELECT r.id, r.status, r.reason, p.display_name AS person, g.name AS group_name"
                    " FROM join_requests r LEFT JOIN people p ON p.id = r.person_id LEFT JOIN groups g"
                    f" ON g.id = r.group_id WHERE r.id IN ({marks}) AND r.status NOT IN ('approving', 'rejecting')", ids)
            except Exception:
                return  # read again at the next change
            self.call_from_thread(self._told, rows)

        self.run_worker(work, thread=True, group="answers", exclusive=True)

    def _told(self, rows: list[dict[str, Any]]) -> None:
        """One line for every answer that came: counted, the refusals and expiries named."""
        t = self.t
        answered = [(r, self.awaiting.pop(r["id"])) for r in rows if r["id"] in self.awaiting]
        if not answered:
            return
        if len(answered) == 1:
            r, _verdict = answered[0]
            if r["status"] == "held":  # refused: back in the queue with the platform's words
                self.notify(self.shown(r["reason"] or ""), severity="error",
                            title=t("Join request {id}: not done", id=r["id"]))
            elif r["status"] == "expired":
                self.notify(t("The platform no longer keeps this request"), severity="warning",
                            title=t("Join request {id}: expired", id=r["id"]))
            else:
                self.notify(t("Join request {id}: {status}", id=r["id"], status=t(r["status"])))
            return
        counts: dict[str, int] = {}
        for r, _ in answered:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        line = t(", ").join(f"{t(s)} {n:,}" for s, n in sorted(counts.items()))
        bad = [r for r, _ in answered if r["status"] in ("held", "expired")]
        more = "\n".join(f"✗ {r['person'] or '?'} → {r['group_name'] or '?'}: {self.shown(r['reason'] or '')}"
                         for r in bad[:5]) + (f"\n… (+{len(bad) - 5})" if len(bad) > 5 else "")
        self.notify(line + ("\n" + more if bad else ""), title=t("The platform answered {n} join requests",
                                                                  n=len(answered)),
                    severity="warning" if bad else "information", timeout=10 if bad else 5)
