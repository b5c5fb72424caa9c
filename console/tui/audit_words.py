"""An audit-log row in the operator's words, for the Activity screen's 操作日志 tab.

The audit log keeps codes for the record (``outbox``, ``action_done``, ``action:9046``,
``{"kind": "send", "message": "已发送"}``): stable for queries and exports, but developer
output on a screen. Here each part of a page of rows is said in words: who (待执行操作,
操作员 root, 规则 abuse, 插件 内容), what happened (操作完成, 入群申请已通过), on what
(发消息 #9046, 处理记录 #418, the applicant of a join request, a group or person by name)
and the detail's known keys; ids are named with at most one query per kind a page. The host
lists only its own codes: a plugin's action is the code with spaces and its target type
"<type with spaces> #{id}", translated by the plugin's own catalogue, so the host need not know
plugins' codes. A key the words do not know is shown as stored, so nothing is hidden. No
Textual here (runs in thread workers). The host's zh-CN words are in console/i18n_audit.py;
tests/tui/test_audit_words.py fails when a code written by any ``audit(`` call (host or plugin),
or a target type one writes, has no zh-CN words in the workspace's catalogue.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable

from ..workspace import Workspace

T = Callable[..., str]

#: the host's own action codes (written by console/), as a short phrase (the English is the source
#: string). A plugin's code is not listed: it is said as the code with spaces (``blacklist_added``
#: -> "blacklist added"), which the plugin's own catalogue translates (register_translations), so a
#: third-party plugin's action reads in words without an edit here.
ACTIONS = {
    "action_proposed": "action proposed", "action_dry_run": "action tried (dry run)",
    "action_unsupported": "action not supported", "action_done": "action done", "action_failed": "action failed",
    "action_cancelled": "action cancelled", "action_in_doubt": "action outcome unknown",
    "action_retry": "action retried", "action_retry_undone": "retry taken back",
    "alert_resolved": "alert resolved", "announcement_unscheduled": "announcement unscheduled",
    "bot_invitation_accept": "accepting bot invitation", "bot_invitation_decline": "declining bot invitation",
    "bot_invitation_accepted": "bot invitation accepted", "bot_invitation_declined": "bot invitation declined",
    "bot_invitation_expired": "bot invitation expired", "bot_invitation_failed": "bot invitation failed",
    "connection_synced": "connection synced", "connection_error": "connection error",
    "connection_offline": "connection offline", "connection_online": "connection online",
    "dead_letters_purged": "dead letters purged", "group_update": "group changed",
    "join_request_approve": "join request to approve", "join_request_reject": "join request to reject",
    "join_request_hold": "join request held", "join_request_expired": "join request expired",
    "join_request_undone": "join decision undone", "join_request_would_have": "join request (dry run)",
    "people_linked": "accounts linked", "people_unlinked": "accounts unlinked",
    "people_link_undone": "link undone", "people_unlink_undone": "unlink undone",
    "plugin_error": "plugin error", "retention_blanked": "old message text blanked",
    "task_done": "task done", "task_dismissed": "task dismissed",
}

#: the host's families a code is built in (f-strings, "prefix" + value): a code not listed above still reads
PREFIXES = {
    "action_": "action: {what}", "bot_invitation_": "bot invitation: {what}", "connection_": "connection: {what}",
    "join_request_": "join request: {what}", "people_": "accounts: {what}", "task_": "task: {what}",
}

ACTORS = {"operator": "operator {name}", "rule": "rule {name}", "plugin": "plugin {name}",
          "job": "scheduled job {name}", "connection": "connection {name}"}
ACTORS_ALONE = {"outbox": "outbox", "platform": "platform", "engine": "engine"}
#: a plugin's name where the host already has words for it (its screen's title)
PLUGINS = {"moderation": "Moderation", "content": "Content", "entry_rules": "Workflows", "roles": "Roles",
           "kpi": "KPI", "wechat": "wechat", "qq": "qq", "douyin": "douyin", "sandbox": "sandbox"}

#: the host's target types said with their number (or name). A plugin's type is not listed: it is said
#: as "<type with spaces> #{id}" (a name: "<type with spaces> {id}"), which the plugin's own catalogue
#: translates ("content item #{id}": "素材 #{id}"). Cases and rules are the host's tables (and its
#: words for a case_id key and a rule's actor), though only plugins write audit rows on them.
NUMBERED = {"case": "case #{id}", "task": "task #{id}", "alert": "alert #{id}",
            "bot_invitation": "bot invitation #{id}", "rule": "rule {id}", "connection": "connection {id}"}
#: the host's target types with no id; a plugin's is "<type with spaces>" in its catalogue ("content": "内容计划")
UNNUMBERED = {"dead_letters": "dead-letter queue", "messages": "old messages"}

#: the host's detail keys said in words; the value is translated where it is a code (``VALUE_WORDS``).
#: A plugin's own key is said by its catalogue's "<key with spaces>: {v}" ("offence: {v}": "第 {v} 次违规")
KEYS = {"reason": "reason: {v}", "error": "error: {v}", "message": "platform: {v}", "platform": "platform: {v}",
        "words": "platform: {v}", "note": "note: {v}", "why": "why: {v}", "step": "step: {v}",
        "category": "category: {v}", "verdict": "verdict: {v}", "status": "status: {v}",
        "outcome": "outcome: {v}", "kind": "kind: {v}", "role": "role: {v}", "minutes": "{v} min",
        "title": "title: {v}", "name": "name: {v}", "family": "family {v}", "scope": "scope {v}",
        "count": "count {v}", "people": "{v} people",
        "text": "says: {v}", "evidence": "from: {v}", "person": "member {v}", "group": "group {v}",
        "capacity": "capacity {v}", "rules": "{v} rules",
        "was": "was {v}", "platform_state": "platform state: {v}", "days": "{v} days", "groups_new": "{v} new groups",
        "members_new": "{v} new members", "members_left": "{v} members left", "members_listed": "member list read: {v}",
        "expired_at": "expired {v}", "closes_at": "closes {v}", "until": "until {v}", "at": "at {v}"}
#: keys holding a group's id, and the words for them
GROUP_KEYS = {"group_id": "group {v}", "template_group_id": "template group {v}", "sibling": "sibling group {v}"}
VALUE_WORDS = {"kind", "step", "category", "verdict", "status", "outcome", "role", "why", "was", "platform_state",
               "evidence"}
#: keys holding a moment (epoch seconds), shown as the operator's month-day hour:minute
MOMENTS = {"at", "until", "expired_at", "closes_at", "joined_at"}
#: free text stored in the writer's language, read back in the console's (``App.shown``)
STORED_TEXT = {"reason", "error", "message", "platform", "words", "note", "text"}
SEP = " · "


def action_words(code: str, t: T) -> str:
    """The action in words: the host's phrase for its own code; else the code with spaces where a
    catalogue (the host's or a plugin's) translates it; else a host family's words with the rest where
    the language has them (操作：xxx); else the code with spaces, as task kinds are said (words.kind_text)."""
    if code in ACTIONS:
        return t(ACTIONS[code])
    spaced = code.replace("_", " ")
    said = t(spaced)
    if said != spaced:
        return said
    for prefix, words in PREFIXES.items():  # only where the language has the family's words: English is spaced
        if code.startswith(prefix) and len(code) > len(prefix) and t(words) != words:
            return t(words, what=t(code[len(prefix):]))
    return spaced


def actor_words(actor: str | None, t: T) -> str:
    """``operator:root`` -> 操作员 root; a plugin by its screen's name where it has one."""
    actor = actor or ""
    if actor in ACTORS_ALONE:
        return t(ACTORS_ALONE[actor])
    kind, _, name = actor.partition(":")
    if kind in ACTORS and name:
        if kind == "plugin":
            name = t(PLUGINS.get(name, name))
        return t(ACTORS[kind], name=name)
    return actor


