"""What goes to the Douyin open platform for each outbox action (PROTOCOLS.md 3.4).

Each function takes the connector and the request and returns the typed result;
platform refusals arrive as :class:`DouyinError` and are mapped by ``act``. Values the
documents leave open come from the connection's options (``approve_status``,
``reject_status``, ``greeting_type``, ``announcement_type``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from shequn import ActionRequest, ActionResult

from .answers import DouyinError, is_gone

if TYPE_CHECKING:
    from .connector import DouyinConnector

SEND = "/im/send/msg/group/"
RECALL = "/im/recall/msg/"
AUDIT_SET = "/im/group/enter/audit/set/"
SETTING_SET = "/im/group/setting/set/"
SETTING_OFF = "/im/group/setting/disable/"
CREATE = "/im/group/fans/create/"
TEXT = 1  # msg_type of a text message
GROUP_CONVERSATION = 2  # conversation_type of a group chat in the samples


def _group(req: ActionRequest) -> str:
    if not req.group:
        raise ValueError(f"{req.kind} needs a fan group")
    return req.group


def _text(req: ActionRequest, *keys: str) -> str:
    for k in keys:
        v = req.params.get(k)
        if isinstance(v, str) and v.strip():
            return v
    raise ValueError(f"{req.kind} needs a text ({' or '.join(keys)})")


async def send(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
    text = _text(req, "text")
    data = await c.im("POST", SEND, body={"group_id": _group(req), "content": {"msg_type": TEXT, "text": {"text": text}}},
                      idempotent=False)
    mid = data.get("msg_id")
    return ActionResult.done("", message_id=str(mid)) if mid else ActionResult.done("sent; Douyin gave no msg_id")


async def recall(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
    mid = req.params.get("message_id")
    if not mid:
        raise ValueError("recall needs a message_id")
    try:
        await c.im("POST", RECALL, body={"msg_id": str(mid), "conversation_id": _group(req),
                                          "conversation_type": GROUP_CONVERSATION})
    except DouyinError as e:
        if e.code and is_gone(e.words):  # recalled already, or gone: the wanted state holds
            return ActionResult.done(f"the message is already gone: {e.code} {e.words}", gone="message")
        raise
    return ActionResult.done()


def _decide(approve: bool) -> Callable[["DouyinConnector", ActionRequest], Awaitable[ActionResult]]:
    async def run(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
        flag = req.params.get("flag")
        if not flag:
            raise ValueError(f"{req.kind} needs the application's flag (apply_id)")
        status = c.config["approve_status" if approve else "reject_status"]
        try:
            await c.im("POST", AUDIT_SET, body={"apply_id": str(flag), "status": status})
        except DouyinError as e:
            if e.code and is_gone(e.words):
                return ActionResult.failed(f"{c.name}: Douyin no longer knows this application: {e.code} {e.words}",
                                           gone="request")
            raise
        if not approve and req.params.get("reason"):
            return ActionResult.done("rejected; Douyin shows the applicant no reason")
        return ActionResult.done()
    return run


async def _setting(c: "DouyinConnector", group: str, kind: int, text: str) -> ActionResult:
    if text:
        await c.im("POST", SETTING_SET, body={"group_id": group, "group_setting_type": kind,
                                               "msg_list": [{"msg_type": TEXT, "text": {"text": text}}]})
        return ActionResult.done()
    await c.im("POST", SETTING_OFF, body={"group_id": group, "group_setting_type": kind})
    return ActionResult.done("turned off")


async def announce(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
    """The group announcement (群公告); ``disable`` (or no text) turns it off."""
    p = req.params
    text = "" if p.get("disable") else str(p.get("text") or p.get("content") or "").strip()
    title = str(p.get("title") or "").strip()
    if text and title and not text.startswith(title):
        text = f"{title}\n{text}"
    return await _setting(c, _group(req), c.config["announcement_type"], text)


async def set_welcome(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
    """The greeting newcomers see (入群欢迎语); an empty text turns it off."""
    text = "" if req.params.get("disable") else str(req.params.get("text") or "").strip()
    return await _setting(c, _group(req), c.config["greeting_type"], text)


async def create_group(c: "DouyinConnector", req: ActionRequest) -> ActionResult:
    """A new fan group, only while the account's quota has room (and it says what is left)."""
    name = _text(req, "name")
    left = await c.quota()
    if left <= 0:
        return ActionResult.failed(f"{c.name}: account {c.open_id} may create no more fan groups (quota spent, 0 "
                                   "left); free one in the Douyin app or ask Douyin for more", quota_spent=True, left=0)
    body: dict[str, Any] = {"group_name": name, "description": str(req.params.get("description") or ""),
                            "avatar_uri": str(req.params.get("avatar_uri") or ""), "group_type": 1,
                            "open_audit_switch": 1, "show_at_profile": 1, "allow_invite": 0, "relation_type": 0,
                            "active_fans": 0, "fans_limit": 0, "item_auto_sync": 0, "live_auto_sync": 0}
    data = await c.im("POST", CREATE, body=body, idempotent=False)
    gid = str(data.get("group_id") or "")
    if not gid:
        return ActionResult.done("created; Douyin gave no group_id", left=left - 1)
    c.known.add(gid)
    return ActionResult.done(f"fan group {gid} created; {left - 1} more can be created", group_id=gid, left=left - 1)


ACTIONS: dict[str, Callable[["DouyinConnector", ActionRequest], Awaitable[ActionResult]]] = {
    "send": send, "recall": recall, "approve_join": _decide(True), "reject_join": _decide(False),
    "announce": announce, "set_welcome": set_welcome, "create_group": create_group,
}
