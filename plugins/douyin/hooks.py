"""What the Douyin plugin does with a batch and on its schedule.

- **Members first seen speaking.** Douyin lists no members: a group's count is the
  platform's ``exist_num`` at the last sync, moved by the joins and leaves seen since.
  Someone shequn first meets by a message was already counted in ``exist_num``, yet the
  engine adds every new speaker to the count; for a Douyin group synced before, that one
  is taken back (once per person and group, remembered in ``douyin_seen_speaking``), and
  the day's ``members_end`` follows. A person who joined after the sync and whose join
  webhook was lost is then missing from the count until the next sync, the lesser error.
- **The greeting (入群欢迎语).** The hourly job keeps each Douyin group's greeting equal to
  its welcome policy's template (the entry plugin's, chosen as for an approved applicant),
  rendered without a nickname since the platform shows one text to everyone: sentences
  naming the newcomer are left out. A group whose policy is gone gets its greeting turned
  off. Each change is a ``set_welcome`` action; ``douyin_greetings`` remembers what was
  asked, so a failed one is asked again and a done one is not repeated.
"""

from __future__ import annotations

import hashlib
from typing import Any

from console.model import Kind, Proposal, messages_of
from console.store import rows_in, run_script

PLATFORM = "douyin"


def m001_seen_speaking(store) -> None:
    run_script(store, """
        CREATE TABLE douyin_seen_speaking (
            group_id INTEGER NOT NULL REFERENCES groups(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            seen_at INTEGER NOT NULL,
            PRIMARY KEY (group_id, person_id)
        ) WITHOUT ROWID;
    """)


def m002_greetings(store) -> None:
    run_script(store, """
        CREATE TABLE douyin_greetings (
            group_id INTEGER PRIMARY KEY REFERENCES groups(id),
            rule TEXT,
            text TEXT NOT NULL,
            action_id INTEGER REFERENCES actions(id),
            updated_at INTEGER NOT NULL
        );
    """)


def douyin_connections(ws) -> set[str]:
    return {name for name, cs in ws.settings.connections.items() if cs.platform == PLATFORM}


def process_events(events: list, ws) -> None:
    mine = douyin_connections(ws)
    if not mine:
        return
    pairs = {(e.group_id, e.person_id): e.ts for e in messages_of(events)
             if e.connection in mine and e.group_id and e.person_id and e.kind == Kind.MESSAGE}
    if pairs:
        _first_seen(ws, pairs)


def _first_seen(ws, pairs: dict[tuple[int, int], int]) -> None:
    rows = rows_in(ws.store, "SELECT m.group_id, m.person_id FROM memberships m JOIN groups g ON g.id = m.group_id"
                             " WHERE m.person_id IN ({marks}) AND m.join_scene = 'unknown' AND m.joined_at IS NULL"
                             " AND m.status = 'member' AND g.synced_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                             " douyin_seen_speaking s WHERE s.group_id = m.group_id AND s.person_id = m.person_id)",
                   sorted({p for _, p in pairs}))
    found = [(g, p) for g, p in rows if (g, p) in pairs]
    if not found:
        return
    now = ws.now()
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO douyin_seen_speaking(group_id, person_id, seen_at) VALUES (?,?,?)",
                      [(g, p, now) for g, p in found])
        c.executemany("UPDATE groups SET member_count = max(member_count - 1, 0) WHERE id = ?", [(g,) for g, _ in found])
        days = {(g, ws.day(pairs[(g, p)])) for g, p in found}
        c.executemany("UPDATE rollups_daily SET members_end = (SELECT member_count FROM groups WHERE id = ?)"
                      " WHERE group_id = ? AND day = ?", [(g, g, d) for g, d in days])


# --- the greeting ---------------------------------------------------------------------------------


def wanted_greeting(ws, group: dict[str, Any]) -> tuple[str | None, str]:
    """(the welcome policy's name, the greeting text) for a group; ("", "") without a policy."""
    try:
        from plugins.entry_rules.templates import render_for_members
        from plugins.entry_rules.welcome import choose
    except ImportError:  # the entry plugin is not installed: nothing drives the greeting
        return None, ""
    rule = choose(ws, group, "approve", False)
    if rule is None:
        return "", ""
    cfg = rule["config"]
    rules_text = cfg.get("rules_text") or ws.store.scalar(
        "SELECT a.text FROM entry_announcement_posts p JOIN entry_announcements a ON a.id = p.announcement_id"
        " WHERE p.group_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT 1", (group["id"],), "") or ""
    values = {"group": group["name"], "theme": group.get("theme") or "", "rules": rules_text,
              "owner": ws.owner_of(group["id"]), "nickname": None, "referrer": None}
    return rule["name"], render_for_members(cfg.get("template", ""), values)


def greeting_proposals(ws, group_ids: list[int] | None = None, *, requested_by: str = "plugin:douyin") -> list[int]:
    """Queue a ``set_welcome`` for every Douyin group whose greeting differs from its policy's."""
    mine = douyin_connections(ws)
    if not mine:
        return []
    marks = ",".join("?" * len(mine))
    groups = ws.store.query(f"SELECT * FROM groups WHERE connection_id IN ({marks}) AND status = 'active' ORDER BY id",
                            sorted(mine))
    if group_ids is not None:
        groups = [g for g in groups if g["id"] in set(group_ids)]
    asked = {r["group_id"]: r for r in ws.store.query(
        "SELECT d.*, a.status AS action_status FROM douyin_greetings d LEFT JOIN actions a ON a.id = d.action_id")}
    out: list[int] = []
    for g in groups:
        rule, text = wanted_greeting(ws, g)
        if rule is None:
            return out
        last = asked.get(g["id"])
        if last is None and not text:
            continue  # never set, nothing wanted
        if last is not None and last["text"] == text and last["action_status"] not in ("failed", "cancelled",
                                                                                       "unsupported"):
            continue  # asked already, done or under way
        digest = hashlib.sha1(text.encode()).hexdigest()[:12]
        reason = (ws.tr("Greeting of {group} from welcome policy {rule}", group=g["name"], rule=rule) if text
                  else ws.tr("Greeting of {group} turned off: no welcome policy applies", group=g["name"]))
        (aid,) = ws.enqueue([Proposal("set_welcome", reason, group_id=g["id"], params={"text": text},
                                      rule=rule or None,
                                      key=f"douyin_greeting:{g['id']}:{digest}:{last['action_id'] if last else 0}")],
                            requested_by)
        with ws.store.write() as c:
            c.execute("INSERT INTO douyin_greetings(group_id, rule, text, action_id, updated_at) VALUES (?,?,?,?,?)"
                      " ON CONFLICT(group_id) DO UPDATE SET rule = excluded.rule, text = excluded.text,"
                      " action_id = excluded.action_id, updated_at = excluded.updated_at",
                      (g["id"], rule, text, aid, ws.now()))
        out.append(aid)
    return out


def greetings_job(ws) -> int:
    return len(greeting_proposals(ws))
