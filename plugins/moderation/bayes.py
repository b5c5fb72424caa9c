"""A small naive Bayes text model over character n-grams: the second opinion's arithmetic.

Why this model: it trains in one pass over a few thousand texts, scores a message with a
few dictionary look-ups (no numpy, no import cost), and each gram's weight is a count a
person can read (``sqlite3``: how often it appeared in confirmed and in wrong cases).
Chinese has no spaces, so grams of one and two characters of the normalised text stand in
for words (three were measured too: no better on the held-out text, 40% slower) (what tg-spam and classic SMS filters do); a run of letters or digits counts as
one token, so ``vx123456`` is not cut into noise.

Each gram's weight is the log odds that a gram is a bad text's, as if both classes had as
many grams (its share of the bad texts' grams against its share of the good ones'), shrunk
toward no evidence by how few texts hold it at all (Robinson's rule, as SpamBayes does:
``f = (S * 0.5 + n * p) / (S + n)`` for a gram in ``n`` texts whose balanced probability is
``p``); the model's prior is the classes' share of texts. Why not additive smoothing over
token totals (what this was until session 5): with a few dozen bad texts against 5,000
ordinary ones, a gram seen in none of the bad texts and in one or two ordinary ones got a
*bad* weight of about +2.4 (the bad class's tiny total made its smoothed share larger), so
a demo operation's rare ordinary words (早安☀️, a new emoji) were asked about as abuse 59
times in one look. Shrinking by the gram's own count gives a rare gram little weight
either way, and balancing the shares takes the classes' sizes out of each gram's weight.
Measured (benchmarks/second_opinion_real.py, held-out part, the same run): abuse caught by
rules or a review request 33% -> 60% (with half the misses reported 59% -> 71%), benign
messages asked about 6.1% -> 7.5%, requests a person would confirm 76% -> 79%; on the demo's
sandbox days that had 101 requests (2 right) it asks none.
A gram neither class has seen carries no evidence and is skipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterable

#: ascii runs are tokens of their own; every other character is a gram of one
_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_RUN = re.compile(r"[a-z0-9]{2}")
MAX_N = 2


def grams(norm: str) -> list[str]:
    """The grams of a normalised text: tokens (a CJK character, or a run of letters and
    digits) and their pairs, each once (presence, not frequency: one
    repeated insult should not outweigh the rest of the message)."""
    text = "".join(norm.split())
    if not _RUN.search(text):  # no run of letters or digits (most chat): slices of the text itself
        return list({text[i:i + n] for n in range(1, MAX_N + 1) for i in range(len(text) - n + 1)})
    toks = _TOKEN.findall(text)
    return list({"".join(toks[i:i + n]) for n in range(1, MAX_N + 1) for i in range(len(toks) - n + 1)})


@dataclass
class Model:
    """Per gram, its weight of evidence (log odds, shrunk: see the module); ``prior`` the log
    odds of bad."""
    weights: dict[str, float] = field(default_factory=dict)
    prior: float = 0.0
    bad: int = 0   # texts it was trained on, per class
    good: int = 0

    def log_odds(self, gs: list[str]) -> float:
        return self.prior + sum(map(self.weights.get, gs, repeat(0.0)))

    def score(self, norm: str, gs: list[str] | None = None) -> float:
        """P(bad | text) under the model, from 0 to 1; ``gs``, the text's grams when the
        caller already has them (one message scored by several models)."""
        z = self.log_odds(grams(norm) if gs is None else gs)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def count(texts: Iterable[str]) -> tuple[Counter, int]:
    """Gram counts over normalised ``texts`` and how many texts there were."""
    return count_repeated(Counter(texts))


def count_repeated(texts: dict[str, int]) -> tuple[Counter, int]:
    """:func:`count` of normalised texts given as text -> how many times it appears. Chat
    repeats itself (收到, 签到, +1): the 5,000 ordinary messages the second opinion learns
    from held 432 different texts in benchmarks/operator_day.py, so each is cut into grams once."""
    c: Counter = Counter()
    for t, k in texts.items():
        if k == 1:
            c.update(grams(t))
        else:
            for g in grams(t):
                c[g] += k
    return c, sum(texts.values())


#: how many texts' worth of "no evidence" (probability 0.5) each gram's weight starts from
STRENGTH = 3.0
#: the largest weight one gram carries either way: no one character decides a message
MAX_WEIGHT = 5.0


def train(bad: Counter, n_bad: int, good: Counter, n_good: int, strength: float = STRENGTH) -> Model:
    """The model of two classes' gram counts (``count``: texts holding each gram). The prior is
    the classes' share of texts; with no texts in a class there is nothing to learn and every
    score is 0."""
    if n_bad == 0 or n_good == 0:
        return Model(bad=n_bad, good=n_good, prior=-math.inf if n_bad == 0 else math.inf)
    weights = {}
    tb, tg = sum(bad.values()), sum(good.values())  # grams, not texts: a long text holds many
    for g in set(bad) | set(good):
        b, o = bad[g], good[g]
        rb, ro = b / tb, o / tg
        p = rb / (rb + ro)  # P(bad | gram) were the classes the same size
        f = (strength * 0.5 + (b + o) * p) / (strength + b + o)
        weights[g] = max(-MAX_WEIGHT, min(MAX_WEIGHT, math.log(f / (1.0 - f))))
    return Model(weights, math.log(n_bad / n_good), n_bad, n_good)
