"""The console's key map: one table of every key by binding id, and the rule it keeps.

The rule (what k9s, lazygit and Harlequin users expect):

- the keys that switch screens (``mode.*``: d g m r w o a c q as shipped) and the
  app's own keys (``app.*``: ? z ctrl+t ctrl+q, ctrl+p for the palette) work the same
  on every screen: no screen binds them to anything else, so ``a`` is Activity
  everywhere and never approves a request;
- the keys of every table (``table.*``: j/k and the arrows move, space marks, ``*``
  marks every row shown, enter opens, ``i`` shows the row's detail) are the same in
  every table, and no screen binds them either;
- a screen's own keys (``<screen>.*``) are everything else.

Every binding the console makes comes from :data:`KEYS` through :func:`bindings`, so
``[console] bindings`` remaps any of them by id (Textual's keymap) and ``?`` lists them.
A plugin's screen adds its keys with :func:`define` (the built-in plugins do); the test
tests/tui/test_tui_keys.py fails when a screen's key collides with a global or table key.
"""

from __future__ import annotations

from typing import Any, Iterable

from textual.binding import Binding

#: binding id -> (keys, action, description, shown in the key bar)
KEYS: dict[str, tuple[str, str, str, bool]] = {
    # --- everywhere -------------------------------------------------------------------------
    "app.help": ("question_mark", "help", "Help", True),
    "app.undo": ("z", "undo", "Undo", True),
    "app.language": ("ctrl+t", "toggle_language", "中文/English", False),
    "app.quit": ("ctrl+q", "quit", "Quit", False),
    # --- every table ----------------------------------------------------------------------------
    "table.up": ("up,k", "cursor(-1)", "Up", False),
    "table.down": ("down,j", "cursor(1)", "Down", False),
    "table.page_up": ("pageup", "page(-1)", "Page up", False),
    "table.page_down": ("pagedown", "page(1)", "Page down", False),
    "table.first": ("home", "jump(0)", "First row", False),
    "table.last": ("end", "jump(-1)", "Last row", False),
    "table.open": ("enter", "open", "Open", True),
    "table.detail": ("i", "detail", "Details", False),
    "table.mark": ("space", "mark", "Mark", True),
    "table.mark_all": ("asterisk", "mark_all", "Mark all shown", False),
    # --- every screen: Esc leaves a text box, drops the marks, then clears a filter or goes back
    "screen.normal": ("escape", "normal", "Back", False),
    # every screen: export the table shown to CSV, JSON or Markdown (ctrl+e, as in Harlequin)
    "screen.export": ("ctrl+e", "export", "Export", False),
    # --- core screens --------------------------------------------------------------------------
    "dashboard.resolve_alert": ("x", "resolve_alert", "Resolve alert", True),
    "groups.filter": ("slash", "filter", "Filter", True),
    "groups.sort": ("s", "sort", "Sort", True),
    "groups.reverse": ("S", "reverse", "Reverse", False),
    "groups.send": ("n", "send", "Send message", True),
    "groups.announce": ("b", "announce", "Announce", True),
    "groups.set_type": ("t", "set_type", "Set type", True),
    "groups.edit": ("e", "edit_group", "Theme, tier, capacity", False),
    "groups.schedule": ("B", "schedule", "Schedule announcement", False),
    "members.search": ("slash", "search", "Search", True),
    "group.kick": ("K", "kick", "Kick", True),
    "group.mute": ("u", "mute", "Mute", True),
    "group.mark_recent": ("J", "mark_recent", "Mark recent joiners", False),
    "group.edit": ("e", "edit_group", "Theme, tier, capacity", False),
    "group.schedule": ("B", "schedule", "Schedule announcement", False),
    "group.edit_rule": ("E", "edit_rule", "Edit rule", False),
    "group.mute_all": ("M", "mute_all", "Mute all", False),
    "group.rename": ("R", "rename_group", "Rename group", False),
    "kpis.period": ("p", "period", "Window", True),
    "activity.filter": ("f", "filter", "Filter", True),
    "activity.retry": ("R", "retry", "Retry", True),
    "activity.events": ("1", "tab('tab-events')", "Events", False),
    "activity.outbox": ("2", "tab('tab-outbox')", "Outbox", False),
    "activity.audit": ("3", "tab('tab-audit')", "Audit log", False),
    "connections.test": ("t", "test", "Test", True),
    "connections.sync": ("s", "sync", "Sync", True),
    "owner.filter": ("f", "filter", "Filter", True),
    "owner.approve": ("y", "approve", "Approve", True),
    "owner.reject": ("x", "reject", "Reject", True),
    "owner.hold": ("l", "hold", "Leave held", False),
    "owner.done": ("D", "done", "Task done", True),
    "owner.resolve": ("X", "resolve", "Resolve alert", True),
}

