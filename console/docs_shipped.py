"""``shequn docs [NAME]``: the documentation that ships with shequn, for a pip user.

The pages are docs/*.md of the repository; a wheel carries them as package data in
``shequn/docs`` (setup.py copies them), which is the same place relative to this module
in both layouts (``console/`` beside ``docs/`` in a checkout, ``shequn/console`` beside
``shequn/docs`` once installed). ``shequn docs`` lists the pages with their titles,
``shequn docs plugins`` prints one (``connectors/douyin`` for a page in a folder).
"""

from __future__ import annotations

from pathlib import Path

import click


ZH_CN = {
    "No page {name!r}; the pages: {names}": "没有页面 {name!r}；现有页面：{names}",
    "The documentation is not installed (no {path})": "未安装文档（没有 {path}）",
    "{count} pages; shequn docs NAME prints one": "共 {count} 页；shequn docs NAME 显示其中一页",
}


def _t(template: str, **values: object) -> str:
    from .cli.context import language  # here: console.cli imports this module

    text = ZH_CN.get(template, template) if language() == "zh-CN" else template
    return text.format(**values)


def docs_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "docs"


def pages() -> dict[str, Path]:
    """Page name (path under docs/ without .md) -> file."""
    root = docs_dir()
    return {p.relative_to(root).with_suffix("").as_posix(): p for p in sorted(root.rglob("*.md"))}


def title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


@click.command("docs")
@click.argument("name", required=False)
def docs_cmd(name: str | None) -> None:
    """Print the page NAME of shequn's documentation (plugins, conformance, console...), or list them."""
    found = pages()
    if not found:
        from .cli.context import fail

        fail(_t("The documentation is not installed (no {path})", path=docs_dir()))
        return
    if name is None:
        width = max(len(n) for n in found)
        for n, path in found.items():
            click.echo(f"{n.ljust(width)}  {title(path)}")
        click.echo(_t("{count} pages; shequn docs NAME prints one", count=len(found)))
        return
    key = name.removesuffix(".md").removeprefix("docs/")
    if key not in found:
        from .cli.context import fail

        fail(_t("No page {name!r}; the pages: {names}", name=name, names=", ".join(found)))
        return
    click.echo(found[key].read_text(encoding="utf-8"), nl=False)
