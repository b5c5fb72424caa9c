"""What a detail view shows, read from the core tables (plain functions, no Textual).

Each returns ``{"title", "body", "links"}`` for console.tui.detail.DetailScreen: the
body's lines are markup (escaped values), every text in full (the whole action error,
a join request's comment with its answer on its own lines, an alert's cause), stored
words in the console's language (``shown``), times in the operator's zone.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable

from rich.markup import escape as esc

from ..words import actor_text, kind_text, rule_text


def _when(ws: Any, ts: Any) -> str:
    return datetime.fromtimestamp(int(ts), ws.tz).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def label(t: Callable[..., str], name: str, text: str = "") -> str:
    """A detail line's label and value, markup-escaped, joined as the console's language
    joins them: the catalogue's ": " ("Member: 朱桂英", zh-CN "群成员：朱桂英", the
    full-width colon and no space, as every other screen says t(": ")). With no ``text``
    the label heads lines of its own ("Comment:", "备注：")."""
    sep = t(": ")
    return f"[b]{esc(t(name))}[/]" + (esc(sep) + esc(text) if text else esc(sep.rstrip()))


def _lines(pairs: list[tuple[str, Any]], t: Callable[..., str]) -> list[str]:
    out = []
    for name, value in pairs:
        text = "-" if value is None or value == "" else str(value)
        if "\n" in text:  # a comment's question and answer, an error's lines: each on its own line
            out.append(label(t, name))
            out += [f"  {esc(line)}" for line in text.splitlines()]
        else:
            out.append(label(t, name, text))
    return out


def _links(row: dict[str, Any]) -> dict[str, int]:
    return {k: row[f"{k}_id"] for k in ("group", "person") if row.get(f"{k}_id") is not None}


def stored_rule(ws: Any, t: Callable[..., str], name: Any) -> str:
    """A deciding rule in words: a stored rule (the core rules table) by its kind and scope,
    a group by its name, so a policy an operator named reads as what it is ("欢迎语 · 群：
    会员福利2群"); a rule named as its kind (ads) or no stored rule (blacklist, a plugin's own
    check) as console.words.rule_text says its code."""
    r = ws.store.one("SELECT kind, scope_type, scope_value FROM rules WHERE name = ?", (str(name or ""),))
    if r is None or (r["kind"] == name and r["scope_type"] == "all"):
        return rule_text(t, name)
    scope = r["scope_type"] + (f":{r['scope_value']}" if r["scope_value"] else "")
    g = ws.store.one("SELECT id, name FROM groups WHERE id = ?", (r["scope_value"],)) \
        if r["scope_type"] == "group" else None
    return rule_text(t, f"{r['kind']}:{scope}", {g["id"]: g["name"]} if g else None)


def _decider(ws: Any, t: Callable[..., str], actor: Any) -> str:
    """Who decided: a rule ("rule:admission:all") as the rule in words, anyone else as actor_text says."""
    kind, _, name = str(actor or "").partition(":")
    if kind == "rule" and name:
        return t("rule") + t(": ") + stored_rule(ws, t, name)
    return actor_text(t, actor) if actor else ""


#: a join request's status as its own word: its "pending" is waiting for a decision (待审核), not
#: an action's pending (待执行), as the queue's "rule says" column says it
REQUEST_STATUS = {"pending": "waiting"}


def join_request(ws: Any, rid: int, t: Callable[..., str], shown: Callable[[Any], str] = str) -> dict[str, Any]:
    r = ws.store.one("SELECT r.*, g.name AS group_name, p.display_name AS person, rp.display_name AS referrer"
                     " FROM join_requests r LEFT JOIN groups g ON g.id = r.group_id LEFT JOIN people p ON"
                     " p.id = r.person_id LEFT JOIN people rp ON rp.id = r.referrer_person_id WHERE r.id = ?", (rid,))
    if r is None:
        return {"title": t("join request") + f" #{rid}", "body": [esc(t("It no longer exists"))], "links": {}}
    body = _lines([("member", r["person"]), ("group", r["group_name"]), ("status", t(REQUEST_STATUS.get(r["status"], r["status"]))),
                   ("comment", r["comment"]), ("referrer", r["referrer"]), ("requested", _when(ws, r["requested_at"])),
                   ("rule", stored_rule(ws, t, r["rule"]) if r["rule"] else ""),
                   ("rule says", shown(r["would_have"]) if r["would_have"] else ""),
                   ("reason", shown(r["reason"])), ("decided by", _decider(ws, t, r["decided_by"])),
                   ("decided", _when(ws, r["decided_at"])), ("platform id", r["platform_request_id"])], t)
    return {"title": t("join request") + f" #{rid}", "body": body, "links": _links(r)}


def action(ws: Any, aid: int, t: Callable[..., str], shown: Callable[[Any], str] = str) -> dict[str, Any]:
    a = ws.store.one("SELECT a.*, g.name AS group_name, p.display_name AS person FROM actions a LEFT JOIN groups g"
                     " ON g.id = a.group_id LEFT JOIN people p ON p.id = a.person_id WHERE a.id = ?", (aid,))
    if a is None:
        return {"title": t("action") + f" #{aid}", "body": [esc(t("It no longer exists"))], "links": {}}
    try:
        params = json.loads(a["params"] or "{}")
    except ValueError:
        params = {"params": a["params"]}
    pairs = [("action", t(a["kind"])), ("status", t(a["status"])), ("group", a["group_name"]),
             ("member", a["person"]), ("by", _decider(ws, t, a["requested_by"])), ("reason", shown(a["reason"])),
             ("rule", stored_rule(ws, t, a["rule"]) if a["rule"] else ""),
             ("case", a["case_id"]), ("evidence", a["evidence"]), ("attempts", a["attempts"]),
             ("last error", a["last_error"]), ("in doubt since", _when(ws, a["in_doubt_since"]) if a["in_doubt_since"]
                                               else ""),
             ("created", _when(ws, a["created_at"])), ("updated", _when(ws, a["updated_at"])),
             ("connection", a["connection_id"])]
    pairs += [(f"· {k}", v if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False))
              for k, v in params.items()]
    return {"title": t("action") + f" #{aid}" + t(": ") + t(a["kind"]), "body": _lines(pairs, t), "links": _links(a)}


def alert(ws: Any, aid: int, t: Callable[..., str], shown: Callable[[Any], str] = str) -> dict[str, Any]:
    a = ws.store.one("SELECT a.*, g.name AS group_name FROM alerts a LEFT JOIN groups g ON g.id = a.group_id"
                     " WHERE a.id = ?", (aid,))
    if a is None:
        return {"title": t("alert") + f" #{aid}", "body": [esc(t("It no longer exists"))], "links": {}}
    why = shown(a["why"] or "")
    body = _lines([("alert", shown(a["message"])), ("cause", why.replace("; ", "\n").replace("；", "\n")),
                   ("group", a["group_name"]), ("severity", t(a["severity"])), ("kind", kind_text(t, a["kind"])),
                   ("opened", _when(ws, a["opened_at"])),
                   ("resolved", _when(ws, a["resolved_at"]) if a["resolved_at"] else "")], t)
    return {"title": t("alert") + f" #{aid}", "body": body, "links": _links(a)}


def task(ws: Any, tid: int, t: Callable[..., str], shown: Callable[[Any], str] = str) -> dict[str, Any]:
    r = ws.store.one("SELECT x.*, g.name AS group_name, p.display_name AS person FROM tasks x LEFT JOIN groups g"
                     " ON g.id = x.group_id LEFT JOIN people p ON p.id = x.person_id WHERE x.id = ?", (tid,))
    if r is None:
        return {"title": t("task") + f" #{tid}", "body": [esc(t("It no longer exists"))], "links": {}}
    body = _lines([("task", shown(r["title"])), ("what to do", shown(r["detail"] or "")), ("group", r["group_name"]),
                   ("member", r["person"]), ("kind", kind_text(t, r["kind"])), ("status", t(r["status"])), ("for", r["assignee"]),
                   ("from", r["source"]), ("created", _when(ws, r["created_at"]))], t)
    return {"title": t("task") + f" #{tid}", "body": body, "links": _links(r)}


def case(ws: Any, cid: int, t: Callable[..., str], shown: Callable[[Any], str] = str) -> dict[str, Any]:
    c = ws.store.one("SELECT c.*, g.name AS group_name, p.display_name AS person FROM cases c LEFT JOIN groups g"
                     " ON g.id = c.group_id LEFT JOIN people p ON p.id = c.person_id WHERE c.id = ?", (cid,))
    if c is None:
        return {"title": t("case") + f" #{cid}", "body": [esc(t("It no longer exists"))], "links": {}}
    try:
        ev = json.loads(c["evidence"] or "{}")
    except ValueError:
        ev = {"text": c["evidence"]}
    pairs = [("member", c["person"]), ("group", c["group_name"]),
             ("rule", stored_rule(ws, t, c["rule"]) if c["rule"] else ""), ("step", t(c["step"] or "")),
             ("status", t(c["status"])), ("by", _decider(ws, t, c["actor"])), ("opened", _when(ws, c["opened_at"])),
             ("evidence", ev.get("text") or ""), ("category", t(ev.get("category") or "")),
             ("matched", ev.get("matched") or ""), ("note", c["note"])]
    if ev.get("model"):  # the second opinion's question: which kind, how sure, how many messages
        pairs.insert(-1, ("model score", f"{t(ev['model'])} {float(ev.get('score') or 0):.2f}"))
        if int(ev.get("repeats") or 1) > 1:
            pairs.insert(-1, ("messages", f"{int(ev['repeats']):,}"))
    acts = ws.store.query("SELECT id, kind, status, last_error FROM actions WHERE case_id = ? ORDER BY id", (cid,))
    pairs += [(t("action") + f" #{a['id']}", f"{t(a['kind'])} · {t(a['status'])}"
               + (f" · {a['last_error']}" if a["last_error"] else "")) for a in acts]
    return {"title": t("case") + f" #{cid}", "body": _lines(pairs, t), "links": _links(c)}


def describe_queue_row(ws: Any, row: dict[str, Any], t: Callable[..., str],
                       shown: Callable[[Any], str] = str) -> dict[str, Any]:
    """The detail view of an owner's-queue row, by its kind."""
    fn = {"join request": join_request, "alert": alert, "task": task, "case": case}.get(row.get("kind"))
    if fn is None:
        from .detail import field_lines

        return {"title": t(row.get("kind") or ""), "body": field_lines(row, t), "links": _links(row)}
    return fn(ws, row["id"], t, shown)
