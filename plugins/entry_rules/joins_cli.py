"""CLI verbs of the join queue: ``shequn joins`` lists requests a page at a time with the
true total, nearest expiry first, filtered by status, group and age; ``approve`` /
``reject`` / ``hold`` decide one. An approve or reject is sent to the platform and reads
approving / rejecting until it answers; ``--wait`` carries the action out at once when no
``serve`` runs on the workspace (the console and serve run the outbox themselves).
Errors exit 2 and say what and where."""

from __future__ import annotations

import json

import click

from shequn.cli import emit, fail, json_option, workspace

from . import api
from .cli import _ago, _run
from .i18n import tr
from .policies import find_group
from .words import rule_words

# --- shequn joins ----------------------------------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _age(text: str | None, option: str) -> int | None:
    """'90m', '2h', '3d' (or plain seconds) -> seconds."""
    if text is None:
        return None
    t = text.strip().lower()
    unit = _UNITS.get(t[-1:]) if t[-1:].isalpha() else 1
    num = t[:-1] if t[-1:].isalpha() else t
    if unit is None or not num.isdigit():
        fail(f"{option} {text!r}: expected a whole number with s, m, h or d, e.g. 90m, 2h, 3d")
    return int(num) * unit


#: a request's state as the table says it (JSON keeps the status code)
STATE_WORDS = {"pending": "undecided", "approving": "approving: awaiting the platform",
               "rejecting": "rejecting: awaiting the platform"}


@click.group("joins", invoke_without_command=True)
@click.option("--status", default="pending", show_default=True,
              type=click.Choice(["pending", "new", "held", "in_progress", "approved", "rejected", "expired", "all"]),
              help="pending = waiting for a decision (new or held) and still kept by the platform; "
                   "in_progress = decided, waiting for the platform's answer.")
@click.option("--group", "group", default=None, help="Only this group (id, platform id or exact name).")
@click.option("--older-than", default=None, help="Only requests older than this (90m, 2h, 3d).")
@click.option("--newer-than", default=None, help="Only requests newer than this (90m, 2h, 3d).")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Which page.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="Rows a page.")
@json_option
@click.pass_context
def joins_group(ctx: click.Context, status: str, group: str | None, older_than: str | None, newer_than: str | None,
                page: int, limit: int, as_json: bool) -> None:
    """The join queue (待审核): list requests (the ones nearest expiry first); approve,
    reject or hold one. The footer gives the true total ("1-50 of 6,019")."""
    if ctx.invoked_subcommand is not None:
        return
    with workspace(read_only=True) as ws:
        gid = _run(find_group, ws, group) if group else None
        res = _run(api.queue, ws, status, group_id=gid, older_than=_age(older_than, "--older-than"),
                   newer_than=_age(newer_than, "--newer-than"), offset=(page - 1) * limit, limit=limit)
        rows, total, first = res["rows"], res["total"], res["offset"] + 1
        footer = (tr(ws, "{first}-{last} of {total}", first=f"{first:,}", last=f"{first + len(rows) - 1:,}",
                     total=f"{total:,}") if rows else
                  tr(ws, "nothing on page {page}; {total} in all", page=page, total=f"{total:,}") if total else
                  tr(ws, "no join requests of this kind"))
        rule = rule_words(ws, ws.tr)  # the deciding rule in words (JSON keeps its code)
    if as_json:
        click.echo(json.dumps({"total": total, "offset": res["offset"], "rows": rows}, ensure_ascii=False, indent=2,
                              default=str))
        return
    for r in rows:
        r["waited"] = ("! " if r["flagged"] else "") + _ago(r["waited"])
        r["expires"] = _ago(r["expires_in"]) if r["expires_in"] is not None else ""
        r["decision"] = tr(ws, f"would {r['would_have']}" if r["would_have"] else STATE_WORDS.get(r["status"], r["status"]))
        r["rule"] = rule(r["rule"])
    if rows:
        emit(rows, ["id", "group_name", "person", "referrer", "comment", "waited", "expires", "decision", "rule",
                    "reason"], headers={"group_name": "group", "waited": "waiting", "expires": "expires in"})
    click.echo(footer)


def _wait_for_platform(ws, request_id: int) -> str:
    """Carry out this request's queued action now (no ``serve`` runs here); returns what happened."""
    from shequn.connections import carry_out_now

    aid = ws.store.scalar("SELECT id FROM actions WHERE evidence = ? AND status = 'pending' ORDER BY id DESC LIMIT 1",
                          (f"join_request:{request_id}",))
    if aid is None:
        return "no platform action is waiting for it"
    word, row = carry_out_now(ws, aid)
    if word == "served":
        return "a running serve/console carries it out; see `shequn joins --status all`"
    if word == "not_pending":
        return "no platform action is waiting for it"
    if word == "not_enabled":
        return f"connection {row['connection_id']} is not enabled here; the outbox will carry it out when it runs"
    if word == "retry":
        return f"the platform asked to try again later ({row['last_error']}); the outbox will retry"
    return ""


def _decide(request_id: int, verdict: str, reason: str, as_json: bool, wait: bool = False) -> None:
    with workspace(read_only=False) as ws:
        row = _run(api.decide, ws, request_id, verdict, reason)
        note = ""
        if wait and row["status"] in ("approving", "rejecting"):
            note = _wait_for_platform(ws, request_id)
            row = ws.store.one("SELECT * FROM join_requests WHERE id = ?", (request_id,))
        st, code = row["status"], 0
        if st in ("approving", "rejecting"):
            text = tr(ws, "join request {id}: {verdict} sent to the platform; waiting for its answer",
                      id=request_id, verdict=tr(ws, verdict))
            text += f" ({note})" if note else tr(ws, " (`--wait` carries it out now when no serve runs)")
        elif st == "expired":
            text, code = tr(ws, "join request {id}: expired: the platform no longer knows it", id=request_id), 2
        elif st == "held" and verdict != "hold":
            text, code = tr(ws, "join request {id}: not done; back in the queue: {reason}", id=request_id,
                            reason=row["reason"]), 2
        else:
            text = tr(ws, "join request {id}: {status} ({reason})", id=request_id, status=tr(ws, st),
                      reason=row["reason"])
    if as_json:
        emit([row], as_json=True)
        return
    click.echo(text)
    if code:
        raise SystemExit(code)


_WAIT = click.option("--wait", is_flag=True, help="Carry out the platform action now and print its answer "
                                                  "(when no serve is running on this workspace).")


@joins_group.command("approve")
@click.argument("request_id", type=int)
@click.option("--reason", default="", help="Why (recorded in the audit log).")
@_WAIT
@json_option
def joins_approve(request_id: int, reason: str, wait: bool, as_json: bool) -> None:
    """Approve a join request (it reads approving until the platform answers)."""
    _decide(request_id, "approve", reason, as_json, wait)


@joins_group.command("reject")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why; the applicant sees it.")
@_WAIT
@json_option
def joins_reject(request_id: int, reason: str, wait: bool, as_json: bool) -> None:
    """Reject a join request with a reason the applicant sees."""
    _decide(request_id, "reject", reason, as_json, wait)


@joins_group.command("hold")
@click.argument("request_id", type=int)
@click.option("--reason", default="", help="Why it waits.")
@json_option
def joins_hold(request_id: int, reason: str, as_json: bool) -> None:
    """Keep a new request waiting for a person."""
    _decide(request_id, "hold", reason, as_json)
