"""Invitations of the bot account into a group (机器人入群邀请): held for a person.

Someone invites the bot's own account into a group (QQ: a ``request`` of sub_type
``invite``). That is never a member's join request: no admission rule sees it, and the
bot joins a stranger's group only when a person (or a rule the operator set, such as
the QQ plugin's ``accept_invitations_from``) decides so. Each invitation is a row of
``bot_invitations`` (m009), filed ``held`` by the engine with a task in the person's
queue: "Invitation for the bot to join GROUP, from PERSON".

Life of one: ``held`` -> ``accepting`` / ``declining`` (the decision, its platform
action queued: approve_join / reject_join with the request's flag and sub_type
``invite``) -> ``accepted`` / ``declined`` when the platform answered done, ``expired``
when it no longer knows the request (or it outlived the connection's
``join_request_hours``), ``failed`` otherwise (a person may decide again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .i18n import ZH_CN
from .model import Event, Proposal

if TYPE_CHECKING:
    from .engine import Engine
    from .workspace import Workspace

TITLE = "Invitation for the bot to join {group}, from {person}"
DETAIL = ("{comment}Accept with `shequn invitations accept {id}`, decline with `shequn invitations decline {id}`; "
          "until then the bot stays out.")
WAITING = ("held", "failed")
ZH_CN.update({
    TITLE: "邀请机器人加入群 {group}，邀请人 {person}",
    DETAIL: "{comment}接受：`shequn invitations accept {id}`；拒绝：`shequn invitations decline {id}`。在此之前机器人不会入群。",
    "Message: {comment}. ": "附言：{comment}。",
    "Invitation {id} could not be accepted: {words}": "邀请 {id} 未能接受：{words}",
    "Invitation {id} could not be declined: {words}": "邀请 {id} 未能拒绝：{words}",
    "invitation": "条邀请", "invitations": "条邀请",  # the page line itself is the host's (console/i18n.py)
    "invitation {id}: accepting; the outbox carries it out": "邀请 {id}：正在接受，由待执行操作完成",
    "invitation {id}: declining; the outbox carries it out": "邀请 {id}：正在拒绝，由待执行操作完成",
})


class InvitationError(ValueError):
    """A decision that cannot be taken: the invitation is unknown, decided or expired."""


def file(engine: "Engine", conn, e: Event) -> int | None:
    """File a new invitation (held) and its task; None when the platform's request was filed already."""
    d = e.data
    cur = conn.execute(
        "INSERT OR IGNORE INTO bot_invitations(connection_id, platform_request_id, platform_group_id, group_name,"
        " inviter_person_id, comment, requested_at) VALUES (?,?,?,?,?,?,?)",
        (e.connection, str(d.get("flag") or e.id), str(d.get("group") or ""), str(d.get("group_name") or ""),
         e.person_id, str(d.get("comment") or ""), e.ts))
    if not cur.rowcount:
        return None
    inv_id = cur.lastrowid
    ws = engine.ws
    person = e.nickname or (conn.execute("SELECT display_name FROM people WHERE id = ?", (e.person_id,)).fetchone()
                            or [""])[0] or str(e.user or "?")
    group = str(d.get("group_name") or d.get("group") or "?")
    if d.get("group_name") and d.get("group"):
        group = f"{d['group_name']} ({d['group']})"
    comment = ws.tr("Message: {comment}. ", comment=d["comment"]) if d.get("comment") else ""
    task = ws.add_task("bot_invitation", ws.tr(TITLE, group=group, person=person),
                       detail=ws.tr(DETAIL, comment=comment, id=inv_id), person_id=e.person_id,
                       source=f"connection:{e.connection}", dedupe_key=f"bot_invitation:{inv_id}")
    conn.execute("UPDATE bot_invitations SET task_id = ? WHERE id = ?", (task, inv_id))
    return inv_id


def get(ws: "Workspace", inv_id: int) -> dict[str, Any] | None:
    return ws.store.one("SELECT * FROM bot_invitations WHERE id = ?", (inv_id,))


def expired_at(ws: "Workspace", inv: dict[str, Any]) -> int | None:
    """When the platform forgets the invitation (its connection's request lifetime), or None."""
    from .join_requests import request_lifetime

    life = request_lifetime(ws, inv["connection_id"])
    return None if life is None else inv["requested_at"] + life


