"""``shequn content scripts|intros|questions|campaigns …``: scripts tested against each other
(话术 A/B), the entry ritual's self-introductions, unanswered questions, invite campaigns (拉新任务)."""

from __future__ import annotations

import click

from shequn.cli import emit, json_option

from .cli import HEADERS, content_group, content_ws, short

#: the columns these verbs add, said in the operator's language
WORDS_SHOWN = {"label": "version", "what": "text", "exposures": "sent", "trials": "trials", "successes": "successes",
               "rate": "rate", "answered": "got replies", "seed": "seed", "status": "state", "versions": "versions",
               "newcomers": "newcomers", "prompted": "prompted", "introduced": "introduced", "share": "share",
               "joined": "joined", "intro": "introduction", "asked": "asked", "answer": "answered by",
               "goal": "goal", "reward": "reward", "per_invite": "points per invite", "invites": "invites",
               "inviters": "inviters", "reached": "reached the goal", "not_counted": "not counted",
               "inviter": "inviter", "invitee": "newcomer", "progress": "progress", "group_name": "group", "unit": "assigned per"}

#: stored words (a script's kind and state, a question's state, why an invite did not count), as shown
KIND_WORDS = {"post": "a post", "welcome": "a welcome", "testing": "testing", "decided": "decided (script)",
              "running": "running (campaign)", "ended": "ended (campaign)", "open": "waiting for an answer", "answered": "answered",
              "stale": "stale", "insider": "an insider's invite", "rejoin": "was in a group before"}


def word(ws, value: str) -> str:
    return ws.t(KIND_WORDS.get(value, value))


def heads(ws, columns) -> dict[str, str]:
    return {c: ws.t(WORDS_SHOWN.get(c) or HEADERS.get(c, c)) for c in columns}


@content_group.group("scripts")
def scripts_group() -> None:
    """Scripts tested against each other (话术 A/B): versions, outcomes, retiring the loser."""


@scripts_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(["post", "welcome"]), required=True,
              help="post: groups get a version of a library item; welcome: newcomers get a version of a welcome.")
@click.option("--item", "items", multiple=True, help="post: a library item id per version (2 to 5).")
@click.option("--text", "texts", multiple=True, help="welcome: a template per version ({nickname} {group} {rules} "
                                                     "{referrer} {theme} {owner}).")
@click.option("--scope", default="all", show_default=True, help="welcome: all, type:TYPE, family:NAME or a group.")
@click.option("--seed", type=int, help="The assignment's seed (default: drawn at random and recorded).")
def scripts_add(name, kind, items, texts, scope, seed) -> None:
    """Start testing a script's versions against each other."""
    from .scripts import create, get

    with content_ws() as ws:
        create(ws, name, kind, list(items if kind == "post" else texts), scope=scope, seed=seed)
        s = get(ws, name)
        click.echo(ws.tr("Testing {name}: versions {labels}, seed {seed}", name=name,
                         labels=", ".join(v["label"] for v in s["versions"]), seed=s["seed"]))


@scripts_group.command("list")
@json_option
def scripts_list(as_json) -> None:
    """Scripts with their versions (✗ retired), seed and state."""
    from .scripts import listing

    with content_ws(read_only=True) as ws:
        rows = listing(ws)
        if not as_json:
            rows = [dict(r, kind=word(ws, r["kind"]), status=word(ws, r["status"])) for r in rows]
        cols = ["id", "name", "kind", "scope", "versions", "seed", "status"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@scripts_group.command("show")
@click.argument("name")
@click.option("--groups", is_flag=True, help="List each group's version (a post script), from the seed.")
@json_option
def scripts_show(name, groups, as_json) -> None:
    """Outcomes per version and whether the difference is more than chance."""
    from .script_results import results

    with content_ws(read_only=True) as ws:
        r = results(ws, name)
        if groups:
            r["groups"] = _groups(ws, name)
        if as_json:
            emit([r], as_json=True)
            return
        s = r["script"]
        click.echo(ws.tr("{name} ({kind}), seed {seed}", name=s["name"], kind=word(ws, s["kind"]), seed=s["seed"]))
        rows = [dict(v, what=short(v["what"], 30), rate="" if v["rate"] is None else f"{v['rate']:.1%}",
                     label=v["label"] + (" ✗" if v["retired"] else "")) for v in r["versions"]]
        cols = ["label", "what", "exposures", "groups", "trials", "successes", "rate", "replies", "answered", "orders"]
        emit(rows, cols, headers=heads(ws, cols))
        click.echo("")
        click.echo(r["statement"])
        if groups:
            click.echo("")
            emit(r["groups"], ["group_name", "label"], headers=heads(ws, ["group_name", "label"]))


def _groups(ws, name):
    from .schedules import active_groups
    from .scripts import assign, get

    s = get(ws, name)
    if s["kind"] != "post":
        return []
    return [{"group_name": g["name"], "label": (assign(s["seed"], f"group:{g['id']}", s["versions"]) or {}).get("label")}
            for g in active_groups(ws)]


@scripts_group.command("retire")
@click.argument("name")
@click.argument("labels", nargs=-1, required=True)
def scripts_retire(name, labels) -> None:
    """Retire versions (the losers): their groups or newcomers move to the live versions."""
    from .scripts import retire

    with content_ws() as ws:
        for label in labels:
            s = retire(ws, name, label)
        live = [v["label"] for v in s["versions"] if v["retired_at"] is None]
        click.echo(ws.tr("Retired {labels} of {name}; tested now: {live}", labels=", ".join(labels), name=name,
                         live=", ".join(live)))


# --- the entry ritual and questions ---------------------------------------------------------------

@content_group.command("intros")
@click.option("--list", "as_list", is_flag=True, help="The newcomers one by one, newest first.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def intros_cmd(as_list, limit, page, as_json) -> None:
    """Self-introductions (自我介绍): per group, newcomers, prompted and introduced."""
    from .intros import newcomers, summary
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        if not as_list:
            cols = ["group_name", "newcomers", "prompted", "introduced", "share"]
            emit(summary(ws), cols, as_json=as_json, headers=heads(ws, cols))
            return
        rows = newcomers(ws, limit=limit, offset=(page - 1) * limit)
        for r in rows:
            r["joined"] = when_text(ws, r["joined_at"])
            r["intro"] = short(r["intro_text"], 40) if r["introduced_at"] else ""
        cols = ["joined", "group_name", "name", "prompted", "intro"]
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))


@content_group.command("questions")
@click.option("--state", type=click.Choice(["open", "answered", "stale", "all"]), default="open", show_default=True)
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@json_option
def questions_cmd(state, limit, page, as_json) -> None:
    """Members' questions and who answered them; open ones past the wait are in the owner's queue."""
    from .questions import listing
    from .schedules import when_text

    with content_ws(read_only=True) as ws:
        rows = listing(ws, status=state, limit=limit, offset=(page - 1) * limit)
        for r in rows:
            r["asked"] = when_text(ws, r["asked_at"])
            r["answer"] = r["answerer"]  # the insider's name, or rule:NAME for a keyword reply
            r["text"] = short(r["text"], 40)
            r["state"] = word(ws, r["status"])
        cols = ["asked", "group_name", "name", "text", "state", "answer", "task"]
        for r in rows:
            r["task"] = r["task_id"] or ""
        emit(rows, cols, as_json=as_json, headers=heads(ws, cols))
