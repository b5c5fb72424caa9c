"""Check-in and points (签到 / 打卡): a member who sends a check-in keyword in a group
earns points once per day (the workspace's day), more for an unbroken streak, up to a cap
per check-in. Points are a ledger (``content_points``): the operator spends, adjusts or
resets them; the balance is kept as the dynamic tag ``points`` (source ``content``) so
segments, filters and other tools see it. The reply goes through the outbox, merged for a
burst like welcomes: check-ins in one group within ``reply_burst_seconds`` of the first get
one reply each when fewer than ``reply_burst_count``, else one reply naming them all.

Only a message that is the keyword (spaces and closing punctuation aside) counts, so a
sentence with 打卡 in it is not a check-in. Insiders and the bot's own messages do not
check in (they are not the audience, and the bot's reply must never count).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shequn import Proposal, messages_of, rows_in

from . import rulescope
from .errors import ContentError
from .settings import state_of
from .texts import CHECKIN_MERGED_VARS, CHECKIN_VARS, fields_of, render

TRIM = " \t\r\n!！。.~～、，,"
DEFAULT_REPLY = "{name} 签到成功！连续 {streak} 天，+{points} 分，共 {total} 分"
DEFAULT_MERGED = "今日签到：{names}，一共 {count} 位，大家继续加油！"


def normal(text: str | None) -> str:
    return (text or "").strip(TRIM).lower()


def save_rule(ws, scope: str, *, keywords: str | list[str] = "签到,打卡", points: int = 10, streak_bonus: int = 2,
              cap: int = 30, reply: str = DEFAULT_REPLY, merged_reply: str = DEFAULT_MERGED,
              enabled: bool = True) -> int:
    sc = rulescope.parse(ws, scope)
    words = [w for w in (keywords if isinstance(keywords, list) else str(keywords).replace("，", ",").split(","))
             if normal(w)]
    if not words or any(len(normal(w)) > 10 for w in words):
        raise ContentError("keywords: {n} keywords; expected 1 or more of at most 10 characters each", n=len(words))
    for name, value, low, high in (("points", points, 1, 1000), ("streak_bonus", streak_bonus, 0, 1000),
                                   ("cap", cap, 1, 10_000)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ContentError("{field}: {value}; expected a whole number from {low} to {high}", field=name,
                               value=value, low=low, high=high)
    if cap < points:
        raise ContentError("cap: {cap} is below points {points}; a check-in would earn less than its points",
                           cap=cap, points=points)
    fields_of(reply, CHECKIN_VARS, "reply")
    fields_of(merged_reply, CHECKIN_MERGED_VARS, "merged_reply")
    for field, text in (("reply", reply), ("merged_reply", merged_reply)):
        if not 1 <= len(text.strip()) <= 300:
            raise ContentError("{field}: {n} characters; expected 1 to 300", field=field, n=len(text.strip()))
    with ws.store.write() as c:
        c.execute("INSERT INTO content_checkin_rules(scope, keywords, points, streak_bonus, cap, reply, merged_reply,"
                  " enabled, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(scope) DO UPDATE SET"
                  " keywords = excluded.keywords, points = excluded.points, streak_bonus = excluded.streak_bonus,"
                  " cap = excluded.cap, reply = excluded.reply, merged_reply = excluded.merged_reply,"
                  " enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                  (sc, ",".join(normal(w) for w in words), points, streak_bonus, cap, reply.strip(),
                   merged_reply.strip(), int(enabled), ws.operator, ws.now()))
        rid = c.execute("SELECT id FROM content_checkin_rules WHERE scope = ?", (sc,)).fetchone()[0]
        rulescope.bump(ws)
        ws.audit("content_checkin_rule_saved", "content_checkin_rule", rid, {"scope": sc, "keywords": words})
    return rid


def rules(ws) -> list[dict[str, Any]]:
    return ws.store.query("SELECT * FROM content_checkin_rules ORDER BY id")


def _loaded(ws) -> tuple[list[dict[str, Any]], set[str]]:
    """The enabled rules and every keyword, kept between batches until a rule changes."""
    version = ws.store.get_meta("content.rules_at") or ""
    state = state_of(ws)
    cached = state.get("checkin")
    if cached is None or cached[0] != version:
        rs = [dict(r, words=set(r["keywords"].split(","))) for r in rules(ws) if r["enabled"]]
        cached = state["checkin"] = (version, rs, set().union(*(r["words"] for r in rs)) if rs else set())
    return cached[1], cached[2]


def note_checkins(ws, events) -> int:
    """Record the batch's check-ins (one statement); returns how many counted."""
    rs, words = _loaded(ws)
    if not rs:
        return 0
    cands = [e for e in messages_of(events) if e.group_id is not None and e.person_id is not None
             and not (e.data and e.data.get("from_self")) and normal(e.text) in words]
    if not cands:
        return 0
    people = sorted({e.person_id for e in cands})
    insiders = {r[0] for r in rows_in(ws.store, "SELECT id FROM people WHERE is_insider = 1 AND id IN ({marks})",
                                      people)}
    groups = {r[0]: {"id": r[0], "type": r[1], "family": r[2]} for r in rows_in(
        ws.store, "SELECT id, type, family FROM groups WHERE id IN ({marks})", sorted({e.group_id for e in cands}))}
    days = ws.days([e.ts for e in cands])
    first_day = min(days)
    before = (date.fromisoformat(first_day) - timedelta(days=1)).isoformat()
    known: dict[tuple[int, str], int] = {(p, d): s for p, d, s in rows_in(
        ws.store, "SELECT person_id, day, streak FROM content_checkins WHERE day >= ? AND person_id IN ({marks})",
        people, before=(before,))}
    names = {p: n for p, n in rows_in(ws.store, "SELECT id, display_name FROM people WHERE id IN ({marks})", people)}
    rows, ledger = [], []
    for e, day in zip(cands, days):
        if e.person_id in insiders or (e.person_id, day) in known:
            continue
        rule = rulescope.best(rs, groups[e.group_id])
        if rule is None or normal(e.text) not in rule["words"]:
            continue
        yesterday = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        streak = known.get((e.person_id, yesterday), 0) + 1
        points = min(rule["cap"], rule["points"] + rule["streak_bonus"] * (streak - 1))
        known[(e.person_id, day)] = streak
        name = next((n for n in ((e.data or {}).get("card"), e.nickname, names.get(e.person_id))
                     if n and not (n == e.user and n.isdigit())), "")
        rows.append((e.person_id, day, e.group_id, rule["id"], e.ts, streak, points, name, f"{e.connection}:{e.id}"))
        ledger.append((e.person_id, points, "checkin", f"checkin:{day}", "plugin:content", e.ts))
    if rows:
        with ws.store.write() as c:
            c.executemany("INSERT OR IGNORE INTO content_checkins(person_id, day, group_id, rule_id, ts, streak, points,"
                          " name, evidence) VALUES (?,?,?,?,?,?,?,?,?)", rows)
            c.executemany("INSERT INTO content_points(person_id, delta, reason, ref, by, ts) VALUES (?,?,?,?,?,?)",
                          ledger)
            retag(ws, sorted({r[0] for r in rows}))
    return len(rows)


