"""Segments (用户分类) by the rules in DOMAIN.md, applied to the workspace's orders and
referrals, as of the newest order (see ``basis``), tried in this order:

1. loyal 忠实型: buys monthly (at least two orders, a typical gap between them of about a
   month, from half a month to a month and a half, and the last within a month and a
   half) and referred at least ``loyal_min_referrals`` people;
2. bargain 羊毛型: never referred anyone, at least ``bargain_min_orders`` orders, average
   order below the bargain threshold (the operation's mean order value unless set);
3. need 需求型: a strong need (an order at least the need threshold: the floor of the
   operation's top tenth of order values unless set) and no repeat purchase within 3
   months;
4. low-need 低需求: bought never, over at least ``segment_horizon_days`` known, or once
   and not again for a month and a half (a monthly or bargain buyer would have been back);
5. unknown 未知: everyone whose data cannot show a segment yet (one recent order, too
   short a history to call "never", or orders no rule describes). Not guessed.

Each person's row keeps the signals, and the ``why`` names the rule and each threshold
with where it came from. The same orders and referrals give the same answer whenever it
is recomputed: nothing here reads the wall clock.
"""

from __future__ import annotations

import json
from collections import defaultdict

from shequn.people import roots

from .basis import DAY, MONTH_DAYS, Basis, basis, median
from .predict import known_since
from .settings import KpiSettings, kpi_settings
from .window import Scope

SEGMENTS = ("loyal", "bargain", "need", "low_need", "unknown")
KNOWN = SEGMENTS[:4]
TITLES = {"loyal": "loyal", "bargain": "bargain", "need": "need", "low_need": "low-need", "unknown": "unknown"}
NEED_REPEAT_DAYS = 90  # need: "no repeat purchase within 3 months"
_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps(..., ensure_ascii=False) builds one a call

Why = list[tuple[str, dict]]  # (template, values) parts, joined with "; "


def person_signals(orders: list[tuple[int, float]], referrals: int, first_seen: int | None, b: Basis) -> dict:
    """The figures the rules look at for one person, as of ``b.anchor``."""
    os_ = sorted(orders)
    amounts = [a for _, a in os_]
    gaps = [(y[0] - x[0]) / DAY for x, y in zip(os_, os_[1:])]
    since = max(first_seen if first_seen is not None else b.start, b.start) if b.start is not None else None
    return {
        "orders": len(os_), "spent": round(sum(amounts), 2),
        "avg_order": round(sum(amounts) / len(amounts), 2) if amounts else 0.0,
        "max_order": max(amounts) if amounts else 0.0,
        "typical_gap_days": round(median(gaps), 1) if gaps else None,
        "last_order_days": round((b.anchor - os_[-1][0]) / DAY, 1) if os_ else None,
        "known_days": round((b.anchor - since) / DAY) if since is not None else 0,
        "referrals": referrals,
        "repeat_90d": any(g <= NEED_REPEAT_DAYS for g in gaps),
        "as_of": b.anchor,
    }


