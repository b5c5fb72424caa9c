"""Reasons a person gives when rejecting join requests: the presets per group type (and
the default), and the operator's recent ones, for the console's reason list.

The presets are ``[entry_rules] reject_reasons`` when set, else the plugin's own below;
every text is shown to the applicant, so it is given in the workspace's language.
"""

from __future__ import annotations

from typing import Iterable

from .i18n import tr
from .settings import settings_of

#: the plugin's presets: "*" for every group type (its first is the default), then per type
PRESETS: dict[str, tuple[str, ...]] = {
    "*": ("Your request does not meet this group's entry rules",
          "Please answer the entry question and apply again",
          "This group admits by invitation or referral only"),
    "traffic": ("Please join through the channel in our official account",),
    "welfare": ("This group is for customers who have placed an order",),
    "flash": ("This event is full or has ended",),
}


def reject_presets(ws, group_types: Iterable[str]) -> list[str]:
    """The default first, then the presets of every type among ``group_types``, then the rest of "*"."""
    own = settings_of(ws).reject_reasons
    if own:
        common = list(own.get("*", ()))
        typed = [r for gt in dict.fromkeys(group_types) for r in own.get(gt, ())]
        out = common[:1] + typed + common[1:]
    else:
        common = [tr(ws, r) for r in PRESETS["*"]]
        typed = [tr(ws, r) for gt in dict.fromkeys(group_types) for r in PRESETS.get(gt, ())]
        out = common[:1] + typed + common[1:]
    return list(dict.fromkeys(out))


def recent_reasons(ws, actor: str | None = None, limit: int = 5) -> list[str]:
    """The reasons ``actor`` (the operator) gave for rejections, newest first, each once."""
    actor = actor or f"operator:{ws.operator}"
    rows = ws.store.query("SELECT reason, max(decided_at) AS at FROM join_requests WHERE decided_by = ? AND status IN"
                          " ('rejected', 'rejecting') AND coalesce(reason, '') != '' GROUP BY reason ORDER BY at DESC"
                          " LIMIT ?", (actor, limit))
    return [r["reason"] for r in rows]
