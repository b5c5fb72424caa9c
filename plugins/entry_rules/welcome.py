"""Welcome messages (欢迎语), merged for bursts.

A join is not welcomed at once: it goes into the open batch of its group and welcome
policy, which closes ``burst_seconds`` after its first join. When a batch is due, fewer
than ``burst_count`` joins get one welcome each; a burst gets one merged welcome naming
everyone (a group flooded with ten welcomes in a minute is what operators complain of).
The policy is chosen per group type, group and audience (join scene, referred or not):
the most specific scope wins, then the audience that matches most conditions.

Names come from the join (the connector asks the platform: group nickname, then
nickname), never a platform number; a welcome whose name is unknown leaves that
sentence out (templates.render_for_members), and one left empty is not sent.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import Capability, Event, Proposal, rows_in

from .i18n import tr
from .policies import policies_at_best_scope
from .settings import settings_of
from .templates import MERGED_VARS, WELCOME_VARS, fields_of, render_for_members

#: Functions another plugin adds to vary a single welcome's template per newcomer (the content
#: plugin's scripts tested against each other): ``fn(ws, group=, person_id=, rule=, template=,
#: dry_run=, evidence=) -> template``, called in order for each single welcome.
TEMPLATE_CHOOSERS: list = []


def choose(ws, group: dict[str, Any], scene: str, referred: bool) -> dict[str, Any] | None:
    best, best_score = None, -1
    for r in policies_at_best_scope(ws, group, "welcome"):
        aud = r["config"].get("audience", {})
        if "scene" in aud and scene not in aud["scene"]:
            continue
        if "referred" in aud and aud["referred"] != referred:
            continue
        if len(aud) > best_score:
            best, best_score = r, len(aud)
    return best


def note_joins(ws, joins: list[tuple[dict[str, Any], Event]]) -> None:
    """Put a batch's joins (in time order) into their groups' open welcome batches,
    opening batches where none is open: the joiners' insider flags and memberships are
    read in one query each and the joins stored in one statement, not per join."""
    if not joins:
        return
    people = sorted({e.person_id for _, e in joins})
    insiders = {r[0] for r in rows_in(ws.store, "SELECT id FROM people WHERE is_insider = 1 AND id IN ({marks})", people)}
    members = {(g, pid): (inviter, scene, nick) for g, pid, inviter, scene, nick in rows_in(
        ws.store, "SELECT group_id, person_id, inviter_person_id, join_scene, group_nickname FROM memberships"
                  " WHERE person_id IN ({marks})", people)}
    burst = settings_of(ws).burst_seconds
    rows: list[tuple] = []
    with ws.store.write() as c:
        # the open batches, newest first per group and policy (few: a batch is sent once due)
        open_batches: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for bid, gid, rule, opened in c.execute("SELECT id, group_id, rule, opened_at FROM entry_welcome_batches"
                                                " WHERE status = 'open' ORDER BY id DESC"):
            open_batches.setdefault((gid, rule), []).append((bid, opened))
        for group, e in joins:
            if e.person_id in insiders:
                continue  # insiders (cheer squad, staff) are not welcomed as newcomers
            inviter, m_scene, m_nick = members.get((group["id"], e.person_id), (None, None, None))
            scene = e.data.get("scene") or m_scene or "unknown"
            rule = choose(ws, group, scene, inviter is not None)
            if rule is None:
                continue
            # a name, never the platform number (a person first seen by number is named by it)
            nickname = next((n for n in (e.data.get("card"), m_nick, e.nickname)
                             if n and not (n == e.user and n.isdigit())), "")
            batches = open_batches.setdefault((group["id"], rule["name"]), [])
            bid = next((b for b, opened in batches if opened <= e.ts < opened + burst), None)
            if bid is None:
                bid = c.execute("INSERT INTO entry_welcome_batches(group_id, rule, opened_at, due_at, dry_run)"
                                " VALUES (?,?,?,?,?)", (group["id"], rule["name"], e.ts, e.ts + burst,
                                                        int(rule["dry_run"]))).lastrowid
                batches.insert(0, (bid, e.ts))
            rows.append((bid, e.person_id, nickname, scene, inviter, e.ts, f"{e.connection}:{e.id}"))
        c.executemany("INSERT OR IGNORE INTO entry_welcome_joins(batch_id, person_id, nickname, scene,"
                      " referrer_person_id, joined_at, evidence) VALUES (?,?,?,?,?,?,?)", rows)


def _rules_text(ws, group_id: int, cfg: dict[str, Any]) -> str:
    if cfg.get("rules_text"):
        return cfg["rules_text"]
    return ws.store.scalar(
        "SELECT a.text FROM entry_announcement_posts p JOIN entry_announcements a ON a.id = p.announcement_id"
        " WHERE p.group_id = ? ORDER BY p.created_at DESC, p.id DESC LIMIT 1", (group_id,), "") or ""


def _mentions(ws, platform: str, person_ids: list[int]) -> list[str]:
    out = []
    for pid in person_ids:
        u = ws.store.scalar("SELECT platform_user_id FROM identities WHERE person_id = ? AND platform = ?"
                            " ORDER BY id LIMIT 1", (pid, platform))
        if u:
            out.append(u)
    return out


def flush_due(ws) -> list[Proposal]:
    """Proposals for every welcome batch that is due now; marks them sent."""
    s = settings_of(ws)
    now = ws.now()
    proposals: list[Proposal] = []
    sent: list[tuple[int, int, int]] = []
    # A busy hour closes many batches of a few groups and policies: read each once.
    groups: dict[int, dict[str, Any] | None] = {}
    rules: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {}
    bases: dict[tuple[int, str], dict[str, Any]] = {}
    for b in ws.store.query("SELECT * FROM entry_welcome_batches WHERE status = 'open' AND due_at <= ? ORDER BY id",
                            (now,)):
        if b["group_id"] not in groups:
            groups[b["group_id"]] = ws.store.one("SELECT * FROM groups WHERE id = ?", (b["group_id"],))
        group = groups[b["group_id"]]
        if b["rule"] not in rules:
            row = ws.store.one("SELECT config, enabled FROM rules WHERE name = ?", (b["rule"],))
            rules[b["rule"]] = (row, json.loads(row["config"] or "{}") if row else {})
        rule, cfg = rules[b["rule"]]
        joins = ws.store.query(
            "SELECT j.* FROM entry_welcome_joins j WHERE j.batch_id = ? AND EXISTS (SELECT 1 FROM memberships m"
            " WHERE m.group_id = ? AND m.person_id = j.person_id AND m.status = 'member') ORDER BY joined_at",
            (b["id"], b["group_id"]))
        merged = len(joins) >= s.burst_count
        # a platform that cannot post, or whose posts its owner confirms (WeCom customer groups: one mass send
        # a day), welcomes by its own template instead (the connector's ``welcomes_newcomers``)
        if (rule and rule["enabled"] and group and group["status"] == "active" and joins
                and Capability.SEND in ws.group_capabilities(group["id"])
                and not getattr(ws.connector_class(group["connection_id"]), "welcomes_newcomers", False)):
            base = bases.get((group["id"], b["rule"]))
            if base is None:
                base = bases[(group["id"], b["rule"])] = {
                    "group": group["name"], "theme": group["theme"], "rules": _rules_text(ws, group["id"], cfg),
                    "owner": ws.owner_of(group["id"])}
            if merged:
                text = render_for_members(cfg.get("merged_template", ""), {
                    **base, "count": len(joins), "nicknames": "、".join(j["nickname"] for j in joins if j["nickname"])})
                proposals.append(Proposal(
                    kind="send", reason=tr(ws, "Merged welcome for {count} joins", count=len(joins)),
                    group_id=group["id"], params={"text": text, "mentions": _mentions(
                        ws, group["platform"], [j["person_id"] for j in joins])},
                    rule=b["rule"], evidence=f"welcome_batch:{b['id']}", dry_run=bool(b["dry_run"])))
            else:
                for j in joins:
                    referrer = (ws.store.scalar("SELECT display_name FROM people WHERE id = ?",
                                                (j["referrer_person_id"],), "") if j["referrer_person_id"] else "")
                    template = cfg.get("template", "")
                    for chooser in TEMPLATE_CHOOSERS:
                        template = chooser(ws, group=group, person_id=j["person_id"], rule=b["rule"], template=template,
                                          dry_run=bool(b["dry_run"]), evidence=j["evidence"] or "")
                    text = render_for_members(template, {**base, "nickname": j["nickname"], "referrer": referrer})
                    proposals.append(Proposal(
                        kind="send", reason=tr(ws, "Welcome {nickname}", nickname=j["nickname"]), group_id=group["id"],
                        person_id=j["person_id"], params={"text": text, "mentions": _mentions(
                            ws, group["platform"], [j["person_id"]])},
                        rule=b["rule"], evidence=j["evidence"] or f"welcome_batch:{b['id']}",
                        dry_run=bool(b["dry_run"])))
        sent.append((now, int(merged), b["id"]))
    if sent:
        with ws.store.write() as c:
            c.executemany("UPDATE entry_welcome_batches SET status = 'sent', sent_at = ?, merged = ? WHERE id = ?", sent)
    return [p for p in proposals if p.params["text"]]  # a welcome with nothing left to say is not sent


def preview_welcome(ws, template: str, sample: dict[str, Any] | None = None, *, merged: bool = False) -> str:
    """Check a template and render it with sample values (the console's live preview).

    Raises TemplateError naming the bad variable; the same check runs when it is saved."""
    fields_of(template, MERGED_VARS if merged else WELCOME_VARS, "merged welcome template" if merged else
              "welcome template")
    values = {"nickname": "小明", "group": tr(ws, "Sample group"), "rules": tr(ws, "(group rules)"),
              "referrer": "小红", "theme": "", "owner": "", "nicknames": "小明、小红、小刚", "count": 3}
    values.update(sample or {})
    return render_for_members(template, values)