def classify(sig: dict, b: Basis, cfg: KpiSettings) -> tuple[str, Why]:
    """(segment, why) for one person's signals against the operation's basis."""
    if b.anchor is None:
        return "unknown", [("no orders in the workspace yet (shequn import orders FILE.csv, or a shop plugin)", {})]
    n, refs, gap, last = sig["orders"], sig["referrals"], sig["typical_gap_days"], sig["last_order_days"]
    lo, hi = MONTH_DAYS / 2, MONTH_DAYS * 1.5
    monthly = n >= 2 and lo <= gap <= hi and last <= hi
    if monthly and refs >= cfg.loyal_min_referrals:
        return "loyal", [("buys monthly: {n} orders, a typical gap of {gap} days (a month: {lo:g} to {hi:g}),"
                          " the last {last} days ago", {"n": n, "gap": f"{gap:g}", "lo": lo, "hi": hi, "last": f"{last:g}"}),
                         ("referred {refs} (rule: at least {least})", {"refs": refs, "least": cfg.loyal_min_referrals})]
    bt, nt = b.bargain, b.need
    if refs == 0 and n >= cfg.bargain_min_orders and sig["avg_order"] < bt.value:
        return "bargain", [("{n} orders averaging {avg}", {"n": n, "avg": f"{sig['avg_order']:.2f}"}), bt.words(),
                           ("never referred anyone", {})]
    if n and sig["max_order"] >= nt.value and not sig["repeat_90d"]:
        return "need", [("a strong need: an order of {amount}", {"amount": f"{sig['max_order']:.2f}"}), nt.words(),
                        ("no repeat purchase within 3 months (seen {last} days since the last order)",
                         {"last": f"{last:g}"})]
    horizon = cfg.segment_horizon_days
    if n == 0:
        if sig["known_days"] >= horizon:
            return "low_need", [("never ordered in the {days} days known (judged after {horizon})",
                                 {"days": sig["known_days"], "horizon": horizon})]
        return "unknown", [("no order in the {days} days known: 'never' is judged after {horizon} days",
                            {"days": sig["known_days"], "horizon": horizon})]
    if n == 1:
        if last >= hi:
            return "low_need", [("bought once, {amount}, {last} days ago, and not again", {"amount": f"{sig['max_order']:.2f}",
                                                                                      "last": f"{last:g}"}),
                                ("not a strong need", {}), nt.words()]
        return "unknown", [("one order, {last} days ago: too early to tell a one-off from a monthly or bargain buyer"
                            " (judged {hi:g} days after the order)", {"last": f"{last:g}", "hi": hi})]
    return "unknown", [("{n} orders averaging {avg}, a typical gap of {gap} days, referred {refs}: no segment's rule fits"
                        " (loyal buys monthly and refers; bargain never refers and buys below the threshold;"
                        " need does not repeat within 3 months)",
                        {"n": n, "avg": f"{sig['avg_order']:.2f}", "gap": f"{gap:g}", "refs": refs}), bt.words()]


def why_text(why: Why, tr=None) -> str:
    """The why in words: English, or through ``tr`` (``ws.tr``) in the workspace's language."""
    if tr is None:
        return "; ".join(t.format(**v) for t, v in why)
    return tr("; ").join(tr(t, **v) for t, v in why)


def read(ws, cfg: KpiSettings, person_ids: list[int] | None = None) -> tuple[Basis, dict[int, dict]]:
    """The operation's basis and the signals of ``person_ids`` (everyone when None)."""
    st = ws.store
    all_orders = st.execute("SELECT person_id, ordered_at, amount FROM orders WHERE person_id IS NOT NULL").fetchall()
    b = basis([(t, a) for _, t, a in all_orders], cfg)
    # one person's linked accounts (console/identity.py) are one buyer and one referrer:
    # their orders and referrals are read as their root's, and each account gets its signals
    link = roots(ws)

    def root(p):
        return link.get(p, p)

    wanted = {root(p) for p in person_ids} if person_ids is not None else None
    orders: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for pid, ts, amount in all_orders:  # one read serves the basis and the people asked for
        r = root(pid)
        if wanted is None or r in wanted:
            orders[r].append((ts, amount))
    refs: dict[int, set[int]] = defaultdict(set)
    for ref, pid in st.execute("SELECT referred_by, id FROM people WHERE referred_by IS NOT NULL"):
        if root(ref) != root(pid):  # one's own second account is not a referral
            refs[root(ref)].add(root(pid))
    for ref, pid in st.execute("SELECT inviter_person_id, person_id FROM memberships WHERE inviter_person_id IS NOT NULL"):
        if root(ref) != root(pid):
            refs[root(ref)].add(root(pid))
    # known since the earliest record: first seen, a member list's join time, the first order
    first_seen = dict(st.execute("SELECT id, created_at FROM people"))
    if wanted is not None:  # one profile: its accounts' records only, not everyone's
        mine = set(person_ids) | wanted | {p for p, r in link.items() if r in wanted}
        first_seen.update(known_since(ws, {p: first_seen[p] for p in mine if p in first_seen}))
    else:
        first_seen = known_since(ws, first_seen)
    for pid, r in link.items():  # known since the first of the accounts was seen
        seen = [t for t in (first_seen.get(pid), first_seen.get(r)) if t is not None]
        first_seen[r] = min(seen) if seen else None
    ids = person_ids if person_ids is not None else sorted(first_seen)
    signals = {}
    for pid in ids:
        r = root(pid)
        signals[pid] = person_signals(orders.get(r, []), len(refs.get(r, ())), first_seen.get(r), b)
    return b, signals


