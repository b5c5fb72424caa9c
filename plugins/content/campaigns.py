"""Invite campaigns (拉新任务): "invite 3 friends this week", progress per member, a
leaderboard and points as the reward, within the two-level referral limit.

A join counts for a running campaign when it lands in a group of the campaign's scope
between its start and end and the platform names who invited the newcomer (the membership's
inviter, as join events and approved requests record it). It is recorded once per newcomer
and campaign, credited to that inviter, and **not counted** (kept, with the reason) when:

- the inviter or the newcomer is an insider, or the inviter is the bot (``insider``);
- the newcomer was known before the campaign began: first seen earlier, in another group
  since before it, or back in this group (``rejoin``);
- the newcomer would sit deeper than the referral limit (``level:N``): the inviter's own
  level plus one, counted along ``people.referred_by`` as the entry rules do, must stay within
  ``[entry_rules] referral_max_depth`` (2: deeper chains cross a legal line in China), so a
  campaign never rewards a third level.

Points go to the check-in ledger (reason ``campaign``): ``per_invite`` for each counted invite
up to the goal, and ``reward`` once when the goal is reached; the ``points`` tag follows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shequn import Kind, others_of, rows_in

from . import rulescope
from .checkin import retag
from .errors import ContentError

LEVEL_LIMIT = 2


def limit_of(ws) -> int:
    try:
        from plugins.entry_rules.settings import settings_of

        return settings_of(ws).referral_max_depth
    except Exception:  # the entry rules plugin is not installed: the legal line itself
        return LEVEL_LIMIT


def level(ws, person_id: int | None, cap: int = 50) -> int:
    """Referral level (0: came on their own, or an insider), as the entry rules count it."""
    seen: set[int] = set()
    depth, pid = 0, person_id
    while pid is not None and pid not in seen and depth < cap:
        seen.add(pid)
        row = ws.store.one("SELECT referred_by, is_insider FROM people WHERE id = ?", (pid,))
        if row is None or row["is_insider"] or row["referred_by"] is None:
            return depth
        depth, pid = depth + 1, row["referred_by"]
    return depth


def _day_start(ws, text: str, field: str) -> int:
    try:
        d = datetime.strptime(str(text).strip(), "%Y-%m-%d")
    except ValueError:
        raise ContentError("{field}: {value!r}; expected a day YYYY-MM-DD", field=field, value=text) from None
    return int(d.replace(tzinfo=ws.tz).timestamp())


def create(ws, name: str, *, goal: int, days: int = 7, start: str = "", scope: str = "all", reward: int = 50,
           per_invite: int = 0) -> int:
    name = str(name or "").strip()
    if not 1 <= len(name) <= 50:
        raise ContentError("name: {n} characters; expected 1 to 50", n=len(name))
    if ws.store.scalar("SELECT 1 FROM content_campaigns WHERE name = ?", (name,)):
        raise ContentError("name: a campaign named {name!r} exists already", name=name)
    for field, value, low, high in (("goal", goal, 1, 100), ("days", days, 1, 90), ("reward", reward, 0, 10_000),
                                    ("per_invite", per_invite, 0, 1000)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ContentError("{field}: {value}; expected a whole number from {low} to {high}", field=field,
                               value=value, low=low, high=high)
    if reward == 0 and per_invite == 0:
        raise ContentError("reward: 0 and per_invite 0; a campaign rewards its inviters with points")
    now = ws.now()
    starts = _day_start(ws, start, "start") if start else now
    ends = int((datetime.fromtimestamp(starts, ws.tz) + timedelta(days=days)).timestamp())
    if ends <= now:
        raise ContentError("start: the campaign would end on {end}, in the past; it could never count a join",
                           end=ws.day(ends))
    sc = rulescope.parse(ws, scope)
    with ws.store.write() as c:
        cid = c.execute("INSERT INTO content_campaigns(name, scope, goal, starts_at, ends_at, reward, per_invite,"
                        " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                        (name, sc, goal, starts, ends, reward, per_invite, ws.operator, now)).lastrowid
        ws.audit("content_campaign_saved", "content_campaign", cid, {"name": name, "goal": goal, "days": days,
                                                                      "scope": sc, "reward": reward})
    return cid


def get(ws, name: str) -> dict[str, Any]:
    c = ws.store.one("SELECT * FROM content_campaigns WHERE name = ?", (str(name).strip(),))
    if c is None:
        raise ContentError("campaign: no campaign named {name!r}", name=name)
    return c


def end(ws, name: str) -> None:
    c = get(ws, name)
    with ws.store.write() as cx:
        cx.execute("UPDATE content_campaigns SET status = 'ended', ends_at = min(ends_at, ?) WHERE id = ?",
                   (ws.now(), c["id"]))
        ws.audit("content_campaign_ended", "content_campaign", c["id"], {"name": c["name"]})


def note_joins(ws, events) -> int:
    """Record the batch's joins with an inviter for the running campaigns; award points."""
    joins = [e for e in others_of(events) if e.kind == Kind.JOIN and e.group_id is not None and e.person_id is not None]
    if not joins:
        return 0
    running = ws.store.query("SELECT * FROM content_campaigns WHERE status = 'running' AND starts_at <= ? AND"
                             " ends_at > ?", (max(e.ts for e in joins), min(e.ts for e in joins)))
    if not running:
        return 0
    inviters = {(g, p): i for g, p, i in rows_in(
        ws.store, "SELECT group_id, person_id, inviter_person_id FROM memberships WHERE inviter_person_id IS NOT NULL"
                  " AND person_id IN ({marks})", sorted({e.person_id for e in joins}))}
    cands = [(e, inviters[(e.group_id, e.person_id)]) for e in joins if (e.group_id, e.person_id) in inviters]
    if not cands:
        return 0
    people = sorted({p for e, i in cands for p in (e.person_id, i)})
    insiders = {r[0] for r in rows_in(ws.store, "SELECT id FROM people WHERE is_insider = 1 AND id IN ({marks})", people)}
    bots = {r[0] for r in ws.store.execute("SELECT i.person_id FROM identities i JOIN connections c ON c.account ="
                                           " i.platform_user_id AND c.platform = i.platform")}
    groups = {r[0]: {"id": r[0], "type": r[1], "family": r[2]} for r in rows_in(
        ws.store, "SELECT id, type, family FROM groups WHERE id IN ({marks})", sorted({e.group_id for e, _ in cands}))}
    limit = limit_of(ws)
    newcomers = sorted({e.person_id for e, _ in cands})
    first_seen = dict(rows_in(ws.store, "SELECT id, created_at FROM people WHERE id IN ({marks})", newcomers))
    memberships: dict[int, list[tuple[int, int, int | None]]] = {}
    for p, g, joins, joined in rows_in(ws.store, "SELECT person_id, group_id, joins, joined_at FROM memberships WHERE"
                                                 " person_id IN ({marks})", newcomers):
        memberships.setdefault(p, []).append((g, joins, joined))
    levels: dict[int, int] = {}
    rows, touched = [], set()
    for camp in running:
        for e, inviter in cands:
            if not camp["starts_at"] <= e.ts < camp["ends_at"] or rulescope.rank(camp["scope"], groups[e.group_id]) < 0:
                continue
            note = ""
            if inviter in insiders or e.person_id in insiders or inviter in bots:
                note = "insider"
            elif (first_seen.get(e.person_id) or 0) < camp["starts_at"] or any(
                    joins > 1 or (g != e.group_id and (joined or 0) < camp["starts_at"])
                    for g, joins, joined in memberships.get(e.person_id, ())):
                note = "rejoin"  # known to the operation before the campaign: not a new friend
            else:
                if inviter not in levels:
                    levels[inviter] = level(ws, inviter)
                lvl = levels[inviter] + 1
                if lvl > limit:
                    note = f"level:{lvl}"
            rows.append((camp["id"], e.person_id, inviter, e.group_id, e.ts, int(not note), note))
            touched.add((camp["id"], inviter))
    if not rows:
        return 0
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO content_campaign_invites(campaign_id, invitee_id, inviter_id, group_id,"
                      " joined_at, counted, note) VALUES (?,?,?,?,?,?,?)", rows)
        _award(ws, c, {camp["id"]: camp for camp in running}, touched)
    return len(rows)


