"""What the Douyin plugin does with a batch and on its schedule.

- **Members first seen speaking.** Douyin lists no members; the host counts such groups
  (console/headcount.py): the platform's ``exist_num`` at the last sync, moved by joins and
  leaves, a first-time speaker not added. ``douyin_seen_speaking`` (m001) kept this
  plugin's own correction before the host did it and is no longer written.
- **The greeting (入群欢迎语).** The hourly job keeps each Douyin group's greeting equal to
  its welcome policy's template (the entry plugin's, chosen as for an approved applicant),
  rendered without a nickname since the platform shows one text to everyone: sentences
  naming the newcomer are left out. A group whose policy is gone gets its greeting turned
  off. Each change is a ``set_welcome`` action; ``douyin_greetings`` remembers what was
  asked, so a failed one is asked again and a done one is not repeated. A greeting the
  operator set by hand (``shequn douyin greeting GROUP --text/--off``) is remembered as
  such (``BY_HAND``) and the job leaves it alone until the operator asks for the
  policy's again (``shequn douyin greeting GROUP``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from shequn import Proposal, run_script

PLATFORM = "douyin"
BY_HAND = "*by hand*"  # douyin_greetings.rule of a greeting the operator set (no policy name has the stars)


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


def greeting_proposals(ws, group_ids: list[int] | None = None, *, requested_by: str = "plugin:douyin",
                       over_hand: bool = False) -> list[int]:
    """Queue a ``set_welcome`` for every Douyin group whose greeting differs from its policy's
    (a greeting set by hand only when ``over_hand``: the operator asked for the policy's)."""
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
        if last is not None and last["rule"] == BY_HAND and not over_hand:
            continue  # the operator's own greeting stays
        if last is None and not text:
            continue  # never set, nothing wanted
        if last is not None and last["rule"] != BY_HAND and last["text"] == text and last["action_status"] not in (
                "failed", "cancelled", "unsupported"):
            continue  # asked already, done or under way
        digest = hashlib.sha1(text.encode()).hexdigest()[:12]
        reason = (ws.tr("Greeting of {group} from welcome policy {rule}", group=g["name"], rule=rule) if text
                  else ws.tr("Greeting of {group} turned off: no welcome policy applies", group=g["name"]))
        (aid,) = ws.enqueue([Proposal("set_welcome", reason, group_id=g["id"], params={"text": text},
                                      rule=rule or None,
                                      key=f"douyin_greeting:{g['id']}:{digest}:{last['action_id'] if last else 0}")],
                            requested_by)
        remember(ws, g["id"], rule, text, aid)
        out.append(aid)
    return out


def remember(ws, group_id: int, rule: str | None, text: str, action_id: int) -> None:
    """What was last asked for a group's greeting (``BY_HAND`` for the operator's own)."""
    with ws.store.write() as c:
        c.execute("INSERT INTO douyin_greetings(group_id, rule, text, action_id, updated_at) VALUES (?,?,?,?,?)"
                  " ON CONFLICT(group_id) DO UPDATE SET rule = excluded.rule, text = excluded.text,"
                  " action_id = excluded.action_id, updated_at = excluded.updated_at",
                  (group_id, rule, text, action_id, ws.now()))


def greetings_job(ws) -> int:
    return len(greeting_proposals(ws))
