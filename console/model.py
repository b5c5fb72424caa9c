"""The host's vocabulary: events in, actions out, and the typed results between.

Connectors turn platform payloads into :class:`Event`; plugins answer with
:class:`Proposal`; the outbox hands connectors an :class:`ActionRequest` and gets an
:class:`ActionResult` back. These are plain dataclasses so that plugins, tests and
other tools can build them without the rest of the host.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .jsonenc import canonical


class Kind(StrEnum):
    """Kinds of normalised events. Connectors map every platform event to one of these."""

    MESSAGE = "message"  # text, data: mentions, images, reply_to, card
    JOIN = "join"  # data: scene (invite/approve/qr/link/unknown), inviter, operator
    LEAVE = "leave"  # data: reason (leave/kick/kick_me/dismiss), operator
    ADMIN = "admin"  # data: enable (bool), role ("admin"/"owner")
    MUTE = "mute"  # data: duration (s, 0 = lifted), operator
    RECALL = "recall"  # data: message_id, operator
    NICKNAME = "nickname"  # data: old, new
    JOIN_REQUEST = "join_request"  # data: flag, sub_type, comment, inviter
    BOT_INVITATION = "bot_invitation"  # the bot account invited into a group: user = who invites; data: flag, group, group_name, comment
    GROUP = "group"  # group-level change: data: change (name/notice/create/dismiss/...), value
    LIFECYCLE = "lifecycle"  # connection lifecycle: data: sub_type (enable/disable/connect)
    HEARTBEAT = "heartbeat"  # liveness only; updates the connection, never stored as an event
    UNKNOWN = "unknown"  # kept with its raw payload, never dropped


class Capability(StrEnum):
    """What a connector can do on its platform. The UI disables what is missing."""

    SEND = "send"
    KICK = "kick"
    MUTE = "mute"
    WHOLE_MUTE = "whole_mute"
    SET_ADMIN = "set_admin"
    SET_CARD = "set_card"
    APPROVE_JOIN = "approve_join"
    ANNOUNCE = "announce"
    CREATE_GROUP = "create_group"
    RECALL = "recall"
    LIST_GROUPS = "list_groups"
    LIST_MEMBERS = "list_members"
    SET_GROUP_NAME = "set_group_name"
    INVITE = "invite"
    WELCOME_TEMPLATE = "welcome_template"
    JOIN_WAY = "join_way"
    STATISTICS = "statistics"
    # not an action: the applicant sees reject_join's params.reason (QQ's 拒绝理由); where it
    # is missing the reason is kept in shequn only, and the console says so
    REJECT_REASON = "reject_reason"


#: Every action kind the outbox knows, and the capability it needs.
ACTION_CAPABILITY: dict[str, Capability] = {
    "send": Capability.SEND,
    "kick": Capability.KICK,
    "mute": Capability.MUTE,
    "unmute": Capability.MUTE,
    "whole_mute": Capability.WHOLE_MUTE,
    "set_admin": Capability.SET_ADMIN,
    "unset_admin": Capability.SET_ADMIN,
    "set_card": Capability.SET_CARD,
    "approve_join": Capability.APPROVE_JOIN,
    "reject_join": Capability.APPROVE_JOIN,
    "announce": Capability.ANNOUNCE,
    "create_group": Capability.CREATE_GROUP,
    "recall": Capability.RECALL,
    "set_group_name": Capability.SET_GROUP_NAME,
    "invite": Capability.INVITE,
    # the platform's own welcome for newcomers (Douyin's 入群欢迎语): params text ("" turns it off)
    "set_welcome": Capability.WELCOME_TEMPLATE,
    # a QR code over up to five sibling groups that opens the next one when they are full (WeCom's join ways):
    # params chat_ids, room_base_name, auto_create, state, config_id (to update), op "delete"
    "join_way": Capability.JOIN_WAY,
}

@dataclass(frozen=True)
class ActionSpec:
    """What an action kind acts on and the parameters it carries (``ActionRequest.params``).

    ``target``: ``group`` (``request.group``), ``member`` (``group`` and ``user``),
    ``request`` (a join request, by ``params.flag``), ``message`` (by ``params.message_id``)
    or ``none``. ``params``: name -> meaning; ``required`` are the ones a connector may
    refuse the request without (``ActionResult.failed`` naming it). docs/plugins.md's table
    of action kinds is pinned to this by tests/test_hook_docs.py."""

    target: str
    params: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()


#: Every action kind's target and parameters: the vocabulary plugins propose in and
#: connectors read (a connector may accept more, platform-specific ones, beside these).
ACTION_PARAMS: dict[str, ActionSpec] = {
    "send": ActionSpec("group", {
        "text": "the message text", "mentions": "platform user ids to @", "reply_to": "a platform message id to quote",
        "images": "image files or URLs", "message": "the platform's own message body (used as is)"}),
    "kick": ActionSpec("member", {"reject_add_request": "also refuse their later join requests (true/false)"}),
    "mute": ActionSpec("member", {"duration": "seconds (default 1800)"}),
    "unmute": ActionSpec("member"),
    "whole_mute": ActionSpec("group", {"enable": "true mutes everyone, false lifts it (default true)"}),
    "set_admin": ActionSpec("member"),
    "unset_admin": ActionSpec("member"),
    "set_card": ActionSpec("member", {"card": "the group nickname (群名片); empty clears it"}),
    "approve_join": ActionSpec("request", {"flag": "the request's flag from its join_request event",
                                           "sub_type": "add (asked to join) or invite (invited by a member)"},
                               ("flag",)),
    "reject_join": ActionSpec("request", {"flag": "the request's flag from its join_request event",
                                          "sub_type": "add or invite, as for approve_join",
                                          "reason": "shown to the applicant where the platform can "
                                                    "(capability reject_reason)"}, ("flag",)),
    "announce": ActionSpec("group", {"content": "the announcement (群公告) text", "image": "an image file or URL"},
                           ("content",)),
    "create_group": ActionSpec("none", {"name": "the new group's name", "template": "a platform group id to copy",
                                        "description": "the group's description"}, ("name",)),
    "recall": ActionSpec("message", {"message_id": "the platform message id (an event's id)"}, ("message_id",)),
    "set_group_name": ActionSpec("group", {"name": "the new name"}, ("name",)),
    "invite": ActionSpec("member", {"inviter": "the platform user id inviting, where the platform asks"}),
    "set_welcome": ActionSpec("group", {"text": "the platform's welcome for newcomers; empty turns it off",
                                        "template_id": "the template to change (WeCom)",
                                        "op": "delete removes template_id's template"}),
    "join_way": ActionSpec("none", {
        "chat_ids": "one to five platform group ids", "scene": "1 mini-program or 2 QR code (default 2)",
        "auto_create": "open a new group when the last is full (default true)",
        "room_base_name": "the name new groups are given", "room_base_id": "the number new names start from",
        "state": "a tag for joins through it", "config_id": "the join way to update",
        "op": "delete removes config_id's join way"}),
}


#: Kinds whose effect is the same when applied twice: safe to re-run after a crash.
IDEMPOTENT_ACTIONS = frozenset(
    {"kick", "mute", "unmute", "whole_mute", "set_admin", "unset_admin", "set_card",
     "approve_join", "reject_join", "recall", "set_group_name", "set_welcome"}
)


@dataclass(slots=True)
class Event:
    """One normalised platform event.

    ``id`` must be unique per connection and stable across redeliveries: the engine
    dedupes on (connection, id), so webhook retries and replays never double count.
    ``group`` and ``user`` are *platform* ids (strings); the engine resolves them to
    local rows and fills ``group_id``/``person_id`` before plugins see the event.

    ``group_name`` is the group's name as the platform gives it with this event, when it
    does (None otherwise): a group the engine first sees through this event is named so
    (by its platform id without one). It is not stored with the event, and a group the
    engine knows keeps its name (a rename is a ``GROUP`` event with ``change: name``).
    Connectors written against API 1.0 put it in ``data["group_name"]``; the engine still
    reads that there (deprecated, it warns) but keeps it in the event's data.
    """

    connection: str
    id: str
    kind: str
    ts: int
    group: str | None = None
    user: str | None = None
    nickname: str | None = None
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] | None = None
    group_name: str | None = None
    # filled in by the engine
    group_id: int | None = None
    person_id: int | None = None
    row_id: int | None = None


class EventBatch(list):
    """The events of one ingest batch, as ``process_events`` gets them: a plain list, in
    the order they arrived, that also keeps the engine's split of it. Most of a batch is
    messages; a plugin that looks at joins, leaves or nickname changes reads
    ``batch.others`` (every event that is not a message, in time order) instead of
    walking thousands of messages to find them. Use :func:`others_of` to accept a plain
    list as well (tests, callers of your own)."""

    __slots__ = ("messages", "others")

    def __init__(self, events: list["Event"], messages: list["Event"], others: list["Event"]):
        super().__init__(events)
        self.messages = messages
        self.others = others


def new_group_name(e: "Event") -> str:
    """The name of a group first seen through ``e``: ``e.group_name``; else API 1.0's
    ``data["group_name"]``, still read (the API promise) with a DeprecationWarning naming the
    connection; else the platform's group id."""
    if e.group_name:
        return e.group_name
    name = e.data.get("group_name") if e.data else None
    if not name:
        return str(e.group)
    import warnings

    warnings.warn(f"connection {e.connection}: a new group named by data['group_name'] is deprecated;"
                  " set Event.group_name", DeprecationWarning, stacklevel=3)
    return str(name)


