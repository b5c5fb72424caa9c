"""Is one script version better than another, or could the difference be chance?

A two-proportion z-test, written out (scipy would be a large import for four lines):
versions A and B had ``x_a`` successes of ``n_a`` trials and ``x_b`` of ``n_b``; under "no
difference" both share the pooled rate ``p = (x_a + x_b) / (n_a + n_b)``, the difference of
the two rates has the standard error ``sqrt(p (1 - p) (1/n_a + 1/n_b))``, ``z`` is the
difference over it, and the two-sided p-value is ``erfc(|z| / sqrt 2)``. With more than two
versions the best is compared with each other one, the level split between the comparisons
(Bonferroni), so testing many versions does not make a chance winner more likely.

The normal approximation needs enough trials: fewer than ``MIN_TRIALS`` per version, or
fewer than 5 successes or 5 failures expected in one, is "too few to tell" rather than a
verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ALPHA = 0.05
MIN_TRIALS = 30


@dataclass(frozen=True)
class Test:
    z: float
    p_value: float
    diff: float  # rate of the first minus rate of the second


def two_proportion(x_a: int, n_a: int, x_b: int, n_b: int) -> Test:
    """The z-test of two rates; ``n_a`` and ``n_b`` above 0, ``0 <= x <= n``."""
    if n_a <= 0 or n_b <= 0 or not (0 <= x_a <= n_a and 0 <= x_b <= n_b):
        raise ValueError(f"two_proportion: needs 0 <= x <= n and n > 0, got {x_a}/{n_a} and {x_b}/{n_b}")
    pa, pb = x_a / n_a, x_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:  # both 0% or both 100%: no difference to see
        return Test(0.0, 1.0, pa - pb)
    z = (pa - pb) / se
    return Test(z, math.erfc(abs(z) / math.sqrt(2)), pa - pb)


def enough(x: int, n: int, pooled: float) -> bool:
    return n >= MIN_TRIALS and n * pooled >= 5 and n * (1 - pooled) >= 5


def compare(arms: list[tuple[str, int, int]]) -> dict:
    """``arms``: (label, successes, trials) of the versions still tested. Returns the best
    label, a verdict (``better``: the best beats every other beyond chance; ``chance``: it
    could be chance; ``few``: too few trials to tell; ``one``: nothing to compare) and the
    comparison of the best with each other version."""
    live = [a for a in arms if a[2] > 0]
    if len(live) < 2:
        return {"verdict": "one" if len(arms) < 2 else "few", "best": live[0][0] if live else "", "tests": []}
    best = max(live, key=lambda a: (a[1] / a[2], a[2]))
    level = ALPHA / (len(live) - 1)
    tests = []
    for other in live:
        if other is best:
            continue
        pooled = (best[1] + other[1]) / (best[2] + other[2])
        t = two_proportion(best[1], best[2], other[1], other[2])
        ok = enough(best[1], best[2], pooled) and enough(other[1], other[2], pooled)
        tests.append({"against": other[0], "z": round(t.z, 2), "p_value": t.p_value, "diff": t.diff, "enough": ok,
                      "beyond_chance": ok and t.p_value < level})
    verdict = ("few" if not all(t["enough"] for t in tests) else
               "better" if all(t["beyond_chance"] for t in tests) else "chance")
    return {"verdict": verdict, "best": best[0], "tests": tests, "level": level}


def trials_needed(p_a: float, p_b: float) -> int:
    """Trials per version for an 80% chance of seeing a true difference ``p_a - p_b`` at the
    5% level (the usual sample-size formula, z 1.96 and 0.84)."""
    d = abs(p_a - p_b)
    if d == 0:
        return 0
    pbar = (p_a + p_b) / 2
    return math.ceil(((1.96 * math.sqrt(2 * pbar * (1 - pbar)) + 0.84 * math.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b)))
                      / d) ** 2)
