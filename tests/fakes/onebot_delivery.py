"""How the fake bridge's events leave it: pushed to every event socket and POSTed.

HTTP POST reporting (PROTOCOLS.md 1.1(b)) signs the body with ``X-Signature`` (go-cqhttp
keys it with ``secret``, NapCat with the token), retries as configured, and applies a
quick-operation reply (1.5) before recording the delivery, so tests can wait on
``delivered``. A mixin of :class:`FakeOneBot` (``onebot.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time

import httpx


class OneBotDelivery:
    """Event fan-out to WebSockets and the POST worker thread."""

    def _emit(self, event: dict) -> dict:
        """Record an event and push it to every event-receiving WS and the POST queue."""
        with self._lock:
            self.events.append(event)
            conns = [c for c in self._ws_conns if c.events]
            loop = self._loop
            if self.post_url:
                self._post_queue.put(event)
        if loop is not None:
            for conn in conns:
                try:
                    loop.call_soon_threadsafe(conn.queue.put_nowait, event)
                except RuntimeError:
                    pass  # loop shutting down
        return event

    def sign(self, body: bytes) -> str | None:
        """``X-Signature`` value for a POST body: go-cqhttp keys with ``secret``, NapCat with the token."""
        key = self.access_token if self._napcat else self.secret
        if not key:
            return None
        return "sha1=" + hmac.new(key.encode(), body, hashlib.sha1).hexdigest()

    def _post_worker(self, stop: threading.Event) -> None:
        with httpx.Client(timeout=self.post_timeout, trust_env=False) as client:
            while not stop.is_set():
                try:
                    event = self._post_queue.get(timeout=0.05)
                except queue.Empty:
                    continue
                try:
                    self._deliver(client, event)
                except Exception:
                    with self._delivered_cond:
                        self.delivered.append((event, 0))
                        self._delivered_cond.notify_all()

    def _deliver(self, client: httpx.Client, event: dict) -> None:
        """POST one event (1.1(b)); apply a quick-operation reply (1.5) before recording it."""
        url = self.post_url
        if not url:
            return
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Self-ID": str(self.self_id)}
        if self.dialect == "gocq":
            headers["User-Agent"] = "CQHttp/4.15.0"
        signature = self.sign(body)
        if signature:
            headers["X-Signature"] = signature
        if self._napcat:
            headers = {k.lower(): v for k, v in headers.items()}
        for attempt in range(self.post_max_retries + 1):
            try:
                resp = client.post(url, content=body, headers=headers)
            except httpx.HTTPError:
                status = 0
            else:
                status = resp.status_code
                self._quick_reply(event, resp)
            with self._delivered_cond:
                self.delivered.append((event, status))
                self._delivered_cond.notify_all()
            if status or attempt == self.post_max_retries:
                return
            time.sleep(self.post_retries_interval)

    def _quick_reply(self, event: dict, resp: httpx.Response) -> None:
        if resp.status_code != 200 or not resp.content.strip():
            return  # 204 / empty body: no quick operation
        try:
            operation = resp.json()
        except ValueError:
            return
        if isinstance(operation, dict) and operation:
            results = self.apply_quick_operation(event, operation)
            with self._lock:
                self.post_replies.append({"event": event, "operation": operation, "results": results})
