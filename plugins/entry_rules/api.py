"""What the console's screens call (plain functions taking ``ws``; no Textual here)."""

from .announcements import announcements, draft as draft_announcement, publish as publish_announcement
from .flash import countdown, set_closing
from .overflow import families, family_rows, register_sibling, set_capacity
from .policies import PolicyError, check_policies, policies, save_policy, set_enabled
from .queue import decide, queue
from .referrals import referral_tree
from .templates import TemplateError
from .welcome import preview_welcome


def add_participants(ws, activity: str, person_ids: list[int], *, source: str = "") -> int:
    """Record who took part in an activity (activity entry checks this list)."""
    activity = (activity or "").strip()
    if not activity:
        raise PolicyError("activity name is empty")
    known = {r["id"] for r in ws.store.query(
        f"SELECT id FROM people WHERE id IN ({','.join('?' * len(person_ids))})", person_ids)} if person_ids else set()
    missing = [p for p in person_ids if p not in known]
    if missing:
        raise PolicyError(f"no person {missing[0]} (nothing was added)")
    with ws.store.write() as c:
        n = 0
        for pid in person_ids:
            n += c.execute("INSERT OR IGNORE INTO entry_activity_participants(activity, person_id, source, added_at)"
                           " VALUES (?,?,?,?)", (activity, pid, source or f"operator:{ws.operator}", ws.now())).rowcount
        ws.audit("activity_participants_added", "activity", activity, {"people": len(person_ids), "new": n})
    return n


__all__ = ["queue", "decide", "policies", "save_policy", "set_enabled", "check_policies", "preview_welcome",
           "referral_tree", "families", "family_rows", "register_sibling", "set_capacity", "set_closing", "countdown",
           "announcements", "draft_announcement", "publish_announcement", "add_participants", "PolicyError",
           "TemplateError"]
