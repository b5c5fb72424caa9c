"""Keyword replies (群助手, 关键词回复): a rule answers a member's message that is a keyword
(exact), holds one (contains) or matches a pattern, in the groups of its scope, through the
outbox, at most once per ``cooldown_seconds`` per group (the matches in between are counted
as held). When several rules match one message, the lowest priority number answers, then the
most specific scope.

A pattern gets the conduct rules' safety: it is compiled with the ``regex`` engine and must
get through probes built from the pattern itself (``plugins.moderation.budget.
pattern_probes``: each repeat pumped to 3,000 characters, then an end it cannot match)
within its ``timeout_ms`` when saved, and every match at ingest has that time limit; a
pattern that runs out of it on a message is skipped for that message and raises an alert.

Insiders' and the bot's own messages get no reply (a reply holding its own keyword can never
start a loop); the cooldown is at least 10 seconds for the same reason.
"""

from __future__ import annotations

import re
from typing import Any

from shequn import Proposal, messages_of, rows_in

from . import rulescope
from .checkin import normal
from .errors import ContentError
from .settings import state_of
from .texts import KEYWORD_VARS, fields_of, member_date, render

MATCHES = ("exact", "contains", "pattern")
#: fixed probes besides those built from the pattern: long runs of what chat is made of
PROBES = ("a" * 3000 + "!", "1" * 3000 + "x", " " * 3000 + "!", "ab" * 1500 + "!", "好" * 3000 + "!")


def compile_pattern(pattern: str, timeout_ms: int):
    """The compiled pattern, or ContentError: it must compile, not match an empty message, and
    get through every probe within ``timeout_ms``."""
    import regex

    from plugins.moderation.budget import pattern_probes

    try:
        rx = regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except regex.error as e:
        raise ContentError("keyword: the pattern {pattern!r} does not compile: {problem}", pattern=pattern,
                           problem=str(e)) from None
    if rx.search(""):
        raise ContentError("keyword: the pattern {pattern!r} matches an empty message, so it would answer every "
                           "message", pattern=pattern)
    for probe in PROBES + tuple(pattern_probes(pattern)):
        try:
            rx.search(probe, timeout=timeout_ms / 1000)
        except TimeoutError:
            raise ContentError("keyword: the pattern {pattern!r} took longer than {ms} ms on a 3,000-character "
                               "message (nested repetition such as (a+)+ backtracks); rewrite it without nested "
                               "repeats", pattern=pattern, ms=timeout_ms) from None
    return rx


