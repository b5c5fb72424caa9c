"""The connector contract: what a platform plugin implements.

A connector is the only code that speaks to a platform. It declares

- ``options``: the config keys it reads under ``[connections.NAME]`` and which are
  secrets (given as ``"env:VAR"`` and never copied into SQLite);
- ``capabilities``: what it can do (:class:`console.model.Capability`). The outbox
  refuses an undeclared action before any network call, and the console disables it;
- ``intake``: how events arrive: ``webhook`` (routes mounted on the webhook server at
  ``/hooks/<platform>/<connection><route.path>``), ``websocket`` (``start()`` opens
  clients), or ``poll`` (the runtime calls ``poll()`` every ``poll_interval`` seconds);
- ``pacing``: a conservative default rate and burst for this platform's actions;
- ``join_request_lifetime``: how long the platform keeps a join request, in seconds
  (None: it never forgets one). Past it, approving or rejecting the request can only
  fail, so the join queue marks it ``expired`` instead of showing it to a person. Every
  connection may override it with the ``join_request_hours`` option (a platform whose
  documents give no figure declares a cautious default there).

Platform facts the design was checked against (shared/PROTOCOLS.md): QQ via OneBot can
do nearly everything; WeCom customer groups cannot kick or mute but have statistics,
join ways and welcome templates; Douyin fan groups approve joins and send messages but
list no members. One operator may run several accounts of one platform: each is its
own connection with its own instance, pacing and state.

Every method that reaches the platform is ``async`` (httpx). Results are typed
(:class:`console.model.ActionResult`): done, failed (permanent, in the platform's
words), retry, rate limited, auth expired. A connector never raises for a platform
error; it raises :class:`NotSupported` only for an undeclared capability.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, ClassVar, Protocol

from .config import ConfigError, resolve_secret
from .model import ACTION_CAPABILITY, ActionRequest, ActionResult, Capability, DeadLetter, Event, GroupInfo, MemberInfo


class ConnectorError(Exception):
    """A connector problem with the connection's name in the message."""


class NotSupported(ConnectorError):
    """The platform (or this connector) cannot do this; raised before any network call."""


@dataclass(frozen=True)
class Option:
    """A config key a connector reads."""

    name: str
    help: str
    type: type = str
    required: bool = False
    secret: bool = False
    default: Any = None
    minimum: float | None = None  # numbers: the smallest allowed value (checked with the type)
    maximum: float | None = None  # numbers: the largest allowed value


@dataclass(frozen=True)
class Pacing:
    """Actions per second and burst for one account."""

    rate: float
    burst: int


@dataclass
class ConnectionCheck:
    """The answer to the console's test button."""

    ok: bool
    account: str = ""
    detail: str = ""


class EventSink(Protocol):
    """Where a connector delivers what it receives. Thread-safe; never blocks long."""

    def events(self, events: list[Event]) -> None: ...
    def dead_letter(self, letter: DeadLetter) -> None: ...
    def state(self, state: str, error: str | None = None) -> None: ...
    def progress(self, done: int, total: int, what: str) -> None: ...


class NullSink:
    """A sink that keeps what it is given: for tests and one-off calls."""

    def __init__(self) -> None:
        self.received: list[Event] = []
        self.dead: list[DeadLetter] = []
        self.states: list[tuple[str, str | None]] = []
        self.progress_log: list[tuple[int, int, str]] = []

    def events(self, events: list[Event]) -> None:
        self.received.extend(events)

    def dead_letter(self, letter: DeadLetter) -> None:
        self.dead.append(letter)

    def state(self, state: str, error: str | None = None) -> None:
        self.states.append((state, error))

    def progress(self, done: int, total: int, what: str) -> None:
        self.progress_log.append((done, total, what))


@dataclass
class WebhookRequest:
    """A request as the webhook server hands it over: the raw body for signature checks."""

    method: str
    path: str  # the part after /hooks/<platform>/<connection>
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class WebhookResult:
    """What a route handler decided. The server answers with ``status``/``body``,
    passes ``events`` to the engine, and stores a dead letter when ``error`` is set."""

    status: int = 204
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    events: list[Event] = field(default_factory=list)
    error: str | None = None


