"""Rule kinds (ads, abuse, flood, off_topic, custom, scam): their config, checked when saved.

A rule's config is JSON in the core ``rules`` table. ``validate`` returns the config
normalised (defaults filled, ladder steps as dicts) or raises ValueError naming the key
and what is wrong, so a bad rule is refused before it is stored. The capability check
(can the platforms of the groups in scope do each ladder step?) needs the workspace and
lives in :mod:`plugins.moderation.rulestore`.
"""

from __future__ import annotations

import copy
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a custom pattern is compiled: regex costs start-up time
    import regex

from shequn import RuleKind

from .abuse import check_config as check_abuse

from .links import entry_problem as _domain_problem
from .scams import NAMES as SCAM_FAMILIES

KINDS = ("ads", "abuse", "flood", "off_topic", "custom", "scam")
STEPS = ("warn", "mute", "kick", "blacklist")
ROLES = ("lead", "owner", "admin", "kol", "cheer")
SCOPES = ("group", "family", "all")

#: What each ladder step asks the platform to do (the capability is ACTION_CAPABILITY[kind]).
STEP_ACTION = {"warn": "send", "mute": "mute", "kick": "kick", "blacklist": "kick"}

#: Neutral words for the rule, shown to members in warnings: never the offending text.
PUBLIC_TITLE = {
    "ads": "no advertising",
    "abuse": "be respectful to other members",
    "flood": "no flooding",
    "off_topic": "keep to the group's theme",
    "custom": "the group rules",
    "scam": "no scams or requests for money",
}

COMMON_DEFAULTS: dict[str, Any] = {
    "ladder": [{"step": "warn"}],
    "window_days": 30,
    "recall": False,
    "penalty_scope": "group",
    "exempt_roles": None,  # None: [moderation] exempt_roles
    "allow_people": [],
    "allow_text": [],
    "on_unsupported": "refuse",
    "public_title": "",
    "precision_bar": None,  # None: [moderation] precision_bar
    "audit_share": None,  # None: [moderation] audit_share
}

KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "ads": {"links": True, "qr": True, "phones": True, "wechat_ids": True, "cards": True,
            "qq_ids": True, "bank_cards": True, "own_number_ok": True, "keywords": [], "recall": True,
            "allow_domains": [], "pitches": True},
    "abuse": {"words": [], "lexicon": False, "lexicon_file": "", "severity_ladders": {}, "recall": True},
    "flood": {"max_messages": 8, "seconds": 10, "repeat": 4},
    "off_topic": {"themes": {}},
    "custom": {"patterns": [], "timeout_ms": 20},
    "scam": {"families": list(SCAM_FAMILIES), "recall": True},
}

#: what an ads rule can look for, each switched on or off (own_number_ok qualifies phones;
#: pitches are ads without a channel, plugins/moderation/pitches.py)
AD_CHANNELS = ("links", "qr", "phones", "wechat_ids", "cards", "qq_ids", "bank_cards", "pitches")

# Probes a custom pattern must get through within its time limit when saved: the classic
# shapes that make backtracking engines explode ((a+)+$ on "aaaa...!").
_PROBES = ("a" * 3000 + "!", "1" * 3000 + "x", " " * 3000 + "!", "ab" * 1500 + "!", "好" * 3000 + "!")


def _err(kind: str, key: str, problem: str) -> ValueError:
    return ValueError(f"{kind} rule: {key}: {problem}")


