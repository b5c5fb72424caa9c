"""What the Douyin open platform's answers mean (PROTOCOLS.md 3.3, 3.6).

Several envelopes exist: OAuth answers put everything in ``data`` beside ``message``;
IM answers carry ``data`` and ``extra`` (both with ``error_code``) and put business
fields at the top level in the SDK samples, inside ``data`` in some pages; mini-app
answers use ``err_no``/``err_tips``. Numbers arrive as numbers or strings. This module
reads all of them into (code, words, payload) and maps a code to a typed result.

The same code means different things by endpoint: 10020 is "renewal limit reached" on
``renew_refresh_token`` and "too frequent" elsewhere; an expired access token is
10008, 2190008 or 28001008 by API family. Callers that know the endpoint decide.
"""

from __future__ import annotations

from typing import Any

from shequn import ActionResult, Status

AUTH_EXPIRED = frozenset({28001008, 10008, 2190008})
REAUTHORIZE = frozenset({10010})  # the refresh token is dead: a person authorises again
RATE_LIMITED = frozenset({28003018, 10020})
QUOTA_SPENT = frozenset({28003017, 2190001})
TRANSIENT = frozenset({28001005, 28001006, 2100004})
#: the account or the app lacks a right: nothing shequn retries can fix
NO_RIGHT = {
    28001012: "the account has not authorised this scope for the app: authorise it again with the group scopes",
    28001015: "the access token belongs to another account than the configured open_id",
    28001018: "the app or the account lacks the fan-group capability (only an enterprise account, 企业号, may use it)",
    28001019: "the capability was withdrawn from the app",
    28001056: "the capability was withdrawn from the app",
    2100007: "no permission",
}
#: words the platform uses when the target of a decision or a recall no longer exists
GONE_WORDS = ("不存在", "已处理", "已撤回", "not exist", "not found")


#: the platform's full-width punctuation as plain ASCII: its words sit inside shequn's sentences, which the
#: console reads back piece by piece at "，", "；" and "：" (console/stored_text.py)
PLAIN = str.maketrans({"，": ",", "；": ";", "：": ":"})


class DouyinError(Exception):
    """A call that did not succeed, with the typed result the outbox should record."""

    def __init__(self, message: str, result: ActionResult, code: int = 0, words: str = ""):
        super().__init__(message)
        self.result, self.code, self.words = result, code, words


def as_int(value: Any, default: int = 0) -> int:
    """A number sent as a number or a string ("86400"); ``default`` for anything else."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return default


def read_envelope(doc: Any) -> tuple[int, str, dict[str, Any]]:
    """(error code, the platform's words, the business fields from wherever they are)."""
    if not isinstance(doc, dict):
        return -1, "the answer is not a JSON object", {}
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    extra = doc.get("extra") if isinstance(doc.get("extra"), dict) else {}
    code = 0
    for where in (data, extra, doc):
        for key in ("error_code", "err_no", "errcode"):
            c = as_int(where.get(key))
            if c:
                code = c
                break
        if code:
            break
    words = ""
    for where in (data, extra, doc):
        for key in ("description", "err_tips", "err_msg", "sub_description"):
            w = where.get(key)
            if isinstance(w, str) and w.strip():
                words = w.strip()
                break
        if words:
            break
    if code and not words and isinstance(doc.get("message"), str):
        words = doc["message"]
    words = words.translate(PLAIN)
    payload = {k: v for k, v in doc.items() if k not in ("data", "extra", "message")}
    payload.update({k: v for k, v in data.items() if k not in ("error_code", "description")})
    return code, words, payload


def is_gone(words: str) -> bool:
    return any(w in words for w in GONE_WORDS)


def result_for(code: int, words: str, connection: str, *, rate_wait: float, quota_wait: float) -> ActionResult:
    """The typed result of an IM answer with a non-zero ``code`` (in the platform's words)."""
    said = f"{code} {words}".strip()
    if code in AUTH_EXPIRED or code in REAUTHORIZE:
        return ActionResult(Status.AUTH_EXPIRED, f"{connection}: the access token expired ({said})")
    if code in RATE_LIMITED:
        return ActionResult(Status.RATE_LIMITED, f"{connection}: Douyin is limiting the request rate ({said}); "
                                                 f"waiting {rate_wait:.0f} s", retry_after=rate_wait)
    if code in QUOTA_SPENT:
        return ActionResult(Status.RATE_LIMITED, f"{connection}: the Douyin call quota is spent ({said}); "
                                                 f"waiting {quota_wait / 3600:.1f} h until it renews",
                            retry_after=quota_wait)
    if code in TRANSIENT:
        return ActionResult.retry(f"{connection}: Douyin is busy ({said})")
    if code in NO_RIGHT:
        return ActionResult.failed(f"{connection}: {NO_RIGHT[code]} ({said})", no_right=code)
    return ActionResult.failed(f"{connection}: Douyin refused ({said})")
