"""The second opinion (第二意见): a model learned from the operation's own decisions that
may only ask a person to look at a message the rules let through. It never penalises.

What it learns from, per text rule kind (ads, scam, abuse; flood is about rate, not text):
the texts of that kind's cases a person confirmed or the rule settled, and of the messages
a person reported as that kind (report.py: what the rules missed) (bad), the ones a
person overturned (good), and the operation's most recent ordinary messages, the ones no
case names (good: nearly all chat is fine). It learns again once a day (job
``moderation.learn``) or on ``shequn moderation learn``; until a kind has
``second_opinion_min_cases`` bad texts it says nothing about that kind.

What it does: every five minutes (job ``moderation.second_look``) it reads the messages
that arrived since its last look; one no rule flagged, whose score for a kind reaches
``second_opinion_threshold``, opens a case of the rule ``second_opinion`` with step
``review`` and no action; the evidence holds the kind and the score (one case per member,
group and kind in a look, with ``repeats``: a burst is one question). A person confirms it
(it becomes a bad example of that kind) or undoes it (a good one, and counted against the
second opinion's precision). When that precision falls below ``precision_bar`` once
``precision_min_judged`` of its cases are judged, it stops asking until it does better: a
model that floods the queue with wrong guesses costs the person more than it finds.

Why a model at all: a lexicon catches the words it lists; abuse written without them
(measured on public offensive-language data: the built-in abuse rule caught 27% of a
held-out part) is what an operation's own confirmed cases can teach. The counts stay in
``moderation_grams`` to be read with sqlite3, and every score is explained by them.
"""

from __future__ import annotations

import json
import weakref
from collections import Counter
from typing import Any

from .bayes import Model, count_repeated, grams, train
from .normalize import normalize
from .outcomes import rule_outcomes
from .penalize import evidence_of_row

RULE = "second_opinion"
KINDS = ("ads", "scam", "abuse")
#: ordinary messages the model learns "good" from: the most recent ones no case names
ORDINARY = 5000
#: shortest text worth a score: a word or two says too little about anyone
MIN_CHARS = 4
#: fewest different characters worth a score: 啊啊啊啊啊啊啊, 哈哈哈哈, 666666 say nothing a
#: text model can judge (repetition is the flood rule's business); scored, a rare
#: character of them leaned "bad" and one burst opened 27 wrong abuse reviews in
#: benchmarks/operator_day.py
MIN_DISTINCT = 3
META = "moderation.second_opinion"
#: the last message id the second opinion has looked at
SEEN = "moderation.second_opinion.seen"
#: messages scored per run of the job at most (the rest wait for the next run)
BATCH = 20000

_MODELS: "weakref.WeakKeyDictionary[Any, tuple[str, dict[str, Model]]]" = weakref.WeakKeyDictionary()


def _kind_of(rule: str | None, evidence: dict[str, Any], kinds: dict[str, str]) -> str | None:
    if evidence.get("reported"):  # a person's report (report.py) of what the rules missed
        return evidence["reported"]
    if rule == RULE:
        return evidence.get("model")
    return kinds.get(rule or "")


def examples(ws, ordinary: int = ORDINARY) -> dict[str, tuple[list[str], list[str]]]:
    """Per kind, (bad texts, good texts) from the cases people judged; under "" the ordinary
    chat every kind also learns "good" from."""
    kinds = {r["name"]: r["kind"] for r in ws.store.query(
        "SELECT name, kind FROM rules WHERE plugin = 'moderation' AND kind IN ('ads', 'scam', 'abuse')")}
    out: dict[str, tuple[list[str], list[str]]] = {k: ([], []) for k in KINDS}
    named: set[tuple[str, str]] = set()
    for r in ws.store.query("SELECT rule, status, evidence FROM cases WHERE kind = 'penalty' AND evidence IS NOT NULL"):
        try:
            ev = json.loads(r["evidence"])
        except ValueError:
            continue
        if not isinstance(ev, dict):
            continue
        if ev.get("message_id"):
            named.add((str(ev.get("connection", "")), str(ev["message_id"])))
        kind, text = _kind_of(r["rule"], ev, kinds), ev.get("text")
        if kind not in out or not isinstance(text, str) or not text.strip():
            continue
        if r["status"] in ("settled", "reviewed"):
            out[kind][0].append(text)
        elif r["status"] in ("overturned", "undone"):
            out[kind][1].append(text)
    plain = [m["text"] for m in ws.store.query(
        "SELECT connection_id, platform_msg_id, text FROM messages WHERE length(text) >= ? ORDER BY id DESC LIMIT ?",
        (MIN_CHARS, ordinary + len(named))) if (m["connection_id"], m["platform_msg_id"]) not in named][:ordinary]
    out[""] = ([], plain)  # the ordinary chat, shared by every kind (counted once)
    return out


