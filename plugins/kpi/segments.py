"""Segments (用户分类) by the rules in DOMAIN.md, with thresholds from ``[kpi]``.

Rules, tried in this order, so every person lands in exactly one segment:

1. loyal 忠实型: ordered in at least ``loyal_min_months`` of the last three 30-day
   periods ("buys monthly"; someone known for fewer periods must have ordered in each
   period they were known) and referred at least ``loyal_min_referrals`` people;
2. bargain 羊毛型: never referred anyone, at least ``bargain_min_orders`` orders, and an
   average order value below ``bargain_max_order_value`` ("buys for price");
3. low-need 低需求: bought once or never, and that one order was below
   ``need_min_order_value``;
4. need 需求型: everyone else who bought: a strong need (a large order, or repeated
   purchases) without the monthly habit and referrals of the loyal. Whether they bought
   again within 3 months is recorded among the signals.

Each person's row keeps the signals the rules looked at and the reason in words.
"""

from __future__ import annotations

import json
from collections import defaultdict

from .settings import KpiSettings, kpi_settings
from .window import Scope

SEGMENTS = ("loyal", "bargain", "need", "low_need")
TITLES = {"loyal": "loyal", "bargain": "bargain", "need": "need", "low_need": "low-need"}
DAY = 86400


def classify(sig: dict, cfg: KpiSettings) -> tuple[str, str]:
    """(segment, why) for one person's signals."""
    n, avg, months, refs = sig["orders"], sig["avg_order"], sig["active_months"], sig["referrals"]
    need_months = min(cfg.loyal_min_months, sig["known_months"])  # a newcomer cannot show 3 months yet
    if n and months >= need_months and refs >= cfg.loyal_min_referrals:
        return "loyal", (f"ordered in {months} of the last {sig['known_months']} months known"
                         f" (rule: at least {need_months})"
                         f" and referred {refs} (rule: at least {cfg.loyal_min_referrals})")
    if refs == 0 and n >= cfg.bargain_min_orders and avg < cfg.bargain_max_order_value:
        return "bargain", (f"{n} orders averaging {avg:.2f} (rule: below {cfg.bargain_max_order_value:g}),"
                           " never referred anyone")
    if n == 0:
        return "low_need", "never ordered"
    if n == 1 and sig["max_order"] < cfg.need_min_order_value:
        return "low_need", (f"bought once, {sig['max_order']:.2f} (below {cfg.need_min_order_value:g},"
                            " no strong need shown)")
    repeat = "bought again within 3 months" if sig["repeat_90d"] else "no repeat purchase within 3 months"
    return "need", (f"{n} orders, largest {sig['max_order']:.2f}, {repeat};"
                    f" not monthly with referrals (months {months}, referrals {refs})")


