"""Entry policies: their kinds, how they are validated, saved and found for a group.

A policy is a row of the core ``rules`` table (plugin ``entry_rules``) with a kind
(admission / nickname / welcome / overflow), a scope (all groups, a group type, one
group) and a JSON config checked by the kind's validator when saved. The most specific
enabled policy wins: group over type over all. Validators only see the config; checks
that need the workspace (orders data for paid entry) run in :func:`save_policy` and
:func:`checks.check_policies`, so ``shequn entry check`` and saving agree.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from shequn import RuleKind

from .nickname_format import FormatError, compile_format
from .templates import MERGED_VARS, REMINDER_VARS, WELCOME_VARS, TemplateError, fields_of

PLUGIN = "entry_rules"
KINDS = ("admission", "nickname", "welcome", "overflow")
MODES = ("open", "invite", "referral", "activity", "paid")
GROUP_TYPES = ("traffic", "welfare", "flash")
SCENES = ("invite", "approve", "qr", "link", "sync", "unknown")

DEFAULT_REMINDER = ("@{nickname} 欢迎！请把群名片改成「{format}」的格式，例如「{example}」。"
                    "{grace_minutes} 分钟后未修改将由管理员代为修改。")
DEFAULT_MERGED = "欢迎 {nicknames} 等 {count} 位新朋友加入「{group}」！{rules}"


class PolicyError(ValueError):
    """A policy that cannot be saved, or a verb's request refused; the message says which
    key and why. Raised as ``PolicyError.of(template, **values)``, it keeps its template,
    so the CLI says it in the workspace's language (cli._run, through ws.tr and
    translations.py) while ``str()`` stays the English a script or the log reads."""

    template = ""
    values: dict[str, Any] = {}

    @classmethod
    def of(cls, template: str, **values: Any) -> "PolicyError":
        e = cls(template.format(**values))
        e.template, e.values = template, values
        return e


def _only(config: dict[str, Any], known: set[str], kind: str) -> None:
    if not isinstance(config, dict):
        raise PolicyError(f"{kind} policy: config must be a JSON object, got {type(config).__name__}")
    extra = sorted(set(config) - known)
    if extra:
        raise PolicyError(f"{kind} policy: unknown key {extra[0]!r}; known keys: {', '.join(sorted(known))}")


def _str_list(config: dict[str, Any], key: str, kind: str) -> list[str]:
    value = config.get(key, [])
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PolicyError(f"{kind} policy: {key} must be a list of non-empty texts")
    return [v.strip() for v in value]


def validate_admission(config: dict[str, Any]) -> dict[str, Any]:
    known = {"modes", "combine", "on_fail", "codes", "keywords", "activities", "products", "min_amount",
             "paid_within_days", "referrer_scope"}
    _only(config, known, "admission")
    modes = _str_list(config, "modes", "admission")
    if not modes:
        raise PolicyError("admission policy: modes is empty; choose from " + ", ".join(MODES))
    for m in modes:
        if m not in MODES:
            raise PolicyError(f"admission policy: unknown mode {m!r}; choose from {', '.join(MODES)}")
    combine = config.get("combine", "any")
    if combine not in ("any", "all"):
        raise PolicyError(f"admission policy: combine is {combine!r}; expected 'any' or 'all'")
    on_fail = config.get("on_fail", "reject")
    if on_fail not in ("reject", "hold"):
        raise PolicyError(f"admission policy: on_fail is {on_fail!r}; expected 'reject' or 'hold'")
    codes = _str_list(config, "codes", "admission")
    keywords = _str_list(config, "keywords", "admission")
    activities = _str_list(config, "activities", "admission")
    if "activity" in modes and not (codes or keywords or activities):
        raise PolicyError("admission policy: activity entry needs codes, keywords or activities to check against")
    products = _str_list(config, "products", "admission")
    min_amount = config.get("min_amount", 0)
    if isinstance(min_amount, bool) or not isinstance(min_amount, (int, float)) or min_amount < 0:
        raise PolicyError(f"admission policy: min_amount is {min_amount!r}; expected a number of 0 or more")
    within = config.get("paid_within_days", 0)
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        raise PolicyError(f"admission policy: paid_within_days is {within!r}; expected whole days (0 = any time)")
    scope = config.get("referrer_scope", "operation")
    if scope not in ("operation", "family", "group"):
        raise PolicyError(f"admission policy: referrer_scope is {scope!r}; expected operation, family or group")
    if "open" in modes and len(modes) > 1 and combine == "any":
        raise PolicyError("admission policy: 'open' with combine 'any' admits everyone; use 'open' alone")
    return {"modes": modes, "combine": combine, "on_fail": on_fail, "codes": codes, "keywords": keywords,
            "activities": activities, "products": products, "min_amount": float(min_amount),
            "paid_within_days": within, "referrer_scope": scope}


def validate_nickname(config: dict[str, Any], max_length: int = 30) -> dict[str, Any]:
    known = {"template", "fields", "defaults", "example", "reminder", "auto_fix"}
    _only(config, known, "nickname")
    fields = config.get("fields", {}) or {}
    defaults = config.get("defaults", {}) or {}
    if not isinstance(fields, dict) or not isinstance(defaults, dict):
        raise PolicyError("nickname policy: fields and defaults must be JSON objects (field name -> text)")
    try:
        fmt = compile_format(config.get("template", ""), fields, example=config.get("example", "") or "",
                             max_length=max_length)
    except FormatError as e:
        raise PolicyError(f"nickname policy: {e}") from None
    for k in defaults:
        if k not in fmt.names:
            raise PolicyError(f"nickname policy: defaults names {k!r}, which is not a field of {fmt.template!r}")
    reminder = config.get("reminder") or DEFAULT_REMINDER
    try:
        fields_of(reminder, REMINDER_VARS, "nickname reminder")
    except TemplateError as e:
        raise PolicyError(f"nickname policy: {e}") from None
    auto_fix = config.get("auto_fix", True)
    if not isinstance(auto_fix, bool):
        raise PolicyError("nickname policy: auto_fix must be true or false")
    return {"template": fmt.template, "fields": fields, "defaults": {k: str(v) for k, v in defaults.items()},
            "example": fmt.example, "reminder": reminder, "auto_fix": auto_fix}


def validate_welcome(config: dict[str, Any]) -> dict[str, Any]:
    known = {"template", "merged_template", "audience", "rules_text"}
    _only(config, known, "welcome")
    try:
        fields_of(config.get("template", ""), WELCOME_VARS, "welcome template")
        merged = config.get("merged_template") or DEFAULT_MERGED
        fields_of(merged, MERGED_VARS, "merged welcome template")
    except TemplateError as e:
        raise PolicyError(f"welcome policy: {e}") from None
    audience = config.get("audience", {}) or {}
    if not isinstance(audience, dict):
        raise PolicyError("welcome policy: audience must be an object such as {\"scene\": [\"invite\"]}")
    _only(audience, {"scene", "referred"}, "welcome audience")
    out_aud: dict[str, Any] = {}
    if "scene" in audience:
        scenes = _str_list(audience, "scene", "welcome audience")
        for s in scenes:
            if s not in SCENES:
                raise PolicyError(f"welcome policy: audience scene {s!r} is unknown; choose from {', '.join(SCENES)}")
        out_aud["scene"] = scenes
    if "referred" in audience:
        if not isinstance(audience["referred"], bool):
            raise PolicyError("welcome policy: audience referred must be true or false")
        out_aud["referred"] = audience["referred"]
    rules_text = config.get("rules_text", "")
    if not isinstance(rules_text, str):
        raise PolicyError("welcome policy: rules_text must be text")
    return {"template": config["template"], "merged_template": merged, "audience": out_aud, "rules_text": rules_text}


def validate_overflow(config: dict[str, Any]) -> dict[str, Any]:
    known = {"threshold", "auto_create", "name_pattern"}
    _only(config, known, "overflow")
    t = config.get("threshold", 1.0)
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
        raise PolicyError(f"overflow policy: threshold is {t!r}; expected a share of capacity above 0, at most 1 "
                          "(0.95 routes newcomers on when a group is 95% full)")
    auto = config.get("auto_create", True)
    if not isinstance(auto, bool):
        raise PolicyError("overflow policy: auto_create must be true or false")
    pattern = config.get("name_pattern", "{family} {n}")
    try:
        fields_of(pattern, {"family", "n", "template"}, "sibling name pattern")
    except TemplateError as e:
        raise PolicyError(f"overflow policy: {e}") from None
    return {"threshold": float(t), "auto_create": auto, "name_pattern": pattern}


#: an admission mode's name in a policy's summary (its own key: "open" alone is a case's state)
MODE_WORDS = {"open": "open entry", "invite": "invite-only", "referral": "referral", "activity": "activity code",
              "paid": "paid entry"}


def _english(text: str, **values: Any) -> str:
    return text.format(**values) if values else text


def describe_policy(kind: str, c: dict[str, Any], t: Any = _english) -> str:
    """A policy in one line (the CLI's English, the Workflows screen's words with its ``t``)."""
    if kind == "admission":
        modes = " / ".join(t(MODE_WORDS.get(m, m)) for m in c.get("modes", []))
        return t("{modes} (all of them)" if c.get("combine") == "all" else "{modes} (any of them)", modes=modes)
    if kind == "overflow":
        return t("at {share} of capacity", share=f"{c.get('threshold', 1.0):.0%}")
    return c.get("template", "")


def rule_kinds() -> list[RuleKind]:
    return [RuleKind(kind, title, check, (lambda c, _k=kind: describe_policy(_k, c)))
            for kind, title, check in (("admission", "Admission", validate_admission),
                                       ("nickname", "Nickname format", validate_nickname),
                                       ("welcome", "Welcome message", validate_welcome),
                                       ("overflow", "Overflow to sibling groups", validate_overflow))]


VALIDATORS = {"admission": validate_admission, "nickname": validate_nickname, "welcome": validate_welcome,
              "overflow": validate_overflow}


# --- scopes -------------------------------------------------------------------------


def parse_scope(ws, scope: str) -> tuple[str, str]:
    """'all', 'type:welfare' or 'group:<id or exact name>' -> (scope_type, scope_value)."""
    scope = (scope or "all").strip()
    if scope == "all":
        return "all", ""
    kind, _, value = scope.partition(":")
    if kind == "type":
        if value not in GROUP_TYPES:
            raise PolicyError.of("scope {scope!r}: unknown group type {value!r}; choose from {choices}", scope=scope,
                                 value=value, choices=", ".join(GROUP_TYPES))
        return "type", value
    if kind == "group":
        gid = find_group(ws, value)
        return "group", str(gid)
    raise PolicyError.of("scope {scope!r}: expected all, type:<traffic|welfare|flash> or group:<id or name>", scope=scope)


def find_group(ws, ref: str | int) -> int:
    """A group's local id from its id, platform id or exact name; PolicyError when unknown or ambiguous."""
    ref = str(ref).strip()
    if ref.isdigit():
        row = ws.store.one("SELECT id FROM groups WHERE id = ?", (int(ref),))
        if row:
            return row["id"]
    rows = ws.store.query("SELECT id FROM groups WHERE platform_group_id = ? OR name = ?", (ref, ref))
    if len(rows) == 1:
        return rows[0]["id"]
    if len(rows) > 1:
        raise PolicyError.of("group {ref!r} is ambiguous ({n} groups match); use its id", ref=ref, n=len(rows))
    raise PolicyError.of("no group {ref!r} (give its id, platform id or exact name; see `shequn entry families`)",
                         ref=ref)


