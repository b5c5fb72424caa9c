"""The console's screen and table API for a plugin's ``screens.py``/``panels.py``
(public API; docs/console.md describes each piece).

Besides the screen base class, the virtual table and the dialogs, the words a screen
shows for the host's stored values, read the same on every screen:

- ``when(ts)``: a unix time as the operator's month-day hour:minute (operator.timezone);
- ``value_text(value)``: a field's value as a person reads it (JSON as ``name: value``
  lines, never a repr); ``field_lines(row, t)``: every field of a row as markup lines for
  a detail view (``ShequnScreen.describe``);
- ``actor_text(t, actor)``, ``rule_text(t, rule)``, ``scope_text(t, scope, names)``,
  ``step_text(t, step)``: the host's stored codes (``rule:ads``, ``type:flash``,
  ``mute:10``) in words, in the console's language;
- ``name_list(values, limit=8)``: names on one line, ``张三、李四 … (+3)``;
- ``case_detail(ws, id, t, shown)``, ``join_request_detail(ws, id, t, shown)``: the
  detail view of a case or of a join request (the host's rows) for ``describe``;
- ``ask_and_decide(screen, rows, verdict, decide=..., presets=..., recent=...)``: deciding
  join requests from a queue: the reason for a rejection, the confirmation naming groups
  and people, the bulk act with progress, the journal for ``z``;
- ``edit_rule(app, name)``: the host's rule editor on a rule or policy by name, its scope
  and config checked by the rule's plugin and previewed over stored history before saving
  (what ``E`` opens on a group's page and on a plugin's rules tab).

Importing this module imports Textual: only the console loads a plugin's screen and
panel modules (named in ``ScreenSpec``/``PanelSpec`` targets), never the engine or a verb.
"""

from __future__ import annotations

from console.tui.base import ShequnScreen
from console.tui.decide import ask_and_decide
from console.tui.decide import names as name_list
from console.tui.detail import field_lines, value_text
from console.tui.detail_queries import case as case_detail
from console.tui.detail_queries import join_request as join_request_detail
from console.tui.dialogs import ConfirmScreen, PromptScreen
from console.tui.keymap import bindings, define
from console.tui.pickers import ChoiceScreen
from console.tui.rule_edit import edit_rule
from console.tui.screens.group_detail import when
from console.tui.vtable import PAGE, Column, ListSource, VirtualTable
from console.words import actor_text, rule_text, scope_text, step_text

__all__ = ["ShequnScreen", "VirtualTable", "Column", "ListSource", "PAGE", "ConfirmScreen", "PromptScreen",
           "ChoiceScreen", "bindings", "define",
           "when", "value_text", "field_lines", "actor_text", "rule_text", "scope_text", "step_text", "name_list",
           "case_detail", "join_request_detail", "ask_and_decide", "edit_rule"]
