"""How an applicant's answer is compared with a campaign's keywords and codes, beyond the
exact text: numbers written in Chinese (双十一 is 双11, 六一八 is 618) and a code typed with
a character missed, added, changed or two swapped (HB111 for HB1111).

Both are what a person checking the queue would accept at a glance; before, each such
answer waited for one (in the 100-group month about 2.6 a day). A code shorter than
:data:`TYPO_MIN_LENGTH` never matches with a typo: one character off a 4-character code
(MD66) is too easily another number.
"""

from __future__ import annotations

import re

#: a code must be at least this long before a typo in it is forgiven
TYPO_MIN_LENGTH = 5

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_RUN = re.compile("[零〇一二两三四五六七八九十百]+")


def _number(run: str) -> str | None:
    """A run of Chinese numerals as digits, or None when it is not a number as written
    (a lone 百, 十十)."""
    if "十" not in run and "百" not in run:  # digit by digit: 六一八 -> 618, 二〇二六 -> 2026
        return "".join(str(_DIGIT[c]) for c in run)
    total, digit, seen_unit = 0, None, set()
    for c in run:
        if c in "零〇" and seen_unit:
            continue  # 一百零八: the zero only holds the tens' place
        if c in _DIGIT:
            if digit is not None:
                return None  # 二三十: two digits before a unit
            digit = _DIGIT[c]
        else:
            unit = 10 if c == "十" else 100
            if c in seen_unit or (unit == 100 and digit is None) or (unit == 100 and "十" in seen_unit):
                return None
            seen_unit.add(c)
            total += (1 if digit is None else digit) * unit  # 十一: the 十 alone is ten
            digit = None
    return str(total + (digit or 0))


def arabic(text: str) -> str:
    """``text`` with every run of Chinese numerals written in digits (双十一 -> 双11); runs that
    are not a number as written are left alone."""
    return _RUN.sub(lambda m: _number(m.group()) or m.group(), text)


def typos(a: str, b: str, limit: int) -> int | None:
    """The optimal-string-alignment distance of ``a`` and ``b`` (a character missed, added,
    changed, or two neighbours swapped: one each) when it is at most ``limit``, else None."""
    if abs(len(a) - len(b)) > limit:
        return None
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return None
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else None


def code_typo(tokens: list[str], code: str, limit: int) -> str | None:
    """The token that is ``code`` typed with at most ``limit`` typos (case ignored), or None;
    never for a code shorter than :data:`TYPO_MIN_LENGTH` or an exact match (that is no typo)."""
    want = code.casefold()
    if limit < 1 or len(want) < TYPO_MIN_LENGTH:
        return None
    for tok in tokens:
        if tok != want and typos(tok, want, limit) is not None:
            return tok
    return None
