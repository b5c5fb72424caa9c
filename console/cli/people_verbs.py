"""``shequn people``: one person's accounts across platforms, linked, unlinked, undone, and
the suggestions of who may be one person (console/identity.py).

A person is named by id (``123``) or by an account (``qq:10001``). ``--json`` prints
``{"total", "page", "per_page", "pages", "rows"}`` for lists, an object for an act.
"""

from __future__ import annotations

import json

import click

from .context import fail, workspace
from .output import emit, json_option


@click.group("people")
def people_group() -> None:
    """One person's accounts across platforms: link, unlink, undo, suggest, show."""


def _actor(ws) -> str:
    return f"operator:{ws.settings.operator.name}"


def _said(ws, as_json: bool, payload: dict, words: str) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False) if as_json else words)


@people_group.command("link")
@click.argument("person")
@click.argument("other")
@click.option("--reason", default="by hand", show_default=True, help="Why they are one person (kept with the link).")
@json_option
def link_cmd(person: str, other: str, reason: str, as_json: bool) -> None:
    """Link OTHER's accounts to PERSON: one person from now on (PERSON's name is kept)."""
    from ..identity import LinkError, accounts, link, root_of

    with workspace(read_only=False) as ws:
        try:
            op = link(ws, person, other, _actor(ws), reason)
        except LinkError as e:
            fail(ws.tr(e.template, **e.values))
        root = root_of(ws, int(ws.store.scalar("SELECT person_id FROM identity_link_ops WHERE id = ?", (op,))))
        _said(ws, as_json, {"op": op, "person": root, "accounts": accounts(ws, root).split()},
              ws.tr("linked (act {op}): #{person} is now {accounts}; undo: shequn people undo {op}",
                    op=op, person=root, accounts=accounts(ws, root)))


@people_group.command("unlink")
@click.argument("account")
@json_option
def unlink_cmd(account: str, as_json: bool) -> None:
    """Make a linked account (its person id or platform:id) a person of its own again."""
    from ..identity import LinkError, resolve, unlink

    with workspace(read_only=False) as ws:
        try:
            op = unlink(ws, account, _actor(ws))
        except LinkError as e:
            fail(ws.tr(e.template, **e.values))
        pid = resolve(ws, account)
        _said(ws, as_json, {"op": op, "person": pid},
              ws.tr("unlinked (act {op}): #{person} is a person of their own; undo: shequn people undo {op}",
                    op=op, person=pid))


@people_group.command("undo")
@click.argument("op", required=False, type=int)
@json_option
def undo_cmd(op: int | None, as_json: bool) -> None:
    """Undo a link or unlink (act OP; the newest one when left out)."""
    from ..identity import LinkError, said, undo

    with workspace(read_only=False) as ws:
        try:
            outcome = undo(ws, op, _actor(ws))
        except LinkError as e:
            fail(ws.tr(e.template, **e.values))
        _said(ws, as_json, {"undone": True, "said": said(lambda t, **v: t.format(**v), outcome)}, said(ws.tr, outcome))


@people_group.command("suggest")
@click.option("--person", help="Only suggestions for this person (id or platform:id).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page.")
@click.option("--per-page", type=click.IntRange(1, 1000), default=50, show_default=True, help="Rows per page.")
@json_option
def suggest_cmd(person: str | None, page: int, per_page: int, as_json: bool) -> None:
    """People who may be one: the same phone in orders, then the same nickname in one family."""
    from ..identity import LinkError, resolve, suggestions

    with workspace(read_only=True) as ws:
        try:
            pid = resolve(ws, person) if person else None
        except LinkError as e:
            fail(ws.tr(e.template, **e.values))
        rows = suggestions(ws, pid)
        total, pages = len(rows), max(1, -(-len(rows) // per_page))
        shown = rows[(page - 1) * per_page:page * per_page]
        if as_json:
            click.echo(json.dumps({"total": total, "page": page, "per_page": per_page, "pages": pages, "rows": shown},
                                  ensure_ascii=False, indent=2))
            return
        emit([{"person": f"#{r['a']} {r['a_name']}", "accounts": r["a_accounts"], "other": f"#{r['b']} {r['b_name']}",
               "other_accounts": r["b_accounts"], "why": ws.t("; ").join(ws.tr(t, **v) for t, v in r["evidence"])}
              for r in shown], max_width=60)
        noun = ws.t("suggestion") if total == 1 else ws.t("suggestions")
        click.echo(ws.tr("{total} {noun}; page {page} of {pages}", total=total, noun=noun, page=page, pages=pages)
                   + (ws.tr(" (--page {next} for more)", next=page + 1) if page < pages else ""))


@people_group.command("show")
@click.argument("person")
@json_option
def show_cmd(person: str, as_json: bool) -> None:
    """A person's accounts and the links in force: who linked them, when and why."""
    from ..identity import LinkError, accounts, links, resolve, root_of

    with workspace(read_only=True) as ws:
        try:
            pid = resolve(ws, person)
        except LinkError as e:
            fail(ws.tr(e.template, **e.values))
        root = root_of(ws, pid)
        rows = links(ws, root)
        if as_json:
            click.echo(json.dumps({"person": root, "accounts": accounts(ws, root).split(), "links": rows},
                                  ensure_ascii=False, indent=2))
            return
        click.echo(ws.tr("#{person}: {accounts}", person=root, accounts=accounts(ws, root)))
        if rows:
            emit([{"account": f"#{r['person_id']} {r['display_name']}", "linked_at": r["at"], "by": r["actor"],
                   "reason": r["reason"], "act": r["op"]} for r in rows])
