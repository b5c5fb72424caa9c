"""A CLI table's column keys as the words a person reads over them, in the workspace's
language: ``task_kind`` reads "kind" / 类型, ``sent_1h`` "sent in 1 h" / 近 1 小时已发送.

Verbs print rows keyed by what their JSON and CSV keep (codes a script reads); only the
table a person reads gets words. A key the table below does not list is shown with its
underscores as spaces and translated when the catalogue has it; a verb may still pass
``headers=`` for its own. The words are their own English phrases where a bare word
means something else on a screen ("waiting" is a status there; over a column it is how
long a request has waited), so a header never re-translates a console word. The zh-CN
words are in console/i18n_cli.py.
"""

from __future__ import annotations

#: column key -> the English header (translated through the host catalogue)
WORDS = {
    "id": "id", "task_kind": "task", "alert_kind": "alert", "group_name": "group", "group_id": "group id",
    "person_id": "member id", "person": "member", "waiting": "waited", "expires in": "expires in",
    "decision": "rule's decision", "assignee": "assignee", "why": "why", "added_by": "added by", "added": "added at",
    "mode": "rule mode", "cases": "cases", "queue": "to review", "settled": "settled by rule", "confirmed": "confirmed",
    "overturned": "overturned", "precision": "precision", "settles": "settles on its own", "summary": "summary",
    "sent_1h": "sent in 1 h", "refused_1h": "refused in 1 h", "timed_out_1h": "timed out in 1 h",
    "backoff": "backoff", "last_event": "last event", "last_error": "last error", "previous": "previous period",
    "change": "change on previous", "advice": "advice", "accounts": "accounts", "other": "other person",
    "other_accounts": "their accounts", "version": "version number", "path": "path", "hooks implemented": "hooks implemented",
    "low_need": "low-need", "opened": "opened at", "step": "step", "waited": "waited", "expires": "expires in",
    "hooks": "hooks implemented", "groups_touched": "groups", "open_cases": "to review", "measured": "precision",
}


def header_words(column: str, translate=None) -> str:
    """The header over ``column`` (a key, or a verb's own English header for it): its
    words, translated by ``translate`` (text -> text)."""
    text = WORDS.get(column, column.replace("_", " "))
    return translate(text) if translate is not None else text
