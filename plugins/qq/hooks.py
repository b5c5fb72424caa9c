"""What the QQ plugin does with a batch: invitations of the bot, and the account pushed offline.

- An invitation of the bot into a group is held for a person (the host files it;
  ``shequn.joins`` decides it);
  an invitation from someone ``[qq] accept_invitations_from`` lists (a QQ number, or
  "staff": people marked staff or holding the lead, owner or admin role) is accepted here,
  audited as that rule's decision.
- QQ pushing the account offline (``bot_offline``; the intake already shows the
  connection offline with the platform's words) raises one ``account_offline`` alert
  per connection, resolved when the account is heard from again (a lifecycle event
  that is not "disable", or a message someone else sent).
"""

from __future__ import annotations

import json
from typing import Any

from shequn.connections import forced_offline
from shequn.joins import decide_invitation, expire_invitations, invitation_done
from shequn import Kind, messages_of, others_of

from .settings import settings_of

RULE = "qq.accept_invitations_from"
STAFF_ROLES = ("lead", "owner", "admin")
KEY = "qq_offline:"


def process_events(events: list, ws) -> None:
    others = others_of(events)
    invitations = [e for e in others if e.kind == Kind.BOT_INVITATION]
    if invitations:
        _accept_listed(ws, invitations)
    lifecycle = [e for e in others if e.kind == Kind.LIFECYCLE]
    offline = _offline_keys(ws)
    for e in lifecycle:
        key = f"{KEY}{e.connection}"
        if e.data.get("reason") == "bot_offline":
            words = e.data.get("words") or ws.t("no reason given")
            ws.raise_alert("account_offline", ws.tr("QQ logged the account of connection {connection} out: {words}",
                                                    connection=e.connection, words=words),
                           why=ws.tr("The bridge reported bot_offline; nothing is sent or received until the account "
                                     "logs in again on the bridge."),
                           severity="error", dedupe_key=key, cause=str(e.ts))
            offline.add(key)
            forced_offline(ws, e.connection, int(e.ts), str(e.data.get("words") or ""))
        elif e.data.get("sub_type") != "disable" and key in offline:
            _back(ws, offline, key)
    if offline:
        for e in messages_of(events):
            key = f"{KEY}{e.connection}"
            if key in offline and not (e.data or {}).get("from_self"):
                _back(ws, offline, key)


def _back(ws, offline: set[str], key: str) -> None:
    ws.resolve_alert(key)
    offline.discard(key)


def _offline_keys(ws) -> set[str]:
    """The connections with an open account_offline alert (read once per workspace, kept in
    the plugin's state; a stand-in workspace without it reads them each time)."""
    slot = getattr(ws, "plugin_state", None)
    state = slot("qq") if slot is not None else {}
    keys = state.get("offline_keys")
    if keys is None:
        keys = state["offline_keys"] = set(ws.alert_keys(KEY))
    return keys


def _accept_listed(ws, invitations: list) -> None:
    listed = settings_of(ws).accept_invitations_from
    if not listed:
        return  # the default: every invitation waits for a person
    for e in invitations:
        inv = ws.store.one("SELECT * FROM bot_invitations WHERE connection_id = ? AND platform_request_id = ?",
                           (e.connection, str(e.data.get("flag") or e.id)))
        if inv is None or inv["status"] != "held" or not _allowed(ws, listed, e.user, inv["inviter_person_id"]):
            continue
        who = e.nickname or e.user or "?"
        decide_invitation(ws, inv["id"], True, actor=f"rule:{RULE}", rule=RULE,
                               reason=ws.tr("Invited by {person}, whom {rule} lists", person=who, rule=RULE))


def _allowed(ws, listed: list[str], user: Any, person_id: int | None) -> bool:
    if user is not None and str(user) in listed:
        return True
    if "staff" not in listed or person_id is None:
        return False
    if ws.store.scalar("SELECT is_staff FROM people WHERE id = ?", (person_id,), 0):
        return True
    marks = ",".join("?" * len(STAFF_ROLES))
    return bool(ws.store.scalar(f"SELECT 1 FROM roles WHERE person_id = ? AND role IN ({marks}) LIMIT 1",
                                (person_id, *STAFF_ROLES)))


def action_done(action: dict[str, Any], result: Any, ws) -> None:
    invitation_done(ws, action, result)
    if action["kind"] == "set_group_name" and action["status"] == "done" and action.get("group_id"):
        # the bridges do not all report a rename the bot made (go-cqhttp sends no notice): take the name now
        name = str(json.loads(action.get("params") or "{}").get("name") or "").strip()
        if name and ws.store.scalar("SELECT platform FROM connections WHERE id = ?", (action["connection_id"],)) == "qq":
            with ws.store.write() as c:
                c.execute("UPDATE groups SET name = ? WHERE id = ?", (name, action["group_id"]))


def expire_held_invitations(ws) -> int:
    """The job: held invitations past their connection's request lifetime are expired."""
    return expire_invitations(ws, actor="job:qq.invitations")
