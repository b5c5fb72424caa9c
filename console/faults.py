"""Faults are loud (issue 16, item 3): what /healthz and a 503 say, and the alerts a fault raises.

A full disk once ended the ingest task without a log line while /healthz said ok and
webhooks got 204. Now a store fault stops acknowledgement (503 with ``Retry-After``,
console/intake.py), fails /healthz with the reason in the operator's language, and
raises one alert per fault: at once if the alert can be written (a fault of one table,
a lock), else as soon as the store writes again, saying when the fault began and ended.
A loop of the engine that crashes (console/supervisor.py) raises an alert too, one per
loop and error, and /healthz fails until it runs again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

log = logging.getLogger("shequn.faults")

STORE_FAULT_KEY = "serve.store_fault"


def unavailable_words(ws: Any, intake: Any) -> str | None:
    """Why a delivery cannot be stored now, in the operator's language (None: it can)."""
    if intake.fault:
        return ws.tr("the store cannot write ({why}): events are not acknowledged until it can; retry later",
                     why=intake.fault)
    if not intake.ready:
        return ws.t("starting: the store is not taking events yet")
    return None


def health_words(ws: Any, intake: Any, supervisor: Any) -> str | None:
    """What /healthz says: why events cannot be stored, or which loop is down (None: ok)."""
    why = unavailable_words(ws, intake)
    if why is not None or supervisor is None or not supervisor.down:
        return why
    name = sorted(supervisor.down)[0]
    return ws.tr("the {loop} loop stopped on an error and is restarting: {why}", loop=name,
                 why=supervisor.last_error.get(name, ""))


def _when(ws: Any, ts: int) -> str:
    return datetime.fromtimestamp(ts, ws.tz).strftime("%Y-%m-%d %H:%M:%S")


class StoreFaultAlert:
    """One alert per store fault. :meth:`check` runs in a worker thread after each ingest
    round; a write that fails (the disk is still full) is tried again at the next round."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.since: int | None = None  # when the current (or unreported) fault began
        self.why = ""
        self.raised = False  # the open alert of the current fault is written

    def check(self, fault: str | None) -> None:
        ws = self.ws
        if fault and self.since is None:
            self.since, self.why, self.raised = ws.now(), fault, False
        elif fault and fault != self.why:  # another fault before this one was reported over: say the new one
            self.why, self.raised = fault, False
        if fault and not self.raised:
            self.raised = self._raise(ws.tr(
                "The store cannot write since {since}: {why}. Webhooks are answered 503 (bridges send again) and "
                "events wait in memory; free disk space or fix the file, and intake resumes by itself.",
                since=_when(ws, self.since), why=self.why), "critical")
        elif not fault and self.since is not None:
            if self._raise(ws.tr(
                    "The store could not write from {since} to {until}: {why}. Webhooks were answered 503 meanwhile "
                    "and the events held in memory are stored; nothing acknowledged was lost.",
                    since=_when(ws, self.since), until=_when(ws, ws.now()), why=self.why), "error"):
                self.since, self.raised = None, False

    def _raise(self, message: str, severity: str) -> bool:
        try:
            self.ws.raise_alert("store_fault", message, severity=severity, dedupe_key=STORE_FAULT_KEY,
                                cause=str(self.since))
            return True
        except Exception as e:  # noqa: BLE001 - the store still cannot write: the log says it, next round retries
            log.debug("the store-fault alert could not be written yet: %s", e)
            return False


def alert_loop_crash(ws: Any, name: str, why: str) -> None:
    """A loop of the engine crashed and restarts (worker thread): one alert per loop and error."""
    try:
        ws.raise_alert("engine_loop_failed", ws.tr(
            "The {loop} loop of the engine stopped on an error and was restarted: {why}. See the log for the "
            "traceback.", loop=name, why=why[:300]), severity="error", dedupe_key=f"serve.loop.{name}", cause=why[:300])
    except Exception as e:  # noqa: BLE001 - logged already by the supervisor; the store may be down too
        log.warning("the alert for the %s loop could not be written: %s", name, e)
