"""Account health (账号健康 / 风控): how a bot account's sends fare, and pacing that backs off.

Why: an operator's worst day is a banned account. QQ's risk control shows itself through
the bridges only as sends refused or timing out (users of NapCat, Lagrange and go-cqhttp
report that after a burst to 20 groups later sends time out, and that group sending is
silently disabled for a day). So the outbox, per account (connection):

- counts every message it sends (kinds ``send`` and ``announce``), refused ones and ones
  timing out, per group and hour (``account_sends``), and keeps the account's state
  (``account_health``: back-off level and why, forced offline, last heartbeat);
- paces messages per group as well as per account (:class:`HealthPolicy`, declared by the
  connector, overridable per connection): a group's messages are spaced and capped per
  hour, and a group that must wait does not hold up the others, so a bulk send spreads
  across groups and time;
- backs off when refusals and timeouts rise: ``backoff_after`` of them in ``window``
  seconds raise the level, and each level doubles the gap between two messages of the
  account (``first_gap``, up to ``max_gap``); an alert names the account and why. After
  ``quiet`` seconds without one, the level steps down; at level 0 the alert is resolved.

Moderation (kick, mute, recall, approvals) is not paced here: such actions are few and
urgent, and the account's token bucket still paces them.

Time comes from the executor's clock (injectable, so tests drive it); the counts' hours
from the workspace's clock. Decisions use what this process saw; the tables are what the
console and ``shequn connections --json`` read.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from .i18n import ZH_CN
from .model import ActionResult, Status

SEND_KINDS = frozenset({"send", "announce"})
HOUR = 3600.0
ALERT_KEY = "account_backoff:"


@dataclass(frozen=True)
class HealthPolicy:
    """How a platform's account is paced and when it backs off (see the module docstring)."""

    group_interval: float = 15.0  # seconds between two messages to one group
    group_per_hour: int = 20  # messages to one group in an hour
    account_per_hour: int = 240  # messages of the account in an hour, all groups together
    window: float = 600.0  # seconds over which refusals and timeouts are counted
    backoff_after: int = 3  # that many in the window raise the back-off level
    first_gap: float = 60.0  # seconds between two messages of the account at level 1; doubles per level
    max_gap: float = 1800.0
    quiet: float = 900.0  # seconds without a refusal or timeout before the level steps down

    def gap(self, level: int) -> float:
        return 0.0 if level <= 0 else min(self.max_gap, self.first_gap * 2 ** (level - 1))


@dataclass
class _Account:
    sends: deque = field(default_factory=deque)  # times of the account's messages (last hour)
    groups: dict = field(default_factory=dict)  # group id -> deque of times
    failures: deque = field(default_factory=deque)  # (time, "refused" | "timed_out")
    level: int = 0
    changed: float = 0.0  # when the level last changed
    last_failure: float = 0.0
    last_send: float = -1e18
    reason: str = ""
    counts: dict = field(default_factory=dict)  # (group id, hour) -> [sent, refused, timed_out] to write
    state_dirty: bool = False


def outcome(result: ActionResult) -> str | None:
    """``"refused"``, ``"timed_out"`` or None (went out, or failed for a reason that is no
    sign of risk control: the target was already gone)."""
    if result.data.get("timed_out"):
        return "timed_out"
    if result.status in (Status.FAILED, Status.RATE_LIMITED) and not result.data.get("gone"):
        return "refused"
    return None


