"""shequn's pytest plugin, loaded by pytest wherever shequn is installed (the ``pytest11``
entry point in pyproject.toml), so a connector author's conformance suite needs no
conftest and no asyncio settings.

- The kit's own tests (console/testing.py) are plain functions that run their coroutines
  in an event loop of their own, so they pass under pytest-asyncio's strict mode (no
  marks), its auto mode, and without pytest-asyncio at all.
- An ``async def test_...`` an author adds to a ``ConnectorConformance`` subclass runs the
  same way when no asyncio plugin takes it (strict mode without a mark, or no
  pytest-asyncio); where pytest-asyncio runs it, this plugin leaves it alone.
- Every test of such a class carries the ``conformance`` mark: ``pytest -m conformance``.

Nothing here imports shequn until a test module has imported the kit, so projects that
merely have shequn installed pay nothing.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from typing import Any

import pytest


def _is_kit_class(cls: Any) -> bool:
    kit = sys.modules.get("console.testing")  # imported by the test module, or not a kit test
    return kit is not None and isinstance(cls, type) and issubclass(cls, kit.ConnectorConformance)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a test of shequn's connector conformance kit (console.testing)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _is_kit_class(getattr(item, "cls", None)):
            item.add_marker("conformance")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a coroutine test of a conformance class that no asyncio plugin has taken
    (pytest-asyncio swaps in a plain function for the tests it runs)."""
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn) or not _is_kit_class(getattr(pyfuncitem, "cls", None)):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(fn(**args))
    return True
