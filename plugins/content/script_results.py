"""Outcomes of scripts tested against each other, per version, and a plain statement of
whether the difference is more than chance (abstats).

Measured per exposure, for ``[content] script_window_minutes`` (60) after it:

- a **post**: members' messages in the group (replies within the hour) and the distinct
  members who spoke (participation = speakers / members reached, insiders and the bot
  apart); orders imported for the group in the next 24 hours;
- a **welcome**: whether the newcomer spoke within the hour, and the entry's completion:
  they introduced themselves within ``intro_hours`` (intros.py); orders of the newcomer in
  the next 7 days.

The test compares the main rate (participation for a post, completion for a welcome) with a
two-proportion z-test. A post's trials are member-posts: a group's members are not
independent of each other, so with few groups the test is optimistic; the statement says
how many groups each version had.
"""

from __future__ import annotations

from typing import Any

from shequn import rows_in

from . import abstats
from .batch import insiders as batch_insiders
from .batch import messages as batch_messages
from .scripts import get
from .settings import settings_of


def note_messages(ws, events) -> None:
    """Count the batch's members' messages after open exposures of their group."""
    msgs = batch_messages(ws, events)
    if not msgs:
        return
    gids = sorted({e.group_id for e in msgs})
    window = settings_of(ws).script_window_minutes * 60
    open_: dict[int, list[tuple[int, int, int | None]]] = {}
    for xid, gid, at, pid in rows_in(ws.store, "SELECT id, group_id, at, person_id FROM content_script_exposures"
                                               " WHERE status = 'measuring' AND group_id IN ({marks})", gids):
        open_.setdefault(gid, []).append((xid, at, pid))
    if not open_:
        return
    mine = [e for e in msgs if e.group_id in open_]
    insiders = batch_insiders(ws, events)
    replies: dict[int, int] = {}
    speakers: set[tuple[int, int]] = set()
    for e in mine:
        if e.person_id in insiders:
            continue
        for xid, at, pid in open_[e.group_id]:
            if at <= e.ts < at + window and (pid is None or pid == e.person_id):
                replies[xid] = replies.get(xid, 0) + 1
                speakers.add((xid, e.person_id))
    if not replies:
        return
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO content_script_speakers(exposure_id, person_id) VALUES (?,?)",
                      sorted(speakers))
        c.executemany("UPDATE content_script_exposures SET replies = replies + ?, speakers = (SELECT count(*) FROM"
                      " content_script_speakers s WHERE s.exposure_id = content_script_exposures.id) WHERE id = ?",
                      [(n, x) for x, n in replies.items()])


def close(ws) -> int:
    """The job: exposures whose hour is over stop being measured."""
    window = settings_of(ws).script_window_minutes * 60
    with ws.store.write() as c:
        return c.execute("UPDATE content_script_exposures SET status = 'done' WHERE status = 'measuring' AND at <= ?",
                         (ws.now() - window,)).rowcount


