"""Bringing the outbox in line with the plan (``sync``), run by the ``content.queue`` job
and after every change (a schedule saved, a group paused, a holiday added).

The window is from ``grace_minutes`` ago to ``lookahead_hours`` ahead. For each planned
post: a run (one per source and time) and a post row record it; a queued post becomes a
``send`` action with its time (``not_before``) and an idempotency key holding the source,
time, group and a digest of the text, so planning again never posts twice. What changed
since the last plan is taken back while the platform has not been asked yet (a pending
action is cancelled: a pause, a holiday, an edited text); what is under way, sent, failed
or stopped by a person is left as it is (a failure is resumed by a person, runs.resume).
A post whose time passed more than the grace before it could be queued (the engine was
stopped) is recorded as missed, never sent late. A post a platform cannot make becomes
one task per owner and post time, naming the groups (WeCom: a customer-group mass send the
owner confirms in the WeCom app, at most one per group a day).
"""

from __future__ import annotations

from typing import Any

from shequn import Proposal, rows_in

from .planner import Post, plan
from .settings import settings_of

REQUESTER = "plugin:content"
MISSED_LOOKBACK = 7 * 86400


def window(ws) -> tuple[int, int, int]:
    """(begin, start, end): missed posts are looked for from ``begin``, sent from ``start``."""
    cfg = settings_of(ws)
    now = ws.now()
    start, end = now - cfg.grace_minutes * 60, now + cfg.lookahead_hours * 3600
    last = ws.store.get_meta("content.planned_until")
    begin = max(min(int(last), start) if last else start, now - MISSED_LOOKBACK)
    return begin, start, end


def sync(ws) -> dict[str, int]:
    """Plan the window and write it; returns counts (queued, withdrawn, tasks, skipped, missed)."""
    if ws.read_only:
        return {}
    begin, start, end = window(ws)
    posts = plan(ws, begin, end)
    counts = apply(ws, posts, begin, start, end)
    ws.store.set_meta("content.planned_until", str(end))
    return counts


def _cancel(c, ws, action_ids: list[int], note: str) -> None:
    now = ws.now()
    c.executemany("UPDATE actions SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?"
                  " AND status = 'pending'", [(note, now, a) for a in action_ids])


