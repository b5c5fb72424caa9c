"""Announcements (群公告): drafted once, published to a selection of groups, optionally at a
set time. Each publication is an ``announce`` action; on a platform that cannot post
announcements the outbox turns it into a do-by-hand task, so nothing is silently lost."""

from __future__ import annotations

from typing import Any

from shequn import Proposal

from .i18n import tr
from .policies import GROUP_TYPES, PolicyError, find_group

MAX_LENGTH = 2000


def draft(ws, title: str, text: str, *, announcement_id: int | None = None) -> int:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise PolicyError.of("announcement title is empty")
    if not text:
        raise PolicyError.of("announcement text is empty")
    if len(text) > MAX_LENGTH:
        raise PolicyError.of("announcement text has {n} characters; the limit is {limit}", n=len(text), limit=MAX_LENGTH)
    now = ws.now()
    with ws.store.write() as c:
        if announcement_id:
            cur = c.execute("UPDATE entry_announcements SET title = ?, text = ?, updated_at = ? WHERE id = ?",
                            (title, text, now, announcement_id))
            if not cur.rowcount:
                raise PolicyError.of("no announcement {id}", id=announcement_id)
            aid = announcement_id
        else:
            aid = c.execute("INSERT INTO entry_announcements(title, text, created_by, created_at, updated_at)"
                            " VALUES (?,?,?,?,?)", (title, text, ws.operator, now, now)).lastrowid
        ws.audit("announcement_drafted", "announcement", aid, {"title": title})
    return aid


def select_groups(ws, targets: list[str]) -> list[int]:
    """Group ids from 'all', 'type:welfare', 'family:NAME' or group refs."""
    ids: list[int] = []
    for t in targets:
        if t == "all":
            ids += [r["id"] for r in ws.store.query("SELECT id FROM groups WHERE status = 'active' ORDER BY id")]
        elif t.startswith("type:"):
            if t[5:] not in GROUP_TYPES:
                raise PolicyError.of("unknown group type {value!r}; choose from {choices}", value=t[5:],
                                     choices=", ".join(GROUP_TYPES))
            ids += [r["id"] for r in ws.store.query("SELECT id FROM groups WHERE status = 'active' AND type = ?"
                                                    " ORDER BY id", (t[5:],))]
        elif t.startswith("family:"):
            ids += [r["id"] for r in ws.store.query("SELECT id FROM groups WHERE status = 'active' AND family = ?"
                                                    " ORDER BY id", (t[7:],))]
        else:
            ids.append(find_group(ws, t))
    seen: set[int] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


def publish(ws, announcement_id: int, targets: list[str], *, at: int | None = None) -> list[dict[str, Any]]:
    """Queue the announcement for the selected groups (at ``at`` if given). One transaction."""
    ann = ws.store.one("SELECT * FROM entry_announcements WHERE id = ?", (announcement_id,))
    if ann is None:
        raise PolicyError.of("no announcement {id}", id=announcement_id)
    groups = select_groups(ws, targets)
    if not groups:
        raise PolicyError(f"no active group matches {', '.join(targets)}")
    if at is not None and at < ws.now() - 60:
        raise PolicyError("the publication time is in the past")
    out = []
    actor = f"operator:{ws.operator}"
    with ws.store.write() as c:
        for gid in groups:
            (action_id,) = ws.enqueue([Proposal(
                kind="announce", reason=tr(ws, "Announcement: {title}", title=ann["title"]), group_id=gid,
                params={"title": ann["title"], "text": ann["text"]}, evidence=f"announcement:{announcement_id}",
                not_before=at, key=f"announce:{announcement_id}:{gid}:{ann['updated_at']}:{at or 0}")], actor)
            c.execute("INSERT INTO entry_announcement_posts(announcement_id, group_id, not_before, action_id, posted_by,"
                      " created_at) VALUES (?,?,?,?,?,?) ON CONFLICT(announcement_id, group_id) DO UPDATE SET"
                      " not_before = excluded.not_before, action_id = excluded.action_id, created_at = excluded.created_at",
                      (announcement_id, gid, at or 0, action_id, ws.operator, ws.now()))
            status = ws.store.scalar("SELECT status FROM actions WHERE id = ?", (action_id,))
            out.append({"group_id": gid, "action_id": action_id, "status": status, "not_before": at or 0})
        ws.audit("announcement_published", "announcement", announcement_id, {"groups": groups, "at": at})
    return out


def announcements(ws) -> list[dict[str, Any]]:
    return ws.store.query(
        "SELECT a.id, a.title, a.created_by, a.updated_at, count(p.id) AS groups,"
        " sum(CASE WHEN x.status = 'done' THEN 1 ELSE 0 END) AS posted FROM entry_announcements a"
        " LEFT JOIN entry_announcement_posts p ON p.announcement_id = a.id LEFT JOIN actions x ON x.id = p.action_id"
        " GROUP BY a.id ORDER BY a.id DESC")