def retag(ws, people: list[int]) -> None:
    """The ``points`` tag (dynamic, a fact, source ``content``) of these people, from the ledger."""
    bal = balances(ws, people)
    now = ws.now()
    with ws.store.write() as c:
        c.executemany("INSERT INTO tags(person_id, tag, value, kind, provenance, source, computed_at) VALUES"
                      " (?, 'points', ?, 'dynamic', 'fact', 'content', ?) ON CONFLICT(person_id, tag, source)"
                      " DO UPDATE SET value = excluded.value, computed_at = excluded.computed_at",
                      [(p, str(bal.get(p, 0)), now) for p in people])


def balances(ws, people: list[int]) -> dict[int, int]:
    return {p: b for p, b in rows_in(ws.store, "SELECT person_id, sum(delta) FROM content_points WHERE person_id IN"
                                               " ({marks}) GROUP BY person_id", people)}


def flush_replies(ws) -> list[Proposal]:
    """Replies for the groups whose check-in burst has closed; marks them replied."""
    from .settings import settings_of

    cfg = settings_of(ws)
    now = ws.now()
    due = [g for (g,) in ws.store.execute("SELECT group_id FROM content_checkins WHERE replied = 0 GROUP BY group_id"
                                          " HAVING min(ts) <= ?", (now - cfg.reply_burst_seconds,))]
    if not due:
        return []
    out: list[Proposal] = []
    marks: list[tuple[int, int, str]] = []
    for gid in due:
        group = ws.store.one("SELECT id, name FROM groups WHERE id = ?", (gid,))
        waiting = ws.store.query("SELECT c.*, r.reply, r.merged_reply FROM content_checkins c JOIN content_checkin_rules"
                                 " r ON r.id = c.rule_id WHERE c.group_id = ? AND c.replied = 0 ORDER BY c.ts", (gid,))
        totals = balances(ws, [w["person_id"] for w in waiting])
        first = waiting[0]
        base = f"content:checkin:{gid}:{first['ts']}:{first['person_id']}"
        if len(waiting) >= cfg.reply_burst_count:
            names = "、".join(f"{w['name'] or '群友'}（{w['streak']}天 +{w['points']}）" for w in waiting)
            out.append(Proposal("send", ws.tr("Check-in reply for {count} members", count=len(waiting)), group_id=gid,
                                params={"text": render(first["merged_reply"], {"names": names, "count": len(waiting),
                                                                               "group": group["name"]})},
                                evidence=f"{first['evidence']}", key=base))
        else:
            for w in waiting:
                out.append(Proposal("send", ws.tr("Check-in reply"), group_id=gid, person_id=w["person_id"],
                                    params={"text": render(w["reply"], {
                                        "name": w["name"] or "群友", "streak": w["streak"], "points": w["points"],
                                        "total": totals.get(w["person_id"], 0), "group": group["name"]})},
                                    evidence=w["evidence"], key=f"content:checkin:{w['person_id']}:{w['day']}"))
        marks += [(w["person_id"], w["day"]) for w in waiting]
    with ws.store.write() as c:
        c.executemany("UPDATE content_checkins SET replied = 1 WHERE person_id = ? AND day = ?", marks)
    return out


