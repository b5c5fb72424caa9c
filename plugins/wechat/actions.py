"""What the WeChat connector does for each action it declares, and the words of what it cannot.

WeCom lets a customer group's app keep welcome templates (``welcome_template``: the
text WeCom sends newcomers, ``%NICKNAME%`` standing for their name) and join ways
(``join_way``: a QR code over up to five groups that opens the next group itself when
they are full, ``auto_create_room``). Notices for the operator go through a group robot
(``robot_send``). Messages and announcements go out as customer-group mass sends the
owner confirms in WeCom (``groupmsg.py``). Kick, mute, approve, card and recall do not
exist for customer groups: ``by_hand`` gives the task an owner reads in WeCom's words.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx

from shequn import ActionRequest, ActionResult, Status

from .api import ApiError

if TYPE_CHECKING:
    from .connector import WeChatConnector

TEMPLATE_BYTES = 3000  # WeCom's limit is not published (PROTOCOLS.md 2.6): the length the fake and we assume
ROBOT_TEXT_BYTES = 2048
JOIN_WAY_LIMITS = (("remark", 30), ("room_base_name", 40), ("state", 30))


async def act(c: "WeChatConnector", req: ActionRequest) -> ActionResult:
    try:
        if req.kind == "set_welcome":
            return await _welcome(c, req.params, req.key)
        if req.kind == "join_way":
            return await _join_way(c, req.params)
        if req.kind in ("send", "announce"):
            from .groupmsg import mass_send

            return await mass_send(c, req)
    except ApiError as e:
        return e.result
    except ValueError as e:
        return ActionResult.failed(f"{c.name}: {e}")
    return ActionResult.failed(f"{c.name}: the WeChat connector has no action {req.kind!r}")


def _agent(c: "WeChatConnector", body: dict[str, Any]) -> dict[str, Any]:
    if c.config["agent_id"]:
        body["agentid"] = int(c.config["agent_id"])
    return body


async def _added_before(c: "WeChatConnector", key: str) -> str | None:
    """The template an earlier run of this action added (WeCom lists no templates, so the
    journal is the only way to find it again after a crash)."""
    if c.ws is None or not key:
        return None
    return await asyncio.to_thread(c.ws.store.scalar, "SELECT template_id FROM wechat_template_adds WHERE"
                                   " connection_id = ? AND action_key = ?", (c.name, key))


async def _journal(c: "WeChatConnector", key: str, tid: str) -> None:
    """Written the moment WeCom answers, before the outbox records the result."""
    if c.ws is None or not key:
        return

    def write() -> None:
        with c.ws.store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO wechat_template_adds(connection_id, action_key, template_id, added_at)"
                         " VALUES (?,?,?,?)", (c.name, key, tid, c.ws.now()))

    await asyncio.to_thread(write)


async def _welcome(c: "WeChatConnector", p: dict[str, Any], key: str = "") -> ActionResult:
    tid = str(p.get("template_id") or "")
    if p.get("op") == "delete":
        if not tid:
            raise ValueError("deleting a welcome template needs its template_id")
        try:
            await c.api.call("externalcontact/group_welcome_template/del", _agent(c, {"template_id": tid}))
        except ApiError as e:
            if e.errcode != 40058:
                raise
            return ActionResult.done("the welcome template was already gone", template_id=tid, gone="template")
        return ActionResult.done("welcome template deleted", template_id=tid)
    text = str(p.get("text") or "").strip()
    if not text:
        raise ValueError("a welcome template needs text")
    if len(text.encode()) > TEMPLATE_BYTES:
        raise ValueError(f"the welcome template is {len(text.encode())} bytes; WeCom takes at most {TEMPLATE_BYTES}")
    body = _agent(c, {"text": {"content": text}, "notify": 0})
    earlier = None if tid else await _added_before(c, key)
    if earlier:  # this action added it before shequn stopped: make it equal, never add a second
        try:
            await c.api.call("externalcontact/group_welcome_template/edit", {**body, "template_id": earlier},
                             idempotent=True)
            return ActionResult.done("welcome template added (found again after a restart; not added twice)",
                                     template_id=earlier)
        except ApiError as e:
            if e.errcode != 40058:  # deleted in the admin console since: add it again below
                raise
    if tid:
        try:
            await c.api.call("externalcontact/group_welcome_template/edit", {**body, "template_id": tid},
                             idempotent=True)
            return ActionResult.done("welcome template updated", template_id=tid)
        except ApiError as e:
            if e.errcode != 40058:  # unknown template (deleted in the admin console): add it again
                raise
    data = await c.api.call("externalcontact/group_welcome_template/add", body, idempotent=False)
    if not data.get("template_id"):
        return ActionResult.failed(f"{c.name}: WeCom added the welcome template but gave no template_id")
    await _journal(c, key, str(data["template_id"]))
    return ActionResult.done("welcome template added", template_id=str(data["template_id"]))


def join_way_body(p: dict[str, Any]) -> dict[str, Any]:
    """groupchat/add_join_way's fields from an action's params; ValueError naming the field."""
    chats = [str(x) for x in p.get("chat_ids") or []]
    if not 1 <= len(chats) <= 5:
        raise ValueError(f"a join way covers 1 to 5 groups (chat_ids has {len(chats)})")
    body: dict[str, Any] = {"scene": int(p.get("scene") or 2), "chat_id_list": chats,
                            "auto_create_room": 1 if p.get("auto_create", True) else 0,
                            "room_base_id": int(p.get("room_base_id") or 1)}
    if body["scene"] not in (1, 2):
        raise ValueError(f"join way scene is {body['scene']}; 1 (mini-program) or 2 (QR code)")
    for key, most in JOIN_WAY_LIMITS:
        value = str(p.get(key) or "")
        if len(value) > most:
            raise ValueError(f"join way {key} has {len(value)} characters; WeCom takes at most {most}")
        body[key] = value
    if body["auto_create_room"] and not body["room_base_name"]:
        raise ValueError("a join way that opens new groups needs room_base_name (the new groups' name)")
    return body


async def _join_way(c: "WeChatConnector", p: dict[str, Any]) -> ActionResult:
    cid = str(p.get("config_id") or "")
    if p.get("op") == "delete":
        try:
            await c.api.call("externalcontact/groupchat/del_join_way", {"config_id": cid})
        except ApiError as e:
            if e.errcode != 40058:
                raise
        return ActionResult.done("join way deleted", config_id=cid)
    body = join_way_body(p)
    if cid:
        await c.api.call("externalcontact/groupchat/update_join_way", {**body, "config_id": cid})
    else:
        cid = str((await c.api.call("externalcontact/groupchat/add_join_way", body, idempotent=False)
                   ).get("config_id") or "")
        if not cid:
            return ActionResult.failed(f"{c.name}: WeCom added the join way but gave no config_id")
    got = await c.api.call("externalcontact/groupchat/get_join_way", {"config_id": cid})
    jw = got.get("join_way") or {}
    return ActionResult.done("join way saved", config_id=cid, qr_code=str(jw.get("qr_code") or ""),
                             chat_ids=list(jw.get("chat_id_list") or body["chat_id_list"]))


async def robot_send(c: "WeChatConnector", text: str, mentions: list[str]) -> ActionResult:
    raw = text.encode()
    if len(raw) > ROBOT_TEXT_BYTES:  # cut on a character boundary, and say it was cut
        text = raw[:ROBOT_TEXT_BYTES - 3].decode("utf-8", "ignore") + "…"
    body = {"msgtype": "text", "text": {"content": text, "mentioned_list": mentions}}
    try:
        resp = await c.api.client().post("/cgi-bin/webhook/send", params={"key": c.config["robot_key"]}, json=body)
        data = resp.json()
    except (httpx.HTTPError, ValueError) as e:
        return ActionResult.retry(f"{c.name}: the robot webhook did not answer ({type(e).__name__})")
    code = int(data.get("errcode") or 0) if isinstance(data, dict) else -1
    if code == 0:
        return ActionResult.done("sent to the robot")
    if code == 45009:
        return ActionResult(Status.RATE_LIMITED, f"{c.name}: the robot takes 20 messages a minute", retry_after=60.0)
    return ActionResult.failed(f"{c.name}: the robot webhook refused the notice: {code} {data.get('errmsg', '')}")


#: What a person does in WeCom for each action WeCom has no API for (English; zh-CN in translations.py).
BY_HAND = {
    "kick": "Remove {person} from {group} in WeCom by hand",
    "mute": "WeCom cannot mute: warn {person} in {group} by hand, or remove them",
    "unmute": "WeCom cannot mute, so {person} in {group} was never muted: nothing to lift",
    "whole_mute": "WeCom cannot mute a whole group: post a reminder in {group} by hand",
    "set_card": "Ask {person} to change their group nickname in {group}: WeCom cannot set it",
    "approve_join": "WeCom groups have no join requests: let {person} in through an invitation or a join way",
    "reject_join": "WeCom groups have no join requests: nothing to reject for {person}",
    "recall": "Delete the message of {person} in {group} in WeCom by hand (WeCom cannot recall it)",
    "set_admin": "Make {person} an admin of {group} in WeCom by hand",
    "unset_admin": "Remove {person} as admin of {group} in WeCom by hand",
    "set_group_name": "Rename {group} in WeCom by hand",
    "invite": "Invite {person} to {group} in WeCom by hand (or send them the join way's QR code)",
    "create_group": "Create the group in WeCom by hand (a join way with auto-create does it by itself)",
}
