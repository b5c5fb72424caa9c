"""Deciding join requests from any queue (the Workflows join queue, the Owner's queue):
one or many, the same way.

``ask_and_decide`` asks what the decision needs before anything is confirmed (a reason
for a rejection: the default, the presets for the groups' types, the operator's recent
reasons, or typed), then asks for confirmation naming the groups and the people (a
rejection always, an approval of more than one), then decides each request in a bulk
act with progress and a summary of failures, and journals the decision for ``z``.

A decision's outcome follows the platform's answer: the summary says the requests were
sent to the platform, and the app tells the platform's answers when they come
(``ShequnApp.check_answers``), counted, with the refusals named.
"""

from __future__ import annotations

from typing import Any, Callable

from .dialogs import ConfirmScreen
from .pickers import ReasonScreen

VERB = {"approve": "Approve", "reject": "Reject", "hold": "Leave held"}
WHAT = {"approve": "approve {n} join requests", "reject": "reject {n} join requests",
        "hold": "hold {n} join requests"}


def person_of(row: dict[str, Any]) -> str:
    if row.get("person"):
        return str(row["person"])
    what = str(row.get("what") or "")
    return what.split(":", 1)[0] if ":" in what else (f"#{row.get('person_id')}" if row.get("person_id") else "?")


def who_key(row: dict[str, Any]) -> Any:
    """Whom a row is about, to count people (two people may share a name)."""
    return row.get("person_id") or person_of(row)


def label(row: dict[str, Any]) -> str:
    return f"{person_of(row)} → {row.get('group_name') or '#' + str(row.get('group_id'))}"


def names(values: list[str], limit: int = 8) -> str:
    uniq = list(dict.fromkeys(v for v in values if v))
    return "、".join(uniq[:limit]) + (f" … (+{len(uniq) - limit})" if len(uniq) > limit else "")


def ask_and_decide(screen: Any, rows: list[dict[str, Any]], verdict: str, *,
                   decide: Callable[[int, str, str], Any], presets: list[str],
                   recent: Callable[[], list[str]] | None = None) -> None:
    """Reason (for a rejection) → confirmation → bulk decision → journal (see the module)."""
    app, t = screen.app, screen.t
    if verdict == "reject":
        def got_reason(reason: str | None) -> None:
            if reason:
                _confirm(screen, rows, verdict, reason, decide)

        def ask(recents: list[str]) -> None:
            app.push_screen(ReasonScreen(t("Reason for rejecting {n} join requests (the applicants see it)",
                                           n=len(rows)) if len(rows) != 1 else
                                         t("Reason for rejecting {who} (the applicant sees it)", who=label(rows[0])),
                                           presets, recents), got_reason)

        if recent is None:
            ask([])
        else:
            screen.load(recent, then=ask, group="reasons")
        return
    _confirm(screen, rows, verdict, "", decide)


def _confirm(screen: Any, rows: list[dict[str, Any]], verdict: str, reason: str,
             decide: Callable[[int, str, str], Any]) -> None:
    app, t = screen.app, screen.t
    if verdict == "approve" and len(rows) == 1:
        _run(screen, rows, verdict, reason, decide)  # one approval: undone with z, no question
        return
    groups = {r.get("group_id") for r in rows}
    if len(rows) == 1:
        question = t("{verb} the join request of {who} to {group}?", verb=t(VERB[verdict]), who=person_of(rows[0]),
                     group=rows[0].get("group_name") or "?")
    elif len(groups) == 1:
        question = t("{verb} {n} join requests to {group} ({people} people)?", verb=t(VERB[verdict]), n=len(rows),
                     group=rows[0].get("group_name") or "?", people=len({who_key(r) for r in rows}))
    else:
        question = t("{verb} {n} join requests in {groups} groups ({people} people)?", verb=t(VERB[verdict]),
                     n=len(rows), groups=len(groups), people=len({who_key(r) for r in rows}))
    detail = (t("groups: {names}", names=names([r.get("group_name") or "" for r in rows])) + "\n"
              + t("people: {names}", names=names([person_of(r) for r in rows]))
              + (("\n" + t("reason: {reason}", reason=reason)) if reason else ""))
    app.push_screen(ConfirmScreen(question, detail, yes=t(VERB[verdict]), no=t("Cancel")),
                    lambda ok: ok and _run(screen, rows, verdict, reason, decide))


def _run(screen: Any, rows: list[dict[str, Any]], verdict: str, reason: str,
         decide: Callable[[int, str, str], Any]) -> None:
    app, t, ws = screen.app, screen.t, screen.ws
    befores: dict[int, dict[str, Any]] = {}

    def one(rid: int) -> str:
        before = ws.store.one("SELECT status, reason, rule FROM join_requests WHERE id = ?", (rid,)) or {}
        decide(rid, verdict, reason)
        befores[rid] = before
        return ""

    def finished(result: Any) -> None:
        if verdict in ("approve", "reject"):
            app.await_answers({rid: verdict for rid in result.done})
        from .undo import undo_join_decision

        actor = f"operator:{ws.operator}"
        by_id = {r["id"]: r for r in rows}
        app.record(WHAT[verdict], [(label(by_id[rid]), (rid, verdict, befores.get(rid, {})))
                                   for rid in result.done],
                   lambda arg: undo_join_decision(ws, arg[0], arg[1], arg[2], actor))

    if len(rows) == 1:  # one request: no progress dialog, a line says what happened (or why not)
        from .bulk import BulkResult

        rid = rows[0]["id"]
        screen.do(one, rid, then=lambda _: finished(BulkResult(done=[rid])),
                  done=t("Held") if verdict == "hold" else t("Sent to the platform; waiting for its answer"))
        return
    done = (t("Held: {n}") if verdict == "hold" else
            t("Sent to the platform: {n}; waiting for its answers"))
    title = t(WHAT[verdict], n=len(rows)) if len(rows) != 1 else t(VERB[verdict]) + ": " + label(rows[0])
    screen.bulk(title, [(label(r), r["id"]) for r in rows], one, done=done, then=finished)
