"""``shequn demo``: back-fill a workspace with days of simulated history, fast.

The back-fill goes through the same doors as live traffic: the world's events go into
the engine hour by hour with the workspace clock set to that hour, and the outbox is
drained after each hour through the sandbox connector (both through the host's
``shequn.connections.Backfill``), so whatever the
installed plugins decide (kick an ad poster, approve a request, open a sibling group)
reaches the world and its consequences come back as events. Scheduled jobs run once
per simulated day at that day's end, so alerts and tags carry the right dates.
The world is then saved, and the runtime's sandbox carries on from the present.

Before the first hour the demo tells the entry plugin (when installed) about the
sandbox's invite campaigns, as a new operator would after printing the posters: the
admission policy for all groups also admits by activity, with each channel's keyword
and code (:func:`campaign_policy`). After the first sync it gives the roles plugin (when
installed) the world's cheer squads (气氛组), the roster an operator keeps of their own
people, which no platform lists (:func:`cheer_roster`): without it every group of the
demo read "understaffed" though the world's groups have their squads. ``on_day`` lets a
caller act at each simulated day's end, after the jobs (the operator-day benchmark
settles the person's queue there).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from shequn.connections import Backfill, record_account

from .connector import SandboxConnector

HOUR = 3600


class DemoError(Exception):
    """The demo cannot run on this workspace; the message says why and what to do."""


@dataclass
class DemoSummary:
    connection: str
    days: int
    seed: int
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    #: the campaign keywords and codes the entry policy was told about ([] without entry_rules)
    campaigns: list[str] = field(default_factory=list)


def sandbox_connection(ws, wanted: str | None = None) -> str:
    """The connection the demo drives: ``wanted``, or the first sandbox connection in config."""
    conns = ws.settings.connections
    if wanted:
        cs = conns.get(wanted)
        if cs is None or cs.platform != "sandbox":
            raise DemoError(f"{ws.settings.where()}: connections.{wanted} is not a sandbox connection"
                            " (platform = \"sandbox\")")
        return wanted
    names = sorted((not cs.enabled, name) for name, cs in conns.items() if cs.platform == "sandbox")
    if not names:
        raise DemoError(f"{ws.settings.where()}: no sandbox connection; add [connections.sandbox] with "
                        "platform = \"sandbox\" and enabled = true")
    return names[0][1]


def has_history(ws, connection: str) -> bool:
    if ws.store.scalar("SELECT 1 FROM sandbox_state WHERE connection_id = ?", (connection,)):
        return True
    return bool(ws.store.scalar("SELECT 1 FROM messages WHERE connection_id = ? LIMIT 1", (connection,)))


def foreign_groups(ws) -> int:
    """Groups of connections that are not sandboxes: real data a reset would destroy."""
    sandboxes = [n for n, cs in ws.settings.connections.items() if cs.platform == "sandbox"]
    marks = ",".join("?" * len(sandboxes)) or "''"
    return ws.store.scalar(f"SELECT count(*) FROM groups WHERE platform != 'sandbox'"
                           f" AND connection_id NOT IN ({marks})", sandboxes, 0)


def delete_workspace_file(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            p.unlink()


def campaign_policy(ws, *, policy: str = "admission:all") -> list[str]:
    """Let the entry plugin's admission ``policy`` admit the sandbox's invite campaigns: add
    the activity mode and every channel's keyword and code (``texts.CAMPAIGNS``) to it,
    keeping what it already has. Through the entry plugin's public functions; returns the
    words added, [] when the entry plugin is not installed."""
    if "admission" not in ws.registry.rule_kinds:
        return []
    from plugins.entry_rules.api import policies, save_policy

    from .texts import CAMPAIGNS

    current = next((p for p in policies(ws) if p["name"] == policy), None)
    cfg = dict(current["config"]) if current else {"modes": ["referral", "invite"], "combine": "any",
                                                    "on_fail": "hold"}
    keywords = [kw for kw, _ in CAMPAIGNS.values()]
    codes = [code for _, code in CAMPAIGNS.values()]
    cfg["modes"] = list(cfg.get("modes", [])) + (["activity"] if "activity" not in cfg.get("modes", []) else [])
    cfg["keywords"] = list(cfg.get("keywords", [])) + [k for k in keywords if k not in cfg.get("keywords", [])]
    cfg["codes"] = list(cfg.get("codes", [])) + [c for c in codes if c not in cfg.get("codes", [])]
    scope = "all"
    if current and current["scope"] != "all":
        scope = current["scope"]
    save_policy(ws, "admission", cfg, scope=scope, name=policy, actor="plugin:sandbox")
    return keywords + codes


def cheer_roster(ws, conn: SandboxConnector) -> int:
    """Assign the cheer-squad role to each of the world's cheer-squad members in the groups
    they are in, through the roles plugin (nothing when it is not installed); returns how
    many roles were given. The groups the entry plugin opens later (overflow siblings)
    start without a squad, as they would in an operation."""
    if ws.pm.get_plugin("roles") is None:
        return 0
    from plugins.roles.assign import assign

    world, given = conn.world, 0
    for g in world.groups.values():
        squad = sorted(u for u in g.members if getattr(world.people.get(u), "staff", "") == "cheer")
        gid = ws.store.scalar("SELECT id FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                              (conn.name, g.gid))
        for uid in squad:
            pid = ws.store.scalar("SELECT person_id FROM identities WHERE platform = 'sandbox' AND platform_user_id = ?",
                                  (uid,))
            if gid is not None and pid is not None:
                given += sum(r["result"] == "assigned" for r in assign(ws, pid, [gid], "cheer", actor="plugin:sandbox",
                                                                        reason="the demo's cheer-squad roster"))
    return given


def backfill(ws, connection: str, *, days: int = 30, seed: int | None = None, now: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             on_day: Callable[[object, str], None] | None = None,
             job_every_days: dict[str, int] | None = None) -> DemoSummary:
    """Simulate ``days`` days ending at ``now`` into ``ws`` and keep the world for live use.

    ``on_day(ws, day)`` runs at the end of each simulated day (local ``day``, ISO), with the
    workspace clock there, after the scheduled jobs. ``job_every_days`` runs the named jobs
    only every N simulated days and on the last (every job runs daily otherwise): for
    jobs that rebuild their results from scratch, so only the cost changes."""
    if days < 0:
        raise DemoError(f"--days {days}: expected 0 or more")
    options = dict(ws.settings.connections[connection].options) if connection in ws.settings.connections else {}
    if seed is not None:
        options["seed"] = seed
    conn = SandboxConnector(connection, options)
    conn.batch_results = True  # answers written hourly with the records (flush_records), not one transaction each
    end = int(now if now is not None else ws.now())
    start = end - days * 86400
    conn.attach(ws, start=start, anchor=end)
    if not conn.new_world:
        raise DemoError(f"{ws.store.path}: connection {connection} already has a sandbox world; "
                        "use --reset to start again")
    summary = DemoSummary(connection, days, conn.config["seed"])
    began = time.perf_counter()
    with ws.clock_at(start):
        summary.campaigns = campaign_policy(ws)
    asyncio.run(_simulate(ws, conn, start, end, progress, on_day, job_every_days or {}))
    summary.seconds = time.perf_counter() - began
    summary.counts = counts(ws, connection)
    ws.audit("sandbox_demo", "connection", connection, {"days": days, "seed": summary.seed, **summary.counts,
                                                        "campaigns": summary.campaigns}, actor="plugin:sandbox")
    return summary


async def _record_account(ws, conn: SandboxConnector) -> None:
    """The account the platform answers as (the bot), as the runtime records it when a
    connection starts: without it the back-fill did not know the bot for the operation's own
    account, and the tasks of the overflow siblings it creates went to 群助手, not to the
    family's owner; recorded, the bot is an insider, not a member the KPIs count (console/owners.py)."""
    check = await conn.check()
    if check.account:
        record_account(ws, conn.name, check.account)