# --- reading ------------------------------------------------------------------------------


_CACHE: "weakref.WeakKeyDictionary[Any, tuple[str, dict[str, list[dict[str, Any]]]]]" = weakref.WeakKeyDictionary()


def _rows(ws, kind: str) -> list[dict[str, Any]]:
    """The enabled policies of ``kind``, parsed. Every join looks several up, so they are
    kept per workspace until the rules' version token changes (any edit, any process).
    The rows are shared: read them, never change them."""
    version = ws.store.rules_version()
    cached = _CACHE.get(ws)
    if cached is None or cached[0] != version:
        cached = _CACHE[ws] = (version, {})
    rows = cached[1].get(kind)
    if rows is None:
        rows = ws.store.query("SELECT * FROM rules WHERE plugin = ? AND kind = ? AND enabled = 1 ORDER BY id",
                              (PLUGIN, kind))
        for r in rows:
            r["config"] = json.loads(r["config"] or "{}")
        cached[1][kind] = rows
    return rows


def _rank(rule: dict[str, Any], group: dict[str, Any]) -> int | None:
    st, sv = rule["scope_type"], rule["scope_value"]
    if st == "group":
        return 3 if sv == str(group["id"]) else None
    if st == "type":
        return 2 if sv == group["type"] else None
    return 1


