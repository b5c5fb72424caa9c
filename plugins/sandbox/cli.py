"""``shequn demo``: the CLI face of :func:`plugins.sandbox.demo.backfill`."""

from __future__ import annotations

import click


def tr(ws, text: str, **values) -> str:
    """``text`` in the console language, filled (the host's ``ws.tr``)."""
    return ws.tr(text, **values)


@click.command("demo")
@click.option("--days", default=30, show_default=True, type=click.IntRange(0, 366),
              help="Days of history to simulate, ending now.")
@click.option("--reset", is_flag=True,
              help="Delete this workspace's database first (refused if it holds groups of real platforms).")
@click.option("--seed", type=int, default=None, help="Seed of the simulated world (default: the connection's).")
@click.option("--connection", default=None, metavar="NAME", help="The sandbox connection (default: the first).")
def demo_cmd(days: int, reset: bool, seed: int | None, connection: str | None) -> None:
    """Fill the workspace with simulated history so every screen has something to show.

    The sandbox connection then keeps it live when the console or `shequn serve` runs."""
    from shequn.cli import fail, rule_text, workspace

    from .demo import DemoError, backfill, delete_workspace_file, foreign_groups, has_history, sandbox_connection

    if reset:
        with workspace(read_only=False) as ws:
            n = foreign_groups(ws)
            if n:
                fail(f"{ws.store.path}: holds {n} groups of real platforms; --reset would delete them. "
                     "Point --config at another workspace for the demo.")
            path = ws.store.path
        delete_workspace_file(path)
        click.echo(f"{path}: deleted")
    with workspace(read_only=False) as ws:
        try:
            name = sandbox_connection(ws, connection)
        except DemoError as e:
            fail(str(e))
        if has_history(ws, name):
            click.echo(tr(ws, "{path} already has history from {connection}; nothing to do "
                              "(use --reset to start again).", path=ws.store.path, connection=name))
            return

        def show(done: int, total: int) -> None:
            if done % 24 == 0 or done == total:
                # \r redraws one line on a terminal; the last one ends it, so what follows starts a line
                click.echo(f"\r{tr(ws, 'simulating')} {done * 100 // total}%", nl=done == total, err=True)

        from .content_reactions import starter_content

        starter_content(ws)  # the content plugin's starter set, when it is installed (issue 21)
        try:
            s = backfill(ws, name, days=days, seed=seed, progress=show)
        except DemoError as e:
            fail(str(e))
        click.echo("", err=True)
        c = s.counts
        click.echo(tr(ws, "{path}: {days} days of history from {connection} (seed {seed}) in {seconds:.1f} s",
                      path=ws.store.path, days=s.days, connection=name, seed=s.seed, seconds=s.seconds))
        for key in ("groups", "people", "messages", "joins", "leaves", "join_requests", "actions", "cases", "orders"):
            click.echo(f"  {tr(ws, key.replace('_', ' ')):<14} {c[key]:>9,}")
        if s.campaigns:
            click.echo(tr(ws, "Invite campaigns (keywords and codes on the channels' posters) admitted by the "
                              "entry policy {policy} ({code}): {words}", policy=rule_text(ws.tr, "admission:all"),
                          code="admission:all", words=ws.t(", ").join(s.campaigns)))
        click.echo(tr(ws, "The sandbox keeps it live: open the console with `shequn`, or run `shequn serve`."))


@click.command("sandbox-truth")
@click.option("--connection", default=None, metavar="NAME", help="The sandbox connection (default: the first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def truth_cmd(connection: str | None, as_json: bool) -> None:
    """How well conduct rules and segments did, measured against what the sandbox generated."""
    import json

    from shequn.cli import emit, fail, workspace

    from .demo import DemoError, sandbox_connection
    from .truth import rule_precision, segment_accuracy

    with workspace(read_only=True) as ws:
        try:
            name = sandbox_connection(ws, connection)
        except DemoError as e:
            fail(str(e))
        rules, seg = rule_precision(ws, name), segment_accuracy(ws, name)
        if as_json:
            click.echo(json.dumps({"rules": rules, "segments": seg}, ensure_ascii=False, indent=2))
            return
        if rules:
            emit([{**r, "labels": ", ".join(f"{k} {v}" for k, v in r["labels"].items())} for r in rules],
                 ["rule", "kind", "cases", "precision", "recall", "labels"])
        else:
            click.echo(tr(ws, "No cases on sandbox messages yet."))
        acc = seg["accuracy"]
        click.echo(tr(ws, "Segments: {n} people compared, accuracy {acc}", n=seg["people"],
                      acc="-" if acc is None else f"{acc:.0%}"))
