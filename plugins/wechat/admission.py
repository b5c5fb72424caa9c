"""Join scenes as admission evidence for WeChat groups.

WeCom customer groups take no join requests: people come in through a member's invitation
(groupchat/get's join_scene 1, or 2 for an invite link, with ``invitor``) or a QR code (3;
a join way's code carries its ``state``). So the entry rules cannot decide before; they
judge after, with what WeCom says (entry_rules ``api.judge_join``):

- a join with an inviter is a **referral**: the inviter is the referrer the admission
  policy checks (a current member, in good standing, within the legal depth: past it the
  referral is taken off the record);
- a QR join whose join-way ``state`` is a **known campaign** (the state of a join way made
  with ``shequn wechat join-way --state``, or an activity or code of an admission policy)
  has that campaign as its **source**: the person is recorded as taking part in it
  (``entry_activity_participants``, which activity entry reads) and the state is the
  answer checked against the policy's campaign codes.

Every verdict is audited (``wechat_join_judged``). WeCom cannot remove a member for an
app, so a join the policy rejects becomes a task for the group's owner in words.
"""

from __future__ import annotations

from typing import Any

from shequn import Kind, others_of

from .hooks import ACTOR

HOW = {
    "invite": "invited by {inviter}",
    "link": "through an invite link of {inviter}",
    "qr": "through the group's QR code",
    "campaign": "through the QR code of campaign {campaign}",
}


def known_campaign(ws, connection: str, state: str) -> bool:
    """A join way's state shequn knows as a campaign: its own join way's, or an admission
    policy's activity or code."""
    if not state:
        return False
    if ws.store.scalar("SELECT 1 FROM wechat_join_ways WHERE connection_id = ? AND state = ? LIMIT 1",
                       (connection, state)):
        return True
    from plugins.entry_rules.api import policies

    return any(state in (p["config"].get("activities") or []) or state in (p["config"].get("codes") or [])
               for p in policies(ws) if p["kind"] == "admission")


def judge_joins(ws, events) -> None:
    """Judge each join of a WeChat group by its admission policy (see the module's words)."""
    from plugins.entry_rules.api import add_participants, judge_join

    from .connector import WeChatConnector

    wechat: dict[str, bool] = {}
    audits: list[tuple] = []
    for e in others_of(events):
        if e.kind != Kind.JOIN or not e.group_id or not e.person_id:
            continue
        if e.connection not in wechat:
            wechat[e.connection] = ws.connector_class(e.connection) is WeChatConnector
        if not wechat[e.connection]:
            continue
        m = ws.store.one("SELECT p.is_insider, m.inviter_person_id, m.join_scene FROM people p LEFT JOIN memberships m"
                         " ON m.person_id = p.id AND m.group_id = ? WHERE p.id = ?", (e.group_id, e.person_id)) or {}
        if m.get("is_insider"):
            continue  # the owner, admins, staff: not newcomers
        inviter = m.get("inviter_person_id")
        scene = str(e.data.get("scene") or m.get("join_scene") or "unknown")
        state = str(e.data.get("state") or "")
        campaign = state if known_campaign(ws, e.connection, state) else ""
        if campaign:
            add_participants(ws, campaign, [e.person_id], source=f"{ACTOR}:{e.connection}:join_way")
        verdict = judge_join(ws, e.group_id, e.person_id, referrer=inviter, answer=state)
        audits.append(("wechat_join_judged", "person", e.person_id,
                       {"group_id": e.group_id, "scene": scene, "inviter": inviter, "campaign": campaign,
                        "event": f"{e.connection}:{e.id}", **(verdict or {"verdict": "no policy"})}, ACTOR))
        if verdict and verdict["verdict"] == "reject" and not verdict["dry_run"]:
            _tell_owner(ws, e, scene, inviter, campaign, verdict)
    ws.audit_many(audits)  # one write for the batch: a busy hour brings many joins


def _tell_owner(ws, e, scene: str, inviter: int | None, campaign: str, verdict: dict[str, Any]) -> None:
    name = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (e.person_id,), "") or ws.t("a member")
    group = ws.store.scalar("SELECT name FROM groups WHERE id = ?", (e.group_id,), "") or ws.t("the group")
    inviter_name = ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (inviter,), "") if inviter else ""
    if campaign:
        how = ws.tr(HOW["campaign"], campaign=campaign)
    elif inviter_name and scene in ("invite", "link"):
        how = ws.tr(HOW[scene], inviter=inviter_name)
    else:
        how = ws.t(HOW["qr"]) if scene == "qr" else ""
    ws.add_task("wechat_join_outside_policy",
                ws.tr("{name} joined {group} {how} without meeting its admission policy: remove them in WeCom by hand "
                      "if they should not stay", name=name, group=group, how=how).replace("  ", " "),
                detail=ws.tr("{rule}: {reason}. WeCom customer groups take no join requests, and WeCom cannot remove "
                             "a member for an app.", rule=verdict["rule"], reason=verdict["reason"]),
                group_id=e.group_id, person_id=e.person_id, source=ACTOR,
                dedupe_key=f"wechat_join_outside_policy:{e.group_id}:{e.person_id}:{e.id}")