def rebuild(ws) -> dict[str, int]:
    """Recompute every person's segment and the per-group mix (the segments job).
    ``why`` is stored in the workspace's language, the parts in ``signals`` for others."""
    cfg = kpi_settings(ws)
    now = ws.now()
    b, sig = read(ws, cfg)
    rows, counts = [], defaultdict(int)
    for pid, s in sig.items():
        seg, why = classify(s, b, cfg)
        counts[seg] += 1
        rows.append((pid, seg, _JSON.encode({**s, "why": why}), why_text(why, ws.tr), now))
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
    """The segment mix per group (or one group): counts, shares (unknown included, so the
    shares say how much is known) and the advice, judged on the members with a segment."""
    cfg = kpi_settings(ws)
    q = "SELECT id, name, type FROM groups" + (" WHERE id = ?" if group_id is not None else "") + " ORDER BY id"
    out = []
    for g in ws.store.query(q, (group_id,) if group_id is not None else ()):
        counts = mix(ws, Scope("group", str(g["id"])), include_insiders)
        total = sum(counts.values())
        known = sum(counts[s] for s in KNOWN)
        row = {"group_id": g["id"], "group": g["name"], "type": g["type"], "members": total}
        for s in SEGMENTS:
            row[s] = round(counts[s] / total, 4) if total else None
        row["advice"] = advice({s: counts[s] / known for s in KNOWN}, cfg) if known else "no data"
        out.append(row)
    return out


def member_segment(ws, person_id: int) -> dict | None:
    """A person's segment now, with the signals and the rule that placed them, the why in
    the workspace's language (computed fresh, so it never disagrees with the orders)."""
    if ws.store.scalar("SELECT id FROM people WHERE id = ?", (person_id,)) is None:
        return None
    cfg = kpi_settings(ws)
    b, sig = read(ws, cfg, [person_id])
    s = sig[person_id]
    seg, why = classify(s, b, cfg)
    return {"person_id": person_id, "segment": seg, "title": TITLES[seg], "why": why_text(why, ws.tr), "signals": s}


def labels_for(ws, person_ids: list[int]) -> dict:
    """The segment of these people as host labels (``register_labels``): Members and
    profiles read it through ``console.labels``, never from ``kpi_segments``. Insiders get
    none: they are not the audience (as for rule tags)."""
    from shequn import Label, rows_in

    return {r[0]: Label("segment", TITLES[r[1]], "dynamic", "rule", "kpi", r[2] or "")
            for r in rows_in(ws.store, "SELECT s.person_id, s.segment, s.why FROM kpi_segments s JOIN people p"
                             " ON p.id = s.person_id WHERE p.is_insider = 0 AND s.person_id IN ({marks})", person_ids)}


def people_with(ws, value: str) -> list[int]:
    """People in a segment, named by its code or its title (``low_need``, ``low-need``);
    an empty value: everyone with a segment. Insiders left out, as in :func:`labels_for`."""
    codes = [s for s in SEGMENTS if value in (s, TITLES[s])] if value else list(SEGMENTS)
    if not codes:
        return []
    marks = ",".join("?" * len(codes))
    return [r[0] for r in ws.store.execute(
        f"SELECT s.person_id FROM kpi_segments s JOIN people p ON p.id = s.person_id WHERE p.is_insider = 0"
        f" AND s.segment IN ({marks}) ORDER BY s.person_id", codes)]
