"""Alerts from the numbers, each saying why it fired (ws.raise_alert) with its cause, and
resolved when the reason is gone. A person's resolution holds until the cause changes
(console.alerts), so each alert carries what made it fire this time:

- silent_group 僵尸群: members, but no message from a member for ``silent_days`` days;
  cause: the day of the last member message (a new silence after someone spoke alerts again);
- churn_spike: today's leaves above the group's own baseline (mean + factor x sd of the
  previous ``churn_baseline_days`` days) and at least ``churn_spike_min_leaves``; cause: the day;
- low_interaction: 7-day interaction rate below ``low_interaction_rate``; cause: the
  condition itself (resolved by hand, it stays resolved until the rate has recovered once).

A group at or above ``capacity_warn_share`` of its capacity is no alert: with a family the
entry plugin's overflow routes newcomers to a sibling (and asks for one when all are full);
without one it gets ONE task per band (near, full) to give it a family or create a sibling,
unless the overflow policy that applies creates siblings itself (the seeded default): a full
family-less group then starts its own family and gets a sibling without a person.
The join queue's alert belongs to entry_rules (one for the operation): the per-group
``queue_waiting`` alerts this module raised before are resolved by the next check.
All read rollups and groups: no scan of the message log.
"""

from __future__ import annotations

import json

import statistics

from .facts import by_group_from_rollups
from .metrics import activity
from .settings import kpi_settings
from .window import Scope, Window, shift

KINDS = ("silent_group", "churn_spike", "low_interaction")


def check(ws) -> list[str]:
    """Raise what applies now, resolve what no longer does. Returns the keys raised."""
    cfg = kpi_settings(ws)
    today = ws.day(ws.now())
    x = 0 if cfg.include_insiders else 1
    fired: dict[str, tuple] = {}
    groups = ws.store.query("SELECT id, name, type, capacity, member_count, created_at, family FROM groups"
                            " WHERE status = 'active'")
    base_first = shift(today, -cfg.churn_baseline_days)
    series = by_group_from_rollups(ws, Scope(), shift(base_first, -1), today, cfg.include_insiders)
    last_spoke = dict(ws.store.execute(
        f"SELECT group_id, max(day) FROM rollups_daily WHERE messages - {x} * messages_insiders > 0 GROUP BY group_id"
    ).fetchall())
    week = Window(shift(today, -6), today)
    for g in groups:
        gid, name = g["id"], g["name"]
        s = series.get(gid)
        members = s.members.get(today, 0) if s else 0
        if members > 0:
            last = last_spoke.get(gid)
            born = ws.day(g["created_at"]) if g["created_at"] else None
            quiet_since = last or born
            if quiet_since and quiet_since <= shift(today, -cfg.silent_days):
                why = (ws.tr("last message from a member on {day}; {members} members; threshold {days} days",
                             day=last, members=members, days=cfg.silent_days) if last else
                       ws.tr("no message from a member since it was added on {day}; {members} members;"
                             " threshold {days} days", day=born, members=members, days=cfg.silent_days))
                fired[f"silent_group:{gid}"] = ("silent_group", gid, ws.tr("{name}: silent group (僵尸群)", name=name),
                                                why, f"quiet since {quiet_since}")
        if s:
            now_leaves = s.row(today)[3]
            if now_leaves >= cfg.churn_spike_min_leaves:  # the baseline only then: pstdev is exact, and slow
                base = [s.row(shift(today, -k))[3] for k in range(1, cfg.churn_baseline_days + 1)]
                mean, sd = statistics.fmean(base), statistics.pstdev(base)
                limit = mean + cfg.churn_spike_factor * sd
                if now_leaves > limit:
                    fired[f"churn_spike:{gid}"] = (
                        "churn_spike", gid, ws.tr("{name}: {n} people left today", name=name, n=now_leaves),
                        ws.tr("baseline {mean}/day (sd {sd}) over {days} days; fires above {limit} and at least"
                              " {least}", mean=f"{mean:.1f}", sd=f"{sd:.1f}", days=cfg.churn_baseline_days,
                              limit=f"{limit:.1f}", least=cfg.churn_spike_min_leaves), today)
            if members >= cfg.low_interaction_min_members:
                act = activity(s, week)
                rate = act["interaction"]
                if rate is not None and rate < cfg.low_interaction_rate:
                    fired[f"low_interaction:{gid}"] = (
                        "low_interaction", gid,
                        ws.tr("{name}: interaction rate {rate} over 7 days", name=name, rate=f"{rate:.1%}"),
                        ws.tr("threshold {threshold}; {members} members", threshold=f"{cfg.low_interaction_rate:.1%}",
                              members=members), "")
        near_capacity_task(ws, g, cfg.capacity_warn_share)
    for key, (kind, gid, message, why, cause) in fired.items():
        ws.raise_alert(kind, message, why=why, group_id=gid, dedupe_key=f"kpi.{key}", cause=cause)
    for key in ws.alert_keys("kpi."):  # open or snoozed: the cause of those not fired is gone
        if key[4:] not in fired:
            ws.resolve_alert(key)
    return sorted(fired)


def overflow_creates_siblings(ws, g: dict) -> bool:
    """Does the overflow policy that applies to ``g`` (an enabled, acting ``overflow`` rule
    in the core rules table: group over type over all, as the entry plugin ranks them)
    create siblings itself? Then a full family-less group starts its own family and gets
    a sibling without a person (entry_rules.reroute), and a task would ask for nothing."""
    best, best_rank = None, 0
    for r in ws.store.query("SELECT scope_type, scope_value, dry_run, config FROM rules"
                            " WHERE kind = 'overflow' AND enabled = 1"):
        rank = {"group": 3 if r["scope_value"] == str(g["id"]) else 0,
                "type": 2 if r["scope_value"] == g.get("type") else 0}.get(r["scope_type"], 1)
        if rank > best_rank:
            best, best_rank = r, rank
    if best is None or best["dry_run"]:
        return False
    try:
        return bool(json.loads(best["config"] or "{}").get("auto_create", True))
    except ValueError:
        return False


def near_capacity_task(ws, g: dict, warn_share: float) -> int | None:
    """A group near capacity without a family: one task per band ("near", then "full") to
    give it a family or create a sibling, never while one is open for it. A group with a
    family is left to the entry plugin's overflow. Returns the new task's id."""
    cap, count = g["capacity"], g["member_count"]
    if not cap or g.get("family") or count < warn_share * cap or overflow_creates_siblings(ws, g):
        return None
    if ws.store.scalar("SELECT 1 FROM tasks WHERE kind = 'near_capacity' AND group_id = ? AND status = 'open'",
                       (g["id"],)):
        return None
    band = "full" if count >= cap else "near"
    before = ws.store.scalar("SELECT id FROM tasks WHERE dedupe_key = ?", (f"kpi.near_capacity:{g['id']}:{band}",))
    if before:
        return None  # a person already settled this band
    from shequn.numbers import capacity, percent

    # the one capacity figure (console.numbers.capacity): 199/200 (99.5%) here and on the dashboard
    return ws.add_task("near_capacity", ws.tr("{name}: {fill} members; give it a family or create a sibling",
                                              name=g["name"], fill=capacity(count, cap)),
                       detail=ws.tr("at or above {share} of capacity and in no family, so no overflow can take its"
                                    " newcomers", share=percent(warn_share)),
                       group_id=g["id"], source="kpi", dedupe_key=f"kpi.near_capacity:{g['id']}:{band}")