class AccountHealth:
    """The executor's book of its accounts' sends (one per executor)."""

    def __init__(self, ws: Any, connectors: dict[str, Any], clock: Callable[[], float]):
        self.ws, self.connectors, self.clock = ws, connectors, clock
        self.accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()  # noted on the loop, written from a worker thread

    def policy(self, connection: str) -> HealthPolicy | None:
        conn = self.connectors.get(connection)
        get = getattr(conn, "health_policy", None)
        return get() if get is not None else None

    def _account(self, connection: str) -> _Account:
        acc = self.accounts.get(connection)
        if acc is None:
            acc = self.accounts[connection] = _Account(changed=self.clock())
        return acc

    def hold(self, connection: str, row: dict[str, Any]) -> tuple[float, bool]:
        """(seconds this action must wait, whether the whole account waits); (0, False): go."""
        if row["kind"] not in SEND_KINDS:
            return 0.0, False
        p = self.policy(connection)
        if p is None:
            return 0.0, False
        now = self.clock()
        with self._lock:
            acc = self._account(connection)
            self._step_down(acc, p, now)
            wait = acc.last_send + p.gap(acc.level) - now
            if acc.level and wait > 0:
                return wait, True
            _prune(acc.sends, now - HOUR)
            if len(acc.sends) >= p.account_per_hour:
                return acc.sends[0] + HOUR - now, True
            g = acc.groups.get(row["group_id"])
            if g:
                _prune(g, now - HOUR)
                if g and now - g[-1] < p.group_interval:
                    return g[-1] + p.group_interval - now, False
                if len(g) >= p.group_per_hour:
                    return g[0] + HOUR - now, False
        return 0.0, False

    def note(self, connection: str, row: dict[str, Any], result: ActionResult) -> None:
        """A send went out with ``result``: count it, and raise the level when failures rise."""
        if row["kind"] not in SEND_KINDS:
            return
        p = self.policy(connection)  # None: counted only (a platform that declares no pacing never backs off)
        now = self.clock()
        what = outcome(result)
        with self._lock:
            acc = self._account(connection)
            acc.sends.append(now)
            acc.groups.setdefault(row["group_id"], deque()).append(now)
            acc.last_send = now
            key = (row["group_id"] or 0, int(self.ws.now() // HOUR))
            c = acc.counts.setdefault(key, [0, 0, 0])
            c[0] += 1
            if what is None:
                return
            c[1 if what == "refused" else 2] += 1
            if p is None:
                return
            acc.failures.append((now, what))
            acc.last_failure = now
            _prune(acc.failures, now - p.window, key=lambda f: f[0])
            recent = [w for t, w in acc.failures if t > acc.changed or acc.level == 0]  # since the last step
            if len(recent) >= p.backoff_after:
                acc.level += 1
                acc.changed = now
                refused, timed = recent.count("refused"), recent.count("timed_out")
                acc.reason = self.ws.tr("{refused} refused and {timed} timed out of its last sends within {minutes} "
                                        "min", refused=refused, timed=timed, minutes=int(p.window // 60))
                acc.state_dirty = True

    def _step_down(self, acc: _Account, p: HealthPolicy, now: float) -> None:
        while acc.level and now - max(acc.last_failure, acc.changed) >= p.quiet:
            acc.level -= 1
            acc.changed = max(acc.last_failure, acc.changed) + p.quiet
            acc.state_dirty = True
            if acc.level == 0:
                acc.reason = ""
                acc.failures.clear()

    def flush(self) -> None:
        """Store each account whose level stepped down with nothing sent since (the outbox
        calls this when idle), so a recovered account's alert does not wait for a message."""
        for connection, acc in list(self.accounts.items()):
            p = self.policy(connection)
            with self._lock:
                if p is not None:
                    self._step_down(acc, p, self.clock())
                due = acc.state_dirty or acc.counts
            if due:
                with self.ws.store.write() as c:
                    self.write(c, connection)

    def write(self, c: Any, connection: str) -> None:
        """Store what was noted for ``connection`` inside the caller's transaction (``c``), and
        raise or resolve its alert."""
        with self._lock:
            acc = self.accounts.get(connection)
            if acc is None:
                return
            p = self.policy(connection)
            if p is not None:
                self._step_down(acc, p, self.clock())
            counts, acc.counts = acc.counts, {}
            dirty, acc.state_dirty = acc.state_dirty, False
            level, reason, gap = acc.level, acc.reason, (p or HealthPolicy()).gap(acc.level)
        ws, now = self.ws, self.ws.now()
        if counts:
            c.executemany(
                "INSERT INTO account_sends(connection_id, group_id, hour, sent, refused, timed_out) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(connection_id, group_id, hour) DO UPDATE SET sent = sent + excluded.sent,"
                " refused = refused + excluded.refused, timed_out = timed_out + excluded.timed_out",
                [(connection, g, h, *n) for (g, h), n in counts.items()])
        if not dirty:
            return
        c.execute("INSERT INTO account_health(connection_id, backoff_level, backoff_reason, backoff_since, updated_at)"
                  " VALUES (?,?,?,?,?) ON CONFLICT(connection_id) DO UPDATE SET backoff_level = excluded.backoff_level,"
                  " backoff_reason = excluded.backoff_reason, backoff_since = CASE WHEN excluded.backoff_level = 0"
                  " THEN NULL WHEN backoff_level = 0 OR backoff_since IS NULL THEN excluded.backoff_since"
                  " ELSE backoff_since END, updated_at = excluded.updated_at",
                  (connection, level, reason, now if level else None, now))
        if level:
            account = ws.store.scalar("SELECT account FROM connections WHERE id = ?", (connection,)) or "?"
            ws.raise_alert("account_backoff", ws.tr("Sending from {connection} (account {account}) slowed down: "
                                                    "{reason}", connection=connection, account=account, reason=reason),
                           why=ws.tr("QQ's risk control (风控) shows itself as refused or timed-out sends. Until they "
                                     "stop, this account sends one message every {gap} s; the pace returns to normal "
                                     "step by step after {quiet} min without one.", gap=int(gap),
                                     quiet=int((p or HealthPolicy()).quiet // 60)),
                           severity="error" if level >= 3 else "warning", dedupe_key=f"{ALERT_KEY}{connection}",
                           cause=str(level))
        else:
            ws.resolve_alert(f"{ALERT_KEY}{connection}")


def _prune(q: deque, before: float, key: Callable[[Any], float] = lambda t: t) -> None:
    while q and key(q[0]) < before:
        q.popleft()


# --- what the QQ plugin and the engine record ------------------------------------------------

def note_heartbeats(c: Any, events: list, now: int) -> None:
    """The newest heartbeat of each connection in ``events`` (the engine's batch)."""
    latest: dict[str, int] = {}
    for e in events:
        if e.kind == "heartbeat":
            latest[e.connection] = max(latest.get(e.connection, 0), int(e.ts))
    for conn, ts in latest.items():
        c.execute("INSERT INTO account_health(connection_id, last_heartbeat_at, updated_at) VALUES (?,?,?)"
                  " ON CONFLICT(connection_id) DO UPDATE SET last_heartbeat_at = max(coalesce(last_heartbeat_at, 0),"
                  " excluded.last_heartbeat_at)", (conn, ts, now))


def forced_offline(ws: Any, connection: str, ts: int, words: str) -> None:
    """The platform pushed the account offline (QQ's ``bot_offline``): counted, with its words."""
    with ws.store.write() as c:
        c.execute("INSERT INTO account_health(connection_id, forced_offline, forced_offline_at, forced_offline_words,"
                  " updated_at) VALUES (?, 1, ?, ?, ?) ON CONFLICT(connection_id) DO UPDATE SET"
                  " forced_offline = forced_offline + 1, forced_offline_at = excluded.forced_offline_at,"
                  " forced_offline_words = excluded.forced_offline_words, updated_at = excluded.updated_at",
                  (connection, ts, words, ws.now()))


# --- what the console and `shequn connections` show -------------------------------------------

def summaries(ws: Any) -> dict[str, dict[str, Any]]:
    """Per connection: back-off level and why, forced offline, last heartbeat, messages sent,
    refused and timed out in the last hour and 24 hours, and this hour's messages per group."""
    hour = int(ws.now() // HOUR)
    out: dict[str, dict[str, Any]] = {}
    for r in ws.store.query("SELECT * FROM account_health"):
        out[r["connection_id"]] = {k: r[k] for k in ("backoff_level", "backoff_reason", "backoff_since",
                                                     "forced_offline", "forced_offline_at", "forced_offline_words",
                                                     "last_heartbeat_at")}
    for r in ws.store.query(
            "SELECT connection_id AS c, sum(CASE WHEN hour = ? THEN sent ELSE 0 END) AS sent_1h,"
            " sum(CASE WHEN hour = ? THEN refused ELSE 0 END) AS refused_1h,"
            " sum(CASE WHEN hour = ? THEN timed_out ELSE 0 END) AS timed_out_1h,"
            " sum(sent) AS sent_24h, sum(refused) AS refused_24h, sum(timed_out) AS timed_out_24h"
            " FROM account_sends WHERE hour > ? GROUP BY connection_id", (hour, hour, hour, hour - 24)):
        out.setdefault(r["c"], {}).update({k: r[k] for k in r if k != "c"})
    for r in ws.store.query(
            "SELECT s.connection_id AS c, s.group_id, coalesce(g.name, '') AS name,"
            " coalesce(g.platform_group_id, '') AS number, s.sent FROM account_sends s"
            " LEFT JOIN groups g ON g.id = s.group_id WHERE s.hour = ? ORDER BY s.sent DESC, s.group_id", (hour,)):
        groups = out.setdefault(r["c"], {}).setdefault("groups_this_hour", [])
        if len(groups) < 5:
            groups.append({"group_id": r["group_id"], "number": r["number"], "name": r["name"], "sent": r["sent"]})
    return {c: {**empty(), **{k: v for k, v in h.items() if v is not None}} for c, h in out.items()}


def with_health(ws: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Connection rows (``id`` each) with their ``health`` added."""
    health = summaries(ws)
    for r in rows:
        r["health"] = health.get(r["id"]) or empty()
    return rows


def empty() -> dict[str, Any]:
    """The health of an account nothing has been recorded for."""
    return {"backoff_level": 0, "backoff_reason": "", "backoff_since": None, "forced_offline": 0,
            "forced_offline_at": None, "forced_offline_words": None, "last_heartbeat_at": None, "sent_1h": 0,
            "refused_1h": 0, "timed_out_1h": 0, "sent_24h": 0, "refused_24h": 0, "timed_out_24h": 0,
            "groups_this_hour": []}


def health_lines(h: dict[str, Any] | None, t: Callable[..., str], when: Callable[[Any], str]) -> list[str]:
    """The Connections screen's lines for one account (``t``: the console's translate with fields);
    none for an account nothing was recorded for (a sandbox, a connection never started)."""
    if not h or h == empty():
        return []
    lines = [t("sends, last hour: {sent} sent, {refused} refused, {timed} timed out; last 24 h: {sent24} sent, "
               "{refused24} refused, {timed24} timed out", sent=h["sent_1h"], refused=h["refused_1h"],
               timed=h["timed_out_1h"], sent24=h["sent_24h"], refused24=h["refused_24h"], timed24=h["timed_out_24h"])]
    if h["backoff_level"]:
        lines.append(t("slowed down (level {level}) since {since}: {reason}", level=h["backoff_level"],
                       since=when(h["backoff_since"]), reason=h["backoff_reason"]))
    if h["forced_offline"]:
        lines.append(t("forced offline once, at {at}: {words}" if h["forced_offline"] == 1 else
                       "forced offline {n} times, last at {at}: {words}", n=h["forced_offline"],
                       at=when(h["forced_offline_at"]), words=h["forced_offline_words"] or "-"))
    lines.append(t("last heartbeat: {at}", at=when(h.get("last_heartbeat_at")) or "-"))
    if h["groups_this_hour"]:
        lines.append(t("this hour per group: {groups}", groups=", ".join(
            f"{g['name'] or g['number']} {g['sent']}" for g in h["groups_this_hour"])))
    return lines


ZH_CN.update({
    "{refused} refused and {timed} timed out of its last sends within {minutes} min":
        "{minutes} 分钟内最近的发送中 {refused} 条被拒、{timed} 条超时",
    "Sending from {connection} (account {account}) slowed down: {reason}":
        "连接 {connection}（账号 {account}）已放慢发送：{reason}",
    "QQ's risk control (风控) shows itself as refused or timed-out sends. Until they stop, this account sends one "
    "message every {gap} s; the pace returns to normal step by step after {quiet} min without one.":
        "QQ 风控只表现为发送被拒或超时。在此停止之前，该账号每 {gap} 秒只发一条消息；连续 {quiet} 分钟没有被拒或超时后，"
        "发送速度逐级恢复正常。",
    "sends, last hour: {sent} sent, {refused} refused, {timed} timed out; last 24 h: {sent24} sent, {refused24} "
    "refused, {timed24} timed out":
        "发送（最近 1 小时）：已发 {sent}，被拒 {refused}，超时 {timed}；最近 24 小时：已发 {sent24}，被拒 {refused24}，"
        "超时 {timed24}",
    "slowed down (level {level}) since {since}: {reason}": "自 {since} 起已放慢（第 {level} 级）：{reason}",
    "forced offline once, at {at}: {words}": "被强制下线 1 次，时间 {at}：{words}",
    "forced offline {n} times, last at {at}: {words}": "被强制下线 {n} 次，最近一次 {at}：{words}",
    "last heartbeat: {at}": "最近心跳：{at}",
    "this hour per group: {groups}": "本小时各群发送：{groups}",
    "1 connection": "1 个连接", "{n} connections": "{n} 个连接",
})
