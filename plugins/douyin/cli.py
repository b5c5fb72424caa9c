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
from .hooks import PLATFORM, greeting_proposals

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
        fail(f"{connection!r} is not a Douyin connection; configured: {', '.join(douyins) or '(none)'}")
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
        fail(f"no Douyin fan group {ref!r} (give its id, Douyin group id or name; `shequn sync CONNECTION` reads them)")
    return row


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M") if ts else "unknown"


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
        click.echo(f"1. Open the link signed in to Douyin as the enterprise account (企业号) {c.open_id}.")
        click.echo("2. Scan the QR code and allow the fan-group scopes: " + ", ".join(SCOPES) + ".")
        click.echo(f"3. Douyin redirects with ?code=...: run `shequn douyin code {connection} CODE` within 10 minutes.")
        if not c.config["redirect_uri"]:
            click.echo(f"   (connections.{connection}.redirect_uri is empty: Douyin uses the app's registered one)")


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
        where = c.tokens.file.path if c.tokens.file else "memory only"
        click.echo(f"{connection}: authorised as {c.open_id}; access token until {_when(got.access_expires)}, "
                   f"refresh token until {_when(got.refresh_expires)}; tokens in {where}")


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
            left = f"unknown: {e.result.message or e}"
        emit([{"connection": connection, "open_id": c.open_id, "access_until": _when(s.access_expires),
               "refresh_until": _when(s.refresh_expires), "renewals": f"{s.renewals}/5",
               "token_file": str(c.tokens.file.path) if c.tokens.file else "", "groups_left": left}], as_json=as_json)


@douyin_group.command("create")
@click.argument("connection")
@click.argument("name")
@click.option("--description", default="", help="The group's introduction.")
def create(connection: str, name: str, description: str) -> None:
    """Ask for a new fan group NAME on CONNECTION (refused by the platform when the quota is spent)."""
    if not name.strip():
        fail("the fan group's name is empty")
    with workspace(read_only=False) as ws:
        _connector(ws, connection)
        (aid,) = ws.enqueue([Proposal("create_group", ws.tr("New fan group {name}", name=name), connection=connection,
                                      params={"name": name.strip(), "description": description},
                                      evidence=f"cli:{ws.now()}")],
                            f"operator:{ws.operator}")
        click.echo(f"action {aid} queued: create fan group {name.strip()!r} on {connection} "
                   f"(`shequn douyin status {connection}` shows the quota left)")


@douyin_group.command("greeting")
@click.argument("group")
@click.option("--text", default=None, help="This greeting instead of the welcome policy's.")
@click.option("--off", "off", is_flag=True, help="Turn the greeting off.")
def greeting(group: str, text: str | None, off: bool) -> None:
    """Set GROUP's greeting (入群欢迎语): from its welcome policy, a --text, or --off."""
    if text is not None and off:
        fail("give --text or --off, not both")
    if text is not None and not text.strip():
        fail("--text is empty; use --off to turn the greeting off")
    with workspace(read_only=False) as ws:
        g = _group(ws, group)
        if text is None and not off:
            ids = greeting_proposals(ws, [g["id"]], requested_by=f"operator:{ws.operator}")
            click.echo(f"action {ids[0]} queued: greeting of {g['name']} from its welcome policy" if ids
                       else f"the greeting of {g['name']} already matches its welcome policy (or none applies)")
            return
        body = "" if off else text.strip()
        (aid,) = ws.enqueue([Proposal("set_welcome", ws.tr("Greeting of {group} set by hand", group=g["name"]),
                                      group_id=g["id"], params={"text": body}, evidence=f"cli:{ws.now()}")],
                            f"operator:{ws.operator}")
        click.echo(f"action {aid} queued: greeting of {g['name']} " + ("off" if off else "set"))


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
        click.echo(f"action {aid} queued: announcement of {g['name']} off")
