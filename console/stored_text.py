"""Words the workspace stored, shown in the console's language.

Alerts, tasks, a request's reason and a rule's summary are written once, filled in, in
the workspace's language when they happened ("2 join requests waiting longer than 60
minutes"). A console in the other language would show them as stored: English in the
Chinese console. ``Retranslator.shown`` reads such a text back through the catalogue:
an exact entry, or a template with ``{fields}`` that matches it (the fields' values are
kept, and translated themselves when they are catalogue words), in either direction;
a text made of several messages joined with " — ", "; ", ", " or ": " ("G1: 0 cheer
squad, guideline 2-3; G2: …") is cut at those joints into the fewest pieces that each
read as a message (the joints in the console's language), what reads as none kept as
stored (a person's own words, a name). A field's value never spans a joint, so a
template cannot swallow the next message.

Matching a template is cheap: every literal piece of it must occur in the text before
its regular expression is tried, and answers are remembered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
#: how several messages are joined in one stored text, and the same joint in each language
JOINTS = ((" — ", "——"), ("; ", "；"), (", ", "，"), (": ", "："))
SPLIT = re.compile("(" + "|".join(re.escape(j) for pair in JOINTS for j in pair) + ")")
AS = {j: pair for pair in JOINTS for j in pair}


class _Template:
    """One catalogue entry with fields, read the other way: its literal pieces (for the cheap
    test) now, its regular expression when a text first has all its pieces."""

    __slots__ = ("source", "pieces", "_regex", "target")

    def __init__(self, source: str, target: str):
        self.source, self.target, self._regex = source, target, None
        self.pieces = [p for p in FIELD.split(source)[0::2] if p]

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            parts = FIELD.split(self.source)  # literal, name, literal, name, ...
            pattern, seen = [], set()
            for i, part in enumerate(parts):
                if i % 2 == 0:
                    pattern.append(re.escape(part))
                elif part in seen:
                    pattern.append(f"(?P={part})")
                else:
                    seen.add(part)
                    pattern.append(f"(?P<{part}>.+?)")
            self._regex = re.compile("^" + "".join(pattern) + "$", re.S)
        return self._regex


class Retranslator:
    """Stored text in ``en`` or ``zh-CN``, whichever it was stored in (see the module)."""

    def __init__(self, zh: dict[str, str]):
        self.to = {"zh-CN": dict(zh), "en": {v: k for k, v in zh.items() if v}}
        self.templates: dict[str, list[_Template]] = {"zh-CN": [], "en": []}
        for en, cn in zh.items():
            if "{" in en and cn and FIELD.search(en) and len("".join(FIELD.split(en)[0::2]).strip()) >= 3:
                self.templates["zh-CN"].append(_Template(en, cn))
                self.templates["en"].append(_Template(cn, en))
        # longest first: "{n} join requests waiting longer than…" before "{n} join requests"
        for lang in self.templates:
            self.templates[lang].sort(key=lambda tp: -sum(len(p) for p in tp.pieces))
        self.shown = lru_cache(maxsize=4096)(self._shown)

    def _shown(self, text: Any, lang: str) -> str:
        if not isinstance(text, str) or not text or lang not in self.to:
            return "" if text is None else str(text)
        # the templates whose every literal piece is in the text: the only ones any piece can match
        cands = [tp for tp in self.templates[lang] if all(p in text for p in tp.pieces)]
        got = self._one(text, lang, cands)
        if got is not None:
            return got
        parts = SPLIT.split(text)  # atom, joint, atom, joint, ...
        atoms, joints = parts[0::2], parts[1::2]
        if not joints or len(atoms) > 40:
            return text

        def piece(j: int, i: int) -> str:  # atoms j..i-1 with the joints between them
            return "".join(atoms[k] + (joints[k] if k < i - 1 else "") for k in range(j, i))

        # best[i] = (atoms read as messages, -pieces, j, reading): the best cover of atoms[:i]
        best: list[tuple[int, int, int, str] | None] = [(0, 0, 0, "")] + [None] * len(atoms)
        for i in range(1, len(atoms) + 1):
            for j in range(i):
                if best[j] is None:
                    continue
                text_ji = piece(j, i)
                read = self._one(text_ji, lang, cands) if text_ji.strip() else None
                cand = (best[j][0] + (i - j if read is not None else 0), best[j][1] - 1, j,
                        read if read is not None else text_ji)
                if best[i] is None or cand[:2] > best[i][:2]:
                    best[i] = cand
        if best[-1] is None or best[-1][0] == 0:
            return text
        out, i = [], len(atoms)
        while i > 0:
            _, _, j, reading = best[i]
            out.append(reading)
            if j > 0:  # the joint before this piece, in the console's language
                out.append(AS[joints[j - 1]][0 if lang == "en" else 1])
            i = j
        return "".join(reversed(out))

    def _one(self, text: str, lang: str, cands: list[_Template]) -> str | None:
        exact = self.to[lang].get(text)
        if exact is not None:
            return exact
        if text in self.to["en" if lang == "zh-CN" else "zh-CN"]:
            return text  # stored in this language already
        for tp in cands:
            if all(p in text for p in tp.pieces):
                try:
                    m = tp.regex.match(text)
                except re.error:
                    continue
                if m and not any(SPLIT.search(v) for v in m.groupdict().values()):  # a value never spans a joint
                    values = {k: self.to[lang].get(v, v) for k, v in m.groupdict().items()}
                    try:
                        return tp.target.format(**values)
                    except (KeyError, IndexError, ValueError):
                        continue
        return None
