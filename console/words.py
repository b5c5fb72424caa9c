"""Stored codes as words a person reads: a ladder step (``mute:10``), a rule's scope
(``all``, ``type:flash``, ``group:12``), an actor, in the console's language. No Textual:
screens, the owner's queue (queues.py) and CLI verbs (``shequn.cli.step_text``) share them."""

from __future__ import annotations

from typing import Any, Callable


def step_text(t: Callable[..., str], step: Any) -> str:
    """A case's ladder step: "mute:10" (the ladder's short form) as "mute 10 min"."""
    kind, _, minutes = str(step or "").partition(":")
    if minutes.isdigit():
        return t("{step} {n} min", step=t(kind), n=int(minutes))
    return t(str(step or ""))


def scope_text(t: Callable[..., str], scope: Any, names: dict[int, str] | None = None) -> str:
    """A rule's scope: all groups, a group type, one group (by name when known)."""
    kind, _, what = str(scope or "all").partition(":")
    if kind == "all" or not what:
        return t("all groups")
    if kind == "group" and what.isdigit() and names and int(what) in names:
        what = names[int(what)]
    return t("{kind}: {what}", kind=t(kind), what=t(what))


def actor_text(t: Callable[..., str], actor: Any) -> str:
    """Who did it: "rule:ads" as the rule's name, "operator:NAME" as the operator, in words."""
    kind, _, name = str(actor or "").partition(":")
    if not name:
        return t(kind)
    return t(kind) + t(": ") + (t(name) if kind in ("rule", "plugin", "job") else name)


#: a rules-table scope's first word (the table's CHECK): what follows a rule's kind when its
#: name is the default "kind:scope"
SCOPES = ("all", "type", "group")


def rule_text(t: Callable[..., str], name: Any, names: dict[int, str] | None = None) -> str:
    """A rule's name in words: a built-in rule's (ads, flood) translated; an entry policy's
    "kind:scope" ("admission:type:traffic") as its kind and scope, a group by its name from
    ``names``. Any other code (a plugin's own check, "entry:referral_depth", "door_check")
    as the catalogue says the code or, as kind_text does, the code with spaces ("entry
    referral depth"), which the plugin's catalogue translates: the host lists no plugin's."""
    code = str(name or "")
    kind, _, scope = code.partition(":")
    if scope.partition(":")[0] in SCOPES:
        return t(kind) + " · " + scope_text(t, scope, names)
    said = t(code)
    return said if said != code else t(code.replace(":", " ").replace("_", " "))


def kind_text(t: Callable[..., str], kind: Any) -> str:
    """A task's or an alert's kind (``duplicate_in_family``) as words: the code with spaces
    ("duplicate in family") is its English, and the zh-CN is that phrase in the host's or
    the raising plugin's catalogue (register_translations). So a plugin's new kind reads as
    words without a list in the host; tests/test_kind_words.py finds every kind in the code."""
    return t(str(kind or "").replace("_", " "))


def kind_from_words(t: Callable[..., str], said: str, kinds: Any) -> str:
    """The kind among ``kinds`` (codes) that ``said`` names: the code itself, or its words in
    English or in the console's language (``--kind 退群激增``); ``said`` if none does."""
    want = said.strip().casefold()
    for k in kinds:
        if want in (str(k).casefold(), str(k).replace("_", " ").casefold(), kind_text(t, k).casefold()):
            return str(k)
    return said
