"""The connector conformance kit: one suite every connector runs against its fake server.

A connector author subclasses :class:`ConnectorConformance` in a pytest file and
fills in the factories; pytest then collects the suite's ``test_*`` methods::

    from console.testing import ConnectorConformance

    class TestMyConformance(ConnectorConformance):
        connector_class = MyConnector
        faults = frozenset({"auth", "transient", "permanent", "down"})

        def start_fake(self): self.fake = MyFake().start()
        def stop_fake(self): self.fake.stop()
        def make_connector(self, name, sink): return MyConnector(name, {...}, sink=sink)
        def sample_requests(self): return {"send": ActionRequest(1, "send", "k1", group="g1", params={...}), ...}
        async def produce_events(self, connector, sink): ...  # make the fake emit, return what arrived
        def inject_fault(self, kind): ...
        def network_calls(self): return len(self.fake.calls)

What it checks (the invariants the engine and the outbox rely on):

- declared options are documented, secrets are strings, missing required options and
  unknown keys raise ConfigError naming the key;
- every declared action capability has a working sample against the fake, and every
  undeclared action raises NotSupported before any network call;
- events carry the connection's name, a non-empty id, a known kind, a unix time in
  seconds, string platform ids; member events name the group and user; unknown ones
  keep their raw payload; they ingest into a real workspace;
- the same delivery twice gives the same ids, and the engine stores it once;
- auth, rate-limit, transient, permanent errors and a fake that is down map to the
  typed results (never an exception);
- a kick, mute or recall whose target is already gone (the person left, the message was
  recalled) is DONE: the wanted state holds, so the outbox never retries it nor hands it
  to a person (``gone_requests``; skipped where the fake cannot show it);
- after the fake drops the connection, events arrive again without help;
- webhook refusals, malformed bodies, ``check()``, ``list_groups`` and declared-option
  honesty (console/testing_extra.py).

The tests are plain functions running their coroutines through ``run_async``, so the
suite needs no asyncio plugin or mode (shequn's pytest plugin, console/pytest_plugin.py,
runs an author's own async tests of the class the same way).

Parts a fake cannot simulate are listed in ``faults`` / ``supports_reconnect`` /
``deliver_twice``, and their tests are skipped with the reason, never passed blindly.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from .config import ConfigError
from .connector import Connector, NotSupported, NullSink
from .engine import Engine
from .testing_extra import ConformanceExtras
from .model import ACTION_CAPABILITY, ActionRequest, Capability, Event, Kind, Status

FAULT_KINDS = ("auth", "rate_limit", "transient", "permanent", "down")
EXPECTED: dict[str, set[Status]] = {
    "auth": {Status.AUTH_EXPIRED},
    "rate_limit": {Status.RATE_LIMITED},
    "transient": {Status.RETRY},
    "permanent": {Status.FAILED},
    "down": {Status.RETRY},
}
_MEMBER_KINDS = {Kind.JOIN, Kind.LEAVE, Kind.ADMIN, Kind.MUTE, Kind.NICKNAME, Kind.JOIN_REQUEST}
_EARLIEST = 946_684_800  # 2000-01-01: anything before is a unit mistake (ms, or 0)


def conformance_workspace(tmp_path: Path, connection: str, platform: str):
    """A throw-away workspace knowing ``connection`` (disabled: nothing starts by itself)."""
    from .workspace import Workspace

    cfg = tmp_path / "conformance.toml"
    cfg.write_text(f'[operator]\nname = "conformance"\n\n[database]\npath = "conformance.db"\n\n'
                   f'[connections.{connection}]\nplatform = "{platform}"\nenabled = false\n', encoding="utf-8")
    return Workspace.open(cfg)


def check_event(event: Event, connection: str) -> list[str]:
    """What is wrong with one event, as readable lines (empty when it conforms)."""
    bad = []
    where = f"event {event.id!r} ({event.kind})"
    if event.connection != connection:
        bad.append(f"{where}: connection is {event.connection!r}, expected {connection!r}")
    if not isinstance(event.id, str) or not event.id:
        bad.append(f"{where}: id must be a non-empty string")
    if event.kind not in set(Kind):
        bad.append(f"{where}: kind {event.kind!r} is not a console.model.Kind")
    if not isinstance(event.ts, int) or isinstance(event.ts, bool):
        bad.append(f"{where}: ts must be an int (unix seconds), got {type(event.ts).__name__}")
    elif not _EARLIEST <= event.ts <= time.time() + 86_400:
        bad.append(f"{where}: ts {event.ts} is not a plausible unix time in seconds")
    for f in ("group", "user"):
        v = getattr(event, f)
        if v is not None and not isinstance(v, str):
            bad.append(f"{where}: {f} must be a string platform id or None, got {type(v).__name__}")
    # the engine names a group it meets for the first time from this field (API 1.1)
    if event.group_name is not None and not isinstance(event.group_name, str):
        bad.append(f"{where}: group_name must be the group's name as a string or None, got "
                   f"{type(event.group_name).__name__}")
    if not isinstance(event.data, dict):
        bad.append(f"{where}: data must be a dict")
    if event.kind == Kind.MESSAGE and (event.group is None or event.user is None or not isinstance(event.text, str)):
        bad.append(f"{where}: a message needs group, user and text")
    if event.kind in _MEMBER_KINDS and (event.group is None or event.user is None):
        bad.append(f"{where}: a {event.kind} event needs group and user")
    if event.kind == Kind.JOIN_REQUEST and not event.data.get("flag"):
        bad.append(f"{where}: a join request needs data['flag'] (what approve/reject send back)")
    if event.kind == Kind.UNKNOWN and event.raw is None:
        bad.append(f"{where}: an unknown event must keep its raw payload")
    for key in ("group_id", "person_id"):
        if getattr(event, key) is not None:
            bad.append(f"{where}: {key} is the engine's to fill; leave it None")
    return bad


class ConnectorConformance(ConformanceExtras):
    """Base class of a connector's conformance suite (see the module docstring)."""

    connector_class: type[Connector]
    connection = "conformance"
    #: fault kinds (FAULT_KINDS) the fake can inject; the others are skipped, with the reason
    faults: frozenset[str] = frozenset()
    #: whether the connector keeps a connection the fake can drop (websocket intake)
    supports_reconnect: bool = False
    #: seconds to wait for events to arrive
    event_timeout: float = 10.0

    # --- what a subclass provides -------------------------------------------------------------

    def start_fake(self) -> None:
        """Start the fake platform (called before each test)."""

    def stop_fake(self) -> None:
        """Stop it (after each test)."""

    def make_connector(self, name: str, sink: Any) -> Connector:
        raise NotImplementedError("make_connector(name, sink): a connector pointed at the fake")

    def sample_requests(self) -> dict[str, ActionRequest]:
        """One request per declared action kind that succeeds against the fake."""
        raise NotImplementedError

    async def produce_events(self, connector: Connector, sink: NullSink) -> list[Event]:
        """Make the fake emit a varied set of events and return those the connector delivered."""
        raise NotImplementedError

    async def deliver_twice(self, connector: Connector, sink: NullSink) -> tuple[list[Event], list[Event]] | None:
        """Deliver the same platform payloads twice; None when the fake cannot redeliver."""
        return None

    def inject_fault(self, kind: str) -> None:
        """Make the fake answer the next action call with this kind of failure."""
        raise NotImplementedError

    def clear_fault(self, kind: str) -> None:
        """Undo ``inject_fault`` (for example start the fake again after ``down``)."""

    def network_calls(self) -> int:
        """How many requests have reached the fake so far."""
        raise NotImplementedError

    def drop_connection(self) -> None:
        """Drop the connector's live connection from the fake's side."""
        raise NotImplementedError

    def gone_requests(self) -> dict[str, ActionRequest] | None:
        """Requests whose target is already gone on the fake (a user not in the group, a
        message id it no longer has), by kind; None when the fake cannot show it."""
        return None

    def fault_request(self) -> ActionRequest:
        """The action used for fault tests (default: an idempotent sample, so RETRY is right)."""
        samples = self.sample_requests()
        for kind in ("mute", "kick", "set_card", "approve_join", "send"):
            if kind in samples:
                return samples[kind]
        return next(iter(samples.values()))

    # --- harness ------------------------------------------------------------------------------------

    @pytest.fixture(autouse=True)
    def _conformance_fake(self, tmp_path):
        self.tmp_path = tmp_path
        self.start_fake()
        try:
            yield
        finally:
            self.stop_fake()

    def run_async(self, coro: Any) -> Any:
        """Run one of the kit's coroutines in an event loop of its own. The kit's tests are
        plain functions, so they pass under pytest-asyncio's strict mode (no marks needed),
        its auto mode, and without it; the fakes' threads do not care which loop calls them."""
        return asyncio.run(coro)

    async def _close(self, connector: Connector) -> None:
        await connector.stop()
        close = getattr(connector, "aclose", None)
        if close is not None:
            await close()

    async def wait_events(self, sink: NullSink, n: int) -> None:
        """Wait until ``sink`` holds at least ``n`` events (for push intakes)."""
        deadline = time.monotonic() + self.event_timeout
        while len(sink.received) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(sink.received)} of {n} events arrived in {self.event_timeout} s")
            await asyncio.sleep(0.02)

    # --- the suite -----------------------------------------------------------------------------------

    def test_options_are_declared_honestly(self):
        cls = self.connector_class
        assert getattr(cls, "platform", ""), "connector has no platform name"
        for o in cls.options:
            assert o.help.strip(), f"option {o.name} has no help text"
            if o.secret:
                assert o.type is str, f"secret option {o.name} must be a string (\"env:NAME\" allowed)"
        for o in (o for o in cls.options if o.required):
            with pytest.raises(ConfigError, match=o.name):
                cls.check_options({}, f"connections.{self.connection}")
        with pytest.raises(ConfigError, match="no_such_option"):
            cls.check_options({"no_such_option": 1}, f"connections.{self.connection}")

    def test_capabilities_are_consistent(self):
        cls = self.connector_class
        assert all(isinstance(c, Capability) for c in cls.capabilities)
        assert set(cls.intake) <= {"webhook", "websocket", "poll"}, cls.intake
        assert cls.pacing.rate > 0 and cls.pacing.burst >= 1
        assert cls.group_pacing is None or (cls.group_pacing.rate > 0 and cls.group_pacing.burst >= 1)
        assert Capability.REJECT_REASON not in cls.capabilities or Capability.APPROVE_JOIN in cls.capabilities, \
            "reject_reason without approve_join: the connector cannot reject a request at all"
        declared = {k for k, cap in ACTION_CAPABILITY.items() if cap in cls.capabilities}
        missing = declared - set(self.sample_requests())
        assert not missing, f"declared but without a sample request: {sorted(missing)}"

    def test_declared_actions_succeed(self):
        self.run_async(self._declared_actions_succeed())

    async def _declared_actions_succeed(self):
        c = self.make_connector(self.connection, NullSink())
        try:
            for kind, req in self.sample_requests().items():
                res = await c.perform(req)
                assert res.status == Status.DONE, f"{kind}: {res.status} {res.message}"
        finally:
            await self._close(c)

    def test_undeclared_actions_raise_before_any_network_call(self):
        self.run_async(self._undeclared_actions_raise_before_any_network_call())

    async def _undeclared_actions_raise_before_any_network_call(self):
        c = self.make_connector(self.connection, NullSink())
        try:
            before = self.network_calls()
            for kind in ACTION_CAPABILITY:
                if c.can_action(kind):
                    continue
                with pytest.raises(NotSupported):
                    await c.perform(ActionRequest(0, kind, f"undeclared-{kind}", group="1", user="1"))
            assert self.network_calls() == before, "an undeclared action reached the platform"
        finally:
            await self._close(c)

    def test_events_normalise_and_ingest(self):
        self.run_async(self._events_normalise_and_ingest())

    async def _events_normalise_and_ingest(self):
        sink = NullSink()
        c = self.make_connector(self.connection, sink)
        try:
            events = await self.produce_events(c, sink)
        finally:
            await self._close(c)
        assert events, "produce_events delivered nothing"
        problems = [p for e in events for p in check_event(e, self.connection)]
        assert not problems, "\n".join(problems)
        ws = conformance_workspace(self.tmp_path, self.connection, self.connector_class.platform)
        try:
            res = Engine(ws).ingest(events)
            stored = {(e.id, e.kind == Kind.MESSAGE) for e in events if e.kind != Kind.HEARTBEAT}
            assert res.stored == len(stored), f"stored {res.stored} of {len(stored)} distinct events"
            again = Engine(ws).ingest(events)
            assert again.stored == 0, "the same events ingested twice were stored twice"
        finally:
            ws.close()

    def test_duplicate_deliveries_dedupe(self):
        self.run_async(self._duplicate_deliveries_dedupe())

    async def _duplicate_deliveries_dedupe(self):
        sink = NullSink()
        c = self.make_connector(self.connection, sink)
        try:
            pair = await self.deliver_twice(c, sink)
        finally:
            await self._close(c)
        if pair is None:
            pytest.skip(f"{type(self).__name__}: the fake cannot redeliver a payload")
        first, second = pair
        assert first and [e.id for e in first] == [e.id for e in second], "a redelivery got different ids"
        ws = conformance_workspace(self.tmp_path, self.connection, self.connector_class.platform)
        try:
            assert Engine(ws).ingest(first).stored >= 1
            assert Engine(ws).ingest(second).stored == 0
        finally:
            ws.close()

    @pytest.mark.parametrize("fault", FAULT_KINDS)
    def test_faults_map_to_typed_results(self, fault):
        self.run_async(self._faults_map_to_typed_results(fault))

    async def _faults_map_to_typed_results(self, fault):
        if fault not in self.faults:
            pytest.skip(f"{type(self).__name__}: the fake cannot simulate {fault!r}")
        c = self.make_connector(self.connection, NullSink())
        try:
            self.inject_fault(fault)
            res = await c.perform(self.fault_request())
            assert res.status in EXPECTED[fault], f"{fault}: got {res.status} ({res.message})"
            assert res.message, f"{fault}: the result must say why"
        finally:
            self.clear_fault(fault)
            await self._close(c)

    def test_a_target_already_gone_is_done(self):
        self.run_async(self._a_target_already_gone_is_done())

    async def _a_target_already_gone_is_done(self):
        gone = self.gone_requests()
        if gone is None:
            pytest.skip(f"{type(self).__name__}: the fake cannot show a target that is already gone")
        c = self.make_connector(self.connection, NullSink())
        try:
            checked = 0
            for kind in ("kick", "mute", "recall"):
                if kind not in gone or not c.can_action(kind):
                    continue
                res = await c.perform(gone[kind])
                assert res.status == Status.DONE, f"{kind} of a target already gone: got {res.status} ({res.message})"
                checked += 1
            assert checked, "gone_requests() named none of kick, mute, recall that the connector declares"
        finally:
            await self._close(c)

    def test_reconnects_after_the_fake_drops_the_connection(self):
        self.run_async(self._reconnects_after_the_fake_drops_the_connection())

    async def _reconnects_after_the_fake_drops_the_connection(self):
        if not self.supports_reconnect:
            pytest.skip(f"{type(self).__name__}: the connector keeps no connection to drop")
        sink = NullSink()
        c = self.make_connector(self.connection, sink)
        try:
            first = await self.produce_events(c, sink)
            assert first
            self.drop_connection()
            n = len(sink.received)
            more = await self.produce_events(c, sink)
            assert more and len(sink.received) > n, "no events after the connection was dropped"
        finally:
            await self._close(c)


__all__ = ["ConnectorConformance", "check_event", "conformance_workspace", "FAULT_KINDS", "EXPECTED"]
