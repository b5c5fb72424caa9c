"""The engine: platform events in, records and proposed actions out.

``Engine.ingest(batch)`` runs one write transaction per batch:

1. drop repeats inside the batch; resolve groups and people (creating the ones seen for
   the first time; look-ups are cached);
2. store other events, then messages, each with one ``INSERT OR IGNORE`` executemany:
   the table's unique key (connection, platform id) is the dedupe, so webhook retries
   and replays never double count and a batch of new events costs no extra query (only
   when the insert skipped rows is the table asked which rows are new);
3. apply the new events' effects on memberships; count the new messages into
   memberships, ``speaker_days`` and the per-group per-day rollups, so no KPI scans
   messages;
4. call ``process_events`` on every plugin (each in a savepoint), then
   ``decide_join_request`` for new requests; store every proposal in the outbox.

Work is done per batch, not per event, wherever SQL allows (aggregated upserts, one
member-count query a batch); ``benchmarks/ingest.py`` measures it against raw ``executemany``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterable

from . import deadletters
from .event_effects import apply_events
from .headcount import counted_by_head
from .join_requests import apply_decision, decide_by_plugins  # noqa: F401  (apply_decision: re-exported)
from .jsonenc import compact as encode_json  # one C encoder built once: ~1 us a message less than json.dumps
from .model import DeadLetter, Event, EventBatch, Kind, Proposal, new_group_name
from .naming import name_unnamed
from .store import rows_in
from .workspace import Workspace

_BY_TS = attrgetter("ts")
_MEMBER_CACHE = 300_000  # (group, person) pairs known to be members; bounded for huge workspaces

@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    proposals: int = 0
    requests: int = 0
    events: list[Event] = field(default_factory=list)


class Engine:
    def __init__(self, ws: Workspace, *, rollups: bool = True, hooks: bool = True):
        self.ws = ws
        self.store = ws.store
        self.rollups = rollups
        self.hooks = hooks
        self._groups: dict[tuple[str, str], tuple[int, str]] = {}
        self._idents: dict[tuple[str, str], tuple[int, int]] = {}
        self._members: set[tuple[int, int]] = set()
        self._speakers: dict[tuple[int, str], set[int]] = {}
        self._platform: dict[str, str] = {}
        self._unnamed: set[tuple[str, str]] = set()  # identities with no nickname yet (console/naming.py)

    # --- public -------------------------------------------------------------------------

    def ingest(self, events: Iterable[Event]) -> IngestResult:
        try:
            return self._ingest(list(events))
        except BaseException:
            self.forget_caches()  # they may hold ids of rows the failure rolled back (new groups, people)
            raise

    def _ingest(self, batch: list[Event]) -> IngestResult:
        res = IngestResult(received=len(batch))
        if not batch:
            return res
        message, heartbeat = Kind.MESSAGE, Kind.HEARTBEAT
        with self.store.write() as conn:
            self._touch_connections(conn, batch)
            unique = [e for e in batch if e.kind != heartbeat]  # heartbeats only touch the connection
            self._resolve(conn, unique)
            msgs = [e for e in unique if e.kind == message]
            others = [e for e in unique if e.kind != message]
            insiders = self._insiders(conn)
            # Joins and leaves first: a newcomer's first message in the same batch
            # must not make them a member before their join is counted.
            requests: list[int] = []
            new_others = self._insert_new_events(conn, others) if others else []
            if new_others:
                requests = apply_events(self, conn, new_others, insiders)
            new_msgs = self._insert_new_messages(conn, msgs) if msgs else []
            if new_msgs:
                self._count_messages(conn, new_msgs, insiders)
            if len(new_others) + len(new_msgs) == len(unique):
                fresh = unique
            else:
                kept = {id(e) for e in new_others}
                kept.update(id(e) for e in new_msgs)
                fresh = [e for e in unique if id(e) in kept]
            res.duplicates = len(unique) - len(fresh)
            res.stored = len(fresh)
            res.requests = len(requests)
            res.events = fresh
            if fresh and self.hooks:
                res.proposals = self._run_hooks(EventBatch(fresh, new_msgs, new_others), requests)
        return res

    def dead_letter(self, letter: DeadLetter) -> int:
        return deadletters.write(self.store, self.ws.now(), letter)

    def forget_caches(self) -> None:
        """Drop cached look-ups (after another process changed groups or people)."""
        for cache in (self._groups, self._idents, self._members, self._speakers, self._unnamed):
            cache.clear()

    # --- steps ----------------------------------------------------------------------------

    def _touch_connections(self, conn, events: list[Event]) -> None:
        ids = {e.connection for e in events}
        if len(ids) == 1:  # the usual batch: one connection's events
            latest = {ids.pop(): max(map(_BY_TS, events))}
        else:
            latest = {cid: max(e.ts for e in events if e.connection == cid) for cid in ids}
        for cid, ts in latest.items():
            cur = conn.execute(
                "UPDATE connections SET last_event_at = max(coalesce(last_event_at, 0), ?),"
                " state = CASE WHEN state IN ('unknown', 'offline') THEN 'online' ELSE state END WHERE id = ?",
                (ts, cid))
            if not cur.rowcount:
                platform = self._platform_of(cid)
                conn.execute("INSERT OR IGNORE INTO connections(id, platform, state, last_event_at, updated_at)"
                             " VALUES (?,?,?,?,?)", (cid, platform, "online", ts, self.ws.now()))

    def _platform_of(self, connection: str) -> str:
        if (p := self._platform.get(connection)) is None:
            cs = self.ws.settings.connections.get(connection)
            p = self._platform[connection] = cs.platform if cs else (self.store.scalar(
                "SELECT platform FROM connections WHERE id = ?", (connection,)) or connection)
        return p

    def _insert_new(self, conn, table: str, key_col: str, sql: str, rows: list[tuple],
                    events: list[Event]) -> list[Event]:
        """Insert ``rows`` (one per event) with OR IGNORE and return the events whose row is new.
        The unique key rejects repeats for free, stored ones and ones inside the batch alike. This
        insert's ids are all above the table's max id before it (we hold the write lock), which
        finds the new rows when some were skipped; of an event repeated in the batch the first
        copy is the one stored, so it is the one kept."""
        before = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        inserted = conn.executemany(sql, rows).rowcount
        if inserted == len(rows):
            return events
        if inserted <= 0:
            return []
        new = {(r[0], r[1]) for r in conn.execute(f"SELECT connection_id, {key_col} FROM {table} WHERE id > ?",
                                                  (before,))}
        kept = []
        for e in events:
            key = (e.connection, e.id)
            if key in new:
                new.discard(key)  # later copies of the same event are repeats
                kept.append(e)
        return kept

    def _insert_new_events(self, conn, events: list[Event]) -> list[Event]:
        events.sort(key=_BY_TS)
        enc = encode_json
        rows = [(e.connection, e.id, e.kind, e.group_id, e.person_id, e.ts, enc(e.data) if e.data else None,
                 enc(e.raw) if e.raw is not None and (e.kind == Kind.UNKNOWN or e.kind == Kind.JOIN_REQUEST) else None)
                for e in events]
        return self._insert_new(
            conn, "events", "platform_event_id",
            "INSERT OR IGNORE INTO events(connection_id, platform_event_id, kind, group_id, person_id, ts, data, raw)"
            " VALUES (?,?,?,?,?,?,?,?)", rows, events)

    def _insert_new_messages(self, conn, msgs: list[Event]) -> list[Event]:
        enc = encode_json
        rows = [(e.connection, e.id, e.group_id, e.person_id, e.ts, e.text, enc(e.data) if e.data else None)
                for e in msgs]
        return self._insert_new(
            conn, "messages", "platform_msg_id",
            "INSERT OR IGNORE INTO messages(connection_id, platform_msg_id, group_id, person_id, ts, text, meta)"
            " VALUES (?,?,?,?,?,?,?)", rows, msgs)

    def _resolve(self, conn, events: list[Event]) -> None:
        """Fill ``group_id``/``person_id`` from the caches; the people a cache does not
        know yet (a restart, a wave of newcomers) are looked up together afterwards, so a
        cold cache costs one query per 400 people, not one per person."""
        now = self.ws.now()
        groups, idents = self._groups, self._idents
        platforms = {c: self._platform_of(c) for c in {e.connection for e in events}}
        unknown: list[Event] = []
        for e in events:
            if e.group is not None:
                hit = groups.get((e.connection, e.group))
                if hit is None:
                    hit = self._group(conn, e, now)
                e.group_id = hit[0]
            if e.user is not None:
                ident = idents.get((platforms[e.connection], e.user))
                if ident is None:
                    unknown.append(e)
                else:
                    e.person_id = ident[1]
        if unknown:
            self._load_identities(conn, {(platforms[e.connection], e.user) for e in unknown})
            for e in unknown:
                platform = platforms[e.connection]
                ident = idents.get((platform, e.user))
                if ident is None:  # first sight: a new person (the first event's nickname names them)
                    ident = self._identity(conn, platform, e.user, e.nickname or "", now)
                e.person_id = ident[1]
        if self._unnamed:  # a later event brings a name for someone first seen without one
            name_unnamed(conn, self._unnamed, idents, platforms, events)

    def _load_identities(self, conn, keys: set[tuple[str, str]]) -> None:
        """Cache the stored identities among ``keys`` ((platform, platform user id) pairs)."""
        by_platform: dict[str, list[str]] = defaultdict(list)
        for platform, user in keys:
            by_platform[platform].append(user)
        for platform, users in by_platform.items():
            for user, iid, pid, nick in rows_in(conn, "SELECT platform_user_id, id, person_id, nickname FROM identities"
                                                " WHERE platform = ? AND platform_user_id IN ({marks})", users, (platform,)):
                self._idents[(platform, user)] = (iid, pid)
                if not nick:
                    self._unnamed.add((platform, user))

    def _group(self, conn, e: Event, now: int) -> tuple[int, str]:
        """(group id, platform) of the event's group, creating it on first sight."""
        key = (e.connection, e.group)
        row = conn.execute("SELECT id, platform FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                           key).fetchone()
        if row is None:
            platform = self._platform_of(e.connection)
            name = new_group_name(e)
            cur = conn.execute(
                "INSERT INTO groups(connection_id, platform, platform_group_id, name, created_at)"
                " VALUES (?,?,?,?,?)", (e.connection, platform, e.group, name, now))
            hit = (cur.lastrowid, platform)
        else:
            hit = (row[0], row[1])
        self._groups[key] = hit
        return hit

    def _identity(self, conn, platform: str, user: str, nickname: str, now: int) -> tuple[int, int]:
        """(identity_id, person_id) for a platform user, creating both on first sight."""
        row = conn.execute("SELECT id, person_id FROM identities WHERE platform = ? AND platform_user_id = ?",
                           (platform, user)).fetchone()
        if row is None:
            # the connection's own account seen first in an event: an insider from the start
            # (console/owners.py); connections holds a row per connection, so this is cheap
            own = conn.execute("SELECT 1 FROM connections WHERE platform = ? AND account = ? LIMIT 1",
                               (platform, user)).fetchone() is not None
            pid = conn.execute("INSERT INTO people(display_name, created_at, is_insider) VALUES (?, ?, ?)",
                               (nickname or user, now, int(own))).lastrowid
            iid = conn.execute("INSERT INTO identities(person_id, platform, platform_user_id, nickname, created_at)"
                               " VALUES (?,?,?,?,?)", (pid, platform, user, nickname, now)).lastrowid
            ident = (iid, pid)
            if not nickname:
                self._unnamed.add((platform, user))
        else:
            ident = (row[0], row[1])
        self._idents[(platform, user)] = ident
        return ident

    def person_for(self, connection: str, user: str, nickname: str = "") -> int:
        """Local person id for a platform user (creating it): for plugins resolving inviters."""
        platform = self._platform_of(connection)
        ident = self._idents.get((platform, user)) or self._identity(self.store.conn, platform, user, nickname,
                                                                       self.ws.now())
        return ident[1]

    def _insiders(self, conn) -> set[int]:
        # people_insiders is a partial index: this reads the insiders only, not every person
        return {r[0] for r in conn.execute("SELECT id FROM people WHERE is_insider = 1")}

    def note_member(self, group_id: int, person_id: int) -> None:
        """Remember that a person is a member (saves a look-up on their next message)."""
        if len(self._members) >= _MEMBER_CACHE:
            self._members.clear()
        self._members.add((group_id, person_id))

    def _new_speakers_are_members(self, conn, pairs: Iterable[tuple[int, int]], last_ts: dict) -> dict[int, int]:
        """Someone speaking in a group shequn did not know them in: record them as a
        member. Returns {group id: latest such message} for the groups that grew. Pairs
        the cache does not hold are looked up together (one query per 400 people)."""
        known = self._members
        unsure = [key for key in pairs if key not in known]
        if not unsure:
            return {}
        stored = {(r[0], r[1]) for r in rows_in(
            conn, "SELECT group_id, person_id FROM memberships WHERE person_id IN ({marks})", {p for _, p in unsure})}
        grown: dict[int, int] = {}
        for key in unsure:
            if key not in stored:
                g = key[0]
                conn.execute("INSERT INTO memberships(group_id, person_id, status, join_scene, joined_at)"
                             " VALUES (?,?,?,?,?)", (g, key[1], "member", "unknown", None))
                if not counted_by_head(self.ws, conn, g):  # the platform's head count has them
                    conn.execute("UPDATE groups SET member_count = member_count + 1 WHERE id = ?", (g,))
                grown[g] = max(last_ts[key], grown.get(g, 0))
            self.note_member(*key)
        return grown

    def _count_messages(self, conn, msgs: list[Event], insiders: set[int]) -> None:
        """Count new messages into memberships, speaker_days and rollups_daily: one row
        write per member, per speaker-day and per group-day of the batch. Counting is
        done by ``Counter`` and comprehensions (C loops), not a Python loop per message."""
        day_of = self.ws.day
        ok = [e for e in msgs if e.group_id is not None and e.person_id is not None]
        stamps = [e.ts for e in ok]
        members = [(e.group_id, e.person_id) for e in ok]
        days = self.ws.days(stamps)
        spk = Counter([(g, d, p) for (g, p), d in zip(members, days)])  # (group, day, person) -> messages
        per_member = Counter(members)
        if stamps != sorted(stamps):  # a platform may deliver out of order: the latest must win
            order = sorted(range(len(stamps)), key=stamps.__getitem__)
            members, stamps = [members[i] for i in order], [stamps[i] for i in order]
        last = dict(zip(members, stamps))
        grown = self._new_speakers_are_members(conn, per_member, last)
        conn.executemany(
            "UPDATE memberships SET message_count = message_count + ?,"
            " last_spoke_at = max(coalesce(last_spoke_at, 0), ?) WHERE group_id = ? AND person_id = ?",
            [(n, last[k], k[0], k[1]) for k, n in per_member.items()])
        if not self.rollups:
            return
        # per group-day: messages, insiders' messages, speakers new that day, insiders among them
        day_msgs = Counter([(g, d) for (g, _), d in zip(members, days)])
        speakers: dict[tuple[int, str], set[int]] = defaultdict(set)
        for g, d, p in spk:
            speakers[(g, d)].add(p)
        roll = []
        for (g, d), ps in speakers.items():
            cache = self._speaker_cache(conn, g, d)
            new = ps - cache
            cache |= new
            ins = ps & insiders
            roll.append((g, d, day_msgs[(g, d)], sum(spk[(g, d, p)] for p in ins), len(new), len(new & ins)))
        conn.executemany(
            "INSERT INTO speaker_days(group_id, day, person_id, messages) VALUES (?,?,?,?)"
            " ON CONFLICT(group_id, day, person_id) DO UPDATE SET messages = messages + excluded.messages",
            [(g, d, p, n) for (g, d, p), n in spk.items()])
        conn.executemany(
            "INSERT INTO rollups_daily(group_id, day, messages, messages_insiders, speakers, speakers_insiders)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(group_id, day) DO UPDATE SET"
            " messages = messages + excluded.messages, messages_insiders = messages_insiders + excluded.messages_insiders,"
            " speakers = speakers + excluded.speakers, speakers_insiders = speakers_insiders + excluded.speakers_insiders",
            roll)
        if grown:
            self.members_end(conn, {(g, day_of(ts)) for g, ts in grown.items()})

    def _speaker_cache(self, conn, group_id: int, day: str) -> set[int]:
        key = (group_id, day)
        cache = self._speakers.get(key)
        if cache is None:
            if len(self._speakers) > 20_000:  # old days are rarely touched again
                self._speakers.clear()
            cache = {r[0] for r in conn.execute(
                "SELECT person_id FROM speaker_days WHERE group_id = ? AND day = ?", key)}
            self._speakers[key] = cache
        return cache

    def members_end(self, conn, touched: set[tuple[int, str]],
                    net: dict[tuple[int, str], list[int]] | None = None) -> None:
        """Write the member count at the end of each touched day. The latest day gets the
        current count; with ``net`` (per-day changes in this batch) earlier days of a
        batch that spans several days (a back-fill) are walked back from it, so no day
        is left carrying a count that was never true. Two queries for all the groups."""
        days: dict[int, list[str]] = defaultdict(list)
        for g, d in touched:
            days[g].append(d)
        members = dict(rows_in(conn, "SELECT id, member_count FROM groups WHERE id IN ({marks})", days))
        inside = dict(rows_in(
            # CROSS JOIN keeps people (the few insiders, by the partial index) outermost
            conn, "SELECT m.group_id, count(*) FROM people p CROSS JOIN memberships m ON m.person_id = p.id"
                  " WHERE p.is_insider = 1 AND m.status = 'member' AND m.group_id IN ({marks}) GROUP BY m.group_id", days))
        rows = []
        for g, ds in days.items():
            n, ins = members.get(g, 0), inside.get(g, 0)
            for d in sorted(ds, reverse=True) if net is not None else [max(ds)]:
                rows.append((g, d, n, ins))
                if net is not None:
                    dm, di = net.get((g, d), (0, 0))
                    n, ins = n - dm, ins - di
        conn.executemany(
            "INSERT INTO rollups_daily(group_id, day, members_end, insiders_end) VALUES (?,?,?,?)"
            " ON CONFLICT(group_id, day) DO UPDATE SET members_end = excluded.members_end,"
            " insiders_end = excluded.insiders_end", rows)

    # --- plugins -----------------------------------------------------------------------------

    def _run_hooks(self, events: list[Event], requests: list[int]) -> int:
        ws = self.ws
        count = 0
        for plugin, proposals in ws.call("process_events", savepoint=True, events=events, ws=ws):
            found = [proposals] if isinstance(proposals, Proposal) else [p for p in proposals or () if isinstance(p, Proposal)]
            count += len(ws.enqueue(found, f"plugin:{plugin}"))
        for rid in requests:
            count += self.decide(rid)
        return count

    def decide(self, request_id: int, *, actor: str | None = None) -> int:
        """Ask plugins to decide request ``request_id`` and act on the verdict."""
        return decide_by_plugins(self.ws, request_id, actor=actor)

