"""First sync and re-sync of a connection: its groups and their members into the store.

Events tell shequn about changes; a sync tells it the state. It runs once when a
connection is added (so the dashboard is not empty until people happen to speak)
and on demand (``shequn sync CONNECTION``) after shequn was offline for a while.

Platform-neutral: it only calls the connector's ``list_groups`` and, when the
connector declares ``list_members``, ``list_members`` per group. Each group is written
in one transaction, so a failure on group 40 of 50 leaves 39 groups fully synced and
nothing half-written; the failure is reported in the summary with the group's id.

What a listing means: the platform's member list is the truth. Someone shequn
believed to be a member who is no longer listed has left while shequn was not
looking; the membership is closed with ``leave_reason = 'unknown'`` (the time is
the sync's, the real one is not known, so these leaves are not added to the daily
rollups' leave counts, which would put them on the wrong day).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import click

from .connector import Connector, ConnectorError, NotSupported
from .model import Capability, GroupInfo, MemberInfo
from .owners import mark_own_accounts
from .store.connection import rows_in
from .workspace import Workspace

#: GroupInfo.data keys a connector (or the sandbox) may set; applied only to new groups,
#: because after that they are the operator's to change in the console.
NEW_GROUP_FIELDS = ("type", "theme", "family", "tier", "closes_at")
GROUP_TYPES = ("traffic", "welfare", "flash")

Progress = Callable[[int, int, str], None]


@dataclass
class SyncSummary:
    connection: str
    groups: int = 0
    groups_new: int = 0
    members: int = 0
    members_new: int = 0
    members_left: int = 0
    members_listed: bool = False
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self, tr: Callable[..., str] | None = None) -> str:
        """The summary in one line; ``tr`` (a workspace's ``tr``) says it in the operator's language."""
        say = tr or (lambda template, **v: template.format(**v))
        s = say("{connection}: {groups} groups ({new} new)", connection=self.connection, groups=self.groups,
                new=self.groups_new)
        if self.members_listed:
            s += say(", {members} members ({new} new, {left} no longer listed)", members=self.members,
                     new=self.members_new, left=self.members_left)
        else:
            s += say(", members not listed (the platform cannot list them)")
        if self.errors:
            s += say(", {n} errors", n=len(self.errors))
        return s


async def sync_connection(ws: Workspace, connector: Connector, *, progress: Progress | None = None,
                          groups: list[str] | None = None) -> SyncSummary:
    """Sync ``connector``'s groups (and members, if it can list them) into ``ws``.

    ``progress(done, total, what)`` is called after each group (default: the
    connector's sink). ``groups`` limits the sync to these platform group ids.
    Raises ConnectorError (naming the connection) when the group list itself cannot
    be read; per-group failures are collected in ``summary.errors``."""
    report = progress or connector.sink.progress
    name = connector.name
    summary = SyncSummary(connection=name)
    _ensure_connection(ws, name, connector.platform)
    try:
        listed = await connector.list_groups()
    except NotSupported:
        raise
    except ConnectorError:
        raise
    except Exception as e:
        raise ConnectorError(f"{name}: could not list groups: {type(e).__name__}: {e}") from e
    if groups is not None:
        wanted = {str(g) for g in groups}
        listed = [g for g in listed if str(g.id) in wanted]
    can_list = Capability.LIST_MEMBERS in connector.capabilities
    summary.members_listed = can_list
    total = len(listed)
    report(0, total, ws.t("groups being read"))
    for i, info in enumerate(listed, 1):
        members: list[MemberInfo] | None = None
        if can_list:
            try:
                members = await connector.list_members(str(info.id))
            except Exception as e:
                summary.errors.append(f"{name}: group {info.id}: could not list members: {type(e).__name__}: {e}")
        try:
            _write_group(ws, connector, info, members, summary)
        except Exception as e:  # the transaction rolled back: this group is untouched
            summary.errors.append(f"{name}: group {info.id}: not stored: {type(e).__name__}: {e}")
        report(i, total, ws.tr("group {name}", name=info.name or info.id))
    ws.audit("connection_synced", "connection", name, summary.as_dict(), actor=f"connection:{name}")
    return summary


async def refresh_group(ws: Workspace, connector: Connector, group: str) -> GroupInfo:
    """Bring one group's row up to date with the platform (``Connector.group_info``): its
    name, capacity and, where the connector lists no members, the platform's head count.
    For a rename seen in an event, or a group whose numbers look stale, without listing
    every group; a group shequn does not know yet is added as a sync would."""
    _ensure_connection(ws, connector.name, connector.platform)
    info = await connector.group_info(str(group))
    if Capability.LIST_MEMBERS in connector.capabilities:
        info = GroupInfo(info.id, info.name, None, info.capacity, info.data)  # memberships keep the count
    await asyncio.to_thread(_write_group, ws, connector, info, None, SyncSummary(connection=connector.name))
    return info


def sync_connection_blocking(ws: Workspace, connector: Connector, **kwargs: Any) -> SyncSummary:
    """:func:`sync_connection` for code without an event loop (CLI, back-fills)."""
    return asyncio.run(sync_connection(ws, connector, **kwargs))


def _ensure_connection(ws: Workspace, name: str, platform: str) -> None:
    with ws.store.write() as c:
        c.execute("INSERT OR IGNORE INTO connections(id, platform, state, updated_at) VALUES (?,?,?,?)",
                  (name, platform, "unknown", ws.now()))


def _write_group(ws: Workspace, connector: Connector, info: GroupInfo, members: list[MemberInfo] | None,
                 summary: SyncSummary) -> None:
    now = ws.now()
    name = connector.name
    gid_platform = str(info.id)
    with ws.store.write() as c:
        row = c.execute("SELECT id FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                        (name, gid_platform)).fetchone()
        if row is None:
            extra = {k: info.data[k] for k in NEW_GROUP_FIELDS if info.data.get(k) is not None}
            if "type" in extra and extra["type"] not in GROUP_TYPES:
                raise ValueError(f"group type {extra['type']!r} is not one of {', '.join(GROUP_TYPES)}")
            cols = ["connection_id", "platform", "platform_group_id", "name", "capacity", "member_count",
                    "created_at", "synced_at", *extra]
            vals = [name, connector.platform, gid_platform, info.name or gid_platform, info.capacity,
                    info.member_count or 0, now, now, *extra.values()]
            group_id = c.execute(f"INSERT INTO groups({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                                 vals).lastrowid
            summary.groups_new += 1
        else:
            group_id = row[0]
            c.execute("UPDATE groups SET name = CASE WHEN ? != '' THEN ? ELSE name END,"
                      " capacity = coalesce(?, capacity), synced_at = ? WHERE id = ?",
                      (info.name or "", info.name or "", info.capacity, now, group_id))
        summary.groups += 1
        if members is None:
            if info.member_count is not None:  # the platform's head count (Douyin): the day's members too
                c.execute("UPDATE groups SET member_count = ? WHERE id = ?", (info.member_count, group_id))
                c.execute("INSERT INTO rollups_daily(group_id, day, members_end) VALUES (?,?,?) ON CONFLICT(group_id, day)"
                          " DO UPDATE SET members_end = excluded.members_end", (group_id, ws.day(now), info.member_count))
            return
        _write_members(ws, c, connector.platform, group_id, members, summary, now)
        count = c.execute("SELECT count(*) FROM memberships WHERE group_id = ? AND status = 'member'",
                          (group_id,)).fetchone()[0]
        insiders = c.execute("SELECT count(*) FROM memberships m JOIN people p ON p.id = m.person_id"
                             " WHERE m.group_id = ? AND m.status = 'member' AND p.is_insider = 1",
                             (group_id,)).fetchone()[0]
        c.execute("UPDATE groups SET member_count = ? WHERE id = ?", (count, group_id))
        c.execute("INSERT INTO rollups_daily(group_id, day, members_end, insiders_end) VALUES (?,?,?,?)"
                  " ON CONFLICT(group_id, day) DO UPDATE SET members_end = excluded.members_end,"
                  " insiders_end = excluded.insiders_end", (group_id, ws.day(now), count, insiders))


def _insert_ids(c, table: str, sql: str, rows: list[tuple]) -> list[int]:
    """Insert ``rows`` and return their ids in the order given: the ids of a write transaction's
    inserts are all above the table's max id before them, in insertion order."""
    before = c.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    c.executemany(sql, rows)
    return [r[0] for r in c.execute(f"SELECT id FROM {table} WHERE id > ? ORDER BY id", (before,))]


def _write_members(ws: Workspace, c, platform: str, group_id: int, members: list[MemberInfo],
                   summary: SyncSummary, now: int) -> None:
    """The listed members of one group, in the caller's transaction: a few statements for
    the whole list (one look-up per 400 people, one ``executemany`` per kind of write), not
    three per member (a first sync of 100 groups of 200 was 94,000 statements, 2 s). A
    user listed twice is written as their last listing says, as one at a time did."""
    latest: dict[str, MemberInfo] = {}
    for m in members:
        latest[str(m.user)] = m
    summary.members += len(members)
    known: dict[str, tuple[int, int, str]] = {
        user: (iid, pid, nick) for user, iid, pid, nick in rows_in(
            c, "SELECT platform_user_id, id, person_id, nickname FROM identities"
               " WHERE platform = ? AND platform_user_id IN ({marks})", list(latest), (platform,))}
    new = [user for user in latest if user not in known]
    if new:  # people first, then their identities; ids read back in the order they were given
        pids = _insert_ids(c, "people", "INSERT INTO people(display_name, created_at) VALUES (?, ?)",
                           [(latest[u].nickname or latest[u].card or u, now) for u in new])
        iids = _insert_ids(c, "identities", "INSERT INTO identities(person_id, platform, platform_user_id,"
                           " nickname, created_at) VALUES (?,?,?,?,?)",
                           [(pid, platform, u, latest[u].nickname or "", now) for u, pid in zip(new, pids)])
        known.update((u, (iid, pid, latest[u].nickname or "")) for u, iid, pid in zip(new, iids, pids))
    c.executemany("UPDATE identities SET nickname = ? WHERE id = ?",
                  [(m.nickname, known[u][0]) for u, m in latest.items() if m.nickname and m.nickname != known[u][2]])
    stored = {r[0] for r in c.execute("SELECT person_id FROM memberships WHERE group_id = ?", (group_id,))}
    inserts, updates = [], []
    for user, m in latest.items():
        iid, pid, _ = known[user]
        role = m.role if m.role in ("owner", "admin", "member") else "member"
        muted = m.muted_until if m.muted_until and m.muted_until > now else None
        if pid in stored:
            updates.append((iid, m.joined_at, m.card or "", role, muted, m.last_spoke_at, group_id, pid))
        else:
            stored.add(pid)  # two identities of one person: the first listing opens the membership
            inserts.append((group_id, pid, iid, "member", m.joined_at, "sync", m.card or "", role, muted,
                            m.last_spoke_at))
    c.executemany("INSERT INTO memberships(group_id, person_id, identity_id, status, joined_at, join_scene,"
                  " group_nickname, platform_role, muted_until, last_spoke_at) VALUES (?,?,?,?,?,?,?,?,?,?)", inserts)
    c.executemany("UPDATE memberships SET identity_id = ?, status = 'member', left_at = NULL, leave_reason = NULL,"
                  " leave_operator = NULL, joined_at = coalesce(joined_at, ?), group_nickname = ?, platform_role = ?,"
                  " muted_until = ?, last_spoke_at = max(coalesce(last_spoke_at, 0), coalesce(?, 0))"
                  " WHERE group_id = ? AND person_id = ?", updates)
    summary.members_new += len(inserts)
    _write_inviters(c, platform, group_id, latest, known, now)
    if new:  # the connection's own account listed for the first time: an insider (console/owners.py)
        mark_own_accounts(c)
    listed = {known[u][1] for u in latest}
    gone = [r[0] for r in c.execute("SELECT person_id FROM memberships WHERE group_id = ? AND status = 'member'",
                                    (group_id,)) if r[0] not in listed]
    c.executemany("UPDATE memberships SET status = 'left', left_at = ?, leave_reason = 'unknown'"
                  " WHERE group_id = ? AND person_id = ?", [(now, group_id, p) for p in gone])
    summary.members_left += len(gone)


def _write_inviters(c, platform: str, group_id: int, latest: dict[str, MemberInfo], known: dict, now: int) -> None:
    """Who brought whom, where the listing says (WeCom's ``invitor``, the sandbox's history):
    the membership's inviter and the person's first referrer, as a join event records them.
    A listing fills what is missing and never overwrites what an event recorded; an inviter
    shequn has not seen yet becomes a person, as an event's inviter does (``person_for``).
    Without this, a workspace synced once knew no referral made before shequn started, and
    no member of long standing could show a segment that asks for one (loyal)."""
    invited = {}
    for user, m in latest.items():
        inviter = m.data.get("inviter") if isinstance(m.data, dict) else None
        if inviter not in (None, "", "0", 0):
            invited[user] = str(inviter)
    if not invited:
        return
    who = {u: pid for u, (_, pid, _) in known.items()}
    who.update((user, pid) for user, pid in rows_in(
        c, "SELECT platform_user_id, person_id FROM identities WHERE platform = ? AND platform_user_id IN ({marks})",
        [i for i in set(invited.values()) if i not in who], (platform,)))
    new = sorted({i for i in invited.values() if i not in who})
    if new:
        pids = _insert_ids(c, "people", "INSERT INTO people(display_name, created_at) VALUES (?, ?)",
                           [(u, now) for u in new])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id, nickname, created_at)"
                      " VALUES (?,?,?,?,?)", [(pid, platform, u, "", now) for u, pid in zip(new, pids)])
        who.update(zip(new, pids))
    pairs = [(who[i], known[u][1]) for u, i in invited.items() if who[i] != known[u][1]]  # nobody invites themselves
    c.executemany("UPDATE memberships SET inviter_person_id = coalesce(inviter_person_id, ?)"
                  " WHERE group_id = ? AND person_id = ?", [(ref, group_id, pid) for ref, pid in pairs])
    c.executemany("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL", pairs)