def per_version(ws, script: dict[str, Any]) -> list[dict[str, Any]]:
    """Each version's exposures and outcomes; ``trials``/``successes`` feed the test."""
    cfg = settings_of(ws)
    now = ws.now()
    out = []
    for v in script["versions"]:
        row = {"label": v["label"], "version_id": v["id"], "retired": v["retired_at"] is not None,
               "what": v["title"] if script["kind"] == "post" else v["text"]}
        if script["kind"] == "post":
            r = ws.store.one(
                "SELECT count(*) AS n, count(DISTINCT group_id) AS groups, coalesce(sum(audience), 0) AS audience,"
                " coalesce(sum(replies), 0) AS replies, coalesce(sum(speakers), 0) AS speakers,"
                " coalesce(sum(replies > 0), 0) AS answered FROM content_script_exposures WHERE version_id = ?",
                (v["id"],))
            orders = ws.store.one(
                "SELECT count(o.id) AS n, coalesce(sum(o.amount), 0) AS revenue FROM content_script_exposures x JOIN"
                " orders o ON o.group_id = x.group_id AND o.ordered_at >= x.at AND o.ordered_at < x.at + 86400"
                " WHERE x.version_id = ?", (v["id"],))
            row.update(exposures=r["n"], groups=r["groups"], trials=r["audience"], successes=r["speakers"],
                       replies=r["replies"], answered=r["answered"], orders=orders["n"], revenue=orders["revenue"])
        else:
            ripe = now - cfg.intro_hours * 3600  # completion is known once the newcomer's window is over
            r = ws.store.one(
                "SELECT count(*) AS n, count(DISTINCT group_id) AS groups, coalesce(sum(speakers > 0), 0) AS answered,"
                " coalesce(sum(replies), 0) AS replies, coalesce(sum(x.at <= ?), 0) AS ripe,"
                " coalesce(sum(x.at <= ? AND EXISTS (SELECT 1 FROM content_newcomers n WHERE n.group_id = x.group_id"
                " AND n.person_id = x.person_id AND n.introduced_at IS NOT NULL AND n.joined_at BETWEEN x.at - 3600"
                " AND x.at)), 0) AS introduced FROM content_script_exposures x"
                " WHERE x.version_id = ?", (ripe, ripe, v["id"]))
            orders = ws.store.one(
                "SELECT count(o.id) AS n, coalesce(sum(o.amount), 0) AS revenue FROM content_script_exposures x JOIN"
                " orders o ON o.person_id = x.person_id AND o.ordered_at >= x.at AND o.ordered_at < x.at + 7 * 86400"
                " WHERE x.version_id = ?", (v["id"],))
            row.update(exposures=r["n"], groups=r["groups"], trials=r["ripe"], successes=r["introduced"],
                       replies=r["replies"], answered=r["answered"], orders=orders["n"], revenue=orders["revenue"])
        row["rate"] = row["successes"] / row["trials"] if row["trials"] else None
        out.append(row)
    return out


def results(ws, name: str) -> dict[str, Any]:
    """The script, its versions' outcomes, the comparison and the statement."""
    s = get(ws, name)
    rows = per_version(ws, s)
    live = [r for r in rows if not r["retired"]]
    cmp_ = abstats.compare([(r["label"], r["successes"], r["trials"]) for r in live])
    return {"script": {k: s[k] for k in ("id", "name", "kind", "scope", "seed", "status")}, "versions": rows,
            "comparison": cmp_, "statement": statement(ws, s, rows, cmp_)}


def metric(ws, kind: str) -> str:
    return ws.t("participation" if kind == "post" else "introduced themselves")


def statement(ws, s: dict[str, Any], rows: list[dict[str, Any]], cmp_: dict[str, Any]) -> str:
    """What the numbers say, in a sentence or two, in the operator's language."""
    by = {r["label"]: r for r in rows}
    m = metric(ws, s["kind"])
    if cmp_["verdict"] == "one":
        live = [r["label"] for r in rows if not r["retired"]]
        return ws.tr("Decided: only version {label} is used now.", label=", ".join(live))
    if cmp_["verdict"] == "few":
        counts = ", ".join(f"{r['label']} {r['trials']:,}" for r in rows if not r["retired"])
        return ws.tr("Too few to tell yet ({metric}, trials: {counts}; at least {least} each and 5 successes and 5 "
                     "failures expected are needed).", metric=m, counts=counts, least=abstats.MIN_TRIALS)
    best = by[cmp_["best"]]
    parts = []
    for t in cmp_["tests"]:
        o = by[t["against"]]
        values = dict(best=best["label"], other=o["label"], metric=m, a=f"{best['rate']:.1%}", b=f"{o['rate']:.1%}",
                      diff=f"{t['diff'] * 100:+.1f}", p=f"{t['p_value']:.3g}", z=f"{t['z']:.2f}",
                      groups=f"{best['groups']:,}/{o['groups']:,}")
        if t["beyond_chance"]:
            parts.append(ws.tr("{best} beats {other}: {metric} {a} against {b} ({diff} points), more than chance "
                               "(z = {z}, p = {p}; groups {groups}).", **values))
        else:
            need = abstats.trials_needed(best["rate"], o["rate"])
            parts.append(ws.tr("{best} leads {other}: {metric} {a} against {b} ({diff} points), but that could be "
                               "chance (z = {z}, p = {p}); about {need} trials per version would tell.", **values,
                               need=f"{need:,}"))
    if cmp_["verdict"] == "better":
        losers = " ".join(t["against"] for t in cmp_["tests"])
        parts.append(ws.tr("Retire the loser: shequn content scripts retire {name} {labels}", name=s["name"],
                           labels=losers))
    return " ".join(parts)
