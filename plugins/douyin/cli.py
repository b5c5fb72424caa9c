"""``shequn douyin``: authorise an account, read its fan-group quota, ask for a new fan
group, and set or turn off a group's greeting and announcement through the outbox.

Everything that changes a platform goes through the outbox like any action (paced,
retried, audited); ``code`` is the one verb that calls Douyin directly, since it turns
the authorisation code into tokens, which live in the token file, never in the database.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from urllib.parse import urlencode

import click

from shequn.cli import emit, fail, json_option, workspace
from shequn import NullSink, Proposal

from .answers import DouyinError
from .hooks import BY_HAND, PLATFORM, greeting_proposals, remember

STATUS_HEADERS = {"connection": "connection", "access_until": "access token until",
                  "refresh_until": "refresh token until", "renewals": "renewals", "token_file": "token file",
                  "groups_left": "fan groups left to create"}
SCOPES = ("im.group_fans.create_list", "im.group_message", "im.recall_message")
AUTHORIZE_URL = "https://open.douyin.com/platform/oauth/connect/"


class StateSink(NullSink):
    """What a verb's calls learn about the connection (re-auth, throttled, no quota) goes to
    the Connections screen as serve's would: a verb may be the one that meets the limit."""

    def __init__(self, ws, connection: str):
        super().__init__()
        self.ws, self.connection = ws, connection

    def state(self, state: str, error: str | None = None) -> None:
        super().state(state, error)
        try:
            self.ws.set_connection_state(self.connection, state, error)
        except Exception:  # noqa: BLE001 - a read-only workspace, a locked store: the verb's answer still counts
            pass


def _connector(ws, connection: str):
    from shequn.connections import build_connector

    cs = ws.settings.connections.get(connection)
    if cs is None or cs.platform != PLATFORM:
        douyins = sorted(n for n, c in ws.settings.connections.items() if c.platform == PLATFORM)
        fail(ws.tr("{connection} is not a Douyin connection; configured: {names}", connection=repr(connection),
                   names=", ".join(douyins) or ws.t("(none)")))
    try:
        conn = build_connector(ws, connection)
    except Exception as e:  # a ConfigError naming the key
        fail(str(e))
    conn.sink = StateSink(ws, connection)
    return conn


def _group(ws, ref: str) -> dict:
    row = ws.store.one("SELECT g.* FROM groups g JOIN connections c ON c.id = g.connection_id WHERE c.platform = ?"
                       " AND (CAST(g.id AS TEXT) = ? OR g.platform_group_id = ? OR g.name = ?) ORDER BY g.id LIMIT 1",
                       (PLATFORM, ref, ref, ref))
    if row is None:
        fail(ws.tr("no Douyin fan group {ref} (give its id, Douyin group id or name; `shequn sync CONNECTION` reads "
                   "them)", ref=repr(ref)))
    return row


