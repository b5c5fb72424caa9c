"""Shared fixtures: an isolated workspace per test (temp dir, its own config and plugins).

Tests never read the developer's config.toml or data/: every workspace lives in
``tmp_path`` with a config written by :func:`make_config`.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from console.pluginmanager import LOAD_ENV, own_plugin_names  # noqa: E402
from console.workspace import Workspace  # noqa: E402

# Only shequn's own plugins, not every `shequn` entry point installed in this environment
# (a developer's third-party plugin must not change what the suite sees); CLI runs inherit it.
os.environ[LOAD_ENV] = ",".join(own_plugin_names())

BASE_CONFIG = """
[operator]
name = "tester"
timezone = "Asia/Shanghai"

[database]
path = "shequn.db"

[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 7
groups = 6
members = 300
"""


def make_config(tmp_path: Path, extra: str = "", base: str = BASE_CONFIG) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(base + "\n" + extra, encoding="utf-8")
    return p


@pytest.fixture
def config_path(tmp_path):
    return make_config(tmp_path)


@pytest.fixture
def ws(config_path):
    """A fresh, migrated workspace with the built-in plugins and the sandbox connection."""
    w = Workspace.open(config_path)
    yield w
    w.close()


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    monkeypatch.delenv("SHEQUN_CONFIG", raising=False)
    monkeypatch.delenv("SHEQUN_TRACE_HOOKS", raising=False)
    monkeypatch.chdir(tmp_path)


async def run_runtime_until(rt, cond, timeout: float = 20.0) -> None:
    """Run a console.runtime.Runtime until ``cond()`` holds (or ``timeout``), then stop it."""
    stop = asyncio.Event()
    task = asyncio.create_task(rt.run(stop))
    for _ in range(int(timeout / 0.05)):
        await asyncio.sleep(0.05)
        if cond():
            break
    stop.set()
    await task
