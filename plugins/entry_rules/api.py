"""What the console's screens call (plain functions taking ``ws``; no Textual here)."""

from .announcements import announcements, draft as draft_announcement, publish as publish_announcement
from .flash import countdown, set_closing
from .overflow import families, family_rows, register_sibling, set_capacity
from .checks import check_policies
from .policies import PolicyError, policies, save_policy, set_enabled
from .queue import decide, queue
from .reasons import recent_reasons, reject_presets
from .referrals import referral_tree
from .templates import TemplateError
from .welcome import preview_welcome


def add_participants(ws, activity: str, person_ids: list[int], *, source: str = "") -> int:
    """Record who took part in an activity (activity entry checks this list)."""
    activity = (activity or "").strip()
    if not activity:
        raise PolicyError("activity name is empty")
    known = {r["id"] for r in ws.store.query(
        f"SELECT id FROM people WHERE id IN ({','.join('?' * len(person_ids))})", person_ids)} if person_ids else set()
    missing = [p for p in person_ids if p not in known]
    if missing:
        raise PolicyError(f"no person {missing[0]} (nothing was added)")
    with ws.store.write() as c:
        n = 0
        for pid in person_ids:
            n += c.execute("INSERT OR IGNORE INTO entry_activity_participants(activity, person_id, source, added_at)"
                           " VALUES (?,?,?,?)", (activity, pid, source or f"operator:{ws.operator}", ws.now())).rowcount
        ws.audit("activity_participants_added", "activity", activity, {"people": len(person_ids), "new": n})
    return n


def judge_join(ws, group_id: int, person_id: int, *, referrer: int | None = None, answer: str = "") -> dict | None:
    """A join no request came before (WeCom customer groups: people come in by a member's
    invitation or a join way's QR code) judged by the group's admission policy as its
    request would have been: the inviter is the referrer, the join way's campaign the
    answer. A referral past the legal depth is taken off the record (the engine recorded
    the inviter). The platform keeps the member whatever the verdict: the caller says so to
    a person. {verdict, reason, rule, dry_run}, or None when no admission policy applies."""
    from .admission import LEGAL_LINE, _within_line, evaluate
    from .policies import group_row, policy_for

    if referrer and not _within_line(ws, referrer):
        ws.store.execute("UPDATE people SET referred_by = NULL WHERE id = ? AND referred_by = ?", (person_id, referrer))
    group = group_row(ws, group_id)
    adm = policy_for(ws, group, "admission") if group else None
    if adm is None:
        return None
    req = {"id": 0, "group_id": group_id, "person_id": person_id, "referrer_person_id": referrer, "comment": answer}
    verdict, reason, legal = evaluate(ws, req, group, adm["config"])
    return {"verdict": verdict, "reason": reason, "rule": LEGAL_LINE if legal else adm["name"],
            "dry_run": bool(adm["dry_run"])}


def add_campaign(ws, *, keywords: list[str] | tuple[str, ...] = (), codes: list[str] | tuple[str, ...] = (),
                 policy: str = "admission:all", actor: str | None = None) -> dict:
    """Let an admission policy admit an invite campaign (拉新任务): switch on activity entry
    and add the campaign's keywords (an answer mentioning one passes) and activity codes
    (an answer that is the code, or holds it as a word, passes; one close to a code is held
    for a person). Keeps the policy's other modes, words, scope and switches; words already
    there are not repeated. Returns the saved policy. The seeded ``admission:all`` admits by
    referral and invite only: a campaign's words are the operator's, so they come from here
    (the sandbox's demo registers its posters' words this way)."""
    from .policies import policies, save_policy

    clean = {}
    for name, words in (("keywords", keywords), ("codes", codes)):
        if isinstance(words, str) or not all(isinstance(w, str) and w.strip() for w in words):
            raise PolicyError(f"campaign {name} must be a list of non-empty texts, got {words!r}")
        clean[name] = [w.strip() for w in words]
    if not clean["keywords"] and not clean["codes"]:
        raise PolicyError("a campaign needs at least one keyword or activity code")
    current = next((p for p in policies(ws) if p["name"] == policy), None)
    if current is None or current["kind"] != "admission":
        raise PolicyError(f"no admission policy named {policy!r} (see `shequn entry show --kind admission`)")
    cfg = dict(current["config"])
    if "open" in cfg.get("modes", []):
        raise PolicyError(f"policy {policy!r} admits everyone (open entry): a campaign would change nothing")
    if "activity" not in cfg.get("modes", []):
        cfg["modes"] = list(cfg.get("modes", [])) + ["activity"]
    for name in ("keywords", "codes"):
        have = list(cfg.get(name, []))
        cfg[name] = have + [w for w in dict.fromkeys(clean[name]) if w not in have]
    return save_policy(ws, "admission", cfg, scope=current["scope"], name=policy, enabled=current["enabled"],
                       dry_run=current["dry_run"], actor=actor)


__all__ = ["add_campaign", "judge_join", "queue", "decide", "policies", "save_policy", "set_enabled", "check_policies", "preview_welcome",
           "referral_tree", "families", "family_rows", "register_sibling", "set_capacity", "set_closing", "countdown",
           "announcements", "draft_announcement", "publish_announcement", "add_participants", "PolicyError",
           "TemplateError", "reject_presets", "recent_reasons"]
