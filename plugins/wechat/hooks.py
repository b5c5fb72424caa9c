"""What ties WeCom to the rest of shequn.

- **Welcome templates.** WeCom welcomes newcomers of a customer group itself, with a
  template the group's owner picks in WeCom; it cannot post a welcome per join for an
  app. So the entry plugin's welcome policies become WeCom templates (``%NICKNAME%``
  for the newcomer's name; the group's name, theme and owner where the policy is for one
  group, else those sentences are left out), kept equal by a ``set_welcome`` action per
  change; once WeCom gives the template id, the owner gets one task to pick it in WeCom.
- **Join ways and families.** ``shequn wechat join-way FAMILY`` puts a family's groups
  (up to five) behind one QR code with ``auto_create_room``: when they are full WeCom
  opens the next group (``room_base_name`` + index) and pushes its ``create``; the new
  group then joins the family (``register_sibling``: type, theme, capacity, its squad).
- **Notices.** Alerts opened in shequn go to the connection's group robot
  (``robot_key``), 20 a minute at most, oldest first, none twice.
- **Statistics.** WeCom's daily figures are pulled every six hours (statistics.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta
from typing import Any

from shequn import Kind, Proposal, others_of

ACTOR = "plugin:wechat"


def wechat_connections(ws) -> list[str]:
    return sorted(n for n, cs in ws.settings.connections.items() if cs.platform == "wechat" and cs.enabled)


# --- welcome templates ------------------------------------------------------------------------------


def template_text(ws, policy: dict[str, Any]) -> str:
    """A welcome policy as WeCom template text."""
    from plugins.entry_rules.templates import render_for_members

    cfg = policy["config"]
    values: dict[str, Any] = {"nickname": "%NICKNAME%", "rules": cfg.get("rules_text") or "", "referrer": ""}
    if policy["scope"].startswith("group:"):
        g = ws.store.one("SELECT id, name, theme FROM groups WHERE id = ?", (int(policy["scope"][6:]),))
        if g:
            values.update(group=g["name"], theme=g["theme"], owner=ws.owner_of(g["id"]))
    return render_for_members(cfg.get("template", ""), values)


def _applies(ws, policy: dict[str, Any], connection: str) -> bool:
    scope = policy["scope"]
    if scope.startswith("group:"):
        return ws.store.scalar("SELECT connection_id FROM groups WHERE id = ?", (int(scope[6:]),)) == connection
    if scope.startswith("type:"):  # only where the connection has such groups: no template nobody can pick
        return bool(ws.store.scalar("SELECT 1 FROM groups WHERE connection_id = ? AND type = ? LIMIT 1",
                                    (connection, scope[5:])))
    return True  # all: WeCom's template serves every group the owner picks it for


def sync_welcomes(ws) -> int:
    """Queue a ``set_welcome`` for every template that differs from its policy. Returns how many."""
    from plugins.entry_rules.api import policies

    wanted_all = [p for p in policies(ws) if p["kind"] == "welcome" and p["enabled"] and not p["dry_run"]]
    queued = 0
    for conn in wechat_connections(ws):
        kept = {r["rule"]: r for r in ws.store.query("SELECT * FROM wechat_welcomes WHERE connection_id = ?", (conn,))}
        wanted = {p["name"]: template_text(ws, p) for p in wanted_all if _applies(ws, p, conn)}
        for rule in set(kept) - set(wanted):
            if kept[rule]["template_id"] and kept[rule]["text"] != "":
                queued += _queue(ws, conn, rule, "", kept[rule]["template_id"])
        for rule, text in wanted.items():
            row = kept.get(rule)
            if text and (row is None or row["text"] != text):
                queued += _queue(ws, conn, rule, text, row["template_id"] if row else None)
    return queued


def _queue(ws, conn: str, rule: str, text: str, template_id: str | None) -> int:
    reason = ws.tr("Welcome template {rule} kept equal to the welcome policy", rule=rule)
    params = {"text": text, "template_id": template_id or "", "rule": rule}
    if not text:
        params["op"] = "delete"
    with ws.store.write() as c:
        digest = hashlib.sha1(text.encode()).hexdigest()[:12]
        key = f"wechat_welcome:{conn}:{rule}:{digest}:{ws.now()}"  # a failed change is asked again, not found stored
        (aid,) = ws.enqueue([Proposal("set_welcome", reason, connection=conn, params=params, rule=rule, key=key)],
                            ACTOR)
        c.execute("INSERT INTO wechat_welcomes(connection_id, rule, text, template_id, action_id, updated_at)"
                  " VALUES (?,?,?,?,?,?) ON CONFLICT(connection_id, rule) DO UPDATE SET text = excluded.text,"
                  " action_id = excluded.action_id, updated_at = excluded.updated_at",
                  (conn, rule, text, template_id, aid, ws.now()))
    return 1


def welcome_done(ws, action: dict[str, Any], result) -> None:
    params = json.loads(action["params"] or "{}") if isinstance(action.get("params"), str) else action.get("params", {})
    conn, rule = action["connection_id"], params.get("rule")
    if not rule:
        return
    if action["status"] != "done":
        with ws.store.write() as c:  # asked again at the next run
            c.execute("UPDATE wechat_welcomes SET text = '\x00failed' WHERE connection_id = ? AND rule = ?"
                      " AND action_id = ?", (conn, rule, action["id"]))
        return
    tid = (getattr(result, "data", {}) or {}).get("template_id") or params.get("template_id")
    with ws.store.write() as c:
        if params.get("op") == "delete":
            c.execute("DELETE FROM wechat_welcomes WHERE connection_id = ? AND rule = ?", (conn, rule))
            return
        c.execute("UPDATE wechat_welcomes SET template_id = ? WHERE connection_id = ? AND rule = ?", (tid, conn, rule))
    ws.add_task("wechat_welcome", ws.tr("Pick the welcome template of {rule} for its groups in WeCom", rule=rule),
                detail=ws.tr("WeCom keeps welcome template {template} ({connection}); the owner picks it in WeCom "
                             "(客户群 > 入群欢迎语) for the groups of policy {rule}, and WeCom then welcomes "
                             "newcomers by name.", template=tid, connection=conn, rule=rule),
                source=ACTOR, dedupe_key=f"wechat_welcome:{conn}:{tid}")


# --- join ways and families ------------------------------------------------------------------------------


def join_way_for(ws, connection: str, family: str, *, base_name: str | None = None, state: str = "") -> int:
    """Queue the join way of a family's WeChat groups (the newest five active ones)."""
    groups = ws.store.query("SELECT platform_group_id, name FROM groups WHERE connection_id = ? AND family = ?"
                            " AND status = 'active' ORDER BY id DESC LIMIT 5", (connection, family))
    if not groups:
        raise ValueError(ws.tr("no active group of family {family} on connection {connection}", family=family,
                               connection=connection))
    base = base_name if base_name is not None else family
    n = ws.store.scalar("SELECT count(*) FROM groups WHERE family = ?", (family,), 0) + 1
    row = ws.store.one("SELECT config_id FROM wechat_join_ways WHERE connection_id = ? AND family = ?",
                       (connection, family))
    params = {"chat_ids": [g["platform_group_id"] for g in reversed(groups)], "room_base_name": base,
              "room_base_id": n, "auto_create": True, "state": state, "family": family,
              "remark": family[:30], "config_id": (row["config_id"] if row else "") or ""}
    from .actions import join_way_body

    join_way_body(params)  # refused here, naming the field, rather than by WeCom later
    with ws.store.write() as c:
        (aid,) = ws.enqueue([Proposal("join_way", ws.tr("Join way of family {family}", family=family),
                                      connection=connection, params=params)], f"operator:{ws.operator}")
        c.execute("INSERT INTO wechat_join_ways(connection_id, family, room_base_name, state, action_id, updated_at)"
                  " VALUES (?,?,?,?,?,?) ON CONFLICT(connection_id, family) DO UPDATE SET room_base_name ="
                  " excluded.room_base_name, state = excluded.state, action_id = excluded.action_id,"
                  " updated_at = excluded.updated_at", (connection, family, base, state, aid, ws.now()))
    return aid


