"""Daily topics (群话题) tracked after they are posted, and the product link at the peak.

When the platform takes a calendar topic (``action_done`` of its ``send``), the topic is
tracked in that group for ``topic_window_minutes``: messages per minute and distinct
speakers after it (insiders and the bot apart), against the group's usual level at that
hour (its messages in the same hour of the seven days before, counted per hour at ingest in
``content_hours``). The topic's link (its item's ``link``, with ``product``) goes out when
participation peaks: the busiest five minutes, at least twice the usual level and three
messages, once the last five minutes have fallen to half of it; or ``link_fallback_minutes``
after the topic at the latest. A group set to ask first (``content_link_modes``) gets a task
for a person instead. Results are kept per topic (participation, peak, the link) and read
with the orders of the next 24 hours (imported orders of the group, of the product when the
item names one), per topic and per product.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from shequn import Proposal

from .batch import insiders as batch_insiders
from .batch import messages as batch_messages
from .errors import ContentError
from .settings import settings_of

WINDOW = 5  # minutes: the busiest five minutes are the peak


def usual_rate(ws, group_id: int, at: int) -> float:
    """Messages per minute the group usually has in the hour of ``at`` (the 7 days before)."""
    hour = at // 3600 * 3600
    hours = [hour - d * 86400 for d in range(1, 8)]
    n = ws.store.scalar(f"SELECT coalesce(sum(messages), 0) FROM content_hours WHERE group_id = ? AND hour IN"
                        f" ({','.join('?' * len(hours))})", (group_id, *hours), 0)
    return n / (7 * 60)


def started(ws, action: dict[str, Any]) -> int | None:
    """A calendar topic the platform took: start tracking it (once)."""
    post = ws.store.one("SELECT p.run_id, p.group_id, p.item_id, r.source FROM content_posts p JOIN content_runs r"
                        " ON r.id = p.run_id WHERE p.action_id = ?", (action["id"],))
    if post is None or not post["source"].startswith("calendar:"):
        return None
    item = ws.store.one("SELECT product, link FROM content_items WHERE id = ?", (post["item_id"],)) or {}
    now = ws.now()
    with ws.store.write() as c:
        cur = c.execute("INSERT OR IGNORE INTO content_topics(run_id, group_id, item_id, product, link, posted_at,"
                        " baseline) VALUES (?,?,?,?,?,?,?)", (post["run_id"], post["group_id"], post["item_id"],
                                                               item.get("product", ""), item.get("link", ""), now,
                                                               usual_rate(ws, post["group_id"], now)))
    return cur.lastrowid if cur.rowcount else None


def note_messages(ws, events) -> None:
    """Count the batch's messages per group and hour, and per minute for topics being tracked."""
    msgs = batch_messages(ws, events)
    if not msgs:
        return
    hours = Counter((e.group_id, e.ts // 3600 * 3600) for e in msgs)
    tracking: dict[int, list[tuple[int, int]]] = {}
    window = settings_of(ws).topic_window_minutes * 60
    for tid, gid, at in ws.store.execute("SELECT id, group_id, posted_at FROM content_topics WHERE status = 'tracking'"):
        tracking.setdefault(gid, []).append((tid, at))
    minutes: Counter = Counter()
    speakers: dict[tuple[int, int], int] = {}
    mine = [e for e in msgs if e.group_id in tracking]
    insiders = batch_insiders(ws, events) if mine else set()
    for e in mine:
        if e.person_id in insiders:
            continue
        for tid, at in tracking[e.group_id]:
            if 0 <= e.ts - at < window:
                minutes[(tid, (e.ts - at) // 60)] += 1
                key = (tid, e.person_id)
                speakers[key] = min(speakers.get(key, e.ts), e.ts)
    with ws.store.write() as c:
        c.executemany("INSERT INTO content_hours(group_id, hour, messages) VALUES (?,?,?) ON CONFLICT(group_id, hour)"
                      " DO UPDATE SET messages = messages + excluded.messages", [(g, h, n) for (g, h), n in hours.items()])
        if minutes:
            c.executemany("INSERT INTO content_topic_minutes(topic_id, minute, messages) VALUES (?,?,?) ON CONFLICT"
                          " (topic_id, minute) DO UPDATE SET messages = messages + excluded.messages",
                          [(t, m, n) for (t, m), n in minutes.items()])
            c.executemany("INSERT OR IGNORE INTO content_topic_speakers(topic_id, person_id, first_at) VALUES (?,?,?)",
                          [(t, p, ts) for (t, p), ts in speakers.items()])


def peak(series: dict[int, int], upto: int) -> tuple[int, int, int]:
    """(best five-minute count, the minute it ends, the last five minutes' count) over minutes [0, upto)."""
    best, best_end = 0, 0
    for end in range(WINDOW, upto + 1):
        s = sum(series.get(m, 0) for m in range(end - WINDOW, end))
        if s > best:
            best, best_end = s, end
    last = sum(series.get(m, 0) for m in range(max(0, upto - WINDOW), upto))
    return best, best_end, last


def check(ws) -> list[Proposal]:
    """The job: update tracked topics, send (or ask for) links at the peak, close finished ones."""
    cfg = settings_of(ws)
    now = ws.now()
    out: list[Proposal] = []
    for t in ws.store.query("SELECT t.*, g.name AS group_name, coalesce(m.mode, 'post') AS mode FROM content_topics t"
                            " JOIN groups g ON g.id = t.group_id LEFT JOIN content_link_modes m ON m.group_id ="
                            " t.group_id WHERE t.status = 'tracking' ORDER BY t.id"):
        elapsed = now - t["posted_at"]
        upto = min(elapsed // 60, cfg.topic_window_minutes)
        series = dict(ws.store.execute("SELECT minute, messages FROM content_topic_minutes WHERE topic_id = ?", (t["id"],)))
        best, best_end, last = peak(series, upto)
        speakers = ws.store.scalar("SELECT count(*) FROM content_topic_speakers WHERE topic_id = ?", (t["id"],), 0)
        fields = {"messages": sum(v for m, v in series.items() if m < upto), "speakers": speakers,
                  "peak_at": t["posted_at"] + best_end * 60 if best else None, "peak_rate": best / WINDOW if best else None}
        if t["link"] and not t["link_how"]:
            peaked = (best >= max(3, 2 * t["baseline"] * WINDOW) and upto >= best_end + WINDOW and last * 2 <= best)
            if peaked or elapsed >= cfg.link_fallback_minutes * 60:
                how = "peak" if peaked else "fallback"
                fields["link_at"] = now
                if t["mode"] == "ask":
                    fields["link_how"], fields["link_task"] = "asked", _ask(ws, t, how, best)
                else:
                    fields["link_how"] = how
                    out.append(_link_post(ws, t, cfg.link_template))
        if elapsed >= cfg.topic_window_minutes * 60:
            fields["status"] = "done"
            if not t["link_how"] and "link_how" not in fields:
                fields["link_how"] = "none"
        with ws.store.write() as c:
            c.execute(f"UPDATE content_topics SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
                      [*fields.values(), t["id"]])
    if out:
        ids = ws.enqueue(out, "plugin:content")
        with ws.store.write() as c:
            c.executemany("UPDATE content_topics SET link_action = ? WHERE id = ?",
                          [(aid, int(p.evidence.rpartition(":")[2])) for p, aid in zip(out, ids)])
    return out


def _link_post(ws, t: dict[str, Any], template: str) -> Proposal:
    from .texts import render

    return Proposal("send", ws.tr("Topic link: {product}", product=t["product"] or t["link"]), group_id=t["group_id"],
                    params={"text": render(template, {"product": t["product"], "link": t["link"]})},
                    evidence=f"content:topic:{t['id']}", key=f"content:topic-link:{t['id']}")


def _ask(ws, t: dict[str, Any], how: str, best: int) -> int | None:
    from .schedules import when_text

    title = ws.tr("Post the link of {product} in {group} now?", product=t["product"] or t["link"], group=t["group_name"])
    detail = (ws.tr("Participation peaked: {n} messages in 5 minutes (usual {usual:.1f}).", n=best,
                    usual=t["baseline"] * WINDOW) if how == "peak" else
              ws.tr("The topic has run for a while without a clear peak.")) + "\n" + t["link"]
    return ws.add_task("content_topic_link", title, detail=detail + "\n" + when_text(ws, ws.now()),
                       group_id=t["group_id"], source="plugin:content", dedupe_key=f"content:topic-link:{t['id']}")


def set_mode(ws, group_id: int, ask: bool) -> None:
    with ws.store.write() as c:
        c.execute("INSERT INTO content_link_modes(group_id, mode) VALUES (?, ?) ON CONFLICT(group_id) DO UPDATE SET"
                  " mode = excluded.mode", (group_id, "ask" if ask else "post"))
        ws.audit("content_link_mode", "group", group_id, {"mode": "ask" if ask else "post"})


def results(ws, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Topics newest first: participation against the usual, the peak, the link and the
    orders of the next 24 hours in the group (of the product when the item names one)."""
    if limit < 1:
        raise ContentError("limit: {n}; expected 1 or more", n=limit)
    cfg = settings_of(ws)
    rows = ws.store.query(
        "SELECT t.*, g.name AS group_name, i.title, (SELECT count(*) FROM orders o WHERE o.group_id = t.group_id AND"
        " o.ordered_at >= t.posted_at AND o.ordered_at < t.posted_at + 86400 AND (t.product = '' OR o.product ="
        " t.product)) AS orders, (SELECT coalesce(sum(o.amount), 0) FROM orders o WHERE o.group_id = t.group_id AND"
        " o.ordered_at >= t.posted_at AND o.ordered_at < t.posted_at + 86400 AND (t.product = '' OR o.product ="
        " t.product)) AS revenue FROM content_topics t JOIN groups g ON g.id = t.group_id LEFT JOIN content_items i"
        " ON i.id = t.item_id ORDER BY t.posted_at DESC, t.id DESC LIMIT ? OFFSET ?", (limit, offset))
    for r in rows:
        minutes = cfg.topic_window_minutes if r["status"] == "done" else max(1, min(
            cfg.topic_window_minutes, (ws.now() - r["posted_at"]) // 60))
        rate = r["messages"] / minutes
        r["vs_usual"] = round(rate / r["baseline"], 1) if r["baseline"] else None
    return rows


def by_product(ws) -> list[dict[str, Any]]:
    """Topics per product: how many, their participation and the orders of the next 24 hours."""
    out: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        page = results(ws, limit=500, offset=offset)
        for r in page:
            p = out.setdefault(r["product"] or "", {"product": r["product"] or "", "topics": 0, "messages": 0,
                                                    "speakers": 0, "orders": 0, "revenue": 0.0})
            p["topics"] += 1
            for k in ("messages", "speakers", "orders", "revenue"):
                p[k] += r[k]
        if len(page) < 500:
            break
        offset += 500
    return sorted(out.values(), key=lambda p: (-p["orders"], p["product"]))