#: where each binding id lives: its prefix names the screen (``app``: the app itself,
#: ``table``: every VirtualTable); the rest are a screen's own
GLOBAL_PREFIXES = ("app", "mode", "table", "screen")


def define(entries: dict[str, tuple[str, str, str, bool]]) -> None:
    """Add a plugin screen's keys to the table (at import of its screens module). An id
    already taken by another meaning is refused: two screens cannot share one id."""
    for bid, entry in entries.items():
        have = KEYS.get(bid)
        if have is not None and have != entry:
            raise ValueError(f"binding id {bid} is already defined as {have}")
        KEYS[bid] = entry


def bindings(*ids: str) -> list[Binding]:
    """Textual bindings for these ids, from the table."""
    out = []
    for bid in ids:
        keys, action, description, show = KEYS[bid]
        out.append(Binding(keys, action, description, show=show, id=bid))
    return out


def keys_of(binding: Binding, keymap: dict[str, str] | None = None) -> set[str]:
    """The keys a binding answers to, after the operator's remapping."""
    keys = (keymap or {}).get(binding.id or "", binding.key)
    return {k.strip() for k in keys.split(",") if k.strip()}


def _normal(key: str) -> str:
    """A key as Textual names it (``?`` is question_mark, ``*`` asterisk)."""
    from textual.keys import _character_to_key

    return _character_to_key(key) if len(key) == 1 else key


def collisions(app_bindings: Iterable[Binding], table_bindings: Iterable[Binding],
               screens: dict[str, Any], keymap: dict[str, str] | None = None) -> list[str]:
    """Every screen key that shadows a global or table key, or another key of its screen,
    in words ("roles.assign: a is also mode.activity"). Empty means the map keeps the rule."""
    taken: dict[str, str] = {}
    # the keys every screen has from its base class (screen.*: Esc, export) are global too
    every = [b for cls in screens.values() for base in getattr(cls, "__mro__", ())[1:]
             for b in base.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and (b.id or "").startswith("screen.")]
    for b in [*app_bindings, *table_bindings, *every]:
        for k in keys_of(b, keymap):
            taken.setdefault(_normal(k), b.id or b.action)
    problems = []
    for name, cls in screens.items():
        own: dict[str, str] = {}
        for b in getattr(cls, "BINDINGS", ()):
            if not isinstance(b, Binding):
                continue
            for k in keys_of(b, keymap):
                k = _normal(k)
                if k in taken and taken[k] != b.id:
                    problems.append(f"{b.id or name + '.' + b.action}: {k} is also {taken[k]}")
                if k in own and own[k] != (b.id or b.action):
                    problems.append(f"{b.id or name + '.' + b.action}: {k} is also {own[k]}")
                own.setdefault(k, b.id or b.action)
    return problems


def rows(prefix: str = "") -> list[tuple[str, str, str]]:
    """(id, keys, description) of every binding in the table, for help and docs."""
    return [(bid, keys, desc) for bid, (keys, _a, desc, _s) in sorted(KEYS.items()) if bid.startswith(prefix)]
