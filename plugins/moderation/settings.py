"""The ``[moderation]`` section of config.toml."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.config import ConfigError, load_section

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
    warning_template: str = ""
    """Text of the warning sent to a member, with {rule} (the rule in neutral words) and {next} (the next step). Empty: the built-in text in the console language."""

    def __post_init__(self) -> None:
        # Checked here so that `shequn config check` (which builds the dataclass) reports it too.
        bad = set(self.exempt_roles) - {"lead", "owner", "admin", "kol", "cheer"}
        if bad:
            raise ConfigError(None, "moderation.exempt_roles", f"names unknown role(s) {sorted(bad)}",
                              "some of lead, owner, admin, kol, cheer")
        for name in ("raid_joins", "raid_seconds", "raid_cooling_minutes", "pattern_timeout_ms"):
            if getattr(self, name) <= 0:
                raise ConfigError(None, f"moderation.{name}", f"is {getattr(self, name)}", "a number above zero")


def settings_of(ws) -> ModerationSettings:
    return load_section(ModerationSettings, ws.settings, SECTION)
