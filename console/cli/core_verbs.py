"""The host's own verbs: plugins, db, config, serve."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict, fields
from pathlib import Path

import click

from ..config import CORE_SECTIONS, find_config
from ..config_checks import masked, secret_options
from ..pluginmanager import LOAD_ENV, hook_implementations, plugin_manager_for
from .context import fail, friendly_errors, said, state, workspace
from .output import emit, json_option


@click.command("plugins")
@json_option
def plugins_cmd(as_json: bool) -> None:
    """List installed plugins with their version and the hooks each implements.

    One-file plugins from [plugins] dirs show their file under path; a plugin that could
    not be loaded shows the file (or entry point) and the reason."""
    with friendly_errors():
        settings = state().settings()
    pm = plugin_manager_for(settings)
    impls = hook_implementations(pm)
    rows = [{"name": name, "version": pm.versions.get(name, ""), "status": "loaded", "path": pm.paths.get(name, ""),
             "hooks": hooks} for name, hooks in sorted(impls.items())]
    rows += [{"name": n, "version": "", "status": "disabled in config", "path": "", "hooks": []}
             for n in pm.blocked_names]
    rows += [{"name": n, "version": "", "status": f"not in {LOAD_ENV}", "path": pm.paths.get(n, ""), "hooks": []}
             for n in pm.not_selected]
    rows += [{"name": n, "version": "", "status": f"failed to load: {err}", "path": pm.paths.get(n, ""), "hooks": []}
             for n, err in pm.load_errors.items()]
    if as_json:
        emit(rows, as_json=True)
    else:
        emit(rows, ["name", "version", "status", "path", "hooks"], headers={"hooks": "hooks implemented"},
             max_width=400)
    for n in pm.unknown_disabled:
        click.echo(f"warning: {settings.where()}: plugins.disabled names {n!r}, which is not installed", err=True)
    for n in pm.unknown_selected:
        click.echo(f"warning: {LOAD_ENV} names {n!r}, which is not installed", err=True)


# --- db -------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """The workspace database: migrate, check, back up."""


@db_group.command("migrate")
def db_migrate() -> None:
    """Create the database or bring its schema up to date (core and plugins)."""
    from ..store import applied_migrations

    with workspace(read_only=False) as ws:
        names = sorted(applied_migrations(ws.store))
        click.echo(f"{ws.store.path}: schema up to date ({len(names)} migrations applied)")


@db_group.command("check")
@click.option("--quick", is_flag=True, help="Only the quick check run when the workspace opens for writing "
              "(every page read, indexes not matched against their tables).")
def db_check(quick: bool) -> None:
    """Integrity check, pending migrations, and what the workspace holds; exit 2 when damaged."""
    from ..store import guard

    with friendly_errors():
        settings = state().settings()
    path = settings.db_path
    if not path.exists():
        fail(f"{path}: no workspace yet; run `shequn demo` or `shequn db migrate`")
    problem = guard.header_problem(path)
    if problem:
        fail(said(guard.corrupt(path, problem)))
    started = time.monotonic()
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if quick:
                status, detail, _ = guard.quick_check(con, 0)
            else:
                rows = [r[0] for r in con.execute("PRAGMA integrity_check(5)").fetchall()]
                status, detail = ("ok", "") if rows == ["ok"] else ("corrupt", "; ".join(rows[:3]))
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        status, detail = "corrupt", str(e)
    if status != "ok":
        fail(said(guard.corrupt(path, detail)))
    ms = round((time.monotonic() - started) * 1000)
    with workspace(read_only=True) as ws:
        counts = {t: ws.store.scalar(f"SELECT count(*) FROM [{t}]") for t in
                  ("groups", "people", "memberships", "messages", "events", "actions", "cases", "dead_letters")}
        check = ws.t("quick check" if quick else "integrity check")
        click.echo(ws.tr("{path}: {check} ok in {ms} ms, schema current", path=path, check=check, ms=ms))
        if not guard.writable(path):
            click.echo(ws.tr("{path}: read-only for this user: commands that change the workspace are refused",
                             path=path))
    emit([{"table": k, "rows": v} for k, v in counts.items()])


@db_group.command("backup")
@click.argument("dest", required=False, type=click.Path(dir_okay=True))
def db_backup(dest: str | None) -> None:
    """Copy the workspace safely while it is in use (SQLite online backup)."""
    with friendly_errors():
        settings = state().settings()
    src = settings.db_path
    if not src.exists():
        fail(f"{src}: no workspace to back up")
    target = Path(dest) if dest else src.parent / "backups" / f"shequn-{time.strftime('%Y%m%d-%H%M%S')}.db"
    if target.is_dir():
        target = target / f"shequn-{time.strftime('%Y%m%d-%H%M%S')}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(str(src)) as a, sqlite3.connect(str(target)) as b:
        a.backup(b)
    click.echo(f"backed up {src} to {target} ({target.stat().st_size:,} bytes)")


# --- config -----------------------------------------------------------------------------


@click.group("config")
def config_group() -> None:
    """Read, change and check config.toml."""


@config_group.command("check")
def config_check() -> None:
    """Validate config.toml, plugin sections and every connection's options (disabled ones
    too: an unset env: secret of a disabled connection is a warning); exit 2 on errors."""
    from ..config_checks import check_connections
    from ..workspace import check_plugin_sections, gather_registry

    with friendly_errors():
        settings = state().settings()
        pm = plugin_manager_for(settings)
        reg = gather_registry(pm)
        check_plugin_sections(settings, reg)
        warnings = check_connections(settings, reg.connectors)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    unknown = [s for s in settings.sections if s not in reg.settings]
    for s in unknown:
        click.echo(f"warning: {settings.where()}: section [{s}] is not read by any loaded plugin", err=True)
    for n in pm.unknown_disabled:
        click.echo(f"warning: {settings.where()}: plugins.disabled names {n!r}, which is not installed", err=True)
    for n, err in pm.load_errors.items():
        click.echo(f"warning: plugin {n!r} could not be loaded: {err}", err=True)
    enabled = [n for n, c in settings.connections.items() if c.enabled]
    n = len(settings.connections)
    click.echo(f"{settings.where()}: ok ({n} connection{'' if n == 1 else 's'}, enabled: {', '.join(enabled) or 'none'})")


@config_group.command("get")
@click.argument("key", required=False)
@json_option
def config_get(key: str | None, as_json: bool) -> None:
    """Show a setting's value, its default and what it means: core settings and every
    plugin's registered section alike (all of them without KEY; a whole section by its name).

    A plugin setting not yet written in the file shows its default. Secrets (a
    connector's secret options, keys named token, secret, password, AES or API key) show
    as set; a value "env:NAME" shows as written."""
    from ..config import ConfigError, build
    from ..config_docs import section_rows
    from ..workspace import gather_registry

    with friendly_errors():
        settings = state().settings()
        reg = gather_registry(plugin_manager_for(settings))
        rows = []
        for section, cls in CORE_SECTIONS.items():
            rows += section_rows(section, cls, getattr(settings, section), key, settings.written.get(section, {}))
        for section, cls in sorted(reg.settings.items()):
            if key and key.split(".")[0] != section:
                continue
            written = settings.section(section)
            rows += section_rows(section, cls, build(cls, written, settings.where(), section), key, written)
            if key and not rows and "." in key:
                raise ConfigError(settings.where(), key, "is not a known setting",
                                  "one of " + ", ".join(f"{section}.{f.name}" for f in fields(cls)))
    if key and not rows:
        _show_raw(settings, key)
        return
    # one key or section: its meaning whole (the listing of everything keeps lines short)
    emit(rows, ["key", "value", "default", "meaning"], as_json=as_json, max_width=400 if key else 48)


def _show_raw(settings, key: str) -> None:
    """A connection's table or key, or a section no loaded plugin registered, as JSON."""
    parts = key.split(".")
    cur = None
    if parts[0] == "connections" and len(parts) >= 2 and parts[1] in settings.connections:
        c = settings.connections[parts[1]]
        cls = _connector_class(settings, c.platform)
        secret = secret_options(cls)
        if len(parts) == 2:
            cur = masked(asdict(c), secret)
        else:
            cur = getattr(c, parts[2], None) if hasattr(c, parts[2]) else c.options.get(parts[2])
            cur = masked(cur, secret, parts[2])
    elif parts[0] in settings.sections:
        cur = settings.sections[parts[0]]
        for p in parts[1:]:
            cur = cur.get(p) if isinstance(cur, dict) else None
        cur = masked(cur, key=parts[-1])  # a plugin's secret, by its name (token, secret, password ...)
    if cur is None:
        fail(f"{settings.where()}: {key}: no such setting")
    click.echo(json.dumps(cur, ensure_ascii=False, indent=2, default=str))


def _connector_class(settings, platform: str):
    """The connector class serving ``platform`` (its Option(secret=True) are masked), or None."""
    from ..workspace import gather_registry

    return gather_registry(plugin_manager_for(settings)).connectors.get(platform)


def _plugin_sections(path: Path) -> dict[str, type]:
    """The settings dataclasses the plugins of this config register (``config set``
    validates their sections too); every installed plugin's when the file cannot be read."""
    from ..config import ConfigError, load_settings
    from ..pluginmanager import get_plugin_manager
    from ..workspace import gather_registry

    try:
        pm = plugin_manager_for(load_settings(path, must_exist=True))
    except ConfigError:
        pm = get_plugin_manager()
    return gather_registry(pm).settings


@config_group.command("set")
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Set KEY (dotted, e.g. console.language or moderation.raid_joins) to VALUE, keeping
    the file's comments.

    VALUE is read as TOML when it can be (true, 3, 2.5, ["a"]), else as a string. The
    whole file is validated first, plugin sections against their registered settings
    (`moderation.raid_joins five` is refused naming the key and the type); nothing is
    written if it would be invalid."""
    from ..config_write import parse_cli_value, set_key

    path = find_config(state().config)
    with friendly_errors():
        set_key(path, key, parse_cli_value(value), sections=_plugin_sections(path))
    click.echo(f"{path}: {key} = {value}")


# --- serve -------------------------------------------------------------------------------


@click.command("serve")
@click.option("--host", default=None, help="Address to bind the webhook receiver (default from [serve]).")
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help="Port of the webhook receiver (default from [serve]).")
def serve_cmd(host: str | None, port: int | None) -> None:
    """Run the engine headless: webhooks, websocket clients, pollers, outbox, jobs.

    Exits 2 with the reason when the port cannot be bound (in use, not this machine's
    address), before the workspace is opened."""
    from ..config_checks import port_in_use
    from ..serve import run_serve

    with friendly_errors():
        settings = state().settings()
        taken = port_in_use(settings.where(), host or settings.serve.host,
                            port if port is not None else settings.serve.port)
        if taken is not None:
            raise taken
        run_serve(state().config, host=host, port=port)
