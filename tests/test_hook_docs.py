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


def test_action_kinds_documented_with_their_parameters():
    """docs/connectors/contract.md's table of action kinds is ACTION_PARAMS and ACTION_CAPABILITY, row for
    row: kind, capability, target, each parameter (required ones in bold) and its meaning."""
    from console.model import ACTION_CAPABILITY, ACTION_PARAMS

    doc = (ROOT / "docs" / "connectors" / "contract.md").read_text(encoding="utf-8")
    section = doc.split("## Action kinds and their parameters", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| (\w+) \| (.*) \|$", section, re.M)
    assert set(ACTION_PARAMS) == set(ACTION_CAPABILITY), "every action kind has an ActionSpec"
    documented = {kind: (cap, target, params) for kind, cap, target, params in rows}
    assert sorted(documented) == sorted(ACTION_PARAMS)
    for kind, spec in ACTION_PARAMS.items():
        cap, target, params = documented[kind]
        assert (cap, target) == (ACTION_CAPABILITY[kind], spec.target), kind
        shown = "; ".join((f"**`{n}`**" if n in spec.required else f"`{n}`") + f": {m}"
                          for n, m in spec.params.items()) or "none"
        assert params == shown, f"{kind}: the docs say {params!r}"
