"""The ``pytest11`` entry point: shequn's pytest plugin (console/pytest_plugin.py), under a
name that exists in every layout (an installed wheel has no top-level ``console``)."""

from console.pytest_plugin import pytest_collection_modifyitems, pytest_configure, pytest_pyfunc_call  # noqa: F401
