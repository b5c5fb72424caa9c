"""Every hook is documented with its exact signature and has a test_hook_<name> test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from console import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOKS = sorted(name for name, fn in vars(hookspecs).items()
               if inspect.isfunction(fn) and hasattr(fn, "shequn_spec"))


def test_hooks_found():
    assert len(HOOKS) >= 15


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_documented_with_signature(hook):
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    sig = f"{hook}{inspect.signature(getattr(hookspecs, hook))}"
    assert re.search(rf"^### `{re.escape(sig)}`", doc, re.M), f"docs/plugins.md lacks a '### `{sig}`' heading"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    assert f"def test_hook_{hook}(" in text, f"no test_hook_{hook} test"