def save(ws, name: str, *, match: str, keyword: str, reply: str, scope: str = "all", cooldown_seconds: int = 300,
         priority: int = 100, timeout_ms: int = 20, enabled: bool = True) -> int:
    name = str(name or "").strip()
    if not 1 <= len(name) <= 60:
        raise ContentError("name: {n} characters; expected 1 to 60", n=len(name))
    if match not in MATCHES:
        raise ContentError("match: {value!r} is not one of exact, contains, pattern", value=match)
    for field, value, low, high in (("cooldown_seconds", cooldown_seconds, 10, 7 * 86400),
                                    ("priority", priority, 0, 10_000), ("timeout_ms", timeout_ms, 1, 1000)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ContentError("{field}: {value}; expected a whole number from {low} to {high}", field=field,
                               value=value, low=low, high=high)
    keyword = str(keyword or "").strip()
    if match == "pattern":
        compile_pattern(keyword, timeout_ms)
    else:
        words = [normal(w) if match == "exact" else w.strip().lower() for w in keyword.replace("，", ",").split(",")]
        if not all(words) or not 1 <= len(keyword) <= 200:
            raise ContentError("keyword: {value!r}; expected comma-separated words, none empty, 200 characters in all",
                               value=keyword)
        keyword = ",".join(words)
    fields_of(reply, KEYWORD_VARS, "reply")
    if not 1 <= len(reply.strip()) <= 1000:
        raise ContentError("reply: {n} characters; expected 1 to 1000", n=len(reply.strip()))
    sc = rulescope.parse(ws, scope)
    with ws.store.write() as c:
        c.execute("INSERT INTO content_keyword_rules(name, match, keyword, reply, scope, cooldown_seconds, priority,"
                  " timeout_ms, enabled, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name)"
                  " DO UPDATE SET match = excluded.match, keyword = excluded.keyword, reply = excluded.reply,"
                  " scope = excluded.scope, cooldown_seconds = excluded.cooldown_seconds, priority = excluded.priority,"
                  " timeout_ms = excluded.timeout_ms, enabled = excluded.enabled, updated_by = excluded.updated_by,"
                  " updated_at = excluded.updated_at", (name, match, keyword, reply.strip(), sc, cooldown_seconds,
                                                          priority, timeout_ms, int(enabled), ws.operator, ws.now()))
        rid = c.execute("SELECT id FROM content_keyword_rules WHERE name = ?", (name,)).fetchone()[0]
        rulescope.bump(ws)
        ws.audit("content_keyword_rule_saved", "content_keyword_rule", rid, {"name": name, "match": match})
    return rid


def set_enabled(ws, name: str, enabled: bool) -> None:
    with ws.store.write() as c:
        if not c.execute("UPDATE content_keyword_rules SET enabled = ?, updated_at = ? WHERE name = ?",
                         (int(enabled), ws.now(), name)).rowcount:
            raise ContentError("rule: no keyword rule {name!r}", name=name)
        rulescope.bump(ws)
        ws.audit("content_keyword_rule_enabled" if enabled else "content_keyword_rule_disabled", "content_keyword_rule",
                 name)


def rules(ws) -> list[dict[str, Any]]:
    return ws.store.query("SELECT r.*, coalesce(sum(f.replies), 0) AS replies, coalesce(sum(f.held), 0) AS held FROM"
                          " content_keyword_rules r LEFT JOIN content_keyword_fires f ON f.rule_id = r.id"
                          " GROUP BY r.id ORDER BY r.priority, r.id")


class Compiled:
    __slots__ = ("row", "id", "scope", "cooldown", "words", "rx", "match", "timeout")

    def __init__(self, row: dict[str, Any]):
        self.row, self.id, self.scope, self.match = row, row["id"], row["scope"], row["match"]
        self.cooldown, self.timeout = row["cooldown_seconds"], row["timeout_ms"] / 1000
        self.words = set(row["keyword"].split(",")) if self.match != "pattern" else set()
        self.rx = None
        if self.match == "pattern":
            import regex

            self.rx = regex.compile(row["keyword"], regex.IGNORECASE | regex.V0)


def _loaded(ws) -> tuple[list[Compiled], Any]:
    version = ws.store.get_meta("content.rules_at") or ""
    state = state_of(ws)
    cached = state.get("keywords")
    if cached is None or cached[0] != version:
        rs = [Compiled(r) for r in ws.store.query("SELECT * FROM content_keyword_rules WHERE enabled = 1"
                                                  " ORDER BY priority, id")]
        contains = [w for r in rs if r.match == "contains" for w in r.words]
        pre = re.compile("|".join(re.escape(w) for w in sorted(contains, key=len, reverse=True)), re.I) \
            if contains else None
        cached = state["keywords"] = (version, rs, pre)
    return cached[1], cached[2]


def _hit(r: Compiled, text: str, norm: str, lower: str) -> bool:
    if r.match == "exact":
        return norm in r.words
    if r.match == "contains":
        return any(w in lower for w in r.words)
    return r.rx.search(text, timeout=r.timeout) is not None


def answer(ws, events) -> list[Proposal]:
    """Replies to the batch's messages (one per message at most, cooldowns kept)."""
    rs, pre = _loaded(ws)
    if not rs:
        return []
    exact = set().union(*(r.words for r in rs if r.match == "exact"))
    patterns = any(r.match == "pattern" for r in rs)
    msgs = [e for e in messages_of(events) if e.group_id is not None and e.person_id is not None and e.text
            and not (e.data and e.data.get("from_self"))
            and (patterns or normal(e.text) in exact or (pre is not None and pre.search(e.text)))]
    if not msgs:
        return []
    insiders = {r[0] for r in rows_in(ws.store, "SELECT id FROM people WHERE is_insider = 1 AND id IN ({marks})",
                                      sorted({e.person_id for e in msgs}))}
    groups = {r["id"]: r for r in (dict(zip(("id", "type", "family", "name"), row)) for row in rows_in(
        ws.store, "SELECT id, type, family, name FROM groups WHERE id IN ({marks})", sorted({e.group_id for e in msgs})))}
    fires = {(r, g): [t, 0, 0] for r, g, t in rows_in(ws.store, "SELECT rule_id, group_id, last_at FROM"
                                                                " content_keyword_fires WHERE group_id IN ({marks})",
                                                      sorted(groups))}
    out: list[Proposal] = []
    timed_out: set[str] = set()
    from .schedules import owners_of

    owners = None
    for e in msgs:
        if e.person_id in insiders:
            continue
        g = groups[e.group_id]
        norm, lower = normal(e.text), e.text.lower()
        best = None
        for r in rs:
            rank = rulescope.rank(r.scope, g)
            if rank < 0 or (best is not None and (r.row["priority"], -rank) >= (best[0].row["priority"], -best[1])):
                continue
            try:
                if _hit(r, e.text, norm, lower):
                    best = (r, rank)
            except TimeoutError:
                timed_out.add(r.row["name"])
        if best is None:
            continue
        r = best[0]
        f = fires.setdefault((r.id, g["id"]), [None, 0, 0])
        if f[0] is not None and e.ts - f[0] < r.cooldown:
            f[2] += 1
            continue
        f[0], f[1] = e.ts, f[1] + 1
        owners = owners if owners is not None else owners_of(ws)
        name = (e.data or {}).get("card") or e.nickname or ""
        text = render(r.row["reply"], {"group": g["name"], "owner": owners.get(g["id"]) or "群主",
                                       "date": member_date(ws.day(e.ts)), "name": "" if name == e.user else name})
        out.append(Proposal("send", ws.tr("Keyword reply: {rule}", rule=r.row["name"]), group_id=g["id"],
                            params={"text": text}, rule=f"content:keyword:{r.row['name']}",
                            evidence=f"{e.connection}:{e.id}", key=f"content:kw:{r.id}:{e.connection}:{e.id}"))
    changed = [(r, g, f[0], f[1], f[2]) for (r, g), f in fires.items() if f[1] or f[2]]
    if changed:
        with ws.store.write() as c:
            c.executemany("INSERT INTO content_keyword_fires(rule_id, group_id, last_at, replies, held) VALUES"
                          " (?,?,coalesce(?, 0),?,?) ON CONFLICT(rule_id, group_id) DO UPDATE SET"
                          " last_at = max(last_at, excluded.last_at), replies = replies + excluded.replies,"
                          " held = held + excluded.held", changed)
    for name in sorted(timed_out):
        ws.raise_alert("keyword_rule_slow", ws.tr("Keyword rule {rule}'s pattern ran out of its time on a message; "
                                                  "that message got no reply from it", rule=name),
                       dedupe_key=f"content.keyword_slow:{name}", cause=ws.day(ws.now()))
    return out


def test_text(ws, text: str, group_ref: str | None = None) -> dict[str, Any] | None:
    """Which rule would answer ``text`` in a group (cooldowns aside), and with what."""
    from .schedules import find_group

    rs, _ = _loaded(ws)
    g = {"id": 0, "type": "", "family": None, "name": ""}
    if group_ref:
        g = ws.store.one("SELECT id, type, family, name FROM groups WHERE id = ?", (find_group(ws, group_ref),))
    norm, lower = normal(text), text.lower()
    hits = sorted(((r.row["priority"], -rulescope.rank(r.scope, g), r.id, r) for r in rs
                   if rulescope.rank(r.scope, g) >= 0 and _hit(r, text, norm, lower)), key=lambda x: x[:3])
    if not hits:
        return None
    r = hits[0][3]
    return {"rule": r.row["name"], "reply": r.row["reply"], "match": r.match}
