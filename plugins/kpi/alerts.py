"""Alerts from the numbers, each saying why it fired (ws.raise_alert), and resolved
when the reason is gone:

- silent_group 僵尸群: members, but no message from a member for ``silent_days`` days;
- churn_spike: today's leaves above the group's own baseline (mean + factor x sd of the
  previous ``churn_baseline_days`` days) and at least ``churn_spike_min_leaves``;
- near_capacity: members at or above ``capacity_warn_share`` of the group's capacity;
- low_interaction: 7-day interaction rate below ``low_interaction_rate``;
- queue_waiting: join requests pending or held longer than ``queue_wait_hours``.
All read rollups, groups and join_requests: no scan of the message log.
"""

from __future__ import annotations

import statistics

from .facts import by_group_from_rollups
from .metrics import activity
from .settings import kpi_settings
from .window import Scope, Window, shift

KINDS = ("silent_group", "churn_spike", "near_capacity", "low_interaction", "queue_waiting")


def check(ws) -> list[str]:
    """Raise what applies now, resolve what no longer does. Returns the keys raised."""
    cfg = kpi_settings(ws)
    today = ws.day(ws.now())
    x = 0 if cfg.include_insiders else 1
    fired: dict[str, tuple] = {}
    groups = ws.store.query("SELECT id, name, capacity, member_count, created_at FROM groups WHERE status = 'active'")
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
                                                why)
        if s:
            base = [s.row(shift(today, -k))[3] for k in range(1, cfg.churn_baseline_days + 1)]
            now_leaves = s.row(today)[3]
            mean, sd = statistics.fmean(base), statistics.pstdev(base)
            limit = mean + cfg.churn_spike_factor * sd
            if now_leaves >= cfg.churn_spike_min_leaves and now_leaves > limit:
                fired[f"churn_spike:{gid}"] = (
                    "churn_spike", gid, ws.tr("{name}: {n} people left today", name=name, n=now_leaves),
                    ws.tr("baseline {mean}/day (sd {sd}) over {days} days; fires above {limit} and at least {least}",
                          mean=f"{mean:.1f}", sd=f"{sd:.1f}", days=cfg.churn_baseline_days, limit=f"{limit:.1f}",
                          least=cfg.churn_spike_min_leaves))
            if members >= cfg.low_interaction_min_members:
                act = activity(s, week)
                rate = act["interaction"]
                if rate is not None and rate < cfg.low_interaction_rate:
                    fired[f"low_interaction:{gid}"] = (
                        "low_interaction", gid,
                        ws.tr("{name}: interaction rate {rate} over 7 days", name=name, rate=f"{rate:.1%}"),
                        ws.tr("threshold {threshold}; {members} members", threshold=f"{cfg.low_interaction_rate:.1%}",
                              members=members))
        cap = g["capacity"]
        if cap and g["member_count"] >= cfg.capacity_warn_share * cap:
            fired[f"near_capacity:{gid}"] = (
                "near_capacity", gid,
                ws.tr("{name}: {count}/{capacity} members ({share})", name=name, count=g["member_count"], capacity=cap,
                      share=f"{g['member_count'] / cap:.0%}"),
                ws.tr("at or above {share} of capacity", share=f"{cfg.capacity_warn_share:.0%}"))
    cutoff = ws.now() - int(cfg.queue_wait_hours * 3600)
    for r in ws.store.query("SELECT j.group_id, count(*) AS n, min(j.requested_at) AS oldest, g.name FROM join_requests j"
                            " LEFT JOIN groups g ON g.id = j.group_id WHERE j.status IN ('pending', 'held')"
                            " AND j.requested_at <= ? GROUP BY j.group_id", (cutoff,)):
        hours = (ws.now() - r["oldest"]) / 3600
        waiting = "{name}: 1 join request waiting" if r["n"] == 1 else "{name}: {n} join requests waiting"
        fired[f"queue_waiting:{r['group_id']}"] = (
            "queue_waiting", r["group_id"], ws.tr(waiting, name=r["name"] or r["group_id"], n=r["n"]),
            ws.tr("oldest waiting {hours} h; threshold {limit} h", hours=f"{hours:.0f}", limit=f"{cfg.queue_wait_hours:g}"))
    for key, (kind, gid, message, why) in fired.items():
        ws.raise_alert(kind, message, why=why, group_id=gid, dedupe_key=f"kpi.{key}")
    open_keys = [r[0] for r in ws.store.execute(
        "SELECT dedupe_key FROM alerts WHERE resolved_at IS NULL AND dedupe_key LIKE 'kpi.%'")]
    for key in open_keys:
        if key[4:] not in fired:
            ws.resolve_alert(key)
    return sorted(fired)
