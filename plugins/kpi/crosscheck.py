"""``shequn kpi crosscheck --platform P``: shequn's own daily figures held against the
platform's statistics, day by day, with the likely reason of each difference.

A platform that keeps statistics of its own (WeCom: ``groupchat/statistic_group_by_day``)
offers them through a *second source*: a function ``(ws, first, last) -> {day: {joins,
leaves, messages, active}}`` (None where it cannot tell) and, optionally, ``refresh(ws,
first, last) -> [notes]`` that pulls fresh figures first. shequn's side is the rollups it
keeps at ingest (``rollups_daily``) over the platform's groups: joins, leaves, messages
and members who spoke (summed over groups, as WeCom sums over owners' groups).
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import click

from shequn.cli import emit, fail, workspace

#: platform -> module holding ``second_source`` (and ``refresh``)
SOURCES = {"wechat": "plugins.wechat.statistics"}
METRICS = ("joins", "leaves", "messages", "active")

WHY = {
    ("messages", "more"): "The platform counts messages shequn never receives: WeCom pushes no customer-group "
                          "messages to an app, so shequn counts none unless a message archive (会话存档) feeds it.",
    ("active", "more"): "Members who spoke are counted from messages; without the messages shequn sees none.",
    ("joins", "more"): "Joins the platform counted that shequn did not hear: callbacks lost while shequn serve was "
                       "down or refused, or groups of owners this connection does not manage (run shequn sync).",
    ("joins", "fewer"): "shequn counted more joins: joins made up from a member_version gap, or groups the platform's "
                        "statistics leave out (owners outside its filter, groups of a resigned owner).",
    ("leaves", "more"): "Leaves the platform's totals imply that shequn did not hear; leaves found by a sync have no "
                        "day and are not in shequn's daily counts.",
    ("leaves", "fewer"): "shequn counted more leaves than the platform's totals imply: the platform counts a member "
                         "once per owner, or a member left and came back the same day.",
    ("leaves", "unknown"): "The platform gives no leaves; they follow from its totals, which need the day before.",
    ("days", "zone"): "Days are the operator's timezone in shequn and China time in WeCom; they differ elsewhere.",
}

ZH = {
    "day": "日期", "joins": "入群", "leaves": "退群", "messages": "消息", "differs": "差异",
    "platform": "平台", "why": "原因", "no second source for platform {platform}; known: {known}":
        "平台 {platform} 没有第二数据源；可用：{known}",
    "No figures from the platform for these days (pull them first, or the platform keeps none).":
        "平台没有这些日期的数据（请先拉取，或平台未保存）。",
    WHY[("messages", "more")]: "平台统计了 shequn 收不到的消息：企业微信不会把客户群消息推送给应用，除非接入会话存档，否则 shequn 记为 0。",
    WHY[("active", "more")]: "发言人数由消息统计；收不到消息时 shequn 记为 0。",
    WHY[("joins", "more")]: "平台统计到而 shequn 没收到的入群：shequn serve 停机或拒收期间丢失的回调，或本连接未管理的群主的群（请运行 shequn sync）。",
    WHY[("joins", "fewer")]: "shequn 统计的入群更多：由 member_version 缺口补出的入群，或平台统计未包含的群（不在筛选内的群主、已离职群主的群）。",
    WHY[("leaves", "more")]: "平台总数推算出的退群 shequn 没有收到；同步时发现的退群没有日期，不计入 shequn 的每日数。",
    WHY[("leaves", "fewer")]: "shequn 统计的退群多于平台总数推算：平台按群主去重，或成员当天退出又加入。",
    WHY[("leaves", "unknown")]: "平台不提供退群数，需由前一天的总人数推算。",
    WHY[("days", "zone")]: "shequn 按运营者时区划分日期，企业微信按北京时间；两者不同时日期会错开。",
}


def ours(ws, platform: str, first: date, last: date) -> dict[str, dict[str, int]]:
    rows = ws.store.query(
        "SELECT r.day, sum(r.joins) AS joins, sum(r.leaves) AS leaves, sum(r.messages) AS messages,"
        " sum(r.speakers) AS active FROM rollups_daily r JOIN groups g ON g.id = r.group_id"
        " WHERE g.platform = ? AND r.day BETWEEN ? AND ? GROUP BY r.day", (platform, first.isoformat(), last.isoformat()))
    return {r["day"]: {m: r[m] or 0 for m in METRICS} for r in rows}


def compare(ws, platform: str, first: date, last: date) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per day the platform has figures for, and the reasons of the differences seen."""
    if platform not in SOURCES:
        raise ValueError(ws.tr("no second source for platform {platform}; known: {known}", platform=platform,
                               known=", ".join(sorted(SOURCES))))
    theirs = importlib.import_module(SOURCES[platform]).second_source(ws, first, last)
    mine = ours(ws, platform, first, last)
    rows, reasons = [], []
    for day in sorted(theirs):
        t, o = theirs[day], mine.get(day, dict.fromkeys(METRICS, 0))
        row: dict[str, Any] = {"day": day}
        differs = []
        for m in METRICS:
            row[f"{m} shequn"], row[f"{m} {platform}"] = o[m], t.get(m)
            if t.get(m) is None:
                reasons.append(WHY[(m, "unknown")]) if (m, "unknown") in WHY else None
            elif t[m] != o[m]:
                differs.append(f"{ws.t(m)} {o[m] - t[m]:+d}")
                reasons.append(WHY.get((m, "more" if t[m] > o[m] else "fewer"), ""))
        row["differs"] = ", ".join(differs)
        rows.append(row)
    if ws.settings.operator.timezone not in ("Asia/Shanghai", "Asia/Chongqing", "PRC", "Asia/Harbin"):
        reasons.append(WHY[("days", "zone")])
    return rows, [ws.t(r) for r in dict.fromkeys(reasons) if r]


@click.command("crosscheck")
@click.option("--platform", required=True, help="The platform whose own statistics to compare (wechat).")
@click.option("--since", default="14d", show_default=True, help="First day: YYYY-MM-DD or Nd.")
@click.option("--until", default="yesterday", show_default=True, help="Last day: YYYY-MM-DD, yesterday or today.")
@click.option("--no-pull", is_flag=True, help="Compare what is stored; do not ask the platform first.")
@click.option("--json", "as_json", is_flag=True)
def crosscheck(platform: str, since: str, until: str, no_pull: bool, as_json: bool) -> None:
    """Compare shequn's daily joins, leaves, messages and speakers with the platform's own
    statistics, day by day, and say why they differ."""
    from .window import KpiInputError, make_window

    with workspace(read_only=False) as ws:
        try:
            w = make_window(ws, since, until)
        except KpiInputError as e:
            fail(str(e))
        first, last = date.fromisoformat(w.since), date.fromisoformat(w.until)
        if platform not in SOURCES:
            fail(ws.tr("no second source for platform {platform}; known: {known}", platform=platform,
                       known=", ".join(sorted(SOURCES))))
        notes = []
        if not no_pull:
            refresh = getattr(importlib.import_module(SOURCES[platform]), "refresh", None)
            notes = refresh(ws, first, last) if refresh else []
        rows, reasons = compare(ws, platform, first, last)
        if as_json:
            import json

            click.echo(json.dumps({"days": rows, "reasons": reasons, "notes": notes}, ensure_ascii=False, indent=2))
            return
        for n in notes:
            click.echo(n, err=True)
        if not rows:
            click.echo(ws.t("No figures from the platform for these days (pull them first, or the platform keeps none)."))
            return
        emit(rows, list(rows[0]), as_json=False)
        for r in reasons:
            click.echo(f"- {r}")
