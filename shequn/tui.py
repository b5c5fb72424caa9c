"""The console's screen and table API for a plugin's ``screens.py``/``panels.py``
(public API; docs/console.md describes each piece).

Importing this module imports Textual: only the console loads a plugin's screen and
panel modules (named in ``ScreenSpec``/``PanelSpec`` targets), never the engine or a verb.
"""

from __future__ import annotations

from console.tui.base import ShequnScreen
from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.keymap import bindings, define
from console.tui.pickers import ChoiceScreen
from console.tui.vtable import PAGE, Column, ListSource, VirtualTable

__all__ = ["ShequnScreen", "VirtualTable", "Column", "ListSource", "PAGE", "ConfirmScreen", "PromptScreen",
           "ChoiceScreen", "bindings", "define"]