def _ids(rows: list[dict[str, Any]], key: str) -> set[int]:
    """The ids under ``key`` in the details of a page."""
    return {i for r in rows if (i := _int(r["_data"].get(key))) is not None}


def _lookup(ws: Workspace, sql: str, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {k: v for k, v in ws.store.execute(sql.format(marks=",".join("?" * len(ids))), tuple(sorted(ids)))}


def names_of(ws: Workspace, rows: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
    """The page's ids by kind -> name (groups, people, actions' kinds, join requests' applicants):
    one query per kind, none for a kind the page does not name."""
    groups, people = set().union(*(_ids(rows, k) for k in GROUP_KEYS)), _ids(rows, "person_id")
    for r in rows:
        tt, tid = r.get("target_type"), str(r.get("target_id") or "")
        if tt == "group" and tid.isdigit():
            groups.add(int(tid))
        elif tt == "person" and tid.isdigit():
            people.add(int(tid))
        elif tt == "membership" and tid.count(":") == 1 and tid.replace(":", "").isdigit():
            g, p = tid.split(":")
            groups.add(int(g))
            people.add(int(p))
    actions = {int(r["target_id"]) for r in rows if r.get("target_type") == "action" and str(r["target_id"]).isdigit()}
    requests = {int(r["target_id"]) for r in rows
                if r.get("target_type") == "join_request" and str(r["target_id"]).isdigit()}
    return {"group": _lookup(ws, "SELECT id, name FROM groups WHERE id IN ({marks})", groups),
            "person": _lookup(ws, "SELECT id, display_name FROM people WHERE id IN ({marks})", people),
            "action": _lookup(ws, "SELECT id, kind FROM actions WHERE id IN ({marks})", actions),
            "join_request": _lookup(ws, "SELECT r.id, p.display_name FROM join_requests r LEFT JOIN people p"
                                        " ON p.id = r.person_id WHERE r.id IN ({marks})", requests)}


def _named(names: dict[str, dict[int, Any]], kind: str, v: Any) -> str:
    try:
        return str(names[kind].get(int(v)) or f"#{v}")
    except (TypeError, ValueError):
        return str(v)


def target_words(r: dict[str, Any], names: dict[str, dict[int, Any]], t: T) -> str:
    """What the row acted on: a group or person by name, an action by its kind, a case by number."""
    tt, tid = r.get("target_type") or "", r.get("target_id")
    if tid is None or tid == "":
        return t(UNNUMBERED[tt]) if tt in UNNUMBERED else t(tt.replace("_", " ")) if tt else ""
    if tt in ("group", "person"):
        return _named(names, tt, tid)
    if tt == "action":
        kind = names["action"].get(int(tid)) if str(tid).isdigit() else None
        # en shows the kind's code (the outbox tab's word for it), read with spaces: "reject join #9005"
        return f"{t(kind).replace('_', ' ')} #{tid}" if kind else t("action #{id}", id=tid)
    if tt == "join_request":
        who = names["join_request"].get(int(tid)) if str(tid).isdigit() else None
        return t("applicant {name}", name=who) if who else t("join request #{id}", id=tid)
    if tt == "membership" and str(tid).count(":") == 1:
        g, p = str(tid).split(":")
        return t("{person} in {group}", person=_named(names, "person", p), group=_named(names, "group", g))
    if tt == "plugin":
        return t("plugin {name}", name=t(PLUGINS.get(str(tid), str(tid))))
    if tt in NUMBERED:
        return t(NUMBERED[tt], id=tid)
    return _plugins_target(tt, str(tid), t) if tt else str(tid)


def _plugins_target(tt: str, tid: str, t: T) -> str:
    """A target type the host does not list, as its writer's catalogue says it: "<type with spaces>
    #{id}" for a number, "<type with spaces> {id}" for a name (a holiday's day, a theme's period);
    the other form where the catalogue has only that one (a keyword reply saved by number, switched
    by name). Nobody's words (English, or an unknown type): the preferred form with spaces."""
    spaced = tt.replace("_", " ")
    forms = [f"{spaced} #{{id}}", f"{spaced} {{id}}"][::1 if tid.isdigit() else -1]
    said = next((f for f in forms if t(f) != f), forms[0])
    return t(said, id=tid)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items())
    return str(v)


def detail_words(r: dict[str, Any], d: dict[str, Any], names: dict[str, dict[int, Any]], t: T,
                 shown: Callable[[str], str] = str, when: Callable[[int], str] = str) -> str:
    """The detail's keys in words, ids named: the host's by KEYS, a plugin's by its catalogue's
    "<key with spaces>: {v}"; a key the words do not know kept as ``key: value``."""
    parts: list[str] = []
    actor = str(r.get("actor") or "")
    for k, v in d.items():
        if v in (None, "", [], {}):
            continue
        if k == "kind" and r.get("target_type") == "action" and names["action"].get(_int(r.get("target_id"))) == v:
            continue  # the target already says it (发消息 #9046)
        if k == "rule" and actor == f"rule:{v}":
            continue  # the actor already says it
        if k in GROUP_KEYS:
            parts.append(t(GROUP_KEYS[k], v=_named(names, "group", v)))
        elif k == "person_id" and (r.get("target_type") == "join_request" or str(r.get("target_id")) == str(v)
                                   and r.get("target_type") == "person"):
            continue  # the target already names them (申请人 张三)
        elif k == "person_id":
            parts.append(t("member {v}", v=_named(names, "person", v)))
        elif k == "action_id":
            parts.append(t("action #{id}", id=v))
        elif k == "case_id":
            parts.append(t("case #{id}", id=v))
        elif k == "decided_by":
            parts.append(t("decided by {v}", v=actor_words(str(v), t)))
        elif k == "rule":
            parts.append(t("rule {name}", name=v))
        elif k == "step" and isinstance(v, str) and ":" in v:
            step, _, arg = v.partition(":")  # mute:60
            said = t("muted {minutes} min", minutes=arg) if step == "mute" and arg.isdigit() else f"{t(step)} {arg}"
            parts.append(t(KEYS[k], v=said))
        elif (k in MOMENTS or k.endswith("_at")) and isinstance(v, int) and v > 10**9:
            parts.append(t(KEYS[k], v=when(v)) if k in KEYS else t("{k}: {v}", k=t(k), v=when(v)))
        elif k == "scope" and isinstance(v, str):
            parts.append(t(KEYS[k], v=_scope(v, t)))
        elif k in KEYS:
            said = v if not isinstance(v, str) else t(v) if k in VALUE_WORDS else shown(v) if k in STORED_TEXT else v
            said = said if isinstance(said, str) else _value(said)
            parts.append(t(KEYS[k], v=said))
        elif t(phrase := k.replace("_", " ") + ": {v}") != phrase:  # a plugin's key, said by its catalogue
            parts.append(t(phrase, v=t(v) if isinstance(v, str) else _value(v)))
        elif t(k) != k:  # a field the catalogue has a word for (goal 目标, reward 奖励积分)
            parts.append(t("{k}: {v}", k=t(k), v=t(v) if isinstance(v, str) else _value(v)))
        else:
            parts.append(f"{k}: {_value(v)}")
    return t(SEP).join(parts)


def _scope(v: str, t: T) -> str:
    """A rule's scope as stored (``all:``, ``type:traffic``) in words where it is one of the host's."""
    kind, _, value = v.partition(":")
    if kind == "all" and not value:
        return t("all groups")
    return t(value) if kind == "type" and value else v


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, int) or (isinstance(v, str) and v.isdigit()) else None


def audit_rows(ws: Workspace, rows: list[dict[str, Any]], t: T,
               shown: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """A page of the audit log with ``who``, ``what``, ``on`` and ``said`` in words; the stored
    fields (``actor``, ``action``, ``detail``...) are left as they are. ``shown`` reads stored
    free text (a reason, the platform's answer) in the console's language."""
    for r in rows:
        try:
            d = json.loads(r.get("detail") or "{}")
        except ValueError:
            d = None  # not JSON: shown as stored
        r["_data"] = d if isinstance(d, dict) else {}
        r["_raw"] = d is None or not isinstance(d, dict)
    names = names_of(ws, rows)

    def when(ts: int) -> str:
        return datetime.fromtimestamp(ts, ws.tz).strftime("%m-%d %H:%M")

    for r in rows:
        d, raw = r.pop("_data"), r.pop("_raw")
        r["who"] = actor_words(r.get("actor"), t)
        r["what"] = action_words(str(r.get("action") or ""), t)
        r["on"] = target_words(r, names, t)
        r["said"] = str(r.get("detail") or "") if raw else detail_words(r, d, names, t, shown, when)
    return rows