@dataclass
class WebSocketRequest:
    """A WebSocket the platform opens to shequn (QQ's reverse WebSocket), on a route whose
    methods are ``("WEBSOCKET",)``. The handler refuses it by returning a WebhookResult
    (the server answers the handshake with its status and counts a 401/403), or accepts
    it (``send({"type": "websocket.accept"})``), owns it until it closes and returns
    None. ``unavailable`` says why events cannot be stored now (None: they can)."""

    path: str  # the part after /hooks/<platform>/<connection>
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    receive: Callable[[], Awaitable[dict]]
    send: Callable[[dict], Awaitable[None]]
    unavailable: Callable[[], str | None] = lambda: None


@dataclass(frozen=True)
class Route:
    path: str  # "" for the connection's base URL, or "/something"
    methods: tuple[str, ...]  # ("WEBSOCKET",): the handler takes a WebSocketRequest
    handler: Callable[[WebhookRequest], Awaitable[WebhookResult]]


#: Accepted on every connection, whatever its connector declares: the operator's figure
#: for how long this account's platform keeps a join request (see ``join_request_lifetime``).
JOIN_REQUEST_HOURS = Option("join_request_hours", "hours the platform keeps a join request before forgetting it "
                            "(default: the connector's figure)", float, minimum=1, maximum=24 * 365)


