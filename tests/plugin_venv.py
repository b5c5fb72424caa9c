"""shequn built as a wheel and installed into a fresh venv, once per test session.

The wheel is built from a copy of the repository's sources (never in the tree other
helpers edit; setup.py lays it out under ``shequn/``) and installed with ``--no-deps``
into a venv made ``--without-pip``; the venv reaches the test environment's dependencies
(textual, click, ...) through a ``.pth`` line naming its site-packages. A plain path
line does not run that folder's own ``.pth`` files, so the editable install's finder
(which maps ``console``/``plugins`` to the repository) stays out, and nothing of the
repository is importable there but what the wheel installed.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("console", "plugins", "shequn", "docs", "pyproject.toml", "setup.py", "README.md")


@dataclass
class Installed:
    """A venv with shequn's wheel in it."""

    root: Path
    wheel: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        """A program of the venv (``python``, ``shequn``, ``pytest`` through python -m)."""
        exe = str(self.bin / args[0])
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SHEQUN_LOAD_PLUGINS")}
        base.update({"PYTHONDONTWRITEBYTECODE": "1", "PATH": f"{self.bin}:{os.environ.get('PATH', '')}"})
        return subprocess.run([exe, *args[1:]], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env={**base, **(env or {})})

    def pip_install(self, *args: str) -> subprocess.CompletedProcess:
        """pip (the test environment's) installing into this venv, without dependencies (the
        venv has them); a source folder is built in isolation, as any author's would be."""
        return subprocess.run([sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q",
                               "--no-deps", *args],
                              capture_output=True, text=True, timeout=300)


def build_wheel(out: Path) -> Path:
    """shequn's wheel, built from a copy of its sources (build isolation fetches setuptools
    and wheel from the configured index, as any `pip install shequn` from source would)."""
    src = out / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out / "dist"),
                           str(src)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = (out / "dist").glob("shequn-*.whl")
    return wheel


def make_venv(path: Path) -> Installed:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(path)
    (purelib,) = [p for p in (path / "lib").glob("python*/site-packages")]
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "shequn_test_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    return Installed(path, Path())


@pytest.fixture(scope="session")
def shequn_venv(tmp_path_factory) -> Installed:
    """A fresh venv with shequn installed from its wheel (built once per session)."""
    base = tmp_path_factory.mktemp("shequn-wheel")
    wheel = build_wheel(base)
    env = make_venv(base / "venv")
    env.wheel = wheel
    done = env.pip_install(str(wheel))
    assert done.returncode == 0, done.stderr[-3000:]
    return env
