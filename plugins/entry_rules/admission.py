"""Deciding join requests (入群申请): approve, reject with a reason the applicant sees, or
hold for a person.

Order of checks, each a real look-up:
1. a closing or archived group admits nobody;
2. nobody is admitted to two groups of one family (across platforms: linked identities
   share one person);
3. a full group routes the applicant to the next sibling with room (reject naming the
   sibling, plus an ``invite`` into it where the platform can), or holds them while a new
   sibling is created;
4. the group's admission policy: invite-only, referral, activity, paid (or open),
   combined with any-of / all-of.
A policy in dry-run records what it would have done and leaves the request to a person.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from shequn.people import for_members
from shequn import Capability, Decision

from . import answer_match, overflow, referrals, reroute
from .i18n import tr
from .policies import group_row, policy_for
from .settings import settings_of


#: the rule a rejection names when the legal line on referral depth, not a policy, made it
LEGAL_LINE = "entry:referral_depth"


@dataclass
class Check:
    ok: bool | None  # True passes, False fails, None: half a match, for a person to judge
    reason: str
    hard: bool = False  # a legal line (referral depth): rejected even where the policy would hold


def decide_request(req: dict[str, Any], ws) -> Decision | None:
    group = group_row(ws, req["group_id"]) if req.get("group_id") else None
    if group is None or req.get("person_id") is None:
        return None
    pid = req["person_id"]
    # a rejection's reason goes to the applicant, so it is in the group's language ([members]);
    # a hold's is read by the person, in the console's
    mws = for_members(ws, group)
    if group["status"] != "active":
        return Decision("reject", tr(mws, "This group is closed and no longer takes new members"),
                        rule="entry:closed")
    ov = policy_for(ws, group, "overflow")
    ov_rule = ov["name"] if ov else "entry:family"
    ov_dry = bool(ov and ov["dry_run"])
    twin = overflow.sibling_member_of(ws, group, pid)
    if twin is not None:
        return Decision("reject", tr(mws, "Already a member of {group}, a group of the same family",
                                     group=twin["name"]), rule=ov_rule, dry_run=ov_dry)
    if overflow.is_full(ws, group, ov):
        return route(ws, req, group, ov)
    adm = policy_for(ws, group, "admission")
    if adm is None:
        return None
    verdict, reason, legal = evaluate(ws, req, group, adm["config"])
    if verdict == "reject":  # the same checks (reads only), their reasons in the applicant's language
        verdict, reason, legal = evaluate(mws, req, group, adm["config"])
    if legal:  # the law's line, not the operator's policy, turned them away: say so in the rule
        return Decision("reject", reason, rule=LEGAL_LINE, dry_run=bool(adm["dry_run"]))
    if verdict == "approve" and not adm["dry_run"] and _within_line(ws, req.get("referrer_person_id")):
        ws.store.execute("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL AND ? != id",
                         (req["referrer_person_id"], pid, req["referrer_person_id"]))
    return Decision(verdict, reason, rule=adm["name"], dry_run=bool(adm["dry_run"]))


def _within_line(ws, referrer: int | None) -> bool:
    """Whether recording ``referrer`` as who brought the applicant keeps the chain within the
    legal depth: an open group may admit the friend of a second-level member, but the chain
    (分销裂变) must not grow a third level on record."""
    if not referrer:
        return False
    return referrals.level(ws, referrer) + 1 <= settings_of(ws).referral_max_depth


def route(ws, req: dict[str, Any], group: dict[str, Any], ov: dict[str, Any] | None) -> Decision:
    """A full group's applicant: invited into a sibling with room, or held while a new
    sibling is asked for (a family-less group starts its own family first)."""
    if ov is not None and not group.get("family"):
        group = reroute.start_family(ws, group, ov) or group
    if ov is None or not group.get("family"):
        return Decision("reject", tr(for_members(ws, group), "This group is full"), rule=ov["name"] if ov else "entry:capacity",
                        dry_run=bool(ov and ov["dry_run"]))
    dry = bool(ov["dry_run"])
    evidence = f"join_request:{req['id']}"
    target = overflow.next_with_room(ws, group)
    if target is not None:
        mws = for_members(ws, group)  # the applicant reads it
        reason = tr(mws, "This group is full; please join {group} instead", group=target["name"])
        prop = overflow.invite_proposal(ws, target, req["person_id"],
                                        tr(ws, "Routed from full group {group}", group=group["name"]),
                                        ov["name"], evidence, dry)
        if prop is not None:
            ws.enqueue([prop], f"rule:{ov['name']}")
            reason = tr(mws, "This group is full; you have been invited to {group} instead", group=target["name"])
        elif Capability.REJECT_REASON not in ws.group_capabilities(group["id"]):
            # the platform shows the applicant no reason (Douyin) and cannot invite them: a
            # rejection would lose them without a word, so a person points them to the sibling
            return Decision("hold", tr(ws, "This group is full and {platform} shows the applicant no reason: point them"
                                           " to {group}, which has room", platform=ws.t(group["platform"]),
                                       group=target["name"]), rule=ov["name"], dry_run=dry)
        return Decision("reject", reason, rule=ov["name"], dry_run=dry)
    overflow.ensure_sibling(ws, group, ov, evidence=evidence)
    return Decision("hold", tr(ws, reroute.WAITING, family=group["family"]), rule=ov["name"], dry_run=dry)


def evaluate(ws, req: dict[str, Any], group: dict[str, Any], cfg: dict[str, Any]) -> tuple[str, str, bool]:
    """(verdict, reason, legal) of an admission policy's config for one request; ``legal``
    is True when a legal line (a referral chain too deep) rejected it, whatever the policy."""
    checks = [(m, CHECKS[m](ws, req, group, cfg)) for m in cfg["modes"]]
    passed = [c for _, c in checks if c.ok is True]
    failed = [c for _, c in checks if c.ok is False]
    partial = [c for _, c in checks if c.ok is None]
    if cfg.get("combine", "any") == "any":
        if passed:  # a legal line that failed is said too: the referral is then not recorded
            return "approve", "; ".join([passed[0].reason] + [c.reason for c in failed if c.hard]), False
        if partial:
            return "hold", "; ".join(c.reason for c in partial), False
    else:
        if not failed and not partial:
            return "approve", "; ".join(c.reason for c in passed), False
        if not failed:
            return "hold", "; ".join(c.reason for c in partial), False
    hard = any(c.hard for c in failed)
    if hard:
        return "reject", "; ".join(c.reason for c in failed if c.hard), True
    verdict = "reject" if cfg.get("on_fail", "reject") == "reject" else "hold"
    return verdict, "; ".join(c.reason for c in failed), False


def _name(ws, pid: int | None) -> str:
    return ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (pid,), f"#{pid}") if pid else ""


def check_open(ws, req, group, cfg) -> Check:
    """Everyone passes; a referrer the applicant names is recorded when the chain stays
    within the legal depth, and the reason says when it does not (nobody is turned away
    from an open group for whom they know)."""
    ref = req.get("referrer_person_id")
    if not ref:
        return Check(True, tr(ws, "Open entry"))
    if _within_line(ws, ref):
        return Check(True, tr(ws, "Open entry, referred by {name}", name=_name(ws, ref)))
    return Check(True, tr(ws, "Open entry; the referral by {name} is not recorded: it would be level {level}, and "
                              "chains stop at level {limit}", name=_name(ws, ref),
                          level=referrals.level(ws, ref) + 1, limit=settings_of(ws).referral_max_depth))


def check_invite(ws, req, group, cfg) -> Check:
    inviter = req.get("referrer_person_id")
    if not inviter:
        return Check(False, tr(ws, "Invite-only: an admin or above must invite you"))
    role = ws.store.scalar(
        "SELECT role FROM roles WHERE person_id = ? AND (role = 'lead' OR (role IN ('owner', 'admin') AND group_id = ?))"
        " ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END LIMIT 1", (inviter, group["id"]))
    if role is None:
        role = ws.store.scalar("SELECT platform_role FROM memberships WHERE person_id = ? AND group_id = ?"
                               " AND status = 'member' AND platform_role IN ('owner', 'admin')", (inviter, group["id"]))
    if role is None:
        return Check(False, tr(ws, "Invite-only: {name} who invited you is not an admin of this group",
                               name=_name(ws, inviter)))
    return Check(True, tr(ws, "Invited by {name} ({role})", name=_name(ws, inviter), role=role))


def check_referral(ws, req, group, cfg) -> Check:
    ref = req.get("referrer_person_id")
    if not ref:
        return Check(False, tr(ws, "Referral entry: no referrer given"))
    name = _name(ws, ref)
    scope = cfg.get("referrer_scope", "operation")
    sql = ("SELECT 1 FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.person_id = ? AND m.status = 'member'"
           " AND g.status IN ('active', 'closing')")
    params: list[Any] = [ref]
    if scope == "group":
        sql += " AND g.id = ?"
        params.append(group["id"])
    elif scope == "family":
        sql += " AND (g.id = ? OR (g.family IS NOT NULL AND g.family = ?))"
        params += [group["id"], group.get("family")]
    if not ws.store.scalar(sql + " LIMIT 1", params):
        return Check(False, tr(ws, "Referral entry: referrer {name} is not a current member", name=name))
    bad = referrals.standing(ws, ref)
    if bad:
        return Check(False, tr(ws, "Referral entry: referrer {name} is not in good standing", name=name))
    limit = settings_of(ws).referral_max_depth
    lvl = referrals.level(ws, ref) + 1
    if lvl > limit:
        return Check(False, tr(ws, "Referral entry: this referral would be level {level}; chains stop at level "
                                   "{limit} (deeper chains cross a legal line)", level=lvl, limit=limit), hard=True)
    return Check(True, tr(ws, "Referred by {name} (level {level} of {limit})", name=name, level=lvl, limit=limit))


_ANSWER = re.compile(r"答案[:：]\s*(.*)$", re.S)


def answer_of(comment: str) -> str:
    """The applicant's answer: QQ puts '问题：...\\n答案：...' in the request comment."""
    m = _ANSWER.search(comment or "")
    return (m.group(1) if m else comment or "").strip()