async def _simulate(ws, conn: SandboxConnector, start: int, end: int,
                    progress: Callable[[int, int], None] | None,
                    on_day: Callable[[object, str], None] | None = None,
                    job_every_days: dict[str, int] | None = None) -> None:
    run = Backfill(ws, conn)
    with ws.clock_at(start):
        await conn.first_sync()
        await _record_account(ws, conn)
        cheer_roster(ws, conn)
    world = conn.world
    total = max(1, (end - start + HOUR - 1) // HOUR)
    t, step, day, n_day = start, 0, ws.day(start), 0
    while t < end:
        nxt = min(end, (t // HOUR + 1) * HOUR)
        with ws.clock_at(nxt):
            run.ingest(world.tick(nxt, nxt - t))
            await run.drain()
            conn.flush_records()
            if ws.day(nxt) != day or nxt == end:
                ended, day, n_day = day, ws.day(nxt), n_day + 1
                every = job_every_days or {}
                run.run_jobs(skip={name for name, n in every.items() if n_day % max(1, n) and nxt != end})
                if on_day is not None:
                    on_day(ws, ended)
        t, step = nxt, step + 1
        if progress:
            progress(step, total)
    with ws.clock_at(end):
        for _ in range(10):  # what the last actions caused (a kick's leave, an approval's join)
            queued = world.tick(end, 0)
            if not queued:
                break
            run.ingest(queued)
            await run.drain()
        conn.flush_records()
        conn.save()


def counts(ws, connection: str) -> dict[str, int]:
    q = ws.store.scalar
    return {
        "groups": q("SELECT count(*) FROM groups WHERE connection_id = ?", (connection,), 0),
        "people": q("SELECT count(DISTINCT m.person_id) FROM memberships m JOIN groups g ON g.id = m.group_id"
                    " WHERE g.connection_id = ?", (connection,), 0),
        "messages": q("SELECT count(*) FROM messages WHERE connection_id = ?", (connection,), 0),
        "joins": q("SELECT coalesce(sum(r.joins), 0) FROM rollups_daily r JOIN groups g ON g.id = r.group_id"
                   " WHERE g.connection_id = ?", (connection,), 0),
        "leaves": q("SELECT coalesce(sum(r.leaves), 0) FROM rollups_daily r JOIN groups g ON g.id = r.group_id"
                    " WHERE g.connection_id = ?", (connection,), 0),
        "join_requests": q("SELECT count(*) FROM join_requests WHERE connection_id = ?", (connection,), 0),
        "actions": q("SELECT count(*) FROM actions WHERE connection_id = ?", (connection,), 0),
        "cases": q("SELECT count(*) FROM cases c JOIN groups g ON g.id = c.group_id WHERE g.connection_id = ?",
                   (connection,), 0),
        "orders": q("SELECT count(*) FROM orders WHERE source = 'sandbox'", (), 0),
    }
