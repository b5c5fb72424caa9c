"""Which OneBot action carries each shequn action request, with which parameters.

One place per kind (send, kick, mute, join decisions, notices, recall...) for the
mapping from shequn's ``ActionRequest`` to the bridge's ``POST /{action}`` body
(PROTOCOLS.md 1.3), and the reverse question asked after a crash mid-action: does
the member's info already show the effect? Pure functions, so each kind's parameters
are read here without the HTTP and intake machinery around them.
"""

from __future__ import annotations

import time
from typing import Any

from shequn import ActionRequest, ActionResult

#: Action kinds whose repetition has one effect (a read timeout may be retried).
IDEMPOTENT = {"kick", "mute", "unmute", "whole_mute", "set_admin", "unset_admin", "set_card", "approve_join",
              "reject_join", "recall", "set_group_name"}
#: Kinds whose effect a member look-up can confirm after a crash (see ``reconciled``).
RECONCILABLE = ("kick", "mute", "unmute", "set_card", "set_admin", "unset_admin", "approve_join")


def bridge_call(req: ActionRequest, rate_limited_suffix: bool = False) -> tuple[str, dict[str, Any]]:
    """The bridge action and params for a request. Raises ValueError on missing params.
    ``rate_limited_suffix`` sends messages through the bridge's ``_rate_limited`` queue."""
    p = req.params
    k = req.kind
    gid = None if k in ("approve_join", "reject_join", "recall") else need_int(req.group, "group")

    def uid() -> int:
        return need_int(req.user, "user")

    if k == "send":
        msg = p.get("message")
        if msg is None:
            segs: list[dict[str, Any]] = []
            if p.get("reply_to"):
                segs.append({"type": "reply", "data": {"id": str(p["reply_to"])}})
            for at in p.get("mentions") or p.get("at") or []:
                segs.append({"type": "at", "data": {"qq": str(at)}})
            if p.get("text"):
                segs.append({"type": "text", "data": {"text": str(p["text"])}})
            for img in p.get("images") or ([p["image"]] if p.get("image") else []):
                segs.append({"type": "image", "data": {"file": str(img)}})
            if not segs:
                raise ValueError("send needs params.text (or message / image)")
            msg = segs
        action = "send_group_msg_rate_limited" if rate_limited_suffix else "send_group_msg"
        return action, {"group_id": gid, "message": msg, "auto_escape": bool(p.get("auto_escape", False))}
    if k == "kick":
        reject = bool(p.get("reject_add_request", p.get("blacklist", p.get("reject", False))))
        return "set_group_kick", {"group_id": gid, "user_id": uid(), "reject_add_request": reject}
    if k in ("mute", "unmute"):
        duration = 0 if k == "unmute" else int(p.get("duration", p.get("seconds", 1800)))
        return "set_group_ban", {"group_id": gid, "user_id": uid(), "duration": duration}
    if k == "whole_mute":
        return "set_group_whole_ban", {"group_id": gid, "enable": bool(p.get("enable", True))}
    if k in ("set_admin", "unset_admin"):
        return "set_group_admin", {"group_id": gid, "user_id": uid(), "enable": k == "set_admin"}
    if k == "set_card":
        return "set_group_card", {"group_id": gid, "user_id": uid(), "card": str(p.get("card", ""))}
    if k == "set_group_name":
        name = p.get("name", p.get("group_name"))
        if not name:
            raise ValueError("set_group_name needs params.name")
        return "set_group_name", {"group_id": gid, "group_name": str(name)}
    if k in ("approve_join", "reject_join"):
        if not p.get("flag"):
            raise ValueError(f"{k} needs params.flag (the request's flag)")
        sub = str(p.get("sub_type") or "add")
        params = {"flag": str(p["flag"]), "sub_type": sub, "type": sub, "approve": k == "approve_join"}
        if k == "reject_join":
            params["reason"] = str(p.get("reason") or "")
        return "set_group_add_request", params
    if k == "announce":
        content = p.get("content", p.get("text"))
        if not content:
            raise ValueError("announce needs params.content")
        params = {"group_id": gid, "content": str(content)}
        if p.get("image"):
            params["image"] = str(p["image"])
        return "_send_group_notice", params
    if k == "recall":
        mid = str(p.get("message_id", "")).rsplit(":", 1)[-1]
        if not mid.lstrip("-").isdigit():
            raise ValueError("recall needs params.message_id (the bridge's message id)")
        return "delete_msg", {"message_id": int(mid)}
    raise ValueError(f"no bridge action for {k}")


def reconciled(request: ActionRequest, info: dict[str, Any]) -> ActionResult | None:
    """Done when the member's ``get_group_member_info`` already shows the request's effect,
    else None (it did not happen: the outbox runs it again)."""
    k = request.kind
    if k == "approve_join":
        return ActionResult.done("reconciled: already a member")
    if k == "mute":
        until = int_or_none(info.get("shut_up_timestamp"))
        return ActionResult.done("reconciled: already muted") if until and until > time.time() else None
    if k == "unmute":
        return ActionResult.done("reconciled: not muted") if info.get("shut_up_timestamp") == 0 else None
    if k == "set_card":
        return ActionResult.done("reconciled: card already set") \
            if str(info.get("card", "")) == str(request.params.get("card", "")) else None
    if k in ("set_admin", "unset_admin"):
        want = "admin" if k == "set_admin" else "member"
        return ActionResult.done("reconciled: role already set") if info.get("role") == want else None
    return None  # kick: still a member, so it did not happen; the outbox runs it again


def int_or_none(v: Any) -> int | None:
    """A bridge's number field (ids, counts, timestamps) as int; absent or garbled: None."""
    try:
        return int(v) if v is not None and v != "" else None
    except (TypeError, ValueError):
        return None


def need_int(v: Any, what: str) -> int:
    """QQ ids are numbers on the wire; a request naming anything else is refused."""
    try:
        return int(str(v))
    except (TypeError, ValueError):
        raise ValueError(f"the action needs a numeric QQ {what} id, got {v!r}") from None
