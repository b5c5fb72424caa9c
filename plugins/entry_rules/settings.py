"""The ``[entry_rules]`` config section: thresholds every entry policy shares.

Policies themselves (which admission modes, which template) live in the ``rules``
table so they can differ per group type and group; these are the operation-wide knobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import ConfigError, load_section

SECTION = "entry_rules"


@dataclass
class EntryRulesSettings:
    queue_flag_after_seconds: int = 3600
    """A join request waiting longer than this is flagged in the queue and raises a queue_waiting alert."""
    burst_count: int = 3
    """Joins in one group within burst_seconds that get one merged welcome instead of one each."""
    burst_seconds: int = 60
    """Window of a join burst; welcomes wait this long so late joiners of a burst are merged in."""
    nickname_grace_seconds: int = 3600
    """After the reminder, how long a member has to fix their group nickname before it is fixed for them."""
    referral_max_depth: int = 2
    """Deepest referral level admitted by referral entry. 2 is the legal line in China: do not raise it lightly."""
    code_typos: int = 1
    """A campaign code of 5 or more characters still counts when the answer has this many typos in it (a character missed, added, changed or two swapped; 0 = exact codes only). Shorter codes must be exact."""
    activity_close_ratio: float = 0.75
    """An answer this similar to a campaign code (0-1) but not equal is held for a person instead of rejected."""
    flash_countdown_hours: list[int] = field(default_factory=lambda: [24, 1])
    """Hours before a flash group closes at which a countdown message is posted."""
    flash_archive_after_hours: int = 24
    """Hours after a flash group closes (final message, no admissions) before it is archived."""
    flash_final_message: str = "本群活动已结束，感谢大家的参与！本群即将关闭，不再接受新成员。"
    """Final message posted when a flash group closes."""
    nickname_max_length: int = 30
    """Longest group nickname the platform accepts; a format whose shortest form is longer cannot match."""
    reject_reasons: dict[str, list[str]] = field(default_factory=dict)
    """Preset reasons offered when rejecting join requests in the console, by group type (traffic, welfare, flash) and "*" for every type; the first of "*" is the default. The applicant sees the reason. Empty: the plugin's own presets."""

    def __post_init__(self) -> None:
        for name, (low, high, what) in RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ConfigError(None, f"{SECTION}.{name}", f"is {value!r}", f"{what} from {low:,.0f} to {high:,.0f}")
        if not 0 < self.activity_close_ratio <= 1:
            raise ConfigError(None, f"{SECTION}.activity_close_ratio", f"is {self.activity_close_ratio}",
                              "a number above 0 and at most 1")
        for gtype, reasons in self.reject_reasons.items():
            if gtype not in ("*", "traffic", "welfare", "flash") or not isinstance(reasons, list) or not all(
                    isinstance(r, str) and 0 < len(r.strip()) <= 200 for r in reasons):
                raise ConfigError(None, f"{SECTION}.reject_reasons.{gtype}", f"is {reasons!r}",
                                  'a list of texts of 1 to 200 characters, under "*", traffic, welfare or flash')
        if not self.flash_countdown_hours or any(isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= 720
                                                 for h in self.flash_countdown_hours):
            raise ConfigError(None, f"{SECTION}.flash_countdown_hours", f"is {self.flash_countdown_hours}",
                              "a list of whole hours from 1 to 720")


#: Each numeric knob's workable range: (lowest, highest, what). Outside it a knob cannot do
#: its job (a flag after 0 s flags every request at once; a burst of 1 merges nothing; a
#: welcome held past an hour greets people who have long since read the chat).
RANGES: dict[str, tuple[float, float, str]] = {
    "queue_flag_after_seconds": (60, 30 * 86400, "whole seconds"),
    "burst_count": (2, 1000, "a whole number of joins"),
    "burst_seconds": (1, 3600, "whole seconds"),
    "nickname_grace_seconds": (0, 7 * 86400, "whole seconds"),
    "referral_max_depth": (1, 10, "a whole number of levels"),
    "code_typos": (0, 2, "a whole number of typos"),
    "flash_archive_after_hours": (0, 720, "whole hours"),
    "nickname_max_length": (1, 100, "a whole number of characters"),
}


def settings_of(ws) -> EntryRulesSettings:
    """The section for this workspace (kept in the plugin's state, ``ws.plugin_state``: read
    per event; a stand-in workspace without it reads the section each time)."""
    slot = getattr(ws, "plugin_state", None)
    state = slot(SECTION) if slot is not None else {}
    cached = state.get("settings")
    if cached is None:
        cached = state["settings"] = load_section(EntryRulesSettings, ws.settings, SECTION)
    return cached