def check_activity(ws, req, group, cfg) -> Check:
    answer = answer_of(req.get("comment") or "")
    low = answer.casefold()
    tokens = [t for t in re.split(r"[\s,，。;；:：!！?？]+", low) if t]
    for code in cfg.get("codes", []):
        if code.casefold() in tokens or code.casefold() == low:
            return Check(True, tr(ws, "Activity entry: campaign code {code}", code=code))
    for kw in cfg.get("keywords", []):
        if kw.casefold() in low:
            return Check(True, tr(ws, "Activity entry: answer mentions {keyword}", keyword=kw))
    digits = answer_match.arabic(low)
    if digits != low:  # numbers written in Chinese: 双十一 is the keyword 双11
        for kw in cfg.get("keywords", []):
            if kw.casefold() in digits:
                return Check(True, tr(ws, "Activity entry: answer mentions {keyword} (written {answer})",
                                      keyword=kw, answer=answer[:40]))
    limit = settings_of(ws).code_typos
    for code in cfg.get("codes", []):
        typed = answer_match.code_typo(tokens, code, limit)
        if typed is not None:
            return Check(True, tr(ws, "Activity entry: campaign code {code} (answered {answer}, a typo)",
                                  code=code, answer=typed))
    acts = cfg.get("activities", [])
    if acts:
        took = ws.store.scalar(
            f"SELECT activity FROM entry_activity_participants WHERE person_id = ? AND activity IN "
            f"({','.join('?' * len(acts))}) LIMIT 1", (req["person_id"], *acts))
        if took:
            return Check(True, tr(ws, "Activity entry: took part in {activity}", activity=took))
    ratio = settings_of(ws).activity_close_ratio
    for code in cfg.get("codes", []):
        for cand in tokens + [low]:
            if cand and difflib.SequenceMatcher(None, cand, code.casefold()).ratio() >= ratio:
                return Check(None, tr(ws, "Activity entry: answer {answer!r} is close to a campaign code; a person "
                                          "should check it", answer=answer[:40]))
    if not answer and not acts:
        return Check(False, tr(ws, "Activity entry: no answer given"))
    return Check(False, tr(ws, "Activity entry: the answer does not match the campaign"))


def check_paid(ws, req, group, cfg) -> Check:
    if not ws.store.scalar("SELECT count(*) FROM orders", default=0):
        return Check(None, tr(ws, "Paid entry: no orders data yet, so payment cannot be checked"))
    sql = "SELECT order_id FROM orders WHERE person_id = ? AND amount >= ?"
    params: list[Any] = [req["person_id"], cfg.get("min_amount", 0)]
    if cfg.get("products"):
        sql += f" AND product IN ({','.join('?' * len(cfg['products']))})"
        params += cfg["products"]
    if cfg.get("paid_within_days"):
        sql += " AND ordered_at >= ?"
        params.append(ws.now() - cfg["paid_within_days"] * 86400)
    order = ws.store.scalar(sql + " ORDER BY ordered_at DESC LIMIT 1", params)
    if order is None:
        return Check(False, tr(ws, "Paid entry: no matching order found"))
    return Check(True, tr(ws, "Paid entry: order {order}", order=order))


CHECKS = {"open": check_open, "invite": check_invite, "referral": check_referral, "activity": check_activity,
          "paid": check_paid}