def signals(ws, person_ids: list[int] | None = None) -> dict[int, dict]:
    """Order and referral signals per person (all people when ``person_ids`` is None)."""
    now = ws.now()
    filt, params = "", []
    if person_ids is not None:
        filt = f" WHERE person_id IN ({','.join('?' * len(person_ids))})"
        params = list(person_ids)
    orders: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for pid, ts, amount in ws.store.execute(f"SELECT person_id, ordered_at, amount FROM orders{filt}"
                                            + (" AND" if filt else " WHERE") + " person_id IS NOT NULL", params):
        orders[pid].append((ts, amount))
    refs: dict[int, set[int]] = defaultdict(set)
    for ref, pid in ws.store.execute("SELECT referred_by, id FROM people WHERE referred_by IS NOT NULL"):
        refs[ref].add(pid)
    for ref, pid in ws.store.execute("SELECT inviter_person_id, person_id FROM memberships"
                                     " WHERE inviter_person_id IS NOT NULL"):
        refs[ref].add(pid)
    first_seen = dict(ws.store.execute("SELECT id, created_at FROM people"))
    ids = person_ids if person_ids is not None else list(first_seen)
    out = {}
    for pid in ids:
        os_ = sorted(orders.get(pid, []))
        seen = min([t for t in (first_seen.get(pid), os_[0][0] if os_ else None) if t] or [now])
        known = max(1, min(3, -(-(now - seen) // (30 * DAY))))
        amounts = [a for _, a in os_]
        months = sum(1 for k in range(3) if any(now - (k + 1) * 30 * DAY < ts <= now - k * 30 * DAY for ts, _ in os_))
        out[pid] = {
            "orders": len(os_), "spent": round(sum(amounts), 2),
            "avg_order": round(sum(amounts) / len(amounts), 2) if amounts else 0.0,
            "max_order": max(amounts) if amounts else 0.0,
            "active_months": months, "known_months": known, "referrals": len(refs.get(pid, ())),
            "repeat_90d": any(b[0] - a[0] <= 90 * DAY for a, b in zip(os_, os_[1:])),
        }
    return out


def rebuild(ws) -> dict[str, int]:
    """Recompute every person's segment and the per-group mix (the segments job)."""
    cfg = kpi_settings(ws)
    now = ws.now()
    sig = signals(ws)
    rows, counts = [], defaultdict(int)
    for pid, s in sig.items():
        seg, why = classify(s, cfg)
        counts[seg] += 1
        rows.append((pid, seg, json.dumps(s), why, now))
    with ws.store.write() as c:
        c.execute("DELETE FROM kpi_segments")
        c.executemany("INSERT INTO kpi_segments(person_id, segment, signals, why, computed_at) VALUES (?,?,?,?,?)", rows)
        c.execute("DELETE FROM kpi_segment_mix")
        c.execute("INSERT INTO kpi_segment_mix(group_id, segment, members, insiders, computed_at)"
                  " SELECT m.group_id, s.segment, sum(p.is_insider = 0), sum(p.is_insider = 1), ?"
                  " FROM memberships m JOIN people p ON p.id = m.person_id JOIN kpi_segments s ON s.person_id = m.person_id"
                  " WHERE m.status = 'member' GROUP BY m.group_id, s.segment", (now,))
    ws.store.set_meta("kpi.segments_at", str(now))
    return dict(counts)


def computed_at(ws) -> int | None:
    v = ws.store.get_meta("kpi.segments_at")
    return int(v) if v else None


def mix(ws, scope: Scope = Scope(), include_insiders: bool = False) -> dict[str, int]:
    """Members per segment in the scope's groups (from the last segments run)."""
    col = "members + insiders" if include_insiders else "members"
    if scope.kind == "all":
        q, p = f"SELECT segment, sum({col}) FROM kpi_segment_mix GROUP BY segment", []
    else:
        sub, p = scope.subquery()
        q = f"SELECT segment, sum({col}) FROM kpi_segment_mix WHERE group_id IN ({sub}) GROUP BY segment"
    got = {s: 0 for s in SEGMENTS}
    for seg, n in ws.store.execute(q, p):
        got[seg] = int(n or 0)
    return got


def mix_by_group(ws, scope: Scope = Scope(), include_insiders: bool = False) -> dict[int, dict[str, int]]:
    """:func:`mix` for every group of the scope at once."""
    col = "members + insiders" if include_insiders else "members"
    sub, p = scope.subquery()
    out: dict[int, dict[str, int]] = {}
    for g, seg, n in ws.store.execute(f"SELECT group_id, segment, {col} FROM kpi_segment_mix WHERE group_id IN ({sub})", p):
        out.setdefault(g, {s: 0 for s in SEGMENTS})[seg] = int(n or 0)
    return out


def advice(shares: dict[str, float], cfg: KpiSettings) -> str:
    """The domain's advice for a group's mix (DOMAIN.md, Segments)."""
    b, l_ = shares.get("bargain", 0.0), shares.get("loyal", 0.0)
    if b >= cfg.segment_advice_share and b >= l_:
        return "bargain-heavy: offer bundles"
    if l_ >= cfg.segment_advice_share and l_ > b:
        return "loyal-heavy: offer higher-ticket items and better service"
    return ""


def segments(ws, group_id: int | None = None, include_insiders: bool = False) -> list[dict]:
    """The segment mix per group (or one group): counts, shares and the advice."""
    cfg = kpi_settings(ws)
    q = "SELECT id, name, type FROM groups" + (" WHERE id = ?" if group_id is not None else "") + " ORDER BY id"
    out = []
    for g in ws.store.query(q, (group_id,) if group_id is not None else ()):
        counts = mix(ws, Scope("group", str(g["id"])), include_insiders)
        total = sum(counts.values())
        shares = {s: (counts[s] / total if total else 0.0) for s in SEGMENTS}
        row = {"group_id": g["id"], "group": g["name"], "type": g["type"], "members": total}
        for s in SEGMENTS:
            row[s] = round(shares[s], 4) if total else None
        row["advice"] = advice(shares, cfg) if total else "no data"
        out.append(row)
    return out


def member_segment(ws, person_id: int) -> dict | None:
    """A person's segment now, with the signals and the rule that placed them
    (computed fresh, so it never disagrees with today's orders)."""
    if ws.store.scalar("SELECT id FROM people WHERE id = ?", (person_id,)) is None:
        return None
    s = signals(ws, [person_id])[person_id]
    seg, why = classify(s, kpi_settings(ws))
    return {"person_id": person_id, "segment": seg, "title": TITLES[seg], "why": why, "signals": s}