def decide(ws: "Workspace", inv_id: int, accept: bool, *, actor: str, reason: str = "", rule: str = "") -> int:
    """Accept or decline a waiting invitation: queue the platform action, close its task.
    Returns the action id. Raises InvitationError when it cannot be decided."""
    inv = get(ws, inv_id)
    if inv is None:
        raise InvitationError(f"no bot invitation {inv_id}")
    if inv["status"] not in WAITING:
        raise InvitationError(f"bot invitation {inv_id} is already {inv['status']}")
    now = ws.now()
    until = expired_at(ws, inv)
    if until is not None and now >= until:
        _expire(ws, inv, until, actor)
        raise InvitationError(f"bot invitation {inv_id} expired: the platform no longer keeps it")
    kind = "approve_join" if accept else "reject_join"
    with ws.store.write() as c:
        c.execute("UPDATE bot_invitations SET status = ?, decided_at = ?, decided_by = ?, reason = ? WHERE id = ?",
                  ("accepting" if accept else "declining", now, actor, reason, inv_id))
        _close_task(c, inv, now)
        ws.audit("bot_invitation_accept" if accept else "bot_invitation_decline", "bot_invitation", inv_id,
                 {"group": inv["platform_group_id"], "group_name": inv["group_name"], "reason": reason,
                  "connection": inv["connection_id"]}, actor=actor)
        prop = Proposal(kind=kind, reason=reason or (f"bot invitation {inv_id}"), person_id=inv["inviter_person_id"],
                        params={"flag": inv["platform_request_id"], "sub_type": "invite",
                                "reason": reason if not accept else ""},
                        rule=rule or None, evidence=f"bot_invitation:{inv_id}", connection=inv["connection_id"],
                        key=f"bot_invitation:{inv_id}:{kind}:{_tries(c, inv_id)}")
        ids = ws.enqueue([prop], actor)
    return ids[0] if ids else 0


def action_done(ws: "Workspace", action: dict[str, Any], result: Any) -> str | None:
    """Record the platform's answer on the invitation an action was for; its new status."""
    evidence = action.get("evidence") or ""
    if action.get("kind") not in ("approve_join", "reject_join") or not evidence.startswith("bot_invitation:"):
        return None
    inv = get(ws, int(evidence.split(":", 1)[1])) if evidence.split(":", 1)[1].isdigit() else None
    expected = "accepting" if action["kind"] == "approve_join" else "declining"
    if inv is None or inv["status"] != expected:
        return None
    words = getattr(result, "message", "") or action.get("last_error") or ""
    gone = (getattr(result, "data", None) or {}).get("gone") == "request"
    if action["status"] == "done":
        status = "accepted" if expected == "accepting" else "declined"
    else:
        status = "expired" if gone else "failed"
    with ws.store.write() as c:
        c.execute("UPDATE bot_invitations SET status = ? WHERE id = ? AND status = ?", (status, inv["id"], expected))
        ws.audit(f"bot_invitation_{status}", "bot_invitation", inv["id"], {"words": words},
                 actor=f"connection:{inv['connection_id']}")
    if status == "failed":
        title = ("Invitation {id} could not be accepted: {words}" if expected == "accepting" else
                 "Invitation {id} could not be declined: {words}")
        ws.add_task("bot_invitation", ws.tr(title, id=inv["id"], words=words), person_id=inv["inviter_person_id"],
                    source=f"connection:{inv['connection_id']}",
                    dedupe_key=f"bot_invitation:{inv['id']}:failed:{action['id']}")
    return status


def expire_due(ws: "Workspace", actor: str = "job:bot_invitations") -> int:
    """Mark held invitations past their connection's request lifetime expired; how many."""
    n = 0
    for inv in ws.store.query("SELECT * FROM bot_invitations WHERE status IN ('held', 'failed')"):
        until = expired_at(ws, inv)
        if until is not None and ws.now() >= until:
            _expire(ws, inv, until, actor)
            n += 1
    return n


def _expire(ws: "Workspace", inv: dict[str, Any], at: int, actor: str) -> None:
    with ws.store.write() as c:
        if c.execute("UPDATE bot_invitations SET status = 'expired', decided_at = ?, decided_by = ? WHERE id = ?"
                     " AND status IN ('held', 'failed')", (at, actor, inv["id"])).rowcount:
            _close_task(c, inv, at)
            ws.audit("bot_invitation_expired", "bot_invitation", inv["id"], {"expired_at": at}, actor=actor)


def _tries(c, inv_id: int) -> int:
    """Actions queued for the invitation so far: a decision after a refusal is a new action."""
    return c.execute("SELECT count(*) FROM actions WHERE evidence = ?", (f"bot_invitation:{inv_id}",)).fetchone()[0]


def _close_task(c, inv: dict[str, Any], now: int) -> None:
    if inv.get("task_id"):
        c.execute("UPDATE tasks SET status = 'done', done_at = ? WHERE id = ? AND status = 'open'",
                  (now, inv["task_id"]))
