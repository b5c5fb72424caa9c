"""What the fake bridge answers to an API call, whatever the transport carried it.

One place for the envelope of each dialect (go-cqhttp's ``msg``/``wording``, NapCat's
``wording``/``echo``/``stream``), the unknown-action answers, the ``_async`` and
``_rate_limited`` suffixes (the effect comes later, errors are lost) and the token
check (PROTOCOLS.md 1.1-1.3), so the HTTP and WebSocket transports answer alike.
A mixin of :class:`FakeOneBot` (``onebot.py``); split out to keep each file readable.
"""

from __future__ import annotations

import hmac
import threading
import time
from typing import Any

from .onebot_state import ActionError, UnknownAction, coerce_params


#: The action suffixes each bridge understands: go-cqhttp strips ``_async`` only (its API
#: table has no ``_rate_limited`` names: ``server/api.go``), Lagrange.OneBot looks the name
#: up as given (``OperationService``), NapCat takes both.
SUFFIXES = {"gocq": ("_async",), "napcat": ("_async", "_rate_limited"), "lagrange": ()}


def _split_suffix(action: str, suffixes: tuple[str, ...] = ("_async", "_rate_limited")) -> tuple[str, str | None]:
    """``send_group_msg_async`` -> (``send_group_msg``, ``_async``); same for ``_rate_limited``."""
    for suffix in suffixes:
        if action.endswith(suffix) and action != suffix:
            return action[: -len(suffix)], suffix
    return action, None



class OneBotApi:
    """Envelopes, dispatch and auth; needs ``OneBotState`` and the transport knobs of ``FakeOneBot``."""

    def _envelope(self, status: str, retcode: int, data: Any = None, message: str = "", msg: str = "") -> dict:
        if self._lagrange:  # OneBotResult: no words at all, echo always present
            return {"status": status, "retcode": retcode, "data": data, "echo": None}
        env: dict[str, Any] = {"status": status, "retcode": retcode, "data": data, "message": message}
        if self._napcat:
            env.update(wording=message, echo=None, stream="normal-action")
        elif status == "failed":
            env.update(msg=msg, wording=message)
        return env

    def _failed(self, err: ActionError, ws: bool) -> dict:
        if self._lagrange:
            return self._envelope("failed", err.lagrange)
        if self._napcat:
            code = (400 if err.bad_param else 200) + (1000 if ws else 0)
            return self._envelope("failed", code, message=err.napcat)
        return self._envelope("failed", 100, message=err.wording, msg=err.msg)

    def _unknown(self, name: str, ws: bool) -> dict:
        if self._lagrange:
            return self._envelope("failed", 404)
        if self._napcat:
            return self._envelope("failed", 1404 if ws else 200, message=f"不支持的Api {name}")
        return self._envelope("failed", 1404 if ws else 404, message="API不存在", msg="API_NOT_FOUND")

    def _call(self, raw_action: str, params: Any, *, ws: bool) -> dict:
        """Run one API call from any transport and build its envelope (1.2, 1.3, 1.1 suffixes)."""
        params = coerce_params(params if isinstance(params, dict) else {})
        action, mode = _split_suffix(raw_action, SUFFIXES[self.dialect])
        with self._lock:
            self.calls.append((action, params))
            known = action in self.action_table()
        if not known:
            return self._unknown(raw_action, ws)
        if mode is not None:
            self._schedule(action, params, mode)
            return self._envelope("async", 1)
        try:
            return self._envelope("ok", 0, self.run_action(action, params))
        except ActionError as err:
            return self._failed(err, ws)
        except Exception as exc:  # a handler bug surfaces like a bridge-side exception
            return self._failed(ActionError("API_ERROR", f"内部错误: {exc!r}"), ws)

    def _schedule(self, action: str, params: dict, mode: str) -> None:
        """Queue an ``_async``/``_rate_limited`` call: the effect happens later, errors are lost."""
        with self._lock:
            now = time.monotonic()
            delay = self.async_delay
            if mode == "_rate_limited":  # first call goes out at once, later ones spaced by the interval
                slot = max(now, self._rl_next)
                self._rl_next = slot + self.rate_limit_interval
                delay += slot - now

        def run() -> None:
            try:
                self.run_action(action, params)
            except (ActionError, UnknownAction):
                pass

        timer = threading.Timer(delay, run)
        timer.daemon = True
        timer.start()

    def _auth_error(self, headers: dict[str, str], query: dict[str, str]) -> tuple[int, bytes] | None:
        """Token check (1.1 Auth): go-cqhttp 401 missing / 403 wrong; NapCat 403 body for both."""
        if not self.access_token:
            return None
        if self._napcat:
            token = query.get("access_token") or ""
            if not token and headers.get("authorization"):
                token = headers["authorization"].split("Bearer ")[-1]
            if hmac.compare_digest(token.encode(), self.access_token.encode()):
                return None
            return 403, b'{"message":"token verify failed!"}'
        auth = headers.get("authorization", "")
        if auth:
            auth = auth.split(" ", 1)[1] if " " in auth else auth
        else:
            auth = query.get("access_token", "")
        if not auth:
            return 401, b""
        if not hmac.compare_digest(auth.encode(), self.access_token.encode()):
            return 403, b""
        return None
