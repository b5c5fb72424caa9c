"""The ``[qq]`` section of config.toml: what the QQ plugin decides without a person."""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import ConfigError, load_section

SECTION = "qq"


@dataclass
class QQSettings:
    accept_invitations_from: list[str] = field(default_factory=list)
    """Whose invitations of the bot into a group are accepted without asking: QQ numbers (the operators' own accounts), or "staff" (people marked staff, or holding the lead, owner or admin role). Empty (the default): every invitation waits for a person (`shequn invitations`)."""

    def __post_init__(self) -> None:
        # Checked here so that `shequn config check` (which builds the dataclass) reports it too.
        for entry in self.accept_invitations_from:
            if not isinstance(entry, str) or not (entry == "staff" or (entry.isdigit() and 5 <= len(entry) <= 12)):
                raise ConfigError(None, f"{SECTION}.accept_invitations_from", f"has {entry!r}",
                                  'QQ numbers (5 to 12 digits, as strings) or "staff"')


def settings_of(ws) -> QQSettings:
    return load_section(QQSettings, ws.settings, SECTION)
