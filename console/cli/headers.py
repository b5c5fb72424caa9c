"""A CLI table's column keys as the words a person reads over them, in the workspace's
language: ``task_kind`` reads "task" / 待办, ``sent_1h`` "sent in 1 h" / 近 1 小时已发送.

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
#: (a key that is already its own words, "reason", "precision", is not listed)
WORDS = {
    "task_kind": "task", "alert_kind": "alert", "group_name": "group", "group_id": "group id",
    "person_id": "member id", "person": "member", "waiting": "waited", "expires": "expires in",
    "decision": "rule's decision", "added_by": "added by", "added": "added at", "mode": "rule mode",
    "queue": "to review", "open_cases": "to review", "measured": "precision", "settled": "settled by rule",
    "settles": "settles on its own", "sent_1h": "sent in 1 h", "refused_1h": "refused in 1 h",
    "timed_out_1h": "timed out in 1 h", "last_event": "last event", "last_error": "last error",
    "previous": "previous period", "change": "change on previous", "other": "other person",
    "other_accounts": "their accounts", "version": "version number", "low_need": "low-need", "opened": "opened at",
    "hooks": "hooks implemented", "groups_touched": "groups",
}


def header_words(column: str, translate=None) -> str:
    """The header over ``column`` (a key, or a verb's own English header for it): its
    words, translated by ``translate`` (text -> text)."""
    text = WORDS.get(column, column.replace("_", " "))
    return translate(text) if translate is not None else text
