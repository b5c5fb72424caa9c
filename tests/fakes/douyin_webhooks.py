"""The fake Douyin's webhook client: pushes signed events the way the platform does.

PROTOCOLS.md 3.5: every push is a ``POST`` of JSON with ``X-Douyin-Signature =
sha1_hex(client_secret + raw_body)`` (a plain SHA-1 of the concatenation, not an HMAC)
and ``Msg-Id``; the platform retries up to 3 times when it gets no 200, and does not
promise one delivery per event, so ``times=2`` sends the same bytes again. ``content``
is a JSON-encoded *string* in the join and application events of the SDK samples and an
object in group messages; ``stringify`` forces either. Times are milliseconds.

A mixin of :class:`FakeDouyin` (``douyin.py``): needs ``client_key``, ``client_secret``,
``open_id``, ``now()`` and ``webhook_url``.
"""

from __future__ import annotations

import hashlib
import json
import queue
import secrets
import threading
from typing import Any

import httpx

#: The events whose ``content`` the platform's samples send as a string.
STRINGIFIED = frozenset({"enter_group_audit_change", "group_fans_event"})


def signature(secret: str, body: bytes) -> str:
    return hashlib.sha1(secret.encode() + body).hexdigest()


class DouyinWebhooks:
    """Build, sign and deliver webhook pushes; ``delivered`` keeps (msg_id, status) of each try."""

    def _init_webhooks(self) -> None:
        self.webhook_url: str | None = None
        self.delivered: list[tuple[str, int]] = []
        self._push_queue: queue.Queue = queue.Queue()
        self._push_thread: threading.Thread | None = None
        self._push_stop = threading.Event()
        self._cond = threading.Condition()
        self.max_retries = 3

    # --- building ------------------------------------------------------------------------------

    def webhook_body(self, event: str, content: Any, *, from_user: str = "", to_user: str = "",
                     stringify: bool | None = None, client_key: str | None = None) -> bytes:
        if stringify is None:
            stringify = event in STRINGIFIED
        doc = {"event": event, "client_key": self.client_key if client_key is None else client_key,
               "from_user_id": from_user, "to_user_id": to_user or self.open_id,
               "content": json.dumps(content, ensure_ascii=False) if stringify else content,
               "log_id": secrets.token_hex(16)}
        return json.dumps(doc, ensure_ascii=False).encode()

    def signed(self, body: bytes, *, msg_id: str | None = None, secret: str | None = None,
               sign: bool = True) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Msg-Id": msg_id or secrets.token_hex(12)}
        if sign:
            headers["X-Douyin-Signature"] = signature(self.client_secret if secret is None else secret, body)
        return headers

    def message_content(self, group_id: str, text: str, *, message_id: str | None = None) -> dict[str, Any]:
        ms = int(self.now() * 1000)
        return {"conversation_short_id": group_id, "server_message_id": message_id or "@m" + secrets.token_hex(10),
                "conversation_type": 2, "create_time": ms, "message_type": "text", "text": text,
                "owner_id": self.open_id, "source": "", "user_infos": []}

    def apply_content(self, apply) -> dict[str, Any]:
        return {"create_time": apply.create_time, "user_avatar": "", "user_nicker": apply.nickname,
                "apply_status": apply.status, "apply_id": apply.apply_id, "group_id": apply.group_id,
                **({"apply_reason": apply.reason} if apply.reason else {})}  # undocumented: only when a test gives one

    def join_content(self, group_id: str, user: str, *, group_type: int = 1) -> dict[str, Any]:
        # the documented table names the owner in content.open_id, the sample the joiner: the sample here
        return {"open_id": user, "im_group_id": group_id, "group_type": group_type,
                "create_time": int(self.now() * 1000), "create_group_type": "5"}

    # --- delivering -----------------------------------------------------------------------------

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """One POST now, from the caller's thread."""
        with httpx.Client(timeout=10, trust_env=False) as client:
            return client.post(url, content=body, headers=headers)

    def challenge(self, url: str, challenge: int = 12345, *, client_key: str | None = None,
                  sign: bool = True) -> httpx.Response:
        """The ``verify_webhook`` handshake as the console sends it when the URL is saved."""
        body = self.webhook_body("verify_webhook", {"challenge": challenge}, stringify=False, client_key=client_key)
        return self.post(url, body, self.signed(body, sign=sign))

    def push(self, event: str, content: Any, *, from_user: str = "", times: int = 1, stringify: bool | None = None,
             sign: bool = True, secret: str | None = None, msg_id: str | None = None) -> str:
        """Queue an event for ``webhook_url`` (delivered ``times`` times with one Msg-Id); its Msg-Id."""
        body = self.webhook_body(event, content, from_user=from_user, stringify=stringify)
        headers = self.signed(body, msg_id=msg_id, secret=secret, sign=sign)
        for _ in range(times):
            self._push_queue.put((body, headers))
        self._ensure_pusher()
        return headers["Msg-Id"]

    def wait_delivered(self, n: int, timeout: float = 10.0) -> list[tuple[str, int]]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.delivered) >= n, timeout):
                raise TimeoutError(f"only {len(self.delivered)} of {n} webhook deliveries after {timeout} s")
            return list(self.delivered)

    def _ensure_pusher(self) -> None:
        if self._push_thread is None or not self._push_thread.is_alive():
            self._push_stop.clear()
            self._push_thread = threading.Thread(target=self._pusher, daemon=True, name="fake-douyin-push")
            self._push_thread.start()

    def _stop_pusher(self) -> None:
        self._push_stop.set()
        if self._push_thread is not None:
            self._push_thread.join(1.0)
        self._push_thread = None

    def _pusher(self) -> None:
        with httpx.Client(timeout=5, trust_env=False) as client:  # the platform's 5 s
            while not self._push_stop.is_set():
                try:
                    body, headers = self._push_queue.get(timeout=0.05)
                except queue.Empty:
                    continue
                for _ in range(self.max_retries + 1):
                    status = 0
                    if self.webhook_url:
                        try:
                            status = client.post(self.webhook_url, content=body, headers=headers).status_code
                        except httpx.HTTPError:
                            status = 0
                    with self._cond:
                        self.delivered.append((headers["Msg-Id"], status))
                        self._cond.notify_all()
                    if status == 200 or not self.webhook_url:
                        break