def others_of(events: list["Event"]) -> list["Event"]:
    """The events of a batch that are not messages: kept by an :class:`EventBatch`,
    picked out of a plain list."""
    kept = getattr(events, "others", None)
    if kept is not None:
        return kept
    return sorted((e for e in events if e.kind != Kind.MESSAGE), key=lambda e: e.ts)


def messages_of(events: list["Event"]) -> list["Event"]:
    """The messages of a batch, in arrival order: kept by an :class:`EventBatch`,
    picked out of a plain list."""
    kept = getattr(events, "messages", None)
    if kept is not None:
        return kept
    return [e for e in events if e.kind == Kind.MESSAGE]


@dataclass(slots=True)
class DeadLetter:
    """A payload that could not become an event (bad signature, bad JSON, bad shape)."""

    connection: str | None
    source: str  # webhook / websocket / poll / parse
    error: str
    raw: bytes | str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Proposal:
    """An action a plugin wants done on a platform. The host persists it in the outbox.

    ``group_id``/``person_id`` are local ids. ``connection`` is taken from the group
    when not given. ``key`` is the idempotency key; when empty the host derives one
    from the kind, target, params and evidence, so proposing the same thing twice for
    the same evidence stores one action.
    """

    kind: str
    reason: str
    group_id: int | None = None
    person_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    rule: str | None = None
    case_id: int | None = None
    evidence: str | None = None
    connection: str | None = None
    key: str | None = None
    not_before: int | None = None
    dry_run: bool = False

    def derive_key(self) -> str:
        blob = canonical([self.kind, self.connection, self.group_id, self.person_id, self.params,
                          self.evidence, self.rule, self.case_id])  # byte for byte json.dumps(sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()