def policy_for(ws, group: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The enabled policy of ``kind`` for ``group`` (a groups row): group over type over all."""
    best, best_rank = None, 0
    for r in _rows(ws, kind):
        rank = _rank(r, group)
        if rank and rank > best_rank:
            best, best_rank = r, rank
    return best


def policies_at_best_scope(ws, group: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """All enabled policies of ``kind`` at the most specific scope that has any (welcomes per audience)."""
    ranked = [(rank, r) for r in _rows(ws, kind) if (rank := _rank(r, group))]
    if not ranked:
        return []
    top = max(rank for rank, _ in ranked)
    return [r for rank, r in ranked if rank == top]


def group_row(ws, group_id: int) -> dict[str, Any] | None:
    return ws.store.one("SELECT * FROM groups WHERE id = ?", (group_id,))


# --- saving ------------------------------------------------------------------------------


def workspace_problems(ws, kind: str, config: dict[str, Any]) -> list[str]:
    """Checks that need the workspace, shared by saving and `shequn entry check`."""
    problems = []
    if kind == "admission" and "paid" in config.get("modes", []):
        if not ws.store.scalar("SELECT count(*) FROM orders", default=0):
            problems.append("paid entry needs orders data, and the orders table is empty: import orders "
                            "(CSV) or enable a shop plugin first")
    return problems


def validate(ws, kind: str, config: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise PolicyError(f"unknown policy kind {kind!r}; choose from {', '.join(KINDS)}")
    rk = ws.registry.rule_kinds.get(kind)
    if kind == "nickname":
        from .settings import settings_of

        clean = validate_nickname(config, settings_of(ws).nickname_max_length)
    elif rk is not None and rk.plugin == PLUGIN:
        try:
            clean = rk.validate(config)
        except PolicyError:
            raise
        except ValueError as e:
            raise PolicyError(str(e)) from None
    else:
        clean = VALIDATORS[kind](config)
    problems = workspace_problems(ws, kind, clean)
    if problems:
        raise PolicyError(f"{kind} policy: " + "; ".join(problems))
    return clean


def save_policy(ws, kind: str, config: dict[str, Any], *, scope: str = "all", name: str | None = None,
                enabled: bool = True, dry_run: bool = False, actor: str | None = None) -> dict[str, Any]:
    """Validate and store a policy (insert or replace by name). Nothing is written on error."""
    clean = validate(ws, kind, config)
    st, sv = parse_scope(ws, scope)
    name = name or (f"{kind}:{st}" if st == "all" else f"{kind}:{st}:{sv}")
    actor = actor or f"operator:{ws.operator}"
    existing = ws.store.one("SELECT plugin, kind FROM rules WHERE name = ?", (name,))
    if existing and (existing["plugin"] != PLUGIN or existing["kind"] != kind):
        raise PolicyError.of("a rule named {name!r} already exists as {plugin}/{kind}; choose another name",
                             name=name, plugin=existing["plugin"], kind=existing["kind"])
    with ws.store.write() as c:
        c.execute(
            "INSERT INTO rules(name, plugin, kind, scope_type, scope_value, config, enabled, dry_run, updated_by,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET scope_type = excluded.scope_type,"
            " scope_value = excluded.scope_value, config = excluded.config, enabled = excluded.enabled,"
            " dry_run = excluded.dry_run, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (name, PLUGIN, kind, st, sv, json.dumps(clean, ensure_ascii=False), int(enabled), int(dry_run),
             actor, ws.now()))
        ws.audit("entry_policy_saved", "rule", name, {"kind": kind, "scope": f"{st}:{sv}" if sv else st,
                                                      "config": clean, "enabled": enabled, "dry_run": dry_run},
                 actor=actor)
    return {"name": name, "kind": kind, "scope_type": st, "scope_value": sv, "config": clean,
            "enabled": enabled, "dry_run": dry_run}


def policies(ws) -> list[dict[str, Any]]:
    """Every entry policy, for the console and `shequn entry show`."""
    rows = ws.store.query("SELECT * FROM rules WHERE plugin = ? ORDER BY kind, scope_type, scope_value, name",
                          (PLUGIN,))
    out = []
    for r in rows:
        cfg = json.loads(r["config"] or "{}")
        rk = ws.registry.rule_kinds.get(r["kind"])
        out.append({"name": r["name"], "kind": r["kind"],
                    "scope": r["scope_type"] + (f":{r['scope_value']}" if r["scope_value"] else ""),
                    "enabled": bool(r["enabled"]), "dry_run": bool(r["dry_run"]),
                    "summary": rk.describe(cfg) if rk else "", "config": cfg,
                    "updated_by": r["updated_by"], "updated_at": r["updated_at"]})
    return out


def set_enabled(ws, name: str, *, enabled: bool | None = None, dry_run: bool | None = None) -> None:
    row = ws.store.one("SELECT * FROM rules WHERE name = ? AND plugin = ?", (name, PLUGIN))
    if row is None:
        raise PolicyError.of("no entry policy named {name!r} (see `shequn entry show`)", name=name)
    with ws.store.write() as c:
        if enabled is not None:
            c.execute("UPDATE rules SET enabled = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                      (int(enabled), f"operator:{ws.operator}", ws.now(), row["id"]))
        if dry_run is not None:
            c.execute("UPDATE rules SET dry_run = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                      (int(dry_run), f"operator:{ws.operator}", ws.now(), row["id"]))
        ws.audit("entry_policy_changed", "rule", name, {"enabled": enabled, "dry_run": dry_run})
