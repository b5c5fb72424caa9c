"""What a OneBot bridge's answer means: a success's data, or a typed failure.

Kept apart from the connector because this is where the bridges differ most and where
the words are read (PROTOCOLS.md 1.1, 1.2, 1.7): go-cqhttp answers an unknown action
with HTTP 200 and retcode 404, NapCat with retcode 200 and "不支持的Api", Lagrange with a
bare ``{"status": "failed", "retcode": 404}``; a wrong token is 401/403 (go-cqhttp) or
403 with a JSON body that is not an envelope (NapCat); risk control and "the target is
already gone" share no code, only words. ``status`` decides, never the retcode alone:
``failed`` is a failure whatever the retcode (Lagrange refuses an approval with
``failed``/1, which OneBot's table reads as "async"), ``ok`` with retcode 1 is
Lagrange's older refused approval, ``async`` is queued. Lagrange's answers carry no
words, so its failures read "retcode N". An answer in no envelope shequn knows is a
failure that names the connection and quotes the answer. The bridge's own words
(``wording``/``message``/``msg``) become the failure message, never a guessed code.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from shequn import ActionRequest, ActionResult, ConnectorError, Status

#: Words bridges use when QQ's risk control throttles the account (no code is shared).
RATE_WORDS = ("风控", "频率", "太频繁", "rate limit", "too fast", "too many")


class BridgeError(ConnectorError):
    """A bridge answer that is not a success, with the connection's name and the bridge's words."""

    def __init__(self, message: str, result: ActionResult):
        super().__init__(message)
        self.result = result


def unsupported(bridge: dict[str, Any], action: str) -> str:
    """The failure message for an action this bridge (named by its version info) lacks."""
    app = " ".join(str(bridge.get(k)) for k in ("app_name", "app_version") if bridge.get(k))
    return f"the bridge{f' ({app})' if app else ''} does not support {action}"


def read_answer(connection: str, action: str, resp: httpx.Response, bridge: dict[str, Any]) -> Any:
    """The ``data`` of a successful answer (``{"async": True}`` for a queued one), else
    BridgeError whose result says what kind of failure it is. The connector, not this
    function, turns an accepted or refused token into its online/error state."""
    where = f"{connection}: {action}"
    code = resp.status_code
    body = resp.text[:300]
    if code in (401, 403):
        detail = bridge_words(resp) or ("no access token sent" if code == 401 else "wrong access token")
        msg = f"the bridge refused the access token (HTTP {code}: {detail}); check connections.{connection}.access_token"
        raise BridgeError(f"{where}: {msg}", ActionResult(Status.AUTH_EXPIRED, msg))
    if code == 404:
        raise BridgeError(f"{where}: unknown action", ActionResult.failed(unsupported(bridge, action)))
    if code == 429:
        ra = _float(resp.headers.get("retry-after"))
        raise BridgeError(f"{where}: rate limited", ActionResult(Status.RATE_LIMITED, "the bridge said slow down "
                                                                 "(HTTP 429)", ra))
    if code >= 500:
        raise BridgeError(f"{where}: HTTP {code}", ActionResult.retry(f"the bridge failed (HTTP {code}: {body})"))
    if code in (400, 406) or code >= 300:
        raise BridgeError(f"{where}: HTTP {code}", ActionResult.failed(
            f"the bridge rejected the request (HTTP {code}: {bridge_words(resp) or body})"))
    try:
        env = resp.json()
    except (ValueError, RecursionError):
        raise BridgeError(f"{where}: not JSON", ActionResult.retry(
            f"{connection}: the bridge answered {action} with something that is not JSON: {body[:120]!r}")) from None
    status, retcode = (env.get("status"), env.get("retcode")) if isinstance(env, dict) else (None, None)
    if not isinstance(env, dict) or status not in ("ok", "async", "failed", None) \
            or (status is None and not isinstance(retcode, int)):
        raise BridgeError(f"{where}: not an envelope", ActionResult.failed(
            f"{connection}: the bridge answered {action} in an envelope shequn does not know: {body[:200]!r}"))
    if status == "ok" and retcode == 1:
        raise BridgeError(f"{where}: refused (ok, retcode 1)", ActionResult.failed(
            "the bridge said: status ok with retcode 1 (Lagrange's answer when QQ refused the request)"))
    if status == "ok" or (status is None and retcode == 0):
        return env.get("data")
    if status == "async" or (status is None and retcode == 1):
        return {"async": True}
    parts = [str(env[k]).strip() for k in ("wording", "message", "msg") if env.get(k)]
    words = " / ".join(dict.fromkeys(p for p in parts if p)) or f"retcode {retcode}"
    low = words.lower()
    if retcode in (404, 1404) or "api_not_found" in low or "不支持的api" in low:
        raise BridgeError(f"{where}: unsupported", ActionResult.failed(unsupported(bridge, action)))
    if any(w in low for w in RATE_WORDS):
        raise BridgeError(f"{where}: {words}", ActionResult(Status.RATE_LIMITED, f"QQ throttled the account: {words}"))
    raise BridgeError(f"{where}: {words}", ActionResult.failed(f"the bridge said: {words}"))


# --- answers that say the target is already gone -------------------------------------------
#: A kick, mute or recall whose target is already gone is done: the wanted state holds.
#: The bridges' own words for it (PROTOCOLS.md 1.2: no code is shared, so words are read):
#: go-cqhttp answers a kick of someone not in the group MEMBER_NOT_FOUND / 人员不存在 (older
#: releases GROUP_NOT_FOUND / 群聊不存在 for a missing member too, which the connector then
#: checks with get_group_member_info: MEMBER_NOT_FOUND / 群员不存在), set_group_admin
#: GROUP_MEMBER_NOT_FOUND / 群成员不存在, and delete_msg of a message it no longer has
#: MESSAGE_NOT_FOUND / 消息不存在 (get_msg: MSG_NOT_FOUND); NapCat's words carry the same
#: Chinese (群成员…不存在, 消息不存在) or say the message was already recalled.
_NOT_A_MEMBER = ("member_not_found", "人员不存在", "群员不存在", "群成员不存在", "不是群成员", "not a member",
                 "not in the group")
_MESSAGE_GONE = ("message_not_found", "msg_not_found", "消息不存在", "已撤回", "已被撤回", "already recalled")
_REQUEST_GONE = ("no such request", "request not found", "申请不存在", "请求不存在", "已处理", "已失效")
_MEMBER_ID_GONE = re.compile(r"群成员\s*\d*\s*不存在")


def gone_target(words: str) -> str | None:
    """``"member"`` when a bridge's failure words say the person is not (any more) in the
    group, ``"message"`` when they say the message no longer exists, else None."""
    low = (words or "").lower()
    if any(w in low for w in _NOT_A_MEMBER) or _MEMBER_ID_GONE.search(low):
        return "member"
    if any(w in low for w in _MESSAGE_GONE):
        return "message"
    return None


async def already_gone(call: Callable[..., Awaitable[Any]], request: ActionRequest,
                       failed: ActionResult) -> ActionResult | None:
    """A refused kick, mute or recall whose target is already gone is done (the wanted
    state holds): the bridge's words say so, or, when they are ambiguous (go-cqhttp's
    "群聊不存在" for a missing member), the member look-up through ``call`` (the
    connector's bridge call) says the person is not there. None: the refusal stands."""
    k = request.kind
    if failed.status == Status.FAILED and k in ("approve_join", "reject_join") and \
            any(w in (failed.message or "").lower() for w in _REQUEST_GONE):
        return ActionResult.failed(failed.message, gone="request")  # still a failure; in doubt, done (outbox)
    if failed.status != Status.FAILED or k not in ("kick", "mute", "unmute", "recall"):
        return None
    said = gone_target(failed.message)
    if k == "recall":
        return ActionResult.done(f"already gone: {failed.message}", gone="message") if said == "message" else None
    if said != "member":
        try:
            await call("get_group_member_info", {"group_id": int(request.group or 0),
                                                 "user_id": int(request.user or 0), "no_cache": True})
            return None  # still a member: the refusal stands
        except (BridgeError, ValueError) as e:
            if not isinstance(e, BridgeError) or gone_target(e.result.message) != "member":
                return None
    return ActionResult.done(f"already not a member: {failed.message}", gone="member")


def bridge_words(resp: httpx.Response) -> str:
    """The bridge's own explanation in a non-envelope answer (NapCat's 403 body), if any."""
    try:
        body = resp.json()
    except ValueError:
        return resp.text.strip()[:120]
    if isinstance(body, dict):
        return str(body.get("wording") or body.get("message") or body.get("msg") or "")
    return ""


def _float(v: Any) -> float | None:
    try:
        return float(v) if v else None
    except ValueError:
        return None


# --- the _rate_limited suffix, where the bridge has it ------------------------------------
#: NapCat queues ``send_group_msg_rate_limited``; go-cqhttp has no such names (its
#: ``get_supported_actions`` does not list them: an unknown action, retcode 404) and
#: Lagrange.OneBot looks the name up as given. The suffix is used only where the bridge
#: has the action by its own name; refused once as unknown, never again on that connection.
RATE_LIMITED = "_rate_limited"


def rate_limited_or_plain(conn: Any, action: str) -> str:
    """``action`` as it should go to ``conn``'s bridge: the plain name where the suffixed
    one is not known there (by ``get_supported_actions`` or an earlier refusal)."""
    if not action.endswith(RATE_LIMITED):
        return action
    if getattr(conn, "no_rate_limited", False) or (conn.supported is not None and action not in conn.supported):
        return action.removesuffix(RATE_LIMITED)
    return action


def refused_suffix(conn: Any, action: str, result: ActionResult) -> bool:
    """True (and remembered on ``conn``) when the bridge refused a ``_rate_limited``
    action as unknown: the caller sends it again by its plain name."""
    if action.endswith(RATE_LIMITED) and result.status == Status.FAILED and "does not support" in result.message:
        conn.no_rate_limited = True
        return True
    return False
