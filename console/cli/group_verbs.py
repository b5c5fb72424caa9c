"""``shequn groups``: whole-group mute and renaming a group, through the outbox.

``shequn groups mute-all GROUP --on`` (or ``--off``) and ``shequn groups rename GROUP
NAME`` ask for confirmation naming the group (``--yes`` skips it, for scripts), are
refused where the group's platform cannot do it, and queue one action each; ``serve``
(or the console's engine) carries it out. GROUP is the group's number on the platform,
``#ID`` or its exact name (console/group_switches.py).
"""

from __future__ import annotations

import click

from .. import group_switches as gs
from .context import fail, workspace


@click.group("groups")
def groups_group() -> None:
    """Groups: whole-group mute (mute-all) and rename, queued in the outbox."""


@groups_group.command("mute-all")
@click.argument("group")
@click.option("--on/--off", "on", required=True, help="Mute everyone, or lift the whole-group mute.")
@click.option("--reason", default="", help="Why (kept with the action and in the audit log).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def mute_all_cmd(group: str, on: bool, reason: str, yes: bool) -> None:
    """Mute everyone in GROUP (--on) or lift it (--off)."""
    with workspace(read_only=False) as ws:
        try:
            g = gs.find_group(ws, group)
            question = (ws.tr("Mute everyone in {group}? Only owners and admins can speak until it is lifted.",
                              group=gs.label(g)) if on else ws.tr("Lift the whole-group mute in {group}?",
                                                                  group=gs.label(g)))
            if not yes and not click.confirm(question, default=False):
                return
            aid = gs.mute_all(ws, g, on, reason)
        except gs.GroupSwitchError as e:
            fail(str(e))
            return
        what = ws.t("whole-group mute on" if on else "whole-group mute off")
        click.echo(ws.tr("Queued action {id}: {what}", id=aid, what=f"{what}, {gs.label(g)}"))


@groups_group.command("rename")
@click.argument("group")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept with the action and in the audit log).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def rename_cmd(group: str, name: str, reason: str, yes: bool) -> None:
    """Rename GROUP to NAME (1 to 30 characters)."""
    with workspace(read_only=False) as ws:
        try:
            g = gs.find_group(ws, group)
            name = gs.check_name(ws, name)
            question = ws.tr("Rename {group} to {name}?", group=gs.label(g), name=name)
            if not yes and not click.confirm(question, default=False):
                return
            aid = gs.rename(ws, g, name, reason)
        except gs.GroupSwitchError as e:
            fail(str(e))
            return
        click.echo(ws.tr("Queued action {id}: {what}", id=aid, what=f"{ws.tr('rename to {name}', name=name)}, "
                                                                       f"{gs.label(g)}"))