def learn(ws, ordinary: int = ORDINARY) -> dict[str, dict[str, int]]:
    """Learn every kind again from scratch and store the counts; returns per kind the bad and
    good texts it learned from."""
    data = examples(ws, ordinary)
    plain, n_plain = _count(data.pop("")[1])
    summary: dict[str, dict[str, int]] = {}
    learned: dict[str, Model] = {}
    with ws.store.write() as c:
        c.execute("DELETE FROM moderation_grams")
        for kind, (bad, good) in data.items():
            cb, nb = _count(bad)
            cg, ng = _count(good)
            cg, ng = cg + plain, ng + n_plain
            c.executemany("INSERT INTO moderation_grams(kind, gram, bad, good) VALUES (?,?,?,?)",
                          [(kind, g, cb[g], cg[g]) for g in set(cb) | set(cg)])
            summary[kind] = {"bad": nb, "good": ng}
            learned[kind] = train(+cb, nb, +cg, ng)  # what models() would read back from the rows
        stamp = json.dumps({"learned_at": ws.now(), "kinds": summary}, sort_keys=True)
        c.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (META, stamp))
        ws.audit("second_opinion_learned", "rule", RULE, summary, actor="plugin:moderation")
    _MODELS[ws] = (stamp, learned)  # the next look need not read the counts back and train again
    return summary


def _count(texts: list[str]) -> tuple[Counter, int]:
    """Gram counts of raw ``texts`` (bayes.count): each different text normalised and cut once."""
    norm: Counter = Counter()
    for t, k in Counter(texts).items():
        norm[normalize(t)] += k
    return count_repeated(norm)


def models(ws) -> dict[str, Model]:
    """The stored models, read once per learning (cached by the meta row's value)."""
    stamp = ws.store.get_meta(META) or ""
    cached = _MODELS.get(ws)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    out: dict[str, Model] = {}
    if stamp:
        sizes = json.loads(stamp).get("kinds", {})
        grams: dict[str, tuple[Counter, Counter]] = {k: (Counter(), Counter()) for k in sizes}
        for r in ws.store.query("SELECT kind, gram, bad, good FROM moderation_grams"):
            if r["kind"] in grams:
                b, g = grams[r["kind"]]
                b[r["gram"]], g[r["gram"]] = r["bad"], r["good"]
        for k, (b, g) in grams.items():
            out[k] = train(+b, sizes[k]["bad"], +g, sizes[k]["good"])
    _MODELS[ws] = (stamp, out)
    return out


def paused(ws, settings) -> bool:
    """Whether people overturned too many of its cases lately (below the precision bar)."""
    o = rule_outcomes(ws, [RULE]).get(RULE)
    return bool(o and o["judged"] >= settings.precision_min_judged and o["precision"] is not None
                and o["precision"] < settings.precision_bar)


def ready(ws, settings) -> dict[str, Model]:
    """The kinds' models that may speak now: switched on, learned from enough confirmed
    cases, and not paused by a person's overturns ({} most of the time in a new operation,
    so a batch pays one cached look-up)."""
    if not settings.second_opinion:
        return {}
    out = {k: m for k, m in models(ws).items() if m.bad >= settings.second_opinion_min_cases}
    return out if out and not paused(ws, settings) else {}