@dataclass(slots=True)
class ActionRequest:
    """What the outbox hands a connector: platform ids and the action's parameters."""

    action_id: int
    kind: str
    key: str
    group: str | None = None
    user: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class Status(StrEnum):
    DONE = "done"
    FAILED = "failed"  # permanent: do not retry; message says why in the platform's words
    RETRY = "retry"  # transient: retry later with backoff
    RATE_LIMITED = "rate_limited"  # slow down; retry after retry_after or backoff
    AUTH_EXPIRED = "auth_expired"  # refresh credentials once, then retry


@dataclass(slots=True)
class ActionResult:
    status: Status
    message: str = ""
    retry_after: float | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def done(cls, message: str = "", **data: Any) -> "ActionResult":
        return cls(Status.DONE, message, data=data)

    @classmethod
    def failed(cls, message: str, **data: Any) -> "ActionResult":
        """Permanent. ``gone="member"|"message"|"request"`` says the platform no longer
        knows the target: after a crash, the outbox reads that as the earlier attempt's effect."""
        return cls(Status.FAILED, message, data=data)

    @classmethod
    def retry(cls, message: str, retry_after: float | None = None) -> "ActionResult":
        return cls(Status.RETRY, message, retry_after)


@dataclass(slots=True)
class Decision:
    """A verdict on a join request: approve, reject (reason shown to the applicant),
    or hold for a person. ``rule`` names what decided; ``dry_run`` records a
    "would have" decision without acting."""

    verdict: str  # approve / reject / hold
    reason: str
    rule: str = ""
    dry_run: bool = False


@dataclass(slots=True)
class GroupInfo:
    """A group as a connector lists it."""

    id: str
    name: str
    member_count: int | None = None
    capacity: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MemberInfo:
    """A member as a connector lists it."""

    user: str
    nickname: str
    card: str = ""
    role: str = "member"  # owner / admin / member
    joined_at: int | None = None
    last_spoke_at: int | None = None
    muted_until: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
