"""Text normalisation before matching: one canonical form for every rule kind.

Advertisers disguise the markers rules look for: full-width letters (ＶＸ), upper case,
look-alike letters (Cyrillic а, √ for v), separators pushed inside words (天-猫, 娱^乐,
Q 裙, 加🌹微信, zero-width spaces), phone and QQ numbers written in Chinese numerals
(一三八…) or with letters for digits (l38 o0 …). Every rule matches the normalised text;
the case keeps the original (``evidence.text``), only ``matched`` shows the normalised span.

Steps, in order (each a C-speed pass over the whole batch joined, see RuleSet.prefiltered):
1. ``str.lower`` (case folding; before the table so the table sees one case);
2. the character table: full-width ASCII, circled letters and digits (generated) and the
   look-alikes in ``homoglyphs.txt``;
3. separators removed, but only between two word characters (CJK, a-z, 0-9): spaces and
   tabs and hyphens where one side is CJK (English keeps its spaces, so "free gift" still
   reads as two words, and sf-express.com keeps its hyphen), other visible separators
   (^ * ~ | · and dashes), emoji and invisible characters between any two. Dots, slashes,
   colons, underscores and newlines are kept: links, times, ids and lines keep their shape;
4. digit runs: a run of five or more digit-like characters holding two or more Chinese
   numerals (一二三, 壹贰, 〇, 幺) is written in digits, and o / l / i between two digits
   of such a run read as 0 / 1 / 1.
Multi-character disguises of contact channels (卫星 and 薇信 for 微信, 企鹅 and Q裙 for QQ)
are not rewritten here: they are lead words of the channel shapes (plugins.moderation.channels),
where a lead is only an ad when an id or number follows it.
"""

from __future__ import annotations

import re
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("homoglyphs.txt")
#: characters the table may never touch: the batch separator of RuleSet.prefiltered is
#: "\n\x00\n", and a text's own lines must stay lines
PROTECTED = "\n\x00\r"


class NormalizationError(ValueError):
    """A normalisation table that cannot work; the message names the file, line and reason."""


def generated_entries() -> dict[str, str]:
    """Full-width ASCII, the ideographic space, circled letters and circled digits."""
    out = {chr(c): chr(c - 0xFEE0).lower() for c in range(0xFF01, 0xFF5F)}
    out["\u3000"] = " "
    out.update({chr(0x24B6 + i): chr(97 + i) for i in range(26)})  # Ⓐ-Ⓩ
    out.update({chr(0x24D0 + i): chr(97 + i) for i in range(26)})  # ⓐ-ⓩ
    out.update({chr(0x2460 + i): str(i + 1) for i in range(9)})  # ①-⑨
    out.update({chr(0x2776 + i): str(i + 1) for i in range(9)})  # ❶-❾
    out["\u24ea"] = "0"  # ⓪
    return out


def parse_table(text: str, source: str) -> dict[str, str]:
    """Lines of "character  replacement"; NormalizationError names the line and why."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0] if not raw.startswith("#") else ""
        if not line.strip():
            continue
        parts = line.split()
        where = f"{source}, line {n}"
        if len(parts) == 1:
            raise NormalizationError(f"{where}: {parts[0]!r} maps to nothing; a table entry must give what the "
                                     "character stands for (separators are removed by the separator rule, "
                                     "only between two word characters)")
        if len(parts) > 2:
            raise NormalizationError(f"{where}: expected a character and its replacement, got {len(parts)} fields")
        key, value = parts
        if len(key) != 1:
            raise NormalizationError(f"{where}: {key!r} is {len(key)} characters; each line folds one character")
        if key in PROTECTED or any(c in PROTECTED for c in value):
            raise NormalizationError(f"{where}: line breaks and NUL may not be mapped or produced")
        if key in out and out[key] != value:
            raise NormalizationError(f"{where}: {key!r} is already mapped to {out[key]!r}")
        out[key] = value
    return out


def build_table(entries: dict[str, str]) -> dict[str, str]:
    for k, v in entries.items():
        if not v:
            raise NormalizationError(f"normalisation table: {k!r} maps to nothing")
    return {k: v for k, v in entries.items() if k != v}


def load_table(path: Path = TABLE_FILE) -> dict[str, str]:
    entries = generated_entries()
    entries.update(parse_table(path.read_text(encoding="utf-8"), str(path)))
    return build_table(entries)


TABLE = load_table()
# A search for the table's characters, replaced one match at a time: most of a chat's
# characters are in no table, and str.translate looks every character up (5x slower here).
_TABLE_CHARS = re.compile("[" + "".join(re.escape(k) for k in TABLE) + "]")


def _fold(m: re.Match) -> str:
    return TABLE[m.group()]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = CJK + "a-z0-9"
VISIBLE = r"\^*~`|·•・‧∙\u2010-\u2015\u2212\u2022\u30fb\uff65"
INVISIBLE = "\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff"
EMOJI = "\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_HARD = VISIBLE + INVISIBLE + EMOJI
#: a run of separators; whether it goes depends on its neighbours (_unseparate). Led by a
#: character class, so ``re`` scans for it fast (a lookbehind first made it 4x slower).
SEPARATORS = re.compile(f"[{_HARD} \t\\-]+")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _cjk(c: str) -> bool:
    """Is c in CJK (the ranges of ``CJK``)? Comparisons, not a regex: this runs for every
    space of a batch."""
    return "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def _unseparate(m: re.Match) -> str:
    """Removed between two word characters: any run where one side is CJK (Q 裙, 天-猫,
    代 开 发 票), and between letters and digits a run without spaces or hyphens (v^x,
    w🌹x), so English words and hyphenated names (sf-express.com) keep their shape."""
    s = m.string
    a, b = m.span()
    run = m.group()
    if a == 0 or b == len(s):
        return run
    left, right = s[a - 1], s[b]
    lc, rc = _cjk(left), _cjk(right)
    if not ((lc or left in _ALNUM) and (rc or right in _ALNUM)):
        return run
    if lc or rc or not (" " in run or "-" in run or "\t" in run):
        return ""
    return run


CN_DIGITS = {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
             "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "肆": "4",
             "伍": "5", "陆": "6", "陸": "6", "柒": "7", "捌": "8", "玖": "9"}
_CN = "".join(CN_DIGITS)
#: a digit-like run: starts and ends on a digit or numeral, at most 32 long (bounded backtracking)
DIGIT_RUN = re.compile(f"[0-9{_CN}][0-9{_CN}oli]{{3,30}}[0-9{_CN}]")
_LETTER_DIGIT = re.compile(r"(?<=[0-9])[oli](?=[0-9])")
_CN_TRANS = str.maketrans(CN_DIGITS)
_LETTER_TRANS = str.maketrans({"o": "0", "l": "1", "i": "1"})


def _digits(m: re.Match) -> str:
    s = m.group(0)
    if sum(1 for c in s if c in CN_DIGITS) >= 2:  # one 一 next to a number is a word (13812345678一起)
        s = s.translate(_CN_TRANS)
    if sum(c.isdigit() for c in s) < 5:
        return m.group(0)
    return _LETTER_DIGIT.sub(lambda x: x.group(0).translate(_LETTER_TRANS), s)


def normalize(text: str) -> str:
    """The form every rule matches: see the module docstring for the steps."""
    t = _TABLE_CHARS.sub(_fold, text.lower())
    t = SEPARATORS.sub(_unseparate, t)
    return DIGIT_RUN.sub(_digits, t)
