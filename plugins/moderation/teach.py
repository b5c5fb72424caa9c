"""Teaching a rule from an undo, in one step: allow this text, or allow this person.

What "this text" is: the fragment the rule matched (the allow list excuses a match that
contains an allowed entry), narrowed to a link's domain so that the next tracking link of
the same courier passes too, as in DOMAIN's morning: "undoes it and adds the domain to
the allow list". The rule is saved through ``save_rule``: validated, audited, and every
process picks the change up through the rules version.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from .rulestore import get_rule, save_rule


def text_to_allow(evidence: dict[str, Any]) -> str:
    """The entry for allow_text from a case's evidence, or ValueError when the match has
    no text (a QR code in an image, a flood)."""
    matched = str(evidence.get("matched") or "").strip()
    cat = evidence.get("category") or ""
    if not matched or cat in ("QR code", "flooding", "same text repeated"):
        raise ValueError(f"this case's match ({cat or 'none'}) has no text to allow; allow the person instead")
    if matched.startswith("[card] "):
        matched = matched.removeprefix("[card] ").strip()
    if cat == "link":
        host = urlsplit(matched if "://" in matched else "http://" + matched).hostname or ""
        if host:
            matched = host.removeprefix("www.")
    return matched.lower()


def teach_rule(ws, case: dict[str, Any], how: str, allow: str | None, actor: str) -> str:
    """Add to the case's rule's allow_text (``how='text'``) or allow_people (``'person'``);
    returns what was done, in words. ValueError when the case has no rule to teach."""
    if how not in ("text", "person"):
        raise ValueError(f"teach is {how!r}; expected \"text\" or \"person\"")
    rule = get_rule(ws, case["rule"]) if case.get("rule") else None
    if rule is None:
        raise ValueError(f"case {case['id']} was not opened by a conduct rule that still exists; there is no rule to teach")
    cfg = dict(rule["config"])
    if how == "person":
        people = list(cfg.get("allow_people") or [])
        if case["person_id"] not in people:
            people.append(case["person_id"])
        cfg["allow_people"] = people
        what = f"rule {rule['name']} now allows member {case['person_id']}"
    else:
        entry = (allow or "").strip().lower() or text_to_allow(json.loads(case["evidence"] or "{}"))
        texts = list(cfg.get("allow_text") or [])
        if entry not in texts:
            texts.append(entry)
        cfg["allow_text"] = texts
        what = f"rule {rule['name']} now allows {entry!r}"
    save_rule(ws, rule["name"], rule["kind"], cfg, scope_type=rule["scope_type"], scope_value=rule["scope_value"],
              actor=actor)
    return what