def join_way_done(ws, action: dict[str, Any], result) -> None:
    params = json.loads(action["params"] or "{}") if isinstance(action.get("params"), str) else action.get("params", {})
    if action["status"] != "done" or not params.get("family"):
        return
    data = getattr(result, "data", {}) or {}
    with ws.store.write() as c:
        c.execute("UPDATE wechat_join_ways SET config_id = ?, qr_code = ?, updated_at = ? WHERE connection_id = ?"
                  " AND family = ?", (data.get("config_id"), data.get("qr_code") or "", ws.now(),
                                      action["connection_id"], params["family"]))


def created_groups(ws, events) -> None:
    """A group WeCom opened through a family's join way joins that family."""
    from plugins.entry_rules.api import register_sibling

    for e in others_of(events):
        if e.kind != Kind.GROUP or e.data.get("change") != "create" or not e.group_id:
            continue
        ways = ws.store.query("SELECT family, room_base_name FROM wechat_join_ways WHERE connection_id = ?"
                              " AND room_base_name != '' ORDER BY length(room_base_name) DESC", (e.connection,))
        name = str(e.group_name or "")
        family = next((w["family"] for w in ways if name.startswith(w["room_base_name"])), None)
        if family and not ws.store.scalar("SELECT family FROM groups WHERE id = ?", (e.group_id,)):
            register_sibling(ws, e.group_id, family, actor=ACTOR)


# --- notices to the group robot ---------------------------------------------------------------------------------


def send_notices(ws) -> int:
    """New alerts to each WeChat connection's robot, oldest first, 20 a minute at most."""
    from shequn.connections import build_connector

    sent = 0
    for conn in wechat_connections(ws):
        if not ws.settings.connections[conn].options.get("robot_key"):
            continue
        key = f"wechat.notices.{conn}"
        mark = ws.store.get_meta(key)
        if mark is None:  # the first run starts from now: no flood of old alerts
            ws.store.set_meta(key, str(ws.store.scalar("SELECT coalesce(max(id), 0) FROM alerts") or 0))
            continue
        alerts = ws.store.query("SELECT id, message, why FROM alerts WHERE id > ? AND resolved_at IS NULL"
                                " ORDER BY id LIMIT 20", (int(mark),))
        if not alerts:
            continue

        async def go():
            c = build_connector(ws, conn)
            done = []
            try:
                for a in alerts:
                    text = ws.t(a["message"]) + (f"\n{ws.t(a['why'])}" if a["why"] else "")
                    res = await c.notify(text)
                    if res.status != "done":
                        break
                    done.append(a["id"])
            finally:
                await c.aclose()
            return done

        done = asyncio.run(go())
        if done:
            ws.store.set_meta(key, str(max(done)))
            sent += len(done)
    return sent


def pull_statistics(ws) -> None:
    """WeCom's last 30 days of statistics, every six hours (WeCom's days are T+1)."""
    from .statistics import china_day, refresh

    today = china_day(ws.now())
    refresh(ws, today - timedelta(days=30), today - timedelta(days=1))
