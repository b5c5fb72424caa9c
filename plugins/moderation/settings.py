"""The ``[moderation]`` section of config.toml."""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import ConfigError, load_section

SECTION = "moderation"


@dataclass
class ModerationSettings:
    exempt_roles: list[str] = field(default_factory=lambda: ["lead", "owner", "admin", "kol", "cheer"])
    """Roles that no conduct rule acts on (lead, owner, admin, kol, cheer). A rule may narrow or widen this with its own exempt_roles."""
    allow_people: list[int] = field(default_factory=list)
    """Person ids no conduct rule acts on (the allow list), on top of each rule's own allow_people."""
    raid_joins: int = 20
    """Raid guard: more than this many joins (and join requests) in raid_seconds switches a group to manual approval."""
    raid_seconds: int = 60
    """Raid guard: the window in which joins are counted."""
    raid_cooling_minutes: int = 30
    """Raid guard: how long join requests are held for a person after a raid."""
    pattern_timeout_ms: int = 20
    """Longest time a custom pattern may spend on one message (for rules saved without their own timeout_ms); a slower match is cut off and reported."""
    rule_budget_ms: int = 200
    """Longest time one conduct rule may spend on an ingest batch of up to 500 messages (10 to 10000 ms; a bigger batch, a backlog or a back-fill's hour, gets as much per 500 messages); a rule past it is suspended for rule_suspend_minutes with an alert, and the batch goes on without it."""
    rule_suspend_minutes: int = 10
    """How long a rule that overran rule_budget_ms stays suspended (1 to 1440 minutes); editing the rule lifts it at once."""
    warning_template: str = ""
    """Text of the warning sent to a member, with {rule} (the rule in neutral words) and {next} (the next step). Empty: the built-in text in the console language."""

    audit_share: float = 0.05
    """Share (0 to 1) of the cases a rule settles by itself (warn, mute, recall) that still go to the review queue as an audit sample; the same cases are chosen on every run (by case id)."""
    precision_bar: float = 0.9
    """A rule whose measured precision (settled or confirmed, against overturned) is below this (0 to 1) stops settling: its reversible penalties go to the review queue again."""
    precision_min_judged: int = 20
    """How many settled, confirmed or overturned cases a rule needs before precision_bar applies to it."""
    door_days: int = 30
    """Door check (入群前核查): a join request from someone with a standing penalty case in any group of the operation within this many days is answered by door_recent (0: off)."""
    door_recent: str = "reject"
    """Door check for a recent penalty case: "reject" (with the reason; the case can be undone if it was wrong) or "hold" for a person."""
    door_blacklist: str = "reject"
    """Door check for someone on the operation's blacklist: "reject" or "hold"."""
    probation_hours: int = 24
    """Newcomer probation (新人观察期): an ad in the first message of someone who joined less than this many hours ago is recalled and goes straight to the rule's removal step (0: off)."""
    probation_silent_days: int = 7
    """Newcomers still silent this many days after joining are listed for review (`shequn probation silent`; 0: off)."""
    raid_hold_minutes: int = 60
    """How long `shequn raid hold` mutes everyone who joined a group in the chosen last minutes."""
    second_opinion: bool = True
    """Second opinion (第二意见): a model learned daily from the operation's confirmed and overturned cases asks a person to review messages the rules let through (it never penalises; see docs/moderation-text.md)."""
    second_opinion_threshold: float = 0.9
    """Second opinion: the score (0.5 to 0.999) a message needs before a person is asked; higher asks less often and misses more."""
    second_opinion_min_cases: int = 50
    """Second opinion: confirmed cases a rule kind needs before the model says anything about that kind (10 to 100000)."""

    def __post_init__(self) -> None:
        # Checked here so that `shequn config check` (which builds the dataclass) reports it too.
        bad = set(self.exempt_roles) - {"lead", "owner", "admin", "kol", "cheer"}
        if bad:
            raise ConfigError(None, "moderation.exempt_roles", f"names unknown role(s) {sorted(bad)}",
                              "some of lead, owner, admin, kol, cheer")
        for name in ("raid_joins", "raid_seconds", "raid_cooling_minutes", "pattern_timeout_ms"):
            if getattr(self, name) <= 0:
                raise ConfigError(None, f"moderation.{name}", f"is {getattr(self, name)}", "a number above zero")
        for name, lo, hi in (("rule_budget_ms", 10, 10_000), ("rule_suspend_minutes", 1, 1440)):  # budget.py
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ConfigError(None, f"moderation.{name}", f"is {v!r}", f"a whole number from {lo} to {hi}")
        for name in ("audit_share", "precision_bar"):
            check_share(getattr(self, name), f"moderation.{name}")
        if self.raid_hold_minutes <= 0 or self.raid_hold_minutes > 30 * 24 * 60:
            raise ConfigError(None, "moderation.raid_hold_minutes", f"is {self.raid_hold_minutes}",
                              "minutes from 1 to 43200 (30 days, the longest mute platforms allow)")
        for name, hi in (("precision_min_judged", 100000), ("door_days", 3650), ("probation_hours", 24 * 90),
                         ("probation_silent_days", 365)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= hi:
                raise ConfigError(None, f"moderation.{name}", f"is {v!r}", f"a whole number from 0 to {hi}")
        if not isinstance(self.second_opinion, bool):
            raise ConfigError(None, "moderation.second_opinion", f"is {self.second_opinion!r}", "true or false")
        t = self.second_opinion_threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.5 <= t <= 0.999:
            raise ConfigError(None, "moderation.second_opinion_threshold", f"is {t!r}", "a score from 0.5 to 0.999")
        m = self.second_opinion_min_cases
        if isinstance(m, bool) or not isinstance(m, int) or not 10 <= m <= 100000:
            raise ConfigError(None, "moderation.second_opinion_min_cases", f"is {m!r}",
                              "a whole number from 10 to 100000")
        for name in ("door_recent", "door_blacklist"):
            if getattr(self, name) not in ("hold", "reject"):
                raise ConfigError(None, f"moderation.{name}", f"is {getattr(self, name)!r}", '"hold" or "reject"')


def check_share(value, field_name: str) -> float:
    """A share from 0 to 1 (0.05 is 5%); ConfigError naming the field otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(None, field_name, f"is {value!r}", "a share from 0 to 1 (0.05 is 5%)")
    return float(value)


def settings_of(ws) -> ModerationSettings:
    return load_section(ModerationSettings, ws.settings, SECTION)