def apply(ws, posts: list[Post], begin: int, start: int, end: int) -> dict[str, int]:
    now = ws.now()
    counts = {"queued": 0, "withdrawn": 0, "tasks": 0, "skipped": 0, "missed": 0}
    with ws.store.write() as c:
        c.executemany("INSERT OR IGNORE INTO content_runs(source, fire_at, seq, created_at) VALUES (?,?,?,?)",
                      list({(p.source, p.fire_at): (p.source, p.fire_at, p.seq, now) for p in posts}.values()))
        runs = {(s, t): rid for rid, s, t in c.execute(
            "SELECT id, source, fire_at FROM content_runs WHERE fire_at >= ? AND fire_at < ?", (begin, end))}
        old: dict[tuple[int, int], dict[str, Any]] = {}
        for r in c.execute("SELECT p.run_id, p.group_id, p.status, p.note, p.key, p.action_id, a.status AS action_status"
                           " FROM content_posts p JOIN content_runs r ON r.id = p.run_id LEFT JOIN actions a"
                           " ON a.id = p.action_id WHERE r.fire_at >= ? AND r.fire_at < ?", (begin, end)):
            old[(r[0], r[1])] = {"status": r[2], "note": r[3], "key": r[4], "action_id": r[5], "action_status": r[6]}
        write: list[tuple] = []
        queue: list[tuple[Post, int, str]] = []
        hand: dict[tuple[int, str, str], list[Post]] = {}
        withdraw: list[int] = []
        seen: set[tuple[int, int]] = set()
        for p in posts:
            rid = runs[(p.source, p.fire_at)]
            seen.add((rid, p.group_id))
            was = old.get((rid, p.group_id))
            if p.fire_at < start:  # its time passed before it could be queued: recorded, never sent late
                if was is None:
                    write.append((rid, p.group_id, p.item_id, "skipped", "missed", None, None, p.not_before, p.key))
                    counts["missed"] += 1
                continue
            key = p.key
            if was is not None:
                pending = was["status"] == "queued" and was["action_status"] == "pending"
                if pending and p.status == "queued" and was["key"] == key:
                    continue  # unchanged
                if was["status"] == "queued" and not pending:
                    continue  # under way, sent, failed or stopped: a person resumes it, not the planner
                if was["status"] == "task" or (was["status"] == p.status == "skipped" and was["note"] == p.note):
                    continue
                if pending:
                    withdraw.append(was["action_id"])
            if p.status == "queued":
                queue.append((p, rid, key))
            elif p.status == "task":
                hand.setdefault((rid, p.connection, p.platform), []).append(p)
            else:
                write.append((rid, p.group_id, p.item_id, "skipped", p.note, None, None, p.not_before, key))
                counts["skipped"] += 1
        for (rid, gid), was in old.items():
            if (rid, gid) not in seen and was["status"] == "queued" and was["action_status"] == "pending":
                withdraw.append(was["action_id"])
                write.append((rid, gid, None, "skipped", "withdrawn", None, None, 0, was["key"]))
        if withdraw:
            _cancel(c, ws, withdraw, "withdrawn: the content plan changed before it was sent")
            counts["withdrawn"] = len(withdraw)
        held = {k for (k,) in rows_in(c, "SELECT idempotency_key FROM actions WHERE idempotency_key IN ({marks})",
                                       [k for _, _, k in queue])}
        # a key an earlier (cancelled) action holds is asked again under a new one
        queue = [(p, rid, f"{key}:{now}" if key in held else key) for p, rid, key in queue]
        ids = ws.enqueue([Proposal(
            kind="send", reason=ws.tr("Scheduled post: {name}", name=p.name), group_id=p.group_id,
            params={"text": p.text, **({"image": _image_ref(ws, p.image)} if p.image else {})},
            evidence=f"content:{p.source}:{p.fire_at}", key=key, not_before=p.not_before) for p, _, key in queue],
            REQUESTER) if queue else []
        for (p, rid, key), aid in zip(queue, ids):
            write.append((rid, p.group_id, p.item_id, "queued", "", aid, None, p.not_before, key))
        counts["queued"] = len(queue)
        for (rid, conn, platform), group in hand.items():
            for task_id, p in _tasks(ws, rid, conn, platform, group):
                write.append((rid, p.group_id, p.item_id, "task", p.note, None, task_id, p.not_before, p.key))
                counts["tasks"] += 1
        c.executemany("INSERT INTO content_posts(run_id, group_id, item_id, status, note, action_id, task_id,"
                      " not_before, key) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, group_id) DO UPDATE SET"
                      " item_id = coalesce(excluded.item_id, content_posts.item_id), status = excluded.status,"
                      " note = excluded.note, action_id = excluded.action_id, task_id = excluded.task_id,"
                      " not_before = excluded.not_before, key = excluded.key", write)
        if any(counts.values()):
            ws.audit("content_planned", "content", None, counts, actor=REQUESTER)
    return counts


def _image_ref(ws, image: str) -> str:
    if image.startswith(("http://", "https://")):
        return image
    from .library import folder

    return (folder(ws) / image).as_uri()


def _tasks(ws, rid: int, conn: str, platform: str, posts: list[Post]) -> list[tuple[int | None, Post]]:
    """One task per owner for the posts a platform cannot make (each owner confirms their own)."""
    from .schedules import owners_of, when_text
    from .texts import daily_cap

    owners = owners_of(ws)
    by_owner: dict[str, list[Post]] = {}
    for p in posts:
        by_owner.setdefault(owners.get(p.group_id, ""), []).append(p)
    out: list[tuple[int | None, Post]] = []
    for owner, mine in by_owner.items():
        first = mine[0]
        detail = ws.tr("Post this by hand in: {groups} ({n})\n\n{post}", n=len(mine),
                       groups="、".join(p.group for p in mine), post=first.text)
        if platform == "wechat":
            detail += "\n\n" + ws.tr(
                "WeCom customer groups take no post from an app: send it as a customer-group mass send (客户群群发) "
                "from the WeCom admin console; each group owner confirms it in the WeCom app, and a customer group "
                "receives at most {cap} mass send a day.", cap=daily_cap(ws, platform) or 1)
        task_id = ws.add_task("content_post_by_hand", ws.tr("Post by hand on {platform}: {name} at {time}",
                                                            platform=platform, name=first.name,
                                                            time=when_text(ws, first.fire_at)),
                              detail=detail, group_id=first.group_id, assignee=owner, source=REQUESTER,
                              dedupe_key=f"content:hand:{rid}:{conn}:{owner}")
        out += [(task_id, p) for p in mine]
    return out


def posts_of_actions(ws, action_ids: list[int]) -> dict[int, tuple[int, int]]:
    """action id -> (run id, group id), for the actions this plugin queued."""
    return {a: (r, g) for a, r, g in rows_in(ws.store, "SELECT action_id, run_id, group_id FROM content_posts"
                                                        " WHERE action_id IN ({marks})", action_ids)}
