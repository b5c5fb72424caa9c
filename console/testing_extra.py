"""More of the conformance kit: webhook refusals, malformed bodies, ``check()``,
``list_groups`` and declared-option honesty (a mixin of ``ConnectorConformance``).

Kept apart from console/testing.py so each file stays readable; authors use only
``ConnectorConformance``. Each check that needs something the connector or its fake
does not offer is skipped with the reason, never passed blindly.
"""

from __future__ import annotations

from typing import Any

import pytest

from .config import ConfigError
from .connector import Connector, ConnectionCheck, NotSupported, NullSink, WebhookRequest, WebhookResult
from .model import Capability, GroupInfo

_UNSET_VAR = "SHEQUN_CONFORMANCE_NEVER_SET"


class ConformanceExtras:
    """Checks every connector gets besides the core ones in console/testing.py."""

    #: False where "down" is simulated per action only (the sandbox has no server to stop)
    check_while_down: bool = True

    # --- what a subclass may provide ---------------------------------------------------------

    def forged_requests(self) -> dict[str, WebhookRequest] | None:
        """Webhook requests the platform did not sign, by how (``"unsigned"``, ``"forged"``,
        ``"altered body"``); None when the connector takes no webhooks."""
        return None

    def make_webhook_connector(self, name: str, sink: Any) -> Connector:
        """A connector whose webhook routes are mounted (default: ``make_connector``; QQ
        mounts its route only with ``intake = "http_post"``)."""
        return self.make_connector(name, sink)

    def malformed_requests(self) -> dict[str, WebhookRequest] | None:
        """Requests signed as the platform would whose body cannot be read (not JSON, not an
        object, a missing field), by what is wrong; None when the fake cannot sign."""
        return None

    # --- helpers -------------------------------------------------------------------------------

    async def call_route(self, connector: Connector, request: WebhookRequest) -> WebhookResult:
        """Hand ``request`` to the connector's route for its path and method, as serve does."""
        for route in connector.routes():
            if route.path == request.path and request.method in route.methods:
                return await route.handler(request)
        raise AssertionError(f"no route of {type(connector).__name__} answers {request.method} {request.path!r}")

    def _needs_webhooks(self, requests: Any, what: str) -> None:
        if "webhook" not in self.connector_class.intake:
            pytest.skip(f"{type(self).__name__}: the connector takes no webhooks")
        if requests is None:
            pytest.skip(f"{type(self).__name__}: {what}() gives no requests")

    # --- the checks ------------------------------------------------------------------------------

    def test_webhook_refuses_unsigned_and_forged_requests(self):
        self.run_async(self._webhook_refuses_unsigned_and_forged_requests())

    async def _webhook_refuses_unsigned_and_forged_requests(self):
        requests = self.forged_requests()
        self._needs_webhooks(requests, "forged_requests")
        sink = NullSink()
        c = self.make_webhook_connector(self.connection, sink)
        try:
            for how, req in requests.items():
                res = await self.call_route(c, req)
                assert res.status in (401, 403), f"{how}: answered {res.status}, expected 401 or 403"
                assert res.error, f"{how}: a refusal must say why (WebhookResult.error; serve counts it)"
                assert not res.events and not sink.received, f"{how}: an unsigned request delivered events"
        finally:
            await self._close(c)

    def test_malformed_bodies_are_refused_with_the_reason(self):
        self.run_async(self._malformed_bodies_are_refused_with_the_reason())

    async def _malformed_bodies_are_refused_with_the_reason(self):
        requests = self.malformed_requests()
        self._needs_webhooks(requests, "malformed_requests")
        sink = NullSink()
        c = self.make_webhook_connector(self.connection, sink)
        try:
            for what, req in requests.items():
                res = await self.call_route(c, req)  # must not raise: serve would answer 500
                assert res.status < 500, f"{what}: answered {res.status}; a platform retries a 5xx for ever"
                assert res.error, f"{what}: no reason given (WebhookResult.error makes serve keep a dead letter)"
                assert not res.events and not sink.received, f"{what}: a body that cannot be read delivered events"
        finally:
            await self._close(c)

    def test_check_says_who_and_never_raises(self):
        self.run_async(self._check_says_who_and_never_raises())

    async def _check_says_who_and_never_raises(self):
        if type(self).connector_class.check is Connector.check:
            pytest.skip(f"{type(self).__name__}: the connector implements no check()")
        c = self.make_connector(self.connection, NullSink())
        try:
            res = await c.check()
            assert isinstance(res, ConnectionCheck), f"check() returned {type(res).__name__}"
            assert res.ok, f"check() against the fake failed: {res.detail}"
            assert res.account or res.detail, "check() should say which account it reached"
        finally:
            await self._close(c)

    def test_check_with_the_platform_down_says_why(self):
        self.run_async(self._check_with_the_platform_down_says_why())

    async def _check_with_the_platform_down_says_why(self):
        if type(self).connector_class.check is Connector.check:
            pytest.skip(f"{type(self).__name__}: the connector implements no check()")
        if "down" not in self.faults or not self.check_while_down:
            pytest.skip(f"{type(self).__name__}: the fake cannot be down for check()")
        self.inject_fault("down")
        try:
            c = self.make_connector(self.connection, NullSink())  # a fresh one: nothing cached
            try:
                res = await c.check()  # an exception here would reach the console's test button
            finally:
                await self._close(c)
        finally:
            self.clear_fault("down")
        assert isinstance(res, ConnectionCheck) and not res.ok, "check() with the platform down said ok"
        assert res.detail, "check() with the platform down must say why"

    def test_list_groups_matches_the_capability(self):
        self.run_async(self._list_groups_matches_the_capability())

    async def _list_groups_matches_the_capability(self):
        c = self.make_connector(self.connection, NullSink())
        try:
            if Capability.LIST_GROUPS not in self.connector_class.capabilities:
                before = self.network_calls()
                with pytest.raises(NotSupported):
                    await c.list_groups()
                assert self.network_calls() == before, "list_groups reached the platform without the capability"
                return
            groups = await c.list_groups()
        finally:
            await self._close(c)
        assert groups, "list_groups() found no group on the fake"
        for g in groups:
            assert isinstance(g, GroupInfo), f"list_groups() gave a {type(g).__name__}, not a GroupInfo"
            assert isinstance(g.id, str) and g.id, f"group id {g.id!r} must be a non-empty string"
            assert isinstance(g.name, str), f"group {g.id}: name must be a string"
            for f in ("member_count", "capacity"):
                v = getattr(g, f)
                assert v is None or (isinstance(v, int) and v >= 0), f"group {g.id}: {f} is {v!r}"
        ids = [g.id for g in groups]
        assert len(ids) == len(set(ids)), "list_groups() named a group twice"

    def test_declared_options_are_enforced(self):
        self.run_async(self._declared_options_are_enforced())

    async def _declared_options_are_enforced(self):
        cls = self.connector_class
        c = self.make_connector(self.connection, NullSink())
        try:
            base = {k: v for k, v in c.config.items() if v is not None}
        finally:
            await self._close(c)
        where = f"connections.{self.connection}"
        cls.check_options(base, where)  # what the connector runs with passes its own check
        for o in cls.all_options():
            if o.default is not None:
                ok = isinstance(o.default, o.type) or (o.type is float and isinstance(o.default, int))
                assert ok, f"option {o.name}: default {o.default!r} is not a {o.type.__name__}"
                if o.minimum is not None:
                    assert o.default >= o.minimum, f"option {o.name}: default below its minimum"
                if o.maximum is not None:
                    assert o.default <= o.maximum, f"option {o.name}: default above its maximum"
            wrong = {"not": "a " + o.type.__name__} if o.type is not dict else ["not a table"]
            with pytest.raises(ConfigError, match=o.name):
                cls.check_options({**base, o.name: wrong}, where)
            if o.secret:
                with pytest.raises(ConfigError, match=_UNSET_VAR):
                    cls.check_options({**base, o.name: f"env:{_UNSET_VAR}"}, where)
            for bound, beyond in ((o.minimum, -1), (o.maximum, 1)):
                if bound is not None:
                    with pytest.raises(ConfigError, match=o.name):
                        cls.check_options({**base, o.name: o.type(bound + beyond)}, where)
