"""The world's cheaper draws (plugins/sandbox/draws.py, model.poisson_after) give exactly the
numbers of the standard library's from the same generator: a seed's world must not move."""

import math
import random

import pytest

from plugins.sandbox.draws import Reseeded, between, pick
from plugins.sandbox.model import poisson, poisson_after

# sizes at and around powers of two, where getrandbits' rejection loop differs
SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 31, 32, 33, 100, 255, 256, 257, 500, 1000]


@pytest.mark.parametrize("seed", [0, 1, 42, 12345])
def test_pick_and_between_draw_what_choice_and_randint_draw(seed):
    lib, ours = random.Random(seed), random.Random(seed)
    for _ in range(50):
        for n in SIZES:
            seq = list(range(n))
            assert pick(ours, seq) == lib.choice(seq)
            assert between(ours, 30, 30 + n - 1) == lib.randint(30, 30 + n - 1)
        assert between(ours, 0, 0) == lib.randint(0, 0)  # draws a bit, as randint(0, 0) does
        assert between(ours, 10 ** 11, 10 ** 12 - 1) == lib.randint(10 ** 11, 10 ** 12 - 1)
    assert ours.getstate() == lib.getstate()  # not one draw more or less


def test_pick_and_between_refuse_what_the_library_refuses():
    rng = random.Random(1)
    with pytest.raises(IndexError):
        pick(rng, [])
    with pytest.raises(ValueError):
        between(rng, 5, 4)


@pytest.mark.parametrize("lam", [0.0004, 0.01, 0.3, 1.0, 2.5, 12.0, 29.9])
def test_poisson_after_a_first_draw_is_poisson(lam):
    lib, ours = random.Random(7), random.Random(7)
    limit = math.exp(-lam)
    counts = []
    for _ in range(3000):
        first = ours.random()
        n = 0 if first <= limit else poisson_after(ours, first, limit)
        assert n == poisson(lib, lam)
        counts.append(n)
    assert ours.getstate() == lib.getstate()
    if lam >= 1:
        assert max(counts) > 0 and abs(sum(counts) / len(counts) - lam) < lam * 0.1 + 0.05  # it does draw counts


def test_reseeded_generators_start_where_a_new_random_of_the_key_starts():
    r = Reseeded()
    for key in ["answer:sb-m0-1", "answer:sb-m0-2", "42:first:sb-u7:1700000000", ""]:
        a = r.get("answer", key)
        a.gauss(0, 1)  # keeps a second normal back: reseeding must forget it, as a new Random has none
        a = r.get("answer", key)
        b = random.Random(key)
        assert a.getstate() == b.getstate()
        assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
    # each purpose has its own: reseeding one leaves the other where it was
    x = r.get("order", "k1")
    x.random()
    r.get("answer", "k2")
    ref = random.Random("k1")
    ref.random()
    assert x.random() == ref.random()
