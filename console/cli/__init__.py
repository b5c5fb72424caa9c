"""The ``shequn`` command.

``shequn`` alone opens the console; verbs do the rest. Plugins add verbs through the
``register_commands(cli)`` hook, so the plugin manager is built before click parses
the arguments (with ``--config`` looked up early, so disabled plugins stay out).
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..config import ConfigError, load_settings
from ..pluginmanager import call_hook, get_plugin_manager, plugin_manager_for
from .context import CliState, fail, friendly_errors, state
from .core_verbs import config_group, db_group, plugins_cmd, serve_cmd


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config", metavar="PATH", envvar="SHEQUN_CONFIG",
              help="config.toml to use (default: ./config.toml, or $SHEQUN_CONFIG).")
@click.option("--read-only", is_flag=True, help="Open the console for looking only: every action is disabled.")
@click.version_option(__version__, "--version", prog_name="shequn")
@click.pass_context
def cli(ctx: click.Context, config: str | None, read_only: bool) -> None:
    """shequn: the console for people who run private communities (社群).

    Run with no verb to open the console on the workspace in config.toml.
    """
    ctx.obj = CliState(config, read_only)
    if ctx.invoked_subcommand is None:
        with friendly_errors():
            from ..tui.launch import run_console

            run_console(config, read_only=read_only)


cli.add_command(plugins_cmd)
cli.add_command(db_group)
cli.add_command(config_group)
cli.add_command(serve_cmd)
from .queue_verbs import alerts_group, tasks_group  # noqa: E402

cli.add_command(tasks_group)
cli.add_command(alerts_group)
from .deadletter_verbs import deadletters_group  # noqa: E402

cli.add_command(deadletters_group)
from .invitation_verbs import invitations_group  # noqa: E402

cli.add_command(invitations_group)
from .connection_verbs import connections_cmd  # noqa: E402

cli.add_command(connections_cmd)
from .group_verbs import groups_group  # noqa: E402

cli.add_command(groups_group)
from .people_verbs import people_group  # noqa: E402

cli.add_command(people_group)
from ..sync import sync_cmd  # noqa: E402

cli.add_command(sync_cmd)
from ..docs_shipped import docs_cmd  # noqa: E402
from ..scaffold import plugin_group  # noqa: E402

cli.add_command(docs_cmd)
cli.add_command(plugin_group)


def _early_config(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--config="):
            return a.split("=", 1)[1]
    return None


_registered = False


def build_cli(argv: list[str] | None = None) -> click.Group:
    """Attach plugin verbs once per process (tests call main() repeatedly)."""
    global _registered
    if _registered:
        return cli
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        pm = plugin_manager_for(load_settings(_early_config(argv)))  # one-file plugins' verbs too
    except ConfigError:  # reported properly when the verb opens the workspace
        pm = get_plugin_manager()
    call_hook(pm, "register_commands", cli=cli)
    _registered = True
    return cli


def main(argv: list[str] | None = None) -> None:
    build_cli(argv)
    cli.main(args=argv, prog_name="shequn")


__all__ = ["cli", "main", "build_cli", "state", "fail"]
