"""The engine: platform events in, records and proposed actions out.

``Engine.ingest(batch)`` runs one write transaction per batch:

1. dedupe on (connection, platform id): webhook retries and replays never double count;
2. resolve groups and people (creating the ones seen for the first time);
3. store messages (raw ``executemany``: the hot path) and other events;
4. update memberships and the per-group per-day rollups, so no KPI scans messages;
5. call ``process_events`` on every plugin (each in a savepoint), then
   ``decide_join_request`` for new requests; store every proposal in the outbox.

Work is done per batch, not per event, wherever SQL allows: one existence query for the
whole batch, one ``executemany`` per table, aggregated rollup upserts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from .model import Decision, DeadLetter, Event, Kind, Proposal
from .workspace import Workspace

_CHUNK = 400  # parameters per IN (...) query, under SQLite's limit


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

    # --- public -------------------------------------------------------------------------

    def ingest(self, events: Iterable[Event]) -> IngestResult:
        batch = [e for e in events]
        res = IngestResult(received=len(batch))
        if not batch:
            return res
        beats = [e for e in batch if e.kind == Kind.HEARTBEAT]
        batch = [e for e in batch if e.kind != Kind.HEARTBEAT]
        with self.store.write() as conn:
            self._touch_connections(conn, beats + batch)
            fresh = self._dedupe(conn, batch)
            res.duplicates = len(batch) - len(fresh)
            if fresh:
                self._resolve(conn, fresh)
                msgs = [e for e in fresh if e.kind == Kind.MESSAGE]
                others = [e for e in fresh if e.kind != Kind.MESSAGE]
                insiders = self._insiders(conn)
                # Joins and leaves first: a newcomer's first message in the same batch
                # must not make them a member before their join is counted.
                requests: list[int] = []
                if others:
                    requests = self._store_events(conn, others, insiders)
                if msgs:
                    self._store_messages(conn, msgs, insiders)
                res.stored = len(fresh)
                res.requests = len(requests)
                res.events = fresh
                if self.hooks:
                    res.proposals = self._run_hooks(fresh, requests)
        return res

    def dead_letter(self, letter: DeadLetter) -> int:
        raw = letter.raw if isinstance(letter.raw, bytes) else str(letter.raw).encode("utf-8", "replace")
        with self.store.write() as c:
            cur = c.execute(
                "INSERT INTO dead_letters(ts, connection_id, source, error, raw, headers) VALUES (?,?,?,?,?,?)",
                (self.ws.now(), letter.connection, letter.source, letter.error, raw,
                 json.dumps(letter.headers, ensure_ascii=False) if letter.headers else None))
            return cur.lastrowid or 0

    def forget_caches(self) -> None:
        """Drop cached look-ups (after another process changed groups or people)."""
        self._groups.clear()
        self._idents.clear()
        self._members.clear()
        self._speakers.clear()

    # --- steps ----------------------------------------------------------------------------

    def _touch_connections(self, conn, events: list[Event]) -> None:
        latest: dict[str, int] = {}
        for e in events:
            if e.ts > latest.get(e.connection, 0):
                latest[e.connection] = e.ts
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
        p = self._platform.get(connection)
        if p is None:
            cs = self.ws.settings.connections.get(connection)
            p = cs.platform if cs else (self.store.scalar("SELECT platform FROM connections WHERE id = ?",
                                                          (connection,)) or connection)
            self._platform[connection] = p
        return p

    def _dedupe(self, conn, batch: list[Event]) -> list[Event]:
        seen: set[tuple[str, str, bool]] = set()
        unique: list[Event] = []
        for e in batch:
            key = (e.connection, e.id, e.kind == Kind.MESSAGE)
            if key in seen:
                continue
            seen.add(key)
            unique.append(e)
        existing: set[tuple[str, str, bool]] = set()
        by_table: dict[tuple[str, bool], list[str]] = defaultdict(list)
        for e in unique:
            by_table[(e.connection, e.kind == Kind.MESSAGE)].append(e.id)
        for (cid, is_msg), ids in by_table.items():
            table, col = ("messages", "platform_msg_id") if is_msg else ("events", "platform_event_id")
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i:i + _CHUNK]
                q = f"SELECT {col} FROM {table} WHERE connection_id = ? AND {col} IN ({','.join('?' * len(chunk))})"
                for (pid,) in conn.execute(q, [cid, *chunk]):
                    existing.add((cid, pid, is_msg))
        return [e for e in unique if (e.connection, e.id, e.kind == Kind.MESSAGE) not in existing]

    def _resolve(self, conn, events: list[Event]) -> None:
        now = self.ws.now()
        for e in events:
            if e.group is not None:
                key = (e.connection, e.group)
                hit = self._groups.get(key)
                if hit is None:
                    row = conn.execute("SELECT id, platform FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                                       key).fetchone()
                    if row is None:
                        platform = self._platform_of(e.connection)
                        name = str(e.data.get("group_name") or e.group)
                        cur = conn.execute(
                            "INSERT INTO groups(connection_id, platform, platform_group_id, name, created_at)"
                            " VALUES (?,?,?,?,?)", (e.connection, platform, e.group, name, now))
                        hit = (cur.lastrowid, platform)
                    else:
                        hit = (row[0], row[1])
                    self._groups[key] = hit
                e.group_id = hit[0]
            if e.user is not None:
                platform = self._platform_of(e.connection)
                ikey = (platform, e.user)
                ident = self._idents.get(ikey)
                if ident is None:
                    ident = self._identity(conn, platform, e.user, e.nickname or "", now)
                e.person_id = ident[1]

    def _identity(self, conn, platform: str, user: str, nickname: str, now: int) -> tuple[int, int]:
        """(identity_id, person_id) for a platform user, creating both on first sight."""
        row = conn.execute("SELECT id, person_id FROM identities WHERE platform = ? AND platform_user_id = ?",
                           (platform, user)).fetchone()
        if row is None:
            pid = conn.execute("INSERT INTO people(display_name, created_at) VALUES (?, ?)",
                               (nickname or user, now)).lastrowid
            iid = conn.execute("INSERT INTO identities(person_id, platform, platform_user_id, nickname, created_at)"
                               " VALUES (?,?,?,?,?)", (pid, platform, user, nickname, now)).lastrowid
            ident = (iid, pid)
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
        return {r[0] for r in conn.execute("SELECT id FROM people WHERE is_insider = 1")}

    def _ensure_member(self, conn, group_id: int, person_id: int, ts: int, counts: dict) -> None:
        """Someone speaking in a group shequn did not know them in: record them as a member."""
        key = (group_id, person_id)
        if key in self._members:
            return
        row = conn.execute("SELECT status FROM memberships WHERE group_id = ? AND person_id = ?", key).fetchone()
        if row is None:
            conn.execute("INSERT INTO memberships(group_id, person_id, status, join_scene, joined_at) VALUES (?,?,?,?,?)",
                         (group_id, person_id, "member", "unknown", None))
            conn.execute("UPDATE groups SET member_count = member_count + 1 WHERE id = ?", (group_id,))
            counts[group_id] = max(ts, counts.get(group_id, 0))
        self._members.add(key)

    def _store_messages(self, conn, msgs: list[Event], insiders: set[int]) -> None:
        rows = []
        per_member: dict[tuple[int, int], list[int]] = {}
        day_of = self.ws.day
        roll: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        spk: dict[tuple[int, str, int], int] = defaultdict(int)
        changed_groups: dict[int, int] = {}
        for e in msgs:
            meta = e.data or None
            rows.append((e.connection, e.id, e.group_id, e.person_id, e.ts, e.text,
                         json.dumps(meta, ensure_ascii=False) if meta else None))
            if e.group_id is None or e.person_id is None:
                continue
            key = (e.group_id, e.person_id)
            pm = per_member.get(key)
            if pm is None:
                per_member[key] = [1, e.ts]
            else:
                pm[0] += 1
                if e.ts > pm[1]:
                    pm[1] = e.ts
            if self.rollups:
                d = day_of(e.ts)
                r = roll[(e.group_id, d)]
                r[0] += 1
                if e.person_id in insiders:
                    r[1] += 1
                spk[(e.group_id, d, e.person_id)] += 1
        conn.executemany(
            "INSERT INTO messages(connection_id, platform_msg_id, group_id, person_id, ts, text, meta)"
            " VALUES (?,?,?,?,?,?,?)", rows)
        for (g, p), (n, ts) in per_member.items():
            self._ensure_member(conn, g, p, ts, changed_groups)
        conn.executemany(
            "UPDATE memberships SET message_count = message_count + ?,"
            " last_spoke_at = max(coalesce(last_spoke_at, 0), ?) WHERE group_id = ? AND person_id = ?",
            [(n, ts, g, p) for (g, p), (n, ts) in per_member.items()])
        if self.rollups:
            new_speakers = []
            for (g, d, p), n in spk.items():
                cache = self._speaker_cache(conn, g, d)
                if p not in cache:
                    cache.add(p)
                    r = roll[(g, d)]
                    r[2] += 1
                    if p in insiders:
                        r[3] += 1
                new_speakers.append((g, d, p, n))
            conn.executemany(
                "INSERT INTO speaker_days(group_id, day, person_id, messages) VALUES (?,?,?,?)"
                " ON CONFLICT(group_id, day, person_id) DO UPDATE SET messages = messages + excluded.messages",
                new_speakers)
            conn.executemany(
                "INSERT INTO rollups_daily(group_id, day, messages, messages_insiders, speakers, speakers_insiders)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT(group_id, day) DO UPDATE SET"
                " messages = messages + excluded.messages, messages_insiders = messages_insiders + excluded.messages_insiders,"
                " speakers = speakers + excluded.speakers, speakers_insiders = speakers_insiders + excluded.speakers_insiders",
                [(g, d, *r) for (g, d), r in roll.items()])
            if changed_groups:
                self._members_end(conn, {(g, day_of(ts)) for g, ts in changed_groups.items()}, insiders)

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

    def _store_events(self, conn, events: list[Event], insiders: set[int]) -> list[int]:
        """Store non-message events and apply their effect on memberships. Returns new request ids."""
        events.sort(key=lambda e: e.ts)
        conn.executemany(
            "INSERT INTO events(connection_id, platform_event_id, kind, group_id, person_id, ts, data, raw)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [(e.connection, e.id, e.kind, e.group_id, e.person_id, e.ts,
              json.dumps(e.data, ensure_ascii=False, default=str) if e.data else None,
              json.dumps(e.raw, ensure_ascii=False, default=str) if e.raw is not None and
              (e.kind == Kind.UNKNOWN or e.kind == Kind.JOIN_REQUEST) else None) for e in events])
        touched: set[tuple[int, str]] = set()
        roll: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        net: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])  # members, insiders
        requests: list[int] = []
        for e in events:
            k = e.kind
            if k == Kind.JOIN and e.group_id and e.person_id:
                if self._join(conn, e):
                    roll[(e.group_id, self.ws.day(e.ts))][0] += 1
                    touched.add((e.group_id, self.ws.day(e.ts)))
                    n = net[(e.group_id, self.ws.day(e.ts))]
                    n[0] += 1
                    n[1] += e.person_id in insiders
            elif k == Kind.LEAVE and e.group_id and e.person_id:
                if self._leave(conn, e):
                    r = roll[(e.group_id, self.ws.day(e.ts))]
                    r[1] += 1
                    if e.data.get("reason") in ("kick", "kick_me"):
                        r[2] += 1
                    touched.add((e.group_id, self.ws.day(e.ts)))
                    n = net[(e.group_id, self.ws.day(e.ts))]
                    n[0] -= 1
                    n[1] -= e.person_id in insiders
            elif k == Kind.ADMIN and e.group_id and e.person_id:
                role = "admin" if e.data.get("enable", True) else "member"
                if e.data.get("role") == "owner":
                    role = "owner"
                conn.execute("UPDATE memberships SET platform_role = ? WHERE group_id = ? AND person_id = ?",
                             (role, e.group_id, e.person_id))
            elif k == Kind.MUTE and e.group_id and e.person_id:
                dur = int(e.data.get("duration") or 0)
                conn.execute("UPDATE memberships SET muted_until = ? WHERE group_id = ? AND person_id = ?",
                             (e.ts + dur if dur > 0 else None, e.group_id, e.person_id))
            elif k == Kind.NICKNAME and e.group_id and e.person_id:
                new = e.data.get("new", e.nickname) or ""
                conn.execute("UPDATE memberships SET group_nickname = ? WHERE group_id = ? AND person_id = ?",
                             (new, e.group_id, e.person_id))
            elif k == Kind.JOIN_REQUEST and e.group_id and e.person_id:
                rid = self._request(conn, e)
                if rid:
                    requests.append(rid)
            elif k == Kind.GROUP and e.group_id:
                change = e.data.get("change")
                if change == "name" and e.data.get("value"):
                    conn.execute("UPDATE groups SET name = ? WHERE id = ?", (e.data["value"], e.group_id))
                elif change == "dismiss":
                    conn.execute("UPDATE groups SET status = 'dismissed' WHERE id = ?", (e.group_id,))
            elif k == Kind.LIFECYCLE:
                state = {"disable": "offline"}.get(e.data.get("sub_type", ""), "online")
                conn.execute("UPDATE connections SET state = ? WHERE id = ?", (state, e.connection))
        if self.rollups and roll:
            conn.executemany(
                "INSERT INTO rollups_daily(group_id, day, joins, leaves, leaves_kicked) VALUES (?,?,?,?,?)"
                " ON CONFLICT(group_id, day) DO UPDATE SET joins = joins + excluded.joins,"
                " leaves = leaves + excluded.leaves, leaves_kicked = leaves_kicked + excluded.leaves_kicked",
                [(g, d, *r) for (g, d), r in roll.items()])
        if self.rollups and touched:
            self._members_end(conn, touched, insiders, net)
        return requests

    def _members_end(self, conn, touched: set[tuple[int, str]], insiders: set[int],
                     net: dict[tuple[int, str], list[int]] | None = None) -> None:
        """Write the member count at the end of each touched day. The latest day gets the
        current count; with ``net`` (per-day changes in this batch) earlier days of a
        batch that spans several days (a back-fill) are walked back from it, so no day
        is left carrying a count that was never true."""
        days: dict[int, list[str]] = defaultdict(list)
        for g, d in touched:
            days[g].append(d)
        for g, ds in days.items():
            members = conn.execute("SELECT member_count FROM groups WHERE id = ?", (g,)).fetchone()[0]
            ins = conn.execute("SELECT count(*) FROM memberships m JOIN people p ON p.id = m.person_id"
                               " WHERE m.group_id = ? AND m.status = 'member' AND p.is_insider = 1", (g,)).fetchone()[0]
            for d in sorted(ds, reverse=True) if net is not None else [max(ds)]:
                conn.execute("INSERT INTO rollups_daily(group_id, day, members_end, insiders_end) VALUES (?,?,?,?)"
                             " ON CONFLICT(group_id, day) DO UPDATE SET members_end = excluded.members_end,"
                             " insiders_end = excluded.insiders_end", (g, d, members, ins))
                if net is not None:
                    dm, di = net.get((g, d), (0, 0))
                    members, ins = members - dm, ins - di

    def _join(self, conn, e: Event) -> bool:
        inviter = e.data.get("inviter")
        inviter_pid = self.person_for(e.connection, str(inviter)) if inviter not in (None, "", "0", 0) else None
        if inviter_pid == e.person_id:
            inviter_pid = None
        row = conn.execute("SELECT status FROM memberships WHERE group_id = ? AND person_id = ?",
                           (e.group_id, e.person_id)).fetchone()
        scene = e.data.get("scene") or "unknown"
        if row is None:
            conn.execute(
                "INSERT INTO memberships(group_id, person_id, status, joined_at, inviter_person_id, join_scene,"
                " group_nickname) VALUES (?,?,?,?,?,?,?)",
                (e.group_id, e.person_id, "member", e.ts, inviter_pid, scene, e.data.get("card") or ""))
            was_member = False
        else:
            was_member = row[0] == "member"
            conn.execute(
                "UPDATE memberships SET status = 'member', joined_at = ?, left_at = NULL, leave_reason = NULL,"
                " inviter_person_id = coalesce(?, inviter_person_id), join_scene = ?,"
                " joins = joins + CASE WHEN status = 'left' THEN 1 ELSE 0 END WHERE group_id = ? AND person_id = ?",
                (e.ts, inviter_pid, scene, e.group_id, e.person_id))
        self._members.add((e.group_id, e.person_id))
        if inviter_pid:
            conn.execute("UPDATE people SET referred_by = ? WHERE id = ? AND referred_by IS NULL",
                         (inviter_pid, e.person_id))
        if was_member:
            return False
        conn.execute("UPDATE groups SET member_count = member_count + 1 WHERE id = ?", (e.group_id,))
        return True

    def _leave(self, conn, e: Event) -> bool:
        row = conn.execute("SELECT status FROM memberships WHERE group_id = ? AND person_id = ?",
                           (e.group_id, e.person_id)).fetchone()
        if row is None or row[0] != "member":
            return False
        conn.execute(
            "UPDATE memberships SET status = 'left', left_at = ?, leave_reason = ?, leave_operator = ?"
            " WHERE group_id = ? AND person_id = ?",
            (e.ts, e.data.get("reason") or "leave", str(e.data.get("operator") or "") or None, e.group_id, e.person_id))
        conn.execute("UPDATE groups SET member_count = max(member_count - 1, 0) WHERE id = ?", (e.group_id,))
        return True

    def _request(self, conn, e: Event) -> int | None:
        inviter = e.data.get("inviter")
        ref = self.person_for(e.connection, str(inviter)) if inviter not in (None, "", "0", 0) else None
        cur = conn.execute(
            "INSERT OR IGNORE INTO join_requests(connection_id, platform_request_id, group_id, person_id, sub_type,"
            " comment, referrer_person_id, requested_at) VALUES (?,?,?,?,?,?,?,?)",
            (e.connection, str(e.data.get("flag") or e.id), e.group_id, e.person_id, e.data.get("sub_type") or "add",
             e.data.get("comment") or "", ref, e.ts))
        return cur.lastrowid if cur.rowcount else None

    # --- plugins -----------------------------------------------------------------------------

    def _run_hooks(self, events: list[Event], requests: list[int]) -> int:
        ws = self.ws
        count = 0
        for plugin, proposals in ws.call("process_events", savepoint=True, events=events, ws=ws):
            count += len(ws.enqueue(_as_list(proposals), f"plugin:{plugin}"))
        for rid in requests:
            count += self.decide(rid)
        return count

    def decide(self, request_id: int, *, actor: str | None = None) -> int:
        """Ask plugins to decide request ``request_id`` and act on the verdict."""
        ws = self.ws
        req = ws.store.one(
            "SELECT r.*, g.platform_group_id, g.name AS group_name FROM join_requests r"
            " LEFT JOIN groups g ON g.id = r.group_id WHERE r.id = ?", (request_id,))
        if req is None or req["status"] != "pending":
            return 0
        answers = ws.call("decide_join_request", firstresult=True, savepoint=True, request=req, ws=ws)
        if not answers:
            return 0
        plugin, decision = answers[0]
        if not isinstance(decision, Decision):
            from .pluginmanager import PluginProblem

            ws.pm.report(PluginProblem(plugin, "decide_join_request",
                                       f"returned {type(decision).__name__}, expected console.model.Decision"))
            return 0
        return apply_decision(ws, req, decision, actor or f"rule:{decision.rule or plugin}")


def apply_decision(ws: Workspace, req: dict[str, Any], decision: Decision, actor: str) -> int:
    """Record a decision on a join request and queue the platform action. Returns actions queued."""
    now = ws.now()
    with ws.store.write() as c:
        if decision.dry_run:
            c.execute("UPDATE join_requests SET would_have = ?, rule = ?, reason = ? WHERE id = ?",
                      (decision.verdict, decision.rule, decision.reason, req["id"]))
            ws.audit("join_request_would_have", "join_request", req["id"],
                     {"verdict": decision.verdict, "rule": decision.rule, "reason": decision.reason}, actor=actor)
            return 0
        status = {"approve": "approved", "reject": "rejected", "hold": "held"}.get(decision.verdict)
        if status is None:
            raise ValueError(f"unknown verdict {decision.verdict!r}: expected approve, reject or hold")
        c.execute("UPDATE join_requests SET status = ?, decided_at = ?, decided_by = ?, rule = ?, reason = ? WHERE id = ?",
                  (status, now, actor, decision.rule, decision.reason, req["id"]))
        ws.audit(f"join_request_{decision.verdict}", "join_request", req["id"],
                 {"rule": decision.rule, "reason": decision.reason, "group_id": req["group_id"],
                  "person_id": req["person_id"]}, actor=actor)
        if decision.verdict == "hold":
            return 0
        kind = "approve_join" if decision.verdict == "approve" else "reject_join"
        prop = Proposal(kind=kind, reason=decision.reason, group_id=req["group_id"], person_id=req["person_id"],
                        params={"flag": req["platform_request_id"], "sub_type": req["sub_type"],
                                "reason": decision.reason if kind == "reject_join" else ""},
                        rule=decision.rule or None, evidence=f"join_request:{req['id']}",
                        connection=req["connection_id"])
        return len(ws.enqueue([prop], actor))


def _as_list(value: Any) -> list[Proposal]:
    if value is None:
        return []
    if isinstance(value, Proposal):
        return [value]
    return [p for p in value if isinstance(p, Proposal)]
