"""Word lists as patterns, for the ads keywords, off-topic themes and the prefilter: whole
ASCII words, lists in the normalised form of the text, and the fast gates of a list."""

from __future__ import annotations

import re

from .normalize import normalize

_ASCII_WORD = re.compile(r"^[\x00-\x7f]+$")


def word_pattern(words: list[str]) -> str:
    """Alternation of literal words, longest first; ASCII words only match as whole words
    (so "sb" does not catch "sbc" or "usb")."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w)
        parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if _ASCII_WORD.match(w) else esc)
    return "|".join(parts)


def normalized_words(words: list[str]) -> list[str]:
    """A word list in the form of the text it is matched against; a word that normalises
    to nothing (only separators) is dropped."""
    return [w for w in dict.fromkeys(normalize(w).strip() for w in words) if w]


def _uncased_or_ascii(word: str) -> bool:
    return all(c.isascii() or c.lower() == c.upper() == c for c in word)


def word_gates(words: list[str]) -> tuple[str, str]:
    """(gate, residue) for a word list: the gate is the plain alternation of the words in
    lower case (whole-word checks are left to the rule), searched on lowered text; words
    with cased letters beyond ASCII (lowering is not IGNORECASE for them) go to the
    residue, searched exactly."""
    plain = sorted({w.lower() for w in words if _uncased_or_ascii(w)}, key=len, reverse=True)
    other = [w for w in words if not _uncased_or_ascii(w)]
    return "|".join(re.escape(w) for w in plain), word_pattern(other) if other else ""
