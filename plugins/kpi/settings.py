"""The ``[kpi]`` section of config.toml: switches and thresholds for KPIs, segments,
tags and alerts. Every field has its meaning under it (``shequn config check``)."""

from __future__ import annotations

from dataclasses import dataclass

from shequn import ConfigError, load_section


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
    loyal_min_referrals: int = 1
    """Loyal: buys monthly (a typical gap between orders of half a month to a month and a half) and referred at least this many people."""
    bargain_max_order_value: float = 0.0
    """Bargain: average order value below this (yuan), with at least bargain_min_orders orders and no referral. 0: below the operation's mean order value (revenue / orders), from its own orders."""
    bargain_min_orders: int = 2
    """Orders needed before a member can be judged a bargain hunter ("buys for price" needs more than one order)."""
    need_min_order_value: float = 0.0
    """Need: an order of at least this much (yuan) is a strong need. 0: the floor of the operation's top tenth of order values."""
    segment_horizon_days: int = 30
    """Low-need by "never bought" is judged only for people known this many days (a month); before that they are unknown. Longer is surer and covers fewer people (see docs/kpis.md for the measured trade-off)."""
    segment_advice_share: float = 0.3
    """A group whose bargain or loyal share of its members with a segment is at least this (and the larger of the two) gets the domain's advice."""
    talk_period_days: int = 30
    """Rule tags top talker and lurker split the messages of this many days, ending on the newest day with messages."""
    talker_message_share: float = 0.8
    """Top talkers: the most active members of a group who together sent this share of its members' messages (the 20/80 rule). Lurkers: the rest, members since the period began."""
    new_days: int = 7
    """Rule tag new: first joined a group within this many days."""
    likely_buyer_min_confidence: float = 0.5
    """Predicted tag likely buyer is stored only at or above this confidence (the observed rate of people like them ordering within 30 days); 0.5: more likely than not."""

    def __post_init__(self) -> None:
        # a threshold that cannot work is refused when the config is read, naming the field
        for name, lo, hi in (("loyal_min_referrals", 1, 1000), ("bargain_min_orders", 1, 1000),
                             ("segment_horizon_days", 1, 3650), ("talk_period_days", 1, 365), ("new_days", 1, 3650)):
            v = getattr(self, name)
            if not lo <= v <= hi:
                raise ConfigError(None, f"kpi.{name}", f"is {v!r}", f"a whole number from {lo} to {hi}")
        for name in ("bargain_max_order_value", "need_min_order_value"):
            if getattr(self, name) < 0:
                raise ConfigError(None, f"kpi.{name}", f"is {getattr(self, name)!r}",
                                  "0 (from the operation's orders) or an amount above 0")
        for name, lo_open in (("talker_message_share", True), ("likely_buyer_min_confidence", False),
                              ("segment_advice_share", False)):
            v = getattr(self, name)
            if not ((0 < v if lo_open else 0 <= v) and v <= 1):
                raise ConfigError(None, f"kpi.{name}", f"is {v!r}",
                                  "a share above 0 and at most 1" if lo_open else "a share from 0 to 1")

def kpi_settings(ws) -> KpiSettings:
    return load_section(KpiSettings, ws.settings, "kpi")
