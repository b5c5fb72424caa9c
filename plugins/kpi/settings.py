"""The ``[kpi]`` section of config.toml: switches and thresholds for KPIs, segments,
tags and alerts. Every field has its meaning under it (``shequn config check``)."""

from __future__ import annotations

from dataclasses import dataclass

from console.config import load_section


@dataclass
class KpiSettings:
    include_insiders: bool = False
    """Count insiders (people.is_insider: staff, owners, admins, cheer squad) in member counts and activity. Off: the numbers show real members only."""
    retention_days: int = 7
    """N of the panel's retention rate: share of members who joined in the window still in the group N days later."""
    silent_days: int = 3
    """A group with members and no message from a member for this many days is a silent group (僵尸群)."""
    churn_baseline_days: int = 28
    """Days before today whose leaves make a group's own churn baseline."""
    churn_spike_factor: float = 3.0
    """A churn spike fires when today's leaves exceed baseline mean + this many standard deviations."""
    churn_spike_min_leaves: int = 5
    """...and at least this many people left today (a quiet group's 0 -> 2 is not a spike)."""
    capacity_warn_share: float = 0.9
    """A group at or above this share of its capacity is near capacity: without a family it gets one task."""
    low_interaction_rate: float = 0.05
    """Interaction rate over the last 7 days below this raises a low-interaction alert."""
    low_interaction_min_members: int = 20
    """Groups smaller than this are not checked for low interaction (too few to judge)."""
    queue_wait_hours: float = 12.0
    """Not used any more: the join queue's alert belongs to entry_rules (queue_flag_after_seconds).
    Still accepted so an existing config.toml that sets it loads."""
    loyal_min_months: int = 3
    """Loyal: ordered in at least this many of the last 3 thirty-day periods ("buys monthly")..."""
    loyal_min_referrals: int = 1
    """...and referred at least this many people."""
    bargain_max_order_value: float = 50.0
    """Bargain: average order value below this (yuan), at least bargain_min_orders orders, never referred anyone."""
    bargain_min_orders: int = 2
    """Orders needed before a member can be judged a bargain hunter."""
    need_min_order_value: float = 200.0
    """Need: a single order of at least this much counts as a strong need; one smaller order or none is low-need."""
    segment_advice_share: float = 0.3
    """A group whose bargain or loyal share is at least this (and the largest of the two) gets the domain's advice."""
    lurker_days: int = 30
    """Rule tag lurker: a member this long who has not spoken in this many days."""
    new_days: int = 7
    """Rule tag new: first joined a group within this many days."""
    top_talker_share: float = 0.2
    """Rule tag top talker: in the top share of speakers of a group by messages over 30 days (the 20/80 rule)."""
    likely_buyer_min_confidence: float = 0.2
    """Predicted tag likely buyer is stored only at or above this confidence."""


def kpi_settings(ws) -> KpiSettings:
    return load_section(KpiSettings, ws.settings, "kpi")