def _award(ws, c, camps: dict[int, dict[str, Any]], touched: set[tuple[int, int]]) -> None:
    """Bring each touched inviter's campaign points up to what their counted invites earn."""
    ledger, people = [], set()
    for cid, inviter in sorted(touched):
        camp = camps[cid]
        n = c.execute("SELECT count(*) FROM content_campaign_invites WHERE campaign_id = ? AND inviter_id = ? AND"
                      " counted = 1", (cid, inviter)).fetchone()[0]
        got = {ref for (ref,) in c.execute("SELECT ref FROM content_points WHERE person_id = ? AND reason = 'campaign'"
                                           " AND ref LIKE ?", (inviter, f"campaign:{cid}:%"))}
        for k in range(1, min(n, camp["goal"]) + 1):
            if camp["per_invite"] and f"campaign:{cid}:invite:{k}" not in got:
                ledger.append((inviter, camp["per_invite"], "campaign", camp["name"], f"campaign:{cid}:invite:{k}"))
        if n >= camp["goal"] and camp["reward"] and f"campaign:{cid}:goal" not in got:
            ledger.append((inviter, camp["reward"], "campaign", camp["name"], f"campaign:{cid}:goal"))
    if ledger:
        now = ws.now()
        c.executemany("INSERT INTO content_points(person_id, delta, reason, note, ref, by, ts) VALUES"
                      " (?,?,?,?,?,'plugin:content',?)", [(*r, now) for r in ledger])
        people = {r[0] for r in ledger}
        retag(ws, sorted(people))