def _str_list(kind: str, key: str, value: Any, *, non_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(kind, key, f"is {value!r}, expected a list of strings")
    out = [v.strip() for v in value if v.strip()]
    if non_empty and not out:
        raise _err(kind, key, "is empty; give at least one entry")
    return out


def _positive_int(kind: str, key: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(kind, key, f"is {value!r}, expected a whole number")
    if value < minimum:
        if value == 0:
            raise _err(kind, key, f"is 0; a window or count of zero would never (or always) fire, expected at least {minimum}")
        raise _err(kind, key, f"is {value}, expected at least {minimum}")
    return value


def parse_step(kind: str, i: int, step: Any) -> dict[str, Any]:
    """A ladder step: {"step": "mute", "minutes": 10} or the short form "mute:10"."""
    if isinstance(step, str):
        name, _, arg = step.partition(":")
        step = {"step": name.strip()}
        if arg:
            try:
                step["minutes"] = int(arg)
            except ValueError:
                raise _err(kind, f"ladder[{i}]", f"{arg!r} is not a number of minutes") from None
    if not isinstance(step, dict):
        raise _err(kind, f"ladder[{i}]", f"is {step!r}, expected a step such as \"warn\", \"mute:10\" or \"kick\"")
    name = step.get("step")
    if name not in STEPS:
        raise _err(kind, f"ladder[{i}].step", f"is {name!r}, expected one of {', '.join(STEPS)}")
    extra = set(step) - {"step", "minutes"}
    if extra:
        raise _err(kind, f"ladder[{i}]", f"unknown key(s) {sorted(extra)}")
    out = {"step": name}
    if name == "mute":
        out["minutes"] = _positive_int(kind, f"ladder[{i}].minutes", step.get("minutes", 10))
        if out["minutes"] > 30 * 24 * 60:
            raise _err(kind, f"ladder[{i}].minutes", "is longer than 30 days, the longest mute platforms allow")
    elif "minutes" in step:
        raise _err(kind, f"ladder[{i}].minutes", f"only a mute step has minutes, not {name}")
    return out


def compile_custom(pattern: str, timeout_ms: int, where: str = "custom rule: patterns") -> regex.Pattern:
    """Compile a custom pattern and prove it cannot hang: it must finish the probes in time."""
    import regex

    try:
        rx = regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except regex.error as e:
        raise ValueError(f"{where}: {pattern!r} does not compile: {e}") from None
    if rx.search(""):
        raise ValueError(f"{where}: {pattern!r} matches an empty message, so it would catch every message")
    from .budget import pattern_probes  # texts built from the pattern itself: (c|cc)+d gets c...c!

    for probe in _PROBES + tuple(pattern_probes(pattern)):
        try:
            rx.search(probe, timeout=timeout_ms / 1000)
        except TimeoutError:
            raise ValueError(
                f"{where}: {pattern!r} took longer than {timeout_ms} ms on a 3,000-character message "
                "(nested repetition such as (a+)+ backtracks catastrophically); rewrite it without nested repeats"
            ) from None
    return rx


def validate(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check a rule's config; ValueError says which key and why."""
    if kind not in KINDS:
        raise ValueError(f"unknown rule kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not isinstance(config, dict):
        raise ValueError(f"{kind} rule: the config must be a JSON object, got {type(config).__name__}")
    known = set(COMMON_DEFAULTS) | set(KIND_DEFAULTS[kind])
    unknown = set(config) - known
    if unknown:
        raise _err(kind, ", ".join(sorted(unknown)), f"not a setting of this kind; expected some of {', '.join(sorted(known))}")
    cfg = copy.deepcopy(COMMON_DEFAULTS)
    cfg.update(copy.deepcopy(KIND_DEFAULTS[kind]))
    cfg.update(copy.deepcopy(config))

    ladder = cfg["ladder"]
    if not isinstance(ladder, list) or not ladder:
        raise _err(kind, "ladder", f"is {ladder!r}, expected a non-empty list of steps")
    cfg["ladder"] = [parse_step(kind, i, s) for i, s in enumerate(ladder)]
    cfg["window_days"] = _positive_int(kind, "window_days", cfg["window_days"])
    if not isinstance(cfg["recall"], bool):
        raise _err(kind, "recall", f"is {cfg['recall']!r}, expected true or false")
    if cfg["penalty_scope"] not in SCOPES:
        raise _err(kind, "penalty_scope", f"is {cfg['penalty_scope']!r}, expected one of {', '.join(SCOPES)}")
    if cfg["exempt_roles"] is not None:
        roles = _str_list(kind, "exempt_roles", cfg["exempt_roles"])
        bad = [r for r in roles if r not in ROLES]
        if bad:
            raise _err(kind, "exempt_roles", f"unknown role(s) {bad}, expected some of {', '.join(ROLES)}")
        cfg["exempt_roles"] = roles
    if not isinstance(cfg["allow_people"], list) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in cfg["allow_people"]):
        raise _err(kind, "allow_people", f"is {cfg['allow_people']!r}, expected a list of person ids")
    cfg["allow_text"] = [t.lower() for t in _str_list(kind, "allow_text", cfg["allow_text"])]
    if cfg["on_unsupported"] not in ("refuse", "task"):
        raise _err(kind, "on_unsupported", f"is {cfg['on_unsupported']!r}, expected \"refuse\" or \"task\"")
    if not isinstance(cfg["public_title"], str):
        raise _err(kind, "public_title", "must be text")
    for key in ("precision_bar", "audit_share"):
        v = cfg[key]
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1):
            raise _err(kind, key, f"is {v!r}, expected a share from 0 to 1 (0.05 is 5%), or null for [moderation] {key}")

    if kind == "ads":
        for key in AD_CHANNELS + ("own_number_ok",):
            if not isinstance(cfg[key], bool):
                raise _err(kind, key, f"is {cfg[key]!r}, expected true or false")
        cfg["keywords"] = _str_list(kind, "keywords", cfg["keywords"])
        cfg["allow_domains"] = _str_list(kind, "allow_domains", cfg["allow_domains"])
        for i, d in enumerate(cfg["allow_domains"]):
            if _domain_problem(d):
                raise _err(kind, f"allow_domains[{i}]", f"{_domain_problem(d)}; expected a registrable domain such as "
                                                         "jd.com or a suffix such as .gov.cn")
        if not any(cfg[k] for k in AD_CHANNELS) and not cfg["keywords"]:
            raise _err(kind, "/".join(AD_CHANNELS + ("keywords",)), "everything is off, so the rule can never fire")
    elif kind == "abuse":
        cfg["words"] = _str_list(kind, "words", cfg["words"])
        check_abuse(cfg)  # lexicon, lexicon_file, words' classes, severity_ladders (abuse.py)
    elif kind == "flood":
        cfg["max_messages"] = _positive_int(kind, "max_messages", cfg["max_messages"], 2)
        cfg["seconds"] = _positive_int(kind, "seconds", cfg["seconds"])
        if isinstance(cfg["repeat"], bool) or not isinstance(cfg["repeat"], int) or cfg["repeat"] == 1 or cfg["repeat"] < 0:
            raise _err(kind, "repeat", f"is {cfg['repeat']!r}, expected 0 (off) or a count of 2 or more")
    elif kind == "off_topic":
        themes = cfg["themes"]
        if not isinstance(themes, dict) or not themes:
            raise _err(kind, "themes", "expected a table of group theme -> list of off-topic keywords "
                                       "(use \"*\" for every theme)")
        cfg["themes"] = {str(t): _str_list(kind, f"themes.{t}", w, non_empty=True) for t, w in themes.items()}
    elif kind == "scam":
        fams = _str_list(kind, "families", cfg["families"], non_empty=True)
        bad = [f for f in fams if f not in SCAM_FAMILIES]
        if bad:
            raise _err(kind, "families", f"unknown famil(ies) {bad}, expected some of {', '.join(SCAM_FAMILIES)}")
        cfg["families"] = fams
    elif kind == "custom":
        cfg["timeout_ms"] = _positive_int(kind, "timeout_ms", cfg["timeout_ms"])
        if cfg["timeout_ms"] > 1000:
            raise _err(kind, "timeout_ms", "is above 1000 ms; one pattern must not hold ingest that long")
        cfg["patterns"] = _str_list(kind, "patterns", cfg["patterns"], non_empty=True)
        for i, p in enumerate(cfg["patterns"]):
            compile_custom(p, cfg["timeout_ms"], f"custom rule: patterns[{i}]")
    return cfg


def _english(text: str, **values: Any) -> str:
    return text.format(**values) if values else text


def describe(kind: str, cfg: dict[str, Any], t: Any = _english) -> str:
    """One line for tables: what the rule catches and its ladder; in the console's language
    with its ``t`` (the Rules tab), in English for the CLI and the stored summary."""
    def steps(ladder: list[dict[str, Any]]) -> str:
        return " -> ".join(t("mute {m}m", m=s["minutes"]) if s["step"] == "mute" else t(s["step"]) for s in ladder)

    comma, semi = t(", "), t("; ")
    ladder = steps(cfg.get("ladder", []))
    if kind == "ads":
        what = [t(k.replace("_", " ")) for k in AD_CHANNELS if cfg.get(k)]
        if cfg.get("keywords"):
            what.append(t("{n} keywords", n=len(cfg["keywords"])))
        catch = comma.join(what)
    elif kind == "abuse":
        catch = comma.join(x for x in (t("built-in lexicon") if cfg.get("lexicon") else "",
                                       cfg.get("lexicon_file") or "",
                                       t("{n} words", n=len(cfg["words"])) if cfg.get("words") else "") if x)
        ladder += "".join(f"{semi}{t(sev)}{t(': ')}{steps(s)}" for sev, s in (cfg.get("severity_ladders") or {}).items())
    elif kind == "flood":
        catch = t("{n} msgs in {s}s", n=cfg.get("max_messages"), s=cfg.get("seconds")) + (
            comma + t("same text x{n}", n=cfg["repeat"]) if cfg.get("repeat") else "")
    elif kind == "off_topic":
        catch = t("{n} themes", n=len(cfg.get("themes", {})))
    elif kind == "scam":
        catch = t("{n} scam patterns", n=len(cfg.get("families", [])))
    else:
        catch = t("{n} patterns", n=len(cfg.get("patterns", [])))
    return (f"{catch}{semi}" + t("{ladder} within {days}d", ladder=ladder, days=cfg.get("window_days"))
            + semi + t("scope {scope}", scope=t({"all": "all groups"}.get(cfg.get("penalty_scope"), str(cfg.get("penalty_scope"))))))


def rule_kinds() -> list[RuleKind]:
    titles = {"ads": "Ads", "abuse": "Abuse", "flood": "Flooding", "off_topic": "Off-topic", "custom": "Custom pattern",
              "scam": "Scams"}
    return [RuleKind(name=k, title=titles[k], validate=(lambda cfg, _k=k: validate(_k, cfg)),
                     describe=(lambda cfg, _k=k: describe(_k, cfg))) for k in KINDS]


def builtin_rules() -> list[dict[str, Any]]:
    """The rule set seeded into a new workspace: enabled, so the demo shows cases.

    Ads: a warning, then removal from the whole operation with a blacklist entry (an
    advertiser who ignored one warning will try every group); the polite ads' "DM me"
    phrases are keywords too. Flood: muted 10, then 60 minutes, then removed, within a
    week. Abuse, by severity (plugins/moderation/abuse.py): profanity in passing is warned, an
    insult warned then muted then removed, an insult aimed at a person muted then removed. Scams: removal at the first one (a fraud script is
    never a slip). The warnings and mutes settle by themselves; the
    removals wait for a person."""
    return [
        {"name": "ads", "kind": "ads",
         "config": {"ladder": ["warn", "blacklist"], "window_days": 30, "recall": True, "penalty_scope": "all",
                    "keywords": ["加我私聊", "私聊我", "私我", "私信我", "找我聊", "免费领取", "兼职日结", "刷单",
                                 "代理加盟", "低价出", "返利", "扫码进群", "扫描二维码", "月入过万", "代开发票", "高仿",
                                 "厂家直销"],
                    # couriers' tracking pages: members share them when a parcel is late; not ads
                    "allow_text": ["sf-express.com", "kuaidi100.com", "cainiao.com", "zto.com", "yto.net.cn",
                                   "sto.cn", "ems.com.cn", "yundaex.com", "jdl.com"],
                    "on_unsupported": "task"}},
        # scams (plugins/moderation/scams.py): a claim and a demand in one message; removal from
        # every group at once, which waits for a person, with the family and both spans kept
        {"name": "scam", "kind": "scam",
         "config": {"ladder": ["kick"], "window_days": 30, "recall": True, "penalty_scope": "all",
                    "on_unsupported": "task"}},
        {"name": "flood", "kind": "flood",
         "config": {"ladder": ["mute:10", "mute:60", "kick"], "max_messages": 8, "seconds": 10, "repeat": 4,
                    "window_days": 7, "on_unsupported": "task"}},
        {"name": "abuse", "kind": "abuse",
         "config": {"ladder": ["warn", "mute:60", "kick"], "window_days": 30, "recall": True, "lexicon": True,
                    "severity_ladders": {"passing": ["warn", "warn", "mute:10"], "aimed": ["mute:60", "kick"]},
                    "on_unsupported": "task"}},
    ]
