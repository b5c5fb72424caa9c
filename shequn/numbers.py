"""Numbers as people read them, the same on every screen and in every verb (public API).

``percent(0.000416)`` is ``0.042%``, never ``0.0%``; ``capacity(199, 200)`` is
``199/200 (99.5%)``, never a full-looking 100%; ``duration(2_562_300)`` is ``29d15h``
in the console and in the CLI alike; ``change``/``signed_change`` say a relative change
(``▲12%``/``+12%``). Plain values in, text out: no workspace, no Textual.
"""

from __future__ import annotations

from console.numbers import capacity, change, duration, percent, signed_change

__all__ = ["percent", "change", "signed_change", "capacity", "duration"]
