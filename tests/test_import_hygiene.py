"""The host runs headless: nothing outside console/tui/ (and plugins' screens/panels
modules) imports Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_and_plugins_do_not_import_textual():
    code = (
        "import sys, console.workspace, console.engine, console.outbox, console.runtime, console.cli, "
        "console.connector, console.store\n"
        "from console.pluginmanager import get_plugin_manager\n"
        "from console.workspace import gather_registry\n"
        "pm = get_plugin_manager(); gather_registry(pm)\n"
        "import click; from console.cli import build_cli; build_cli([])\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"textual imported by the headless core: {out.stdout}"


def test_no_textual_import_statements_outside_tui():
    offenders = []
    for p in list((ROOT / "console").rglob("*.py")) + list((ROOT / "plugins").rglob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith("console/tui/") or p.name in ("screens.py", "panels.py") or "/screens/" in rel:
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if s.startswith(("import textual", "from textual")):
                offenders.append(rel)
    assert not offenders, offenders
