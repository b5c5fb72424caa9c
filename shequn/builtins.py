"""The built-in plugins' entry points (``[project.entry-points.shequn]`` in pyproject.toml).

Each entry point names an attribute of this module (``sandbox = "shequn.builtins:sandbox"``)
that imports the plugin's package when first asked: in the repository it is
``plugins.<name>``, in a wheel ``shequn.plugins.<name>`` (setup.py rewrites the dotted
paths below when it builds one), so one entry point works in both layouts and a plugin
disabled or left out of ``SHEQUN_LOAD_PLUGINS`` is never imported.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PACKAGES = {
    "sandbox": "plugins.sandbox",
    "qq": "plugins.qq",
    "roles": "plugins.roles",
    "entry_rules": "plugins.entry_rules",
    "moderation": "plugins.moderation",
    "kpi": "plugins.kpi",
    "douyin": "plugins.douyin",
    "wechat": "plugins.wechat",
    "content": "plugins.content",
}


def __getattr__(name: str) -> ModuleType:
    if name not in PACKAGES:
        raise AttributeError(f"shequn has no built-in plugin {name!r}")
    return importlib.import_module(PACKAGES[name])