def second_look(ws, settings, limit: int = BATCH) -> int:
    """Score the messages that arrived since the last look (at most ``limit``, oldest first)
    and open a review case for each the rules let through whose score for a kind reaches
    the threshold, unless its sender is exempt. Returns how many were opened.

    A job, not part of ingest: scoring every message costs about twice the rules' matching
    in Python (benchmarks/second_opinion_cost.py), and a question for a person loses
    nothing by arriving a few minutes later, while a slower ingest holds every bridge."""
    top = ws.store.scalar("SELECT max(id) FROM messages", default=0) or 0
    seen = ws.store.get_meta(SEEN)
    if seen is None or not settings.second_opinion:  # switched on now: from here on, not the history
        ws.store.set_meta(SEEN, str(top))
        return 0
    ready_now = ready(ws, settings)
    # ids and texts only: the whole row is read for the few messages that reach the threshold
    rows = ws.store.execute(
        "SELECT id, text FROM messages"
        " WHERE id > ? AND length(text) >= ? AND group_id IS NOT NULL AND person_id IS NOT NULL ORDER BY id LIMIT ?",
        (int(seen), MIN_CHARS, limit)).fetchall() if ready_now else []
    last = rows[-1][0] if len(rows) == limit else top
    hits: dict[int, tuple[float, str]] = {}
    scored: dict[str, tuple[float, str]] = {}  # chat repeats itself (收到, 签到, +1): score a text once
    for mid, text in rows:
        best = scored.get(text)
        if best is None:
            norm = normalize(text)
            if len(set(norm) - {" "}) < MIN_DISTINCT:
                best = scored[text] = (0.0, "")
                continue
            gs = grams(norm)
            best = scored[text] = max((mod.score(norm, gs), k) for k, mod in ready_now.items())
        if best[0] >= settings.second_opinion_threshold:
            hits[mid] = best
    found = [(m, hits[m["id"]]) for m in _messages(ws, list(hits))]
    opened = _open_reviews(ws, found, settings) if found else 0
    ws.store.set_meta(SEEN, str(last))
    return opened


def _messages(ws, ids: list[int]) -> list[dict[str, Any]]:
    """The messages of ``ids`` (ascending), whole, in id order."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):  # SQLite's 999 variables
        chunk = ids[i:i + 500]
        out += ws.store.query(
            "SELECT id, connection_id, platform_msg_id, group_id, person_id, ts, text, meta FROM messages"
            f" WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
    return out


def _open_reviews(ws, found: list[tuple[dict[str, Any], tuple[float, str]]], settings) -> int:
    """Review cases for the scored messages no rule has a case for and no exempt member sent."""
    from .scope import BatchLookups

    since = min(m["ts"] for m, _ in found) - 3600
    named = set()
    for r in ws.store.query("SELECT evidence FROM cases WHERE opened_at >= ? AND evidence IS NOT NULL", (since,)):
        try:
            ev = json.loads(r["evidence"])
        except ValueError:
            continue
        if isinstance(ev, dict) and ev.get("message_id"):
            named.add((str(ev.get("connection", "")), str(ev["message_id"])))
    look = BatchLookups(ws, settings.exempt_roles, settings.allow_people)
    # one question per member, group and kind in a look: a burst of the same insult is one
    # thing to judge, with how many messages it covers in the evidence (``repeats``)
    asked: dict[tuple[int, int, str], dict[str, Any]] = {}
    for m, (score, kind) in found:
        meta = json.loads(m["meta"]) if m["meta"] else {}
        if (m["connection_id"], m["platform_msg_id"]) in named or (isinstance(meta, dict) and meta.get("from_self")):
            continue
        group = look.group(m["group_id"])
        if group is None or look.exempt({}, m["group_id"], m["person_id"], None):
            continue
        key = (m["group_id"], m["person_id"], kind)
        if key in asked:
            asked[key]["repeats"] += 1
            continue
        nick = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (m["person_id"],), "")
        asked[key] = evidence_of_row(m, group, nick, "second opinion", model=kind, score=round(score, 4), repeats=1)
    rows = [(RULE, g, p, f"rule:{RULE}", "review", json.dumps(ev, ensure_ascii=False), ws.now())
            for (g, p, _), ev in asked.items()]
    if not rows:
        return 0
    with ws.store.write() as c:
        before = c.execute("SELECT max(id) FROM cases").fetchone()[0] or 0
        c.executemany("INSERT INTO cases(kind, rule, group_id, person_id, actor, step, evidence, status, opened_at)"
                      " VALUES ('penalty',?,?,?,?,?,?,'open',?)", rows)
        for (cid,), r in zip(c.execute("SELECT id FROM cases WHERE id > ? ORDER BY id", (before,)).fetchall(), rows):
            ev = json.loads(r[5])
            ws.audit("case_opened", "case", cid, {"rule": RULE, "step": "review", "model": ev["model"],
                                                  "score": ev["score"], "group_id": r[1], "person_id": r[2]},
                     actor=f"rule:{RULE}")
    return len(rows)
