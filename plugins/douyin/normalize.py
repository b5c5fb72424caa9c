"""Douyin webhook bodies and entry applications as shequn events (PROTOCOLS.md 3.5).

- ``im_group_receive_msg`` -> a message (``im_group_send_msg``, the account's own, is kept
  with no person: ``from_self``); the group is the message's ``conversation_short_id``
  (the envelope has no group field), its id the ``server_message_id``;
- ``enter_group_audit_change`` -> a join request whose ``flag`` is the ``apply_id``
  (the same id the application list gives, so the list and the webhook file it once);
- ``group_fans_event`` -> a join when ``group_type`` is 1 (加群); 2 is read as a leave
  (no leave webhook is documented: the value is unconfirmed, said in docs/connectors/douyin.md);
- ``im_recall_msg`` -> a recall; ``unauthorize`` -> the account withdrew the app's rights;
- anything else is kept as ``unknown`` with its raw body, never dropped.

Times arrive in milliseconds (webhooks) or seconds (an application's ``create_time`` in
one document): a value above 10^11 is milliseconds. Numbers may be strings.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import Event, Kind

from .answers import as_int

MS_ABOVE = 10**11


class BadPayload(ValueError):
    """A signed body that cannot become an event (its words name what is wrong)."""


def seconds(value: Any, default: int) -> int:
    n = as_int(value, 0)
    if n <= 0:
        return default
    return n // 1000 if n > MS_ABOVE else n


def content_of(body: dict[str, Any]) -> dict[str, Any]:
    """``content`` as an object, whether it came as one or as a JSON string."""
    raw = body.get("content")
    if isinstance(raw, dict):
        return raw
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            doc = json.loads(raw)
        except ValueError as e:
            raise BadPayload(f"content is a string that is not JSON ({e.msg} at {e.pos})") from None
        if not isinstance(doc, dict):
            raise BadPayload("content is a JSON string that does not hold an object")
        return doc
    raise BadPayload(f"content is a {type(raw).__name__}, not an object or a JSON string")


def group_of(event: str, content: dict[str, Any]) -> str | None:
    for key in ("group_id", "im_group_id", "conversation_short_id"):
        v = content.get(key)
        if v not in (None, ""):
            return str(v)
    return None


def normalise(connection: str, body: dict[str, Any], content: dict[str, Any], *, owner: str, now: int,
              msg_id: str = "") -> Event:
    """One webhook body as an event. ``owner`` is the authorised account's open_id."""
    event = str(body.get("event") or "")
    sender = str(body.get("from_user_id") or "") or None
    ts = seconds(content.get("create_time"), now)
    group = group_of(event, content)
    raw = {**body, "content": content}
    fallback = f"hook:{msg_id or body.get('log_id') or ''}"

    def ev(kind: str, eid: str, **kw: Any) -> Event:
        return Event(connection=connection, id=eid, kind=kind, ts=ts, group=group, raw=raw, **kw)

    if event in ("im_group_receive_msg", "im_group_send_msg"):
        mid = str(content.get("server_message_id") or "")
        if not group or not mid:
            raise BadPayload(f"{event} without conversation_short_id or server_message_id")
        text, data = _message_text(content)
        data["message_id"] = mid
        if event == "im_group_send_msg" or sender == owner:
            data["from_self"] = True  # the account's own message: what the group saw, nobody's membership
            return ev(Kind.MESSAGE, f"msg:{mid}", user=None, text=text, data=data)
        nick = _nickname(content, sender)
        return ev(Kind.MESSAGE, f"msg:{mid}", user=sender, nickname=nick, text=text, data=data)
    if event == "enter_group_audit_change":
        apply_id = str(content.get("apply_id") or "")
        if not group or not apply_id or not sender:
            raise BadPayload("enter_group_audit_change without group_id, apply_id or from_user_id")
        return ev(Kind.JOIN_REQUEST, f"apply:{apply_id}", user=sender,
                  nickname=str(content.get("user_nicker") or "") or None,
                  data={"flag": apply_id, "sub_type": "add", "comment": _answer(content),
                        "apply_status": as_int(content.get("apply_status"))})
    if event == "group_fans_event":
        who = joiner(body, content, owner)
        if not group or not who:
            raise BadPayload("group_fans_event without im_group_id or a joiner other than the group owner")
        op = as_int(content.get("group_type"), 1)
        if op == 1:
            return ev(Kind.JOIN, f"join:{group}:{who}:{ts}", user=who, data={"scene": "approve"})
        if op == 2:
            return ev(Kind.LEAVE, f"leave:{group}:{who}:{ts}", user=who, data={"reason": "leave"})
        return ev(Kind.UNKNOWN, fallback, user=who)
    if event == "im_recall_msg" and content.get("server_message_id"):
        return ev(Kind.RECALL, f"recall:{content['server_message_id']}", user=sender,
                  data={"message_id": str(content["server_message_id"])})
    if event in ("unauthorize", "contract_unauthorize"):
        return Event(connection, f"{event}:{sender}:{ts}", Kind.LIFECYCLE, ts,
                     data={"sub_type": "disable", "reason": event, "account": sender}, raw=raw)
    return ev(Kind.UNKNOWN, fallback, user=sender if group else None)


def joiner(body: dict[str, Any], content: dict[str, Any], owner: str) -> str | None:
    """Who joined: the documents' table names the owner in ``content.open_id`` and the
    joiner in ``from_user_id``, their sample the joiner in both; never the owner."""
    for v in (body.get("from_user_id"), content.get("open_id"), body.get("to_user_id")):
        if v and str(v) != owner:
            return str(v)
    return None


def application(connection: str, item: dict[str, Any], now: int) -> Event | None:
    """One item of the entry-application list as a join request (None when it lacks ids)."""
    apply_id, group, user = (str(item.get(k) or "") for k in ("apply_id", "group_id", "user_id"))
    if not (apply_id and group and user):
        return None
    return Event(connection, f"apply:{apply_id}", Kind.JOIN_REQUEST, seconds(item.get("create_time"), now),
                 group=group, user=user, data={"flag": apply_id, "sub_type": "add", "comment": _answer(item),
                                               "apply_status": as_int(item.get("apply_status"))},
                 raw=dict(item))


def _answer(doc: dict[str, Any]) -> str:
    """An applicant's words, where the platform gives any (the documented fields carry none)."""
    for key in ("apply_reason", "reason", "answer", "comment"):
        v = doc.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _nickname(content: dict[str, Any], sender: str | None) -> str | None:
    for info in content.get("user_infos") or []:
        if isinstance(info, dict) and str(info.get("open_id") or "") == sender:
            name = info.get("nick_name") or info.get("nickname")
            if isinstance(name, str) and name.strip():
                return name.strip()
    return None


def _message_text(content: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = str(content.get("message_type") or "text")
    text = content.get("text")
    data: dict[str, Any] = {"message_type": kind}
    if kind == "text" and isinstance(text, str):
        return text, data
    if content.get("resource_url"):
        data["images" if kind in ("image", "emoji", "user_local_image") else "resource"] = [content["resource_url"]]
    if content.get("card_id"):
        data["cards"] = [{"card_id": content["card_id"], "fields": content.get("card_data") or []}]
    return (text if isinstance(text, str) else f"[{kind}]"), data
