"""Message retention: text older than ``database.message_retention_days`` is blanked.

The rows stay (counts, rollups and cases keep their numbers; cases keep their own
evidence snapshot), only the words go, in chunks so a large workspace never holds the
write lock for long."""

from __future__ import annotations

from .registry import Job


def blank_old_text(ws, *, chunk: int = 5000) -> int:
    days = ws.settings.database.message_retention_days
    if days <= 0:
        return 0
    cutoff = ws.now() - days * 86400
    total = 0
    while True:
        with ws.store.write() as c:
            ids = [r[0] for r in c.execute(
                "SELECT id FROM messages WHERE ts < ? AND text IS NOT NULL AND text != '' LIMIT ?", (cutoff, chunk))]
            if not ids:
                break
            c.execute(f"UPDATE messages SET text = '' WHERE id IN ({','.join('?' * len(ids))})", ids)
            total += len(ids)
    if total:
        ws.audit("retention_blanked", "messages", None, {"count": total, "older_than_days": days}, actor="engine")
    return total


def core_jobs() -> list[Job]:
    return [Job("retention", 86400, blank_old_text, "blank message text past the retention period", plugin="host")]