def _when(ws, ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M") if ts else ws.t("unknown")


@click.group("douyin")
def douyin_group() -> None:
    """Douyin fan groups: authorisation, quota, new groups, greeting and announcement."""


@douyin_group.command("authorize")
@click.argument("connection")
def authorize(connection: str) -> None:
    """Print the link and steps to authorise CONNECTION's enterprise account."""
    with workspace() as ws:
        c = _connector(ws, connection)
        query = {"client_key": c.config["client_key"], "response_type": "code", "scope": ",".join(SCOPES),
                 "state": connection}
        if c.config["redirect_uri"]:
            query["redirect_uri"] = c.config["redirect_uri"]
        click.echo(f"{AUTHORIZE_URL}?{urlencode(query)}")
        click.echo(ws.tr("1. Open the link signed in to Douyin as the enterprise account (企业号) {open_id}.",
                         open_id=c.open_id))
        click.echo(ws.tr("2. Scan the QR code and allow the fan-group scopes: {scopes}.", scopes=", ".join(SCOPES)))
        click.echo(ws.tr("3. Douyin redirects with ?code=...: run `shequn douyin code {connection} CODE` within 10 "
                         "minutes.", connection=connection))
        if not c.config["redirect_uri"]:
            click.echo(ws.tr("   (connections.{connection}.redirect_uri is empty: Douyin uses the app's registered "
                             "one)", connection=connection))


@douyin_group.command("code")
@click.argument("connection")
@click.argument("code")
def code_cmd(connection: str, code: str) -> None:
    """Turn an authorisation CODE into tokens for CONNECTION (kept in its token file)."""
    with workspace() as ws:
        c = _connector(ws, connection)

        async def go():
            try:
                return await c.tokens.exchange(code)
            finally:
                await c.aclose()

        try:
            got = asyncio.run(go())
        except DouyinError as e:
            fail(str(e))
        ws.audit("douyin_authorised", "connection", connection, {"open_id": c.open_id}, actor=f"operator:{ws.operator}")
        where = c.tokens.file.path if c.tokens.file else ws.t("memory only")
        click.echo(ws.tr("{connection}: authorised as {open_id}; access token until {access}, refresh token until "
                         "{refresh}; tokens in {where}", connection=connection, open_id=c.open_id,
                         access=_when(ws, got.access_expires), refresh=_when(ws, got.refresh_expires), where=where))


@douyin_group.command("status")
@click.argument("connection")
@json_option
def status(connection: str, as_json: bool) -> None:
    """CONNECTION's token state (never the tokens) and how many fan groups it may still create."""
    with workspace() as ws:
        c = _connector(ws, connection)
        s = c.tokens.state

        async def go():
            try:
                return await c.quota()
            finally:
                await c.aclose()

        try:
            left: int | str = asyncio.run(go())
        except DouyinError as e:
            left = ws.tr("unknown: {why}", why=e.result.message or str(e))
        emit([{"connection": connection, "open_id": c.open_id, "access_until": _when(ws, s.access_expires),
               "refresh_until": _when(ws, s.refresh_expires), "renewals": f"{s.renewals}/5",
               "token_file": str(c.tokens.file.path) if c.tokens.file else "", "groups_left": left}], as_json=as_json,
             headers={k: ws.t(v) for k, v in STATUS_HEADERS.items()})


@douyin_group.command("create")
@click.argument("connection")
@click.argument("name")
@click.option("--description", default="", help="The group's introduction.")
def create(connection: str, name: str, description: str) -> None:
    """Ask for a new fan group NAME on CONNECTION (refused by the platform when the quota is spent)."""
    with workspace(read_only=False) as ws:
        if not name.strip():
            fail(ws.t("the fan group's name is empty"))
        _connector(ws, connection)
        (aid,) = ws.enqueue([Proposal("create_group", ws.tr("New fan group {name}", name=name), connection=connection,
                                      params={"name": name.strip(), "description": description},
                                      evidence=f"cli:{ws.now()}")],
                            f"operator:{ws.operator}")
        click.echo(ws.tr("action {id} queued: create fan group {name} on {connection} (`shequn douyin status "
                         "{connection}` shows the quota left)", id=aid, name=repr(name.strip()), connection=connection))


@douyin_group.command("greeting")
@click.argument("group")
@click.option("--text", default=None, help="This greeting instead of the welcome policy's.")
@click.option("--off", "off", is_flag=True, help="Turn the greeting off.")
def greeting(group: str, text: str | None, off: bool) -> None:
    """Set GROUP's greeting (入群欢迎语): from its welcome policy, a --text, or --off.

    A greeting given with --text or --off stays: the hourly job leaves it alone until this
    verb runs again without them."""
    with workspace(read_only=False) as ws:
        if text is not None and off:
            fail(ws.t("give --text or --off, not both"))
        if text is not None and not text.strip():
            fail(ws.t("--text is empty; use --off to turn the greeting off"))
        g = _group(ws, group)
        if text is None and not off:
            ids = greeting_proposals(ws, [g["id"]], requested_by=f"operator:{ws.operator}", over_hand=True)
            click.echo(ws.tr("action {id} queued: greeting of {group} from its welcome policy", id=ids[0],
                             group=g["name"]) if ids else
                       ws.tr("the greeting of {group} already matches its welcome policy (or none applies)",
                             group=g["name"]))
            return
        body = "" if off else text.strip()
        (aid,) = ws.enqueue([Proposal("set_welcome", ws.tr("Greeting of {group} set by hand", group=g["name"]),
                                      group_id=g["id"], params={"text": body}, evidence=f"cli:{ws.now()}")],
                            f"operator:{ws.operator}")
        remember(ws, g["id"], BY_HAND, body, aid)  # the hourly job leaves it alone from now on
        click.echo(ws.tr("action {id} queued: greeting of {group} off" if off else
                         "action {id} queued: greeting of {group} set", id=aid, group=g["name"]))


@douyin_group.command("announcement")
@click.argument("group")
@click.option("--off", "off", is_flag=True, required=True, help="Turn the announcement off.")
def announcement(group: str, off: bool) -> None:
    """Turn GROUP's announcement (群公告) off; publish one with `shequn entry announce publish`."""
    with workspace(read_only=False) as ws:
        g = _group(ws, group)
        (aid,) = ws.enqueue([Proposal("announce", ws.tr("Announcement of {group} turned off", group=g["name"]),
                                      group_id=g["id"], params={"disable": True}, evidence=f"cli:{ws.now()}")],
                            f"operator:{ws.operator}")
        click.echo(ws.tr("action {id} queued: announcement of {group} off", id=aid, group=g["name"]))
