"""The ``[content]`` config section: pacing of scheduled posts, check-in replies, the
calendar's checks, and platform limits that differ from the built-in ones (limits.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from shequn import ConfigError, load_section

SECTION = "content"
PURPOSES = ("activation", "conversion", "brand")


@dataclass
class ContentSettings:
    lookahead_hours: int = 24
    """How far ahead scheduled posts are put in the outbox (each with its time). A day lets the outbox show tomorrow's posts and lets `shequn demo` queue a simulated day at once; pausing a group or editing a schedule takes back what is queued and not yet sent."""
    grace_minutes: int = 30
    """A post whose time passed by more than this before it could be queued (the engine was stopped) is skipped as missed, not sent late."""
    group_gap_seconds: int = 120
    """Least time between two scheduled posts in one group: a greeting and a topic due at the same minute go out this far apart."""
    account_spacing_seconds: float = 0.0
    """Seconds between two posts of one account (connection) due at the same time. 0: one over the account's pacing rate (its `rate`, else the connector's), so a slot for 300 groups is spread, not fired at once."""
    max_length: dict[str, int] = field(default_factory=dict)
    """The longest post per platform, overriding the built-in figures (qq 4,500 characters, wechat 4,000 bytes, douyin 1,000 characters, sandbox 2,000 characters), e.g. { qq = 3000 }."""
    daily_posts: dict[str, int] = field(default_factory=dict)
    """Scheduled posts a group may receive per day, per platform, overriding the built-in caps (wechat 1: WeCom lets a customer group receive one mass send a day), e.g. { douyin = 5 }."""
    reply_burst_seconds: int = 60
    """Check-in replies wait this long after a group's first check-in, so a morning's check-ins get one merged reply."""
    reply_burst_count: int = 3
    """Check-ins in one burst that get one merged reply instead of one each."""
    collision_days: int = 7
    """The calendar flags the same library item planned twice in one family (or group type) within this many days."""
    purpose_target: dict[str, float] = field(default_factory=lambda: {"activation": 0.6, "conversion": 0.3,
                                                                        "brand": 0.1})
    """The month's purpose mix to aim for (shares of planned topics, summing to 1): activation high, conversion medium, brand low."""
    topic_window_minutes: int = 120
    """How long a posted topic's participation is tracked (messages and distinct speakers per minute)."""
    link_fallback_minutes: int = 60
    """A topic's product link goes out at the peak of participation, or this many minutes after the topic at the latest."""
    link_template: str = "{product} 戳这里 👉 {link}"
    """The post that carries a topic's product link: {product} {link}."""
    topic_time: str = "20:00"
    """The time of day (HH:MM, workspace time zone) a calendar topic is posted when its entry names none."""
    script_window_minutes: int = 60
    """How long after a script's post (or welcome) members' replies count towards its version: replies within an hour."""
    intro_prompt: str = "欢迎新朋友 {names} 加入{group}！来做个自我介绍吧：城市-职业-爱好，让大家认识你～"
    """The self-introduction prompt (自我介绍) posted after the welcome, naming the newcomers due together: {names} {group}. Empty: no prompt (introductions are still tracked)."""
    intro_delay_seconds: int = 180
    """The prompt waits this long after a join, so it follows the welcome (which waits for its burst) and names a burst's newcomers once."""
    intro_hours: int = 24
    """A newcomer's first message within this many hours of joining that reads as an introduction (intro_min_chars characters or more, with a word such as 我是, 来自, 坐标, 爱好) counts as their self-introduction."""
    intro_min_chars: int = 6
    """The shortest message that counts as a self-introduction (a "hi" does not)."""
    question_minutes: int = 10
    """A member's question that no insider (or keyword reply) answered within this many minutes goes to the owner's queue."""
    question_stale_hours: int = 24
    """A question still unanswered after this many hours leaves the queue as stale (the task is dismissed)."""
    question_task_min: int = 5
    """A group's unanswered questions reach the owner's queue once this many asked within an hour wait at once (each later one joins the task): a question or two the staff missed is the staff's to pick up; five waiting says the group is unattended. 1 puts every unanswered question there."""

    def __post_init__(self) -> None:
        for name, (low, high, what) in RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ConfigError(None, f"{SECTION}.{name}", f"is {value!r}", f"{what} from {low:,.0f} to {high:,.0f}")
        for key in ("max_length", "daily_posts"):
            for platform, n in getattr(self, key).items():
                if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100_000:
                    raise ConfigError(None, f"{SECTION}.{key}.{platform}", f"is {n!r}", "a whole number from 1 to 100,000")
        t = self.purpose_target
        if set(t) != set(PURPOSES) or any(isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0
                                          for v in t.values()) or abs(sum(t.values()) - 1) > 0.001:
            raise ConfigError(None, f"{SECTION}.purpose_target", f"is {t!r}",
                              "shares of activation, conversion and brand, each 0 or more, summing to 1")
        if self.link_fallback_minutes > self.topic_window_minutes:
            raise ConfigError(None, f"{SECTION}.link_fallback_minutes", f"is {self.link_fallback_minutes}",
                              f"at most topic_window_minutes ({self.topic_window_minutes}): the link goes out while "
                              "the topic is tracked")
        import string

        try:
            names = {n for _, n, _, _ in string.Formatter().parse(self.link_template) if n is not None}
        except ValueError:
            names = {"?"}
        if "link" not in names or names - {"link", "product"} or len(self.link_template) > 300:
            raise ConfigError(None, f"{SECTION}.link_template", f"is {self.link_template!r}",
                              "a text of at most 300 characters with {link} in it ({product} may be used too)")
        if self.intro_prompt:
            try:
                names = {n for _, n, _, _ in string.Formatter().parse(self.intro_prompt) if n is not None}
            except ValueError:
                names = {"?"}
            if names - {"names", "group"} or len(self.intro_prompt) > 500:
                raise ConfigError(None, f"{SECTION}.intro_prompt", f"is {self.intro_prompt!r}",
                                  "a text of at most 500 characters using only {names} and {group}, or empty")
        if not _hhmm(self.topic_time):
            raise ConfigError(None, f"{SECTION}.topic_time", f"is {self.topic_time!r}", "a time of day HH:MM, 00:00 to 23:59")


