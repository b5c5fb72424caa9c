"""The standard library's draws, in fewer Python frames, for the world's hot loops.

A month of 100 groups makes ~1 M ``random.Random.choice`` calls and ~100 k generators
seeded from a string (a staff answer's, an order's). ``choice(seq)`` is
``seq[_randbelow(len(seq))]`` and ``randint(a, b)`` is ``a + _randbelow(b - a + 1)``
(through ``randrange``), where ``_randbelow(n)`` draws ``getrandbits(n.bit_length())``
until it is below ``n``: three Python frames for one C call. :func:`pick` and
:func:`between` do exactly that in one, so every number, and with it every event, is the
one the library would have drawn from the same generator (the world's streams are pinned:
tests/plugins/sandbox/test_sandbox_draws.py checks these against the library for many
seeds and sizes). :class:`Reseeded` hands out one generator per purpose, reseeded with
``Random.seed(key)`` (what ``random.Random(key)`` does, without a new object each time).
"""

from __future__ import annotations

import random
from typing import Sequence, TypeVar

T = TypeVar("T")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """``rng.choice(seq)``: the same element from the same draws."""
    n = len(seq)
    if not n:
        raise IndexError("Cannot choose from an empty sequence")
    getrandbits = rng.getrandbits
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return seq[r]


def between(rng: random.Random, a: int, b: int) -> int:
    """``rng.randint(a, b)`` for ints ``a <= b``: the same number from the same draws."""
    n = b - a + 1
    if n <= 0:
        raise ValueError(f"empty range for randint({a}, {b})")
    getrandbits = rng.getrandbits
    k = n.bit_length()
    r = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return a + r


class Reseeded:
    """One generator per purpose (``"answer"``, ``"order"``...), reseeded for each use:
    ``get(purpose, key)`` is in the state ``random.Random(key)`` starts in. A caller uses
    it before asking for the same purpose again (each purpose has its own, so an order's
    generator never moves under a staff answer's)."""

    __slots__ = ("_by_purpose",)

    def __init__(self) -> None:
        self._by_purpose: dict[str, random.Random] = {}

    def get(self, purpose: str, key: str) -> random.Random:
        rng = self._by_purpose.get(purpose)
        if rng is None:
            rng = self._by_purpose[purpose] = random.Random(0)
        rng.seed(key)  # Random.seed also forgets a gauss draw kept back, as a new Random does
        return rng
