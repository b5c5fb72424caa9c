"""How a wheel of shequn adds one importable name, ``shequn``, to site-packages.

The repository keeps the host in ``console/`` and the built-in plugins in ``plugins/``
(and an editable install maps those folders as they are). A regular build moves them
under the public package, ``shequn/console`` and ``shequn/plugins``, and rewrites the
dotted names that point into them, so ``import console`` finds nothing after
``pip install shequn`` (a public package named ``console`` exists) while every module
is still imported under exactly one name. Rewritten, token by token:

- ``import``/``from`` statements naming ``console``/``plugins`` (``from console.model
  import Event`` -> ``from shequn.console.model import Event``);
- string literals that are exactly a dotted path to a module of those folders,
  optionally with ``:attribute`` (``"plugins.kpi.panels:KpiPanel"``, ``"console.testing"``):
  the module part must exist as a file, so ``"console.language"`` (a config key) is kept.

The docs (docs/*.md) are copied in as ``shequn/docs`` for ``shequn docs``. The rest of
the configuration is in pyproject.toml; tests/test_public_api.py builds a wheel, installs
it into a fresh venv and checks the result.
"""

from __future__ import annotations

import io
import re
import shutil
import tokenize
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
MOVED = ("console", "plugins")  # top-level folders that live under shequn/ in a wheel
PUBLIC = "shequn"
DOTTED = re.compile(r"(?P<mod>(?:console|plugins)(?:\.[A-Za-z_]\w*)+)(?P<attr>:[A-Za-z_][\w.]*)?")


def _is_module(dotted: str, root: Path) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def rewrite_source(text: str, root: Path = ROOT) -> str:
    """``text`` (Python source) with its names of moved modules under ``shequn.``; lines
    and columns of everything else are unchanged, so tracebacks point where they did."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    statement_start, module_next, plain_import = True, False, False
    for i, tok in enumerate(tokens):
        kind, string = tok.type, tok.string
        if kind == tokenize.NAME and module_next and string in MOVED:
            if plain_import and not _aliased(tokens, i):
                # `import console.x` binds the name `console`, which a wheel does not have
                raise ValueError(f"line {tok.start[0]}: write `from {string}... import` or `import ... as`")
            edits.append((tok.start, tok.end, f"{PUBLIC}.{string}"))
        elif kind == tokenize.STRING:
            literal = _plain_literal(string)
            m = DOTTED.fullmatch(literal) if literal is not None else None
            if m and _is_module(m["mod"], root):
                prefix = string[: len(string) - len(string.lstrip("rRuU"))]
                body = string[len(prefix):]
                q = body[:3] if body[:3] in ('"""', "'''") else body[0]
                edits.append((tok.start, tok.end, f"{prefix}{q}{PUBLIC}.{literal}{q}"))
        if kind in (tokenize.NEWLINE, tokenize.NL) or (kind == tokenize.OP and string == ";"):
            statement_start, module_next, plain_import = True, False, False
            continue
        if kind in (tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
            continue
        if statement_start and kind == tokenize.NAME and string in ("import", "from"):
            module_next, plain_import = True, string == "import"
        else:
            # `import a, b`: every name after a comma of a plain import is a module too
            module_next = plain_import and kind == tokenize.OP and string == ","
        statement_start = False
    lines = text.splitlines(keepends=True)
    for (srow, scol), (erow, ecol), new in reversed(edits):
        line = lines[srow - 1]
        lines[srow - 1] = line[:scol] + new + line[ecol:]
    return "".join(lines)


def _aliased(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """Whether the dotted name starting at ``tokens[i]`` is followed by ``as NAME``."""
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].string == "." and tokens[j + 1].type == tokenize.NAME:
        j += 2
    return j < len(tokens) and tokens[j].string == "as"


def _plain_literal(token: str) -> str | None:
    """The value of a simple string literal token (no f-string, no bytes), else None."""
    prefix = token[: len(token) - len(token.lstrip("rRbBuUfF"))].lower()
    if "f" in prefix or "b" in prefix:
        return None
    body = token[len(prefix):]
    q = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return body[len(q):-len(q)] if len(body) >= 2 * len(q) else None


class BuildPy(build_py):
    """build_py that lays a regular (non-editable) build out under ``shequn/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install keeps the repository's layout (console/, plugins/)
        lib = Path(self.build_lib)
        for name in MOVED:
            src, dest = lib / name, lib / PUBLIC / name
            if dest.exists():
                shutil.rmtree(dest)
            if src.exists():
                shutil.move(str(src), str(dest))
        for path in (lib / PUBLIC).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            new = rewrite_source(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
        docs = lib / PUBLIC / "docs"
        if docs.exists():
            shutil.rmtree(docs)
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("*.py", "__pycache__"))


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import rewrite_source
    setup(cmdclass={"build_py": BuildPy})