# --- the CLI verb -------------------------------------------------------------------------


def build_connector(ws: Workspace, connection: str) -> Connector:
    """The connector instance for a configured connection (for one-off calls)."""
    from .config import ConfigError

    cs = ws.settings.connections.get(connection)
    if cs is None:
        raise ConfigError(ws.settings.where(), f"connections.{connection}", "no such connection",
                          "one of " + (", ".join(sorted(ws.settings.connections)) or "(none configured)"))
    cls = ws.registry.connectors.get(cs.platform)
    if cls is None:
        raise ConfigError(ws.settings.where(), f"connections.{connection}.platform",
                          f"no connector for {cs.platform!r} is installed")
    conn = cls(connection, cs.options)
    conn.attach(ws)
    return conn


@click.command("sync")
@click.argument("connection")
@click.option("--group", "groups", multiple=True, help="Only this platform group id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def sync_cmd(connection: str, groups: tuple[str, ...], as_json: bool) -> None:
    """Read CONNECTION's groups and members from the platform into the workspace.

    Members no longer listed are recorded as having left (reason: unknown)."""
    import json

    from .cli.context import fail, workspace

    with workspace(read_only=False) as ws:
        try:
            connector = build_connector(ws, connection)
        except Exception as e:
            fail(str(e))

        def show(done: int, total: int, what: str) -> None:
            click.echo(f"\r[{done}/{total}] {what}"[:100].ljust(60), nl=False, err=True)

        connector.sink.progress = show  # a connector's own steps show too (WeCom reads each group while listing)

        async def go() -> SyncSummary:
            try:
                return await sync_connection(ws, connector, progress=show, groups=list(groups) or None)
            finally:
                close = getattr(connector, "aclose", None)
                if close is not None:
                    await close()

        try:
            summary = asyncio.run(go())
        except (ConnectorError, NotSupported) as e:
            click.echo("", err=True)
            ws.set_connection_state(connection, "error", str(e))
            fail(str(e))
        click.echo("", err=True)
        if as_json:
            click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(summary.line(ws.tr))
            for err in summary.errors:
                click.echo(f"  {err}", err=True)
        if summary.errors:
            sys.exit(1)
