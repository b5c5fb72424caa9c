"""Taking back a review: a case a person marked reviewed goes back to the queue.

The console's undo (``z``) calls this for the reviews its operator made a moment ago;
the case returns to the status it had (open or appealed), with a note and an audit row
saying who took the review back.
"""

from __future__ import annotations

from typing import Any


def reopen_case(ws, case_id: int, status: str = "open", actor: str | None = None) -> dict[str, Any]:
    """Back from ``reviewed`` to ``status`` (open or appealed); refused for any other case."""
    if status not in ("open", "appealed"):
        raise ValueError(f"a case goes back to open or appealed, not {status!r}")
    actor = actor or f"operator:{ws.operator}"
    with ws.store.write() as c:
        row = c.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise ValueError(f"no case {case_id}")
        if row[0] != "reviewed":
            raise ValueError(f"case {case_id} is {row[0]} now; only a reviewed case goes back to the queue")
        c.execute("UPDATE cases SET status = ?, closed_at = NULL WHERE id = ? AND status = 'reviewed'", (status, case_id))
        c.execute("INSERT INTO case_notes(case_id, kind, text, author, created_at) VALUES (?,?,?,?,?)",
                  (case_id, "note", "review taken back", actor, ws.now()))
        ws.audit("case_reopened", "case", case_id, {"status": status}, actor=actor)
    return {"id": case_id, "status": status}
