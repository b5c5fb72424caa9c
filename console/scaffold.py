"""``shequn plugin new NAME --kind connector|workflow``: a plugin package to start from.

Like llm's and datasette's plugin templates, but written by shequn itself (no
cookiecutter): a pip-installable package ``shequn-NAME`` whose module ``shequn_NAME``
registers through the ``shequn`` entry point and imports only the public API
(``shequn``, ``shequn.cli``, ``shequn.testing``, ``shequn.tui``). Both kinds get a
settings section with docstrings and a range check, a migration, a CLI verb, a console
screen, a KPI, zh-CN words and passing tests; a connector also gets a fake platform
server and the conformance kit's suite against it (strict pytest-asyncio mode needs no
marks). The files are in console/scaffold_common.py, scaffold_workflow.py and
scaffold_connector.py; tests/test_plugin_scaffold.py installs both kinds into a fresh
venv and runs their tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import click


KINDS = ("connector", "workflow")
NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")


ZH_CN = {
    "{name!r} is not a plugin name: lower-case letters, digits and _, starting with a letter, 2 to 31 characters":
        "{name!r} 不是插件名：小写字母、数字和 _，以字母开头，2 到 31 个字符",
    "kind {kind!r} is not one of {kinds}": "类型 {kind!r} 不是 {kinds} 之一",
    "{root} already exists; choose another name or folder": "{root} 已存在；请换一个名字或目录",
    "wrote {root} ({kind}, module {module}, entry point {name})": "已写入 {root}（{kind}，模块 {module}，入口点 {name}）",
    "next: pip install -e {root} && pytest {root}": "下一步：pip install -e {root} && pytest {root}",
}


class ScaffoldError(ValueError):
    """A refusal whose words are a template (translated when shown)."""

    def __init__(self, template: str, **values: object):
        super().__init__(template.format(**values))
        self.template, self.values = template, values

    def words(self) -> str:
        return _t(self.template, **self.values)


def _t(template: str, **values: object) -> str:
    from .cli.context import language  # here: console.cli imports this module

    text = ZH_CN.get(template, template) if language() == "zh-CN" else template
    return text.format(**values)


KEYS = tuple(f"f{n}" for n in range(2, 10))  # function keys: the console's letters are taken


def free_key() -> str:
    """The first function key no installed screen uses (the console binds one key per screen)."""
    from .pluginmanager import get_plugin_manager
    from .workspace import gather_ui

    screens, _ = gather_ui(get_plugin_manager())
    used = {s.key.lower() for s in screens.values()}
    return next((k for k in KEYS if k not in used), KEYS[-1])


def files_for(name: str, kind: str, key: str = KEYS[0]) -> dict[str, str]:
    """Relative path -> text of every file of the new package (its screen on ``key``)."""
    from . import scaffold_common, scaffold_connector, scaffold_workflow

    if not NAME.fullmatch(name):
        raise ScaffoldError("{name!r} is not a plugin name: lower-case letters, digits and _, starting with a "
                            "letter, 2 to 31 characters", name=name)
    if kind not in KINDS:
        raise ScaffoldError("kind {kind!r} is not one of {kinds}", kind=kind, kinds=", ".join(KINDS))
    files = dict(scaffold_common.FILES)
    files.update(scaffold_connector.FILES if kind == "connector" else scaffold_workflow.FILES)
    title = name.replace("_", " ").title().replace(" ", "")
    out = {}
    for path, text in files.items():
        for token, value in (("__NAME__", name), ("__Title__", title), ("__KIND__", kind), ("__KEY__", key)):
            path, text = path.replace(token, value), text.replace(token, value)
        out[path] = text.lstrip("\n")
    return out


def write_plugin(name: str, kind: str, into: Path, key: str = KEYS[0]) -> Path:
    """Write the package into ``into/shequn-NAME`` (which must not exist); its folder."""
    files = files_for(name, kind, key)
    root = Path(into) / f"shequn-{name.replace('_', '-')}"
    if root.exists():
        raise ScaffoldError("{root} already exists; choose another name or folder", root=root)
    for rel, text in sorted(files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@click.group("plugin")
def plugin_group() -> None:
    """Start a plugin of your own (see `shequn docs plugins`)."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True,
              help="connector: a platform (with a fake server and the conformance kit); workflow: rules on events.")
@click.option("--into", "into", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The folder to write the package's folder into.")
def plugin_new(name: str, kind: str, into: str) -> None:
    """Write the package shequn-NAME: entry point, settings, migration, verb, screen, tests.

    Then: pip install -e ./shequn-NAME and pytest ./shequn-NAME (shequn plugins lists it).
    """
    try:
        root = write_plugin(name, kind, Path(into), free_key())
    except ScaffoldError as e:
        from .cli.context import fail

        fail(e.words())
        return
    click.echo(_t("wrote {root} ({kind}, module {module}, entry point {name})", root=root, kind=kind,
                  module=f"shequn_{name}", name=name))
    click.echo(_t("next: pip install -e {root} && pytest {root}", root=root))