# --- points: the operator's side -------------------------------------------------------------------

def find_person(ws, ref: str) -> dict[str, Any]:
    ref = str(ref).strip()
    rows = ws.store.query("SELECT DISTINCT p.id, p.display_name FROM people p LEFT JOIN identities i ON i.person_id ="
                          " p.id WHERE p.id = ? OR p.display_name = ? OR i.platform_user_id = ? ORDER BY p.id",
                          (int(ref) if ref.isdigit() else -1, ref, ref))
    if len(rows) != 1:
        raise ContentError("person: {ref!r} names {n} people; give the person's id" if rows else
                           "person: nobody is {ref!r} (an id, a name or a platform id)", ref=ref, n=len(rows))
    return rows[0]


def change(ws, person_ref: str, delta: int, reason: str, note: str = "") -> int:
    """Spend (a negative delta), adjust or reset points; returns the new balance."""
    p = find_person(ws, person_ref)
    bal = balances(ws, [p["id"]]).get(p["id"], 0)
    if reason == "reset":
        delta = -bal
    elif reason == "spend":
        if delta <= 0:
            raise ContentError("points: spend {n}; expected a whole number above 0", n=delta)
        if delta > bal:
            raise ContentError("points: {name} has {balance} points, fewer than {n} to spend", name=p["display_name"],
                               balance=bal, n=delta)
        delta = -delta
    elif reason == "adjust" and (delta == 0 or bal + delta < 0):
        raise ContentError("points: adjusting {name}'s {balance} points by {n} would leave {left}; expected a change "
                           "that leaves 0 or more", name=p["display_name"], balance=bal, n=delta, left=bal + delta)
    if len(note) > 200:
        raise ContentError("note: {n} characters; the limit is {limit}", n=len(note), limit=200)
    with ws.store.write() as c:
        c.execute("INSERT INTO content_points(person_id, delta, reason, note, by, ts) VALUES (?,?,?,?,?,?)",
                  (p["id"], delta, reason, note, f"operator:{ws.operator}", ws.now()))
        retag(ws, [p["id"]])
        ws.audit(f"content_points_{reason}", "person", p["id"], {"delta": delta, "note": note})
    return bal + delta


def leaderboard(ws, *, scope: str = "all", limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """People by points (insiders apart), with their streak as of today and check-ins."""
    today = ws.day(ws.now())
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    where, params = "", []
    if scope != "all":
        sc = rulescope.parse(ws, scope)
        kind, _, value = sc.partition(":")
        col = {"type": "g.type", "family": "g.family", "group": "g.id"}[kind]
        where = (f" AND pt.person_id IN (SELECT m.person_id FROM memberships m JOIN groups g ON g.id = m.group_id"
                 f" WHERE m.status = 'member' AND {col} = ?)")
        params.append(int(value) if kind == "group" else value)
    rows = ws.store.query(
        "SELECT pt.person_id, p.display_name AS name, sum(pt.delta) AS points,"
        " (SELECT count(*) FROM content_checkins c WHERE c.person_id = pt.person_id) AS checkins,"
        " coalesce((SELECT c.streak FROM content_checkins c WHERE c.person_id = pt.person_id AND c.day IN (?, ?)"
        " ORDER BY c.day DESC LIMIT 1), 0) AS streak FROM content_points pt JOIN people p ON p.id = pt.person_id"
        f" WHERE p.is_insider = 0{where} GROUP BY pt.person_id HAVING sum(pt.delta) > 0"
        " ORDER BY points DESC, streak DESC, pt.person_id LIMIT ? OFFSET ?", [today, yesterday, *params, limit, offset])
    for i, r in enumerate(rows, start=offset + 1):
        r["rank"] = i
    return rows
