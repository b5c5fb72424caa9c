"""WeCom's own statistics of customer groups, kept beside shequn's rollups as a second source.

``groupchat/statistic_group_by_day`` gives, per day, new groups, groups and members in
total, new members, members who spoke and messages, over the connection's owners. WeCom
keeps 180 days, answers at most 30 days a call, and has no figures for today (T+1), so a
pull asks for yesterday back to at most 180 days ago, 30 days at a time, and says what
it left out. ``second_source`` hands the days to ``shequn kpi crosscheck``
(plugins/kpi/crosscheck.py) in the words the comparison uses.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from typing import Any

from shequn import ConnectorError

from .api import ApiError

CHINA = timezone(timedelta(hours=8))
FIELDS = ("new_chat_cnt", "chat_total", "chat_has_msg", "new_member_cnt", "member_total", "member_has_msg",
          "msg_total")
SPAN_DAYS, KEPT_DAYS = 30, 180


def day_start(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=CHINA).timestamp())


def china_day(ts: float) -> date:
    return datetime.fromtimestamp(ts, CHINA).date()


def window(first: date, last: date, now: float) -> tuple[date, date, list[str]]:
    """The days WeCom can give within [first, last], and notes on what it cannot."""
    today = china_day(now)
    notes = []
    if last >= today:
        last = today - timedelta(days=1)
        notes.append("today's figures come tomorrow (WeCom's statistics are T+1)")
    oldest = today - timedelta(days=KEPT_DAYS)
    if first < oldest:
        first = oldest
        notes.append(f"WeCom keeps {KEPT_DAYS} days: nothing before {oldest.isoformat()}")
    return first, last, notes


async def pull(connector, first: date, last: date, now: float) -> tuple[list[dict[str, Any]], list[str]]:
    """Day rows ({day, FIELDS...}) from WeCom for [first, last], 30 days a call, per 100 owners."""
    first, last, notes = window(first, last, now)
    by_day: dict[str, dict[str, int]] = {}
    owners = connector.owners
    chunks = [owners[i:i + 100] for i in range(0, len(owners), 100)] or [[]]
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=SPAN_DAYS - 1))
        for chunk in chunks:
            body: dict[str, Any] = {"day_begin_time": day_start(start), "day_end_time": day_start(end)}
            if chunk:
                body["owner_filter"] = {"userid_list": chunk}
            try:
                data = await connector._read("externalcontact/groupchat/statistic_group_by_day", body)
            except ApiError as e:
                raise ConnectorError(f"{connector.name}: could not read WeCom's statistics: {e.result.message}") \
                    from None
            for item in data.get("items") or []:
                day = china_day(int(item.get("stat_time") or 0)).isoformat()
                row = by_day.setdefault(day, dict.fromkeys(FIELDS, 0))
                for k in FIELDS:
                    row[k] += int((item.get("data") or {}).get(k) or 0)
        start = end + timedelta(days=1)
    return [{"day": d, **v} for d, v in sorted(by_day.items())], notes


def store(ws, connection: str, rows: list[dict[str, Any]]) -> int:
    now = ws.now()
    with ws.store.write() as c:
        c.executemany(
            f"INSERT INTO wechat_stats_daily(connection_id, day, {', '.join(FIELDS)}, fetched_at)"
            f" VALUES (?, ?, {', '.join('?' * len(FIELDS))}, ?) ON CONFLICT(connection_id, day) DO UPDATE SET "
            + ", ".join(f"{k} = excluded.{k}" for k in (*FIELDS, "fetched_at")),
            [(connection, r["day"], *(r[k] for k in FIELDS), now) for r in rows])
    return len(rows)


def connections(ws) -> list[str]:
    return sorted(n for n, cs in ws.settings.connections.items() if cs.platform == "wechat" and cs.enabled)


def refresh(ws, first: date, last: date) -> list[str]:
    """Pull and store every WeChat connection's days; returns notes and errors as lines."""
    from shequn.connections import build_connector

    lines: list[str] = []
    first -= timedelta(days=1)  # the day before too: its total gives the first day's leaves
    for name in connections(ws):
        async def go():
            c = build_connector(ws, name)
            try:
                return await pull(c, first, last, ws.now())
            finally:
                await c.aclose()

        try:
            rows, notes = asyncio.run(go())
        except (ConnectorError, Exception) as e:  # noqa: BLE001 - one connection's failure is reported, not raised
            lines.append(str(e) if isinstance(e, ConnectorError) else f"{name}: {type(e).__name__}: {e}")
            continue
        store(ws, name, rows)
        lines.extend(f"{name}: {n}" for n in dict.fromkeys(notes))
    return lines


def second_source(ws, first: date, last: date) -> dict[str, dict[str, int | None]]:
    """WeCom's figures per day over every WeChat connection, in the comparison's words:
    joins (new members), leaves (new members less the growth of the total), messages,
    active (members who spoke). A day without the previous day's total has no leaves."""
    rows = ws.store.query(
        "SELECT day, sum(new_member_cnt) AS joins, sum(member_total) AS total, sum(msg_total) AS messages,"
        " sum(member_has_msg) AS active FROM wechat_stats_daily WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
        ((first - timedelta(days=1)).isoformat(), last.isoformat()))
    totals = {r["day"]: r["total"] for r in rows}
    out: dict[str, dict[str, int | None]] = {}
    for r in rows:
        if r["day"] < first.isoformat():
            continue
        prev = totals.get((date.fromisoformat(r["day"]) - timedelta(days=1)).isoformat())
        out[r["day"]] = {"joins": r["joins"], "leaves": None if prev is None else r["joins"] - (r["total"] - prev),
                         "messages": r["messages"], "active": r["active"]}
    return out