def _hhmm(text: str) -> bool:
    parts = text.split(":")
    return (len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
            and int(parts[0]) < 24 and int(parts[1]) < 60)


#: Each knob's workable range (lowest, highest, what): a lookahead under an hour misses the
#: demo's daily job; a gap of a day would let one post a day through.
RANGES: dict[str, tuple[float, float, str]] = {
    "lookahead_hours": (1, 72, "whole hours"),
    "grace_minutes": (1, 24 * 60, "whole minutes"),
    "group_gap_seconds": (0, 3600, "whole seconds"),
    "account_spacing_seconds": (0, 600, "seconds"),
    "reply_burst_seconds": (1, 3600, "whole seconds"),
    "reply_burst_count": (2, 1000, "a whole number of check-ins"),
    "collision_days": (1, 90, "whole days"),
    "topic_window_minutes": (10, 24 * 60, "whole minutes"),
    "link_fallback_minutes": (5, 24 * 60, "whole minutes"),
    "script_window_minutes": (5, 24 * 60, "whole minutes"),
    "intro_delay_seconds": (0, 3600, "whole seconds"),
    "intro_hours": (1, 7 * 24, "whole hours"),
    "intro_min_chars": (1, 100, "whole characters"),
    "question_minutes": (1, 24 * 60, "whole minutes"),
    "question_stale_hours": (1, 30 * 24, "whole hours"),
    "question_task_min": (1, 1000, "whole questions"),
}


def state_of(ws) -> dict:
    """This plugin's slot on the workspace (``ws.plugin_state("content")``): what it keeps
    between batches (the parsed section, compiled rules, the next prompt due). A stand-in
    workspace without the slot gets a fresh dict each time: nothing is kept, all is read."""
    slot = getattr(ws, "plugin_state", None)
    return slot(SECTION) if slot is not None else {}


def settings_of(ws) -> ContentSettings:
    """The section for this workspace (kept in the plugin's state: read per batch)."""
    state = state_of(ws)
    cached = state.get("settings")
    if cached is None:
        cached = state["settings"] = load_section(ContentSettings, ws.settings, SECTION)
    return cached