def board(ws, name: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """The leaderboard (insiders and the bot apart): inviters by counted invites (first to reach them
    first), with the goal, points earned and invites not counted."""
    camp = get(ws, name)
    rows = ws.store.query(
        "SELECT i.inviter_id AS person_id, p.display_name AS name, sum(i.counted) AS invites,"
        " sum(1 - i.counted) AS not_counted, max(CASE WHEN i.counted THEN i.joined_at END) AS last_at,"
        " (SELECT coalesce(sum(delta), 0) FROM content_points pt WHERE pt.person_id = i.inviter_id AND"
        " pt.reason = 'campaign' AND pt.ref LIKE ?) AS points FROM content_campaign_invites i JOIN people p ON"
        " p.id = i.inviter_id WHERE i.campaign_id = ? AND p.is_insider = 0 AND NOT EXISTS (SELECT 1 FROM identities x"
        " JOIN connections c ON c.account = x.platform_user_id AND c.platform = x.platform WHERE x.person_id ="
        " i.inviter_id) GROUP BY i.inviter_id"
        " ORDER BY invites DESC, last_at, i.inviter_id LIMIT ? OFFSET ?",
        (f"campaign:{camp['id']}:%", camp["id"], limit, offset))
    for k, r in enumerate(rows, start=offset + 1):
        r["rank"] = k
        r["progress"] = f"{min(r['invites'], camp['goal'])}/{camp['goal']}"
        r["reached"] = r["invites"] >= camp["goal"]
    return rows


def listing(ws) -> list[dict[str, Any]]:
    rows = ws.store.query(
        "SELECT c.*, (SELECT count(*) FROM content_campaign_invites i WHERE i.campaign_id = c.id AND i.counted = 1)"
        " AS invites, (SELECT count(DISTINCT inviter_id) FROM content_campaign_invites i WHERE i.campaign_id = c.id"
        " AND i.counted = 1) AS inviters, (SELECT count(*) FROM (SELECT inviter_id FROM content_campaign_invites i"
        " WHERE i.campaign_id = c.id AND i.counted = 1 GROUP BY inviter_id HAVING count(*) >= c.goal)) AS reached"
        " FROM content_campaigns c ORDER BY c.id DESC")
    for r in rows:
        r["from"], r["until"] = ws.day(r["starts_at"]), ws.day(r["ends_at"] - 1)
        if r["status"] == "running" and r["ends_at"] <= ws.now():
            r["status"] = "ended"
    return rows


def not_counted(ws, name: str) -> list[dict[str, Any]]:
    camp = get(ws, name)
    return ws.store.query(
        "SELECT i.*, a.display_name AS inviter, b.display_name AS invitee, g.name AS group_name FROM"
        " content_campaign_invites i JOIN people a ON a.id = i.inviter_id JOIN people b ON b.id = i.invitee_id JOIN"
        " groups g ON g.id = i.group_id WHERE i.campaign_id = ? AND i.counted = 0 ORDER BY i.joined_at",
        (camp["id"],))
