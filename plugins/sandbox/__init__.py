"""The sandbox: a simulated platform so a new workspace is alive on first run.

- ``world``: the seeded simulation (groups, people, traffic, answers to actions), assembled from
  ``model``, ``building``, ``traffic``, ``membership``, ``commerce`` and ``answers``;
- ``connector``: the platform connector around it, kept in the workspace across restarts;
- ``store``: its tables (world state, generated truth, answered actions) and the writer of
  orders, costs and exposure;
- ``demo`` / ``cli``: ``shequn demo``, the fast back-fill of days of history;
- ``truth``: precision of rules and accuracy of segments measured against the truth.
"""

from shequn import hookimpl

from .connector import SandboxConnector

__version__ = "0.2.0"


@hookimpl
def register_connectors(register):
    register(SandboxConnector)


@hookimpl
def register_migrations(register):
    from .store import MIGRATIONS

    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_commands(cli):
    from .cli import demo_cmd, truth_cmd

    cli.add_command(demo_cmd)
    cli.add_command(truth_cmd)


@hookimpl
def register_translations(register):
    from .words import ZH_CN

    register("zh-CN", ZH_CN)
