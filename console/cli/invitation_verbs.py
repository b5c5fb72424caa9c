"""``shequn invitations``: invitations of the bot account into groups, and a person's decision.

An invitation waits (``held``) until a person accepts or declines it here (or a rule the
operator set accepts it: the QQ plugin's ``accept_invitations_from``); its task in the
owner's queue says so. ``--json`` prints ``{"total", "page", "per_page", "pages", "rows"}``.
"""

from __future__ import annotations

import json

import click

from .. import bot_invitations  # noqa: F401  (its zh-CN strings)
from .context import fail, workspace
from .output import emit, json_option

STATUSES = {"waiting": ("held", "failed"), "held": ("held",), "in_progress": ("accepting", "declining"),
            "accepted": ("accepted",), "declined": ("declined",), "failed": ("failed",), "expired": ("expired",),
            "all": ("held", "accepting", "declining", "accepted", "declined", "failed", "expired")}


@click.group("invitations", invoke_without_command=True)
@click.option("--status", type=click.Choice(list(STATUSES)), default="waiting", show_default=True,
              help="Which invitations: waiting (held or failed) by default.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page.")
@click.option("--per-page", type=click.IntRange(1, 1000), default=50, show_default=True, help="Rows per page.")
@json_option
@click.pass_context
def invitations_group(ctx: click.Context, status: str, page: int, per_page: int, as_json: bool) -> None:
    """Invitations of the bot into groups, newest first, with their true total.
    Sub-commands: accept ID, decline ID."""
    if ctx.invoked_subcommand is not None:
        return
    wanted = STATUSES[status]
    marks = ",".join("?" * len(wanted))
    with workspace(read_only=True) as ws:
        total = ws.store.scalar(f"SELECT count(*) FROM bot_invitations WHERE status IN ({marks})", wanted, 0)
        rows = ws.store.query(
            "SELECT i.id, i.connection_id AS connection, i.platform_group_id AS group_number, i.group_name,"
            " p.display_name AS inviter, i.comment, i.status, i.requested_at, i.decided_by, i.reason"
            f" FROM bot_invitations i LEFT JOIN people p ON p.id = i.inviter_person_id WHERE i.status IN ({marks})"
            " ORDER BY i.requested_at DESC, i.id DESC LIMIT ? OFFSET ?", [*wanted, per_page, (page - 1) * per_page])
        pages = max(1, -(-total // per_page))
        if as_json:
            click.echo(json.dumps({"total": total, "page": page, "per_page": per_page, "pages": pages, "rows": rows},
                                  ensure_ascii=False, indent=2, default=str))
            return
        emit(rows, ["id", "connection", "group_number", "group_name", "inviter", "status", "comment"], max_width=40)
        noun = ws.t("invitation") if total == 1 else ws.t("invitations")
        click.echo(ws.tr("{total} {noun}; page {page} of {pages}", total=total, noun=noun, page=page, pages=pages))


def _decide(inv_id: int, accept: bool, reason: str) -> None:
    from ..bot_invitations import InvitationError, decide

    with workspace(read_only=False) as ws:
        try:
            decide(ws, inv_id, accept, actor=f"operator:{ws.settings.operator.name}", reason=reason)
        except InvitationError as e:
            fail(str(e))
        click.echo(ws.tr("invitation {id}: accepting; the outbox carries it out" if accept else
                         "invitation {id}: declining; the outbox carries it out", id=inv_id))


@invitations_group.command("accept")
@click.argument("invitation_id", type=int)
def accept_cmd(invitation_id: int) -> None:
    """Let the bot join: accept invitation ID on the platform; audited."""
    _decide(invitation_id, True, "")


@invitations_group.command("decline")
@click.argument("invitation_id", type=int)
@click.option("--reason", default="", help="Words the platform passes on to whoever invited the bot.")
def decline_cmd(invitation_id: int, reason: str) -> None:
    """Keep the bot out: decline invitation ID on the platform; audited."""
    _decide(invitation_id, False, reason)
