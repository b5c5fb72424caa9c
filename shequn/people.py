"""People across accounts, and the words members read (public API).

One person may hold accounts on several platforms; the operator links them, and the
linked people are shown as one, their *root* (nothing is rewritten: rows keep their own
person ids). A plugin that counts people counts roots:

- ``root_sql(col)``: SQL for the root of a person id column; qualify it
  (``orders.person_id``).
- ``roots(ws)``: every linked person id mapped to its root (people not linked are absent).

``for_members(ws, group)`` is the workspace speaking the language of ``group``'s members
(``[members]`` in config), whatever the console's: hand it instead of ``ws`` to the code
that builds a reason, a warning or a reminder members see (``ws.tr`` then translates into
their language). ``group`` is a ``groups`` row (a dict with at least ``id``).
"""

from __future__ import annotations

from console.identity import root_sql, roots
from console.member_text import for_members

__all__ = ["root_sql", "roots", "for_members"]