class Connector(ABC):
    """Base class of every platform connector. Subclass, declare, implement ``act``."""

    platform: ClassVar[str]
    title: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    intake: ClassVar[frozenset[str]] = frozenset()  # webhook / websocket / poll
    pacing: ClassVar[Pacing] = Pacing(rate=1.0, burst=3)
    poll_interval: ClassVar[float] = 5.0
    join_request_lifetime: ClassVar[int | None] = None  # seconds a join request lives; None: forever

    group_pacing: ClassVar[Pacing | None] = None  # the platform's limit per group besides ``pacing`` (Telegram's)
    ws: Any = None  # the workspace, once attach() ran (a bare instance in a test has none)

    def __init__(self, name: str, options: dict[str, Any] | None = None, *, sink: EventSink | None = None):
        self.name = name
        self.config = self.check_options(options or {}, f"connections.{name}")
        self.sink: EventSink = sink or NullSink()

    def attach(self, ws: Any) -> None:
        """Hand the connector the workspace it runs in: called once, before ``start()``, by
        the runtime (``serve``, the console's engine) and one-off verbs (``shequn sync``).

        Override it to load what the connection keeps in the store (the sandbox's world,
        Douyin's token file beside config.toml), calling ``super().attach(ws)`` first. Keep
        a connection's state on the instance; what the plugin shares across its hooks goes
        in ``ws.plugin_state(plugin)``, never in attributes set on the workspace."""
        self.ws = ws

    def intake_in_force(self) -> frozenset[str]:
        """How this connection's events arrive, as configured: an option ``intake`` naming
        one of ``webhook``/``websocket``/``poll`` chooses it, else every intake the class
        declares. The runtime polls only when ``poll`` is in force; a connector whose
        option has other values (QQ's ``http_post``/``reverse_ws``) overrides this."""
        chosen = self.config.get("intake")
        if isinstance(chosen, str) and chosen in ("webhook", "websocket", "poll"):
            return frozenset({chosen})
        return frozenset(self.intake)

    # --- declared options ------------------------------------------------------------

    @classmethod
    def check_options(cls, raw: dict[str, Any], where: str, file: Any = None) -> dict[str, Any]:
        """Validate ``raw`` against ``options`` (type, bounds); resolve secrets. Raises
        ConfigError naming ``file`` when the caller knows it (config check, the runtime)."""
        known = {o.name: o for o in cls.all_options()}
        for key in raw:
            if key not in known:
                raise ConfigError(file, f"{where}.{key}", f"is not an option of the {cls.platform} connector",
                                  "one of " + ", ".join(sorted(known)) if known else "no options")
        out: dict[str, Any] = {}
        # every missing required key is named at once, so one `config check` shows them all
        missing = [o.name for o in cls.all_options() if o.required and raw.get(o.name, o.default) is None]
        for o in cls.all_options():
            value = raw.get(o.name, o.default)
            if value is None:
                if o.required:
                    also = [m for m in missing if m != o.name]
                    raise ConfigError(file, f"{where}.{o.name}", "is missing" + (f" (so are {', '.join(also)})"
                                                                                 if also else ""), o.help)
                out[o.name] = None
                continue
            if o.secret:
                value = resolve_secret(value, f"{where}.{o.name}", file)
                if value is None and o.required:
                    raise ConfigError(file, f"{where}.{o.name}", "is empty", o.help)
            elif o.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            elif not isinstance(value, o.type) or (o.type is int and isinstance(value, bool)):
                raise ConfigError(file, f"{where}.{o.name}", f"is {value!r}", f"a {o.type.__name__}: {o.help}")
            if (o.minimum is not None and value < o.minimum) or (o.maximum is not None and value > o.maximum):
                span = (f"from {o.minimum:g} to {o.maximum:g}" if o.minimum is not None and o.maximum is not None
                        else f"at least {o.minimum:g}" if o.minimum is not None else f"at most {o.maximum:g}")
                raise ConfigError(file, f"{where}.{o.name}", f"is {value!r}", f"{span}: {o.help}")
            out[o.name] = value
        return out

    @classmethod
    def all_options(cls) -> tuple[Option, ...]:
        """The connector's own options plus the ones every connection accepts."""
        own = {o.name for o in cls.options}
        return cls.options + tuple(o for o in (JOIN_REQUEST_HOURS,) if o.name not in own)

    @classmethod
    def request_lifetime(cls, options: dict[str, Any] | None = None) -> int | None:
        """Seconds a join request lives on this connection's platform (None: forever): the
        connection's ``join_request_hours`` when set, else ``join_request_lifetime``."""
        hours = (options or {}).get(JOIN_REQUEST_HOURS.name)
        if isinstance(hours, (int, float)) and not isinstance(hours, bool) and hours > 0:
            return int(hours * 3600)
        return cls.join_request_lifetime

    @classmethod
    def secret_options(cls) -> list[str]:
        return [o.name for o in cls.options if o.secret]

    @classmethod
    def can(cls, capability: str) -> bool:
        return capability in cls.capabilities

    @classmethod
    def can_action(cls, kind: str) -> bool:
        cap = ACTION_CAPABILITY.get(kind)
        return cap is not None and cap in cls.capabilities

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Begin intake (open websocket clients). Called once by the runtime."""

    async def stop(self) -> None:
        """Stop intake and close clients; must return promptly."""

    async def check(self) -> ConnectionCheck:
        """Reach the platform once and say who we are logged in as."""
        return ConnectionCheck(True, detail="no check implemented")

    async def refresh_auth(self) -> None:
        """Refresh credentials after an AUTH_EXPIRED result (called once, then retried)."""

    # --- reading -----------------------------------------------------------------------

    async def list_groups(self) -> list[GroupInfo]:
        raise NotSupported(f"{self.name}: the {self.platform} connector cannot list groups")

    async def list_members(self, group: str) -> list[MemberInfo]:
        raise NotSupported(f"{self.name}: the {self.platform} platform does not list group members")

    async def group_info(self, group: str) -> GroupInfo:
        """One group as the platform shows it now (name, head count, capacity): the host's
        ``refresh_group`` keeps the group's row up to date with it after a rename, without
        listing every group. Default: found in ``list_groups()``; override where the
        platform answers for one group (OneBot's ``get_group_info``)."""
        for info in await self.list_groups():
            if str(info.id) == str(group):
                return info
        raise ConnectorError(f"{self.name}: the platform does not list group {group}")

    async def poll(self) -> list[Event]:
        """For ``poll`` intake: events since the last call."""
        return []

    def routes(self) -> list[Route]:
        """For ``webhook`` intake: routes mounted under /hooks/<platform>/<connection>."""
        return []

    # --- acting ------------------------------------------------------------------------

    async def perform(self, request: ActionRequest) -> ActionResult:
        """Check the capability, then act. Undeclared kinds raise NotSupported at once."""
        if not self.can_action(request.kind):
            raise NotSupported(f"{self.name}: the {self.platform} platform cannot {request.kind.replace('_', ' ')}")
        return await self.act(request)

    @abstractmethod
    async def act(self, request: ActionRequest) -> ActionResult:
        """Carry out one action; map every platform outcome to an ActionResult."""

    async def reconcile(self, request: ActionRequest) -> ActionResult | None:
        """After a crash mid-action: did it happen? Return DONE if the platform shows the
        effect, FAILED if it shows it cannot, None if it cannot tell (the outbox then
        re-runs idempotent kinds and hands others to a person)."""
        return None
