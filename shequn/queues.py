"""A paged source over your own table, for a queue or a long list (public API).

``Segment(ws, kind, table, where, params, order, select, shape, joins="")`` is one kind of
row from one table: ``count()`` counts on the table alone (your index), ``rows(offset,
limit)`` picks the page first and only then joins its rows to ``groups g`` (and your
``joins``); ``select`` names the columns over the page ``x``, ``shape(row)`` turns a row
into what your table shows. ``Stacked([segment, ...])`` puts segments one after another
as one source (a page may span two). Both have the ``count()``/``rows(offset, limit)``
that ``shequn.tui.VirtualTable`` and CLI paging read, and neither imports Textual.
"""

from __future__ import annotations

from console.queues import Segment, Stacked

__all__ = ["Segment", "Stacked"]
