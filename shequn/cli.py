"""What a plugin's CLI verbs use (public API, see docs/plugins.md "The public API").

``with workspace() as ws:`` opens the workspace for the ``--config`` in force (read-only
when the command was started with ``--read-only``); ``fail(message)`` ends the verb with
the message and exit code 2; ``emit(rows, columns, as_json=...)`` prints a table or JSON,
``json_option`` adds the usual ``--json`` flag; ``step_text(ws.tr, "mute:10")`` says a
ladder step as the screens do (禁言 10 分钟), ``rule_text`` and ``scope_text`` a rule's name
and scope (``type:flash`` as 类型：快闪群): shequn.tui's, without importing Textual.
"""

from __future__ import annotations

from console.cli.context import fail, workspace
from console.cli.output import emit, json_option, render_csv, render_table
from console.words import rule_text, scope_text, step_text

__all__ = ["workspace", "fail", "emit", "json_option", "render_table", "render_csv", "step_text", "rule_text",
           "scope_text"]
