"""Shown instead of a plugin screen that failed to import or build, naming the plugin."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..base import ShequnScreen


class BrokenScreen(ShequnScreen):
    TITLE_EN = "Screen unavailable"
    HELP = "A plugin's screen could not be opened; the error says why. Other screens work."

    def __init__(self, spec, error: str):
        super().__init__()
        self.spec, self.error = spec, error
        self.MODE = spec.id

    def body(self) -> ComposeResult:
        yield Static(self.t("The screen {title} of plugin {plugin} could not be opened:",
                            title=self.t(self.spec.title), plugin=self.spec.plugin) + f"\n\n{self.error}", id="error")
