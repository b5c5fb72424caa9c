"""roles: the operation's team (lead, owners, admins, KOLs, cheer squad) and its staffing.

Hooks only; the work is in the modules:
- ``assign``: assign / unassign / set_staff / list_roles / history, insiders kept current;
- ``platform``: admin/owner changes seen on the platform, and set_admin results;
- ``guidelines``: staffing, owner_load, coverage, overview, the alert job;
- ``lookup``: people and groups from what an operator types (shared with other plugins);
- ``cli``: ``shequn roles ...``.
"""

from __future__ import annotations

from shequn import Job, hookimpl

from .schema import MIGRATIONS
from .settings import RolesSettings

__version__ = "0.1.0"


@hookimpl
def register_settings(register):
    register("roles", RolesSettings)


@hookimpl
def register_migrations(register):
    for name, fn in MIGRATIONS:
        register(name, fn)


@hookimpl
def register_translations(register):
    from .words import ZH_CN

    register("zh-CN", ZH_CN)


@hookimpl
def register_jobs(register):
    from .guidelines import check_guidelines

    register(Job(name="roles_guidelines", every=3600.0, run=check_guidelines,
                 description="Raise alerts for understaffed groups and overloaded owners"))


@hookimpl
def register_commands(cli):
    from .cli import register

    register(cli)


@hookimpl
def process_events(events, ws):
    from .family import on_joins
    from .platform import on_admin_events

    on_admin_events(ws, events)
    on_joins(ws, events)
    return None


@hookimpl
def action_done(action, result, ws):
    from .platform import on_action_done

    on_action_done(ws, action, result)
    return None


@hookimpl
def register_screens(register):
    # The console imports the screen only when it opens it (Textual stays out of headless runs).
    from shequn import ScreenSpec

    register(ScreenSpec(id="roles", title="Roles", key="r", target="plugins.roles.screens:RolesScreen", order=40))
