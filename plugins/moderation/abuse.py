"""Abuse matched as words, not substrings, with a severity for each hit.

A plain substring search takes 妈的 inside 妈妈的 (talk about one's mother), 他妈的 inside
大妈的 and 废物 inside 固废物. Here a lexicon (``abuse_words.txt``, one word and its class a
line) is searched on the normalised text (plugins.moderation.normalize: case, width,
separators inside words, look-alikes), and two boundary rules decide what a match means:

- a match overlapping one of the lexicon's ``ok`` words (妈妈的, 大妈的, 固废物, 操作) or
  a text of the rule's ``allow_text`` is no abuse: its characters belong to that word
  (我操作 is 我 + 操作, not 我操 + 作);
- whether it is aimed at a person: a person word just before it (你, 你个, 你就是个, 他们,
  楼主, 这货, 这种...) or just after it (滚吧你).

Classes of a lexicon word, and the severity of a hit:

- ``passing``: profanity in passing (卧槽, 他妈的, tmd): severity ``passing``;
- ``insult``: an insult (傻逼, 废物, 弱智): ``insult``, or ``aimed`` when aimed at a person;
- ``aimed``: aimed at a person in itself (操你妈, nmsl, 去死吧你): ``aimed``;
- ``if-aimed``: ordinary words that insult only when aimed (垃圾, 猪头, 有病): ``aimed``
  when aimed at a person, otherwise nothing;
- ``ok``: not abuse (see above).

A segmenter was measured first (jieba 0.42: 1.7 s to import and load its dictionary, about
90 us a message, and it cuts 老旧固废物 as 旧固/废物): the lexicon's own boundary words do
better on the cases that matter, in the few microseconds the prefilter allows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .normalize import normalize

LEXICON_FILE = Path(__file__).with_name("abuse_words.txt")
#: severities of a hit, mildest first (the case records one; a rule's ladder may differ by it)
SEVERITIES = ("passing", "insult", "aimed")
#: the case's category for each severity (translated in i18n.py)
CATEGORY = {"passing": "profanity in passing", "insult": "abuse word", "aimed": "insult aimed at a person"}
#: classes a lexicon line may give (see the module docstring)
CLASSES = SEVERITIES + ("if-aimed", "ok")

_log = logging.getLogger(__name__)
_ASCII = re.compile(r"^[\x00-\x7f]+$")
_WORDCHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]")

#: a person the word is aimed at, right before it: a pronoun or a name for someone in the
#: thread, then at most a few fillers (就, 真, 是, 个, 这种...)
_PERSON = (r"(?:你们?|您|尔等|他们?|她们?|它们?|ta们?|楼主|lz|群主|管理员?|博主|up主|作者|答主|题主|"
           r"这人|此人|这货|那货|这些人|那些人|这种人|这帮|那帮|这群|一群|一帮|这种|这个|那个|这些|那些|有些|某些|这|那|的都|人)")
_FILL = r"(?:这个|这种|这)?(?:[就真也才还都纯简直根本实在挺太好很最]{0,3})(?:是不是|不是|是|像|算|当|叫)?(?:个|一个|一只|一头|一条|一坨|条|只|头|坨|什么|啥)?"
AIMED_BEFORE = re.compile(f"{_PERSON}{_FILL}$")
#: ... or right after it (滚吧你, 废物你也配, 揍他, 可笑的是你)
AIMED_AFTER = re.compile(r"^(?:的是|的就是)?[吧啊呢呀吗]?(?:你们?|您|他们?|她们?)")


class LexiconError(ValueError):
    """A lexicon that cannot work; the message names the file, line and reason."""


@dataclass(frozen=True)
class Lexicon:
    """Words (normalised) and their class; ``source`` says where they were read."""

    classes: dict[str, str]
    source: str

    def merged(self, other: "Lexicon") -> "Lexicon":
        return Lexicon({**self.classes, **other.classes}, f"{self.source} + {other.source}")


def word_form(word: str) -> str:
    """A word in the form of the text it is matched against ("" when nothing is left)."""
    w = normalize(word).strip()
    return w if _WORDCHAR.search(w) else ""


def parse_lexicon(text: str, source: str) -> Lexicon:
    """Lines of "class: word word ..." (# starts a comment); LexiconError names the line and why."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        where = f"{source}, line {n}"
        cls, sep, words = line.partition(":")
        cls = cls.strip()
        if not sep:
            raise LexiconError(f"{where}: expected a class, a colon and words (\"insult: 废物 贵物\")")
        if cls not in CLASSES:
            raise LexiconError(f"{where}: {cls!r} is not a class; expected one of {', '.join(CLASSES)}")
        if not words.split():
            raise LexiconError(f"{where}: the word list is empty; give at least one word after the colon")
        for word in words.split():
            form = word_form(word)
            if not form:
                raise LexiconError(f"{where}: {word!r} normalises to nothing a message could be matched on "
                                   "(no letter, digit or Chinese character)")
            if out.get(form, cls) != cls:
                raise LexiconError(f"{where}: {word!r} (as {form!r}) is already listed as {out[form]}")
            out[form] = cls
    if not any(c != "ok" for c in out.values()):
        raise LexiconError(f"{source}: no abuse word in it (only ok words or none)")
    return Lexicon(out, source)


def load_lexicon(path: Path) -> Lexicon:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LexiconError(f"{path}: cannot be read ({e})") from None
    return parse_lexicon(text, str(path))


class Lexicons:
    """The lexicon files in force, by path. A file is read again when it changes; a version
    with a bad line is refused (LexiconError) and the version read before stays in force."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[tuple[int, int], Lexicon]] = {}
        self.refused: dict[str, str] = {}  # path -> why its latest version is not in force

    def get(self, path: Path) -> Lexicon:
        key = str(path)
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (0, 0)
        held = self._files.get(key)
        if held is not None and held[0] == stamp:
            return held[1]
        try:
            lex = load_lexicon(path)
        except LexiconError as e:
            self.refused[key] = str(e)
            if held is None:
                raise
            _log.warning("%s; the version read before stays in force", e)
            return held[1]
        self.refused.pop(key, None)
        self._files[key] = (stamp, lex)
        return lex


LEXICONS = Lexicons()
BUILTIN = LEXICONS.get(LEXICON_FILE)  # a bad shipped file stops the import, as homoglyphs.txt does


def rule_word(item: str) -> tuple[str, str]:
    """A rule's ``words`` entry: "word" (an insult) or "word:class"; ValueError says why not."""
    word, sep, cls = item.rpartition(":")
    if not sep:
        word, cls = item, "insult"
    if cls not in CLASSES:
        raise ValueError(f"{item!r}: {cls!r} is not a class; expected one of {', '.join(CLASSES)}")
    form = word_form(word)
    if not form:
        raise ValueError(f"{item!r}: the word normalises to nothing a message could be matched on")
    return form, cls


def trie_pattern(words: list[str]) -> str:
    """An alternation of literal words, factored by prefix (傻(?:逼|b|...)): ``re`` tries the
    branches of one position one by one, so a flat list of 500 words costs several times
    this (0.6 against 1.3 us a message for the gate alone, measured on the sandbox's chat).
    Longer words win: an ending is optional (``?``, greedy)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(k) + emit(v) for k, v in sorted(node.items()) if k]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(root)


def _alternation(words: list[str]) -> str:
    """Words as one pattern: ASCII words only whole (sb is not in usb or sbc)."""
    ascii_words = [w for w in words if _ASCII.match(w)]
    other = [w for w in words if not _ASCII.match(w)]
    parts = [trie_pattern(other)] if other else []
    if ascii_words:
        parts.append(rf"(?<![a-z0-9]){trie_pattern(ascii_words)}(?![a-z0-9])")
    return "|".join(parts)


@dataclass(slots=True)
class AbuseHit:
    word: str  # the normalised word (the case keeps the original text)
    severity: str


class AbuseWords:
    """One rule's words compiled: the piece for the prefilter and ``find`` for a message."""

    def __init__(self, classes: dict[str, str]):
        self.classes = classes
        self.words = [w for w, c in classes.items() if c != "ok"]
        self.piece = _alternation(self.words)
        #: the prefilter's gate, searched on lowered normalised text (whole-word checks left to find)
        self.gate = trie_pattern(self.words)
        # one plain search first: most messages find() sees were sent its way by another rule's
        # gate and hold no abuse word; the lookahead scan (every start position, so a word
        # inside a longer one is still seen) is several times slower
        self._any = re.compile(self.piece)
        self._words = re.compile(f"(?=({self.piece}))")
        ok = [w for w, c in classes.items() if c == "ok"]
        self._ok = re.compile(f"(?=({_alternation(ok)}))") if ok else None

    @classmethod
    def for_rule(cls, cfg: dict, lexicons: Lexicons = LEXICONS) -> "AbuseWords":
        """The built-in lexicon (``lexicon``), the operator's file (``lexicon_file``) and the
        rule's own ``words``, later ones winning."""
        classes: dict[str, str] = {}
        if cfg.get("lexicon"):
            classes.update(lexicons.get(LEXICON_FILE).classes)
        if cfg.get("lexicon_file"):
            classes.update(lexicons.get(Path(cfg["lexicon_file"]).expanduser()).classes)
        classes.update(rule_word(w) for w in cfg.get("words", ()))
        return cls(classes)

    def find(self, norm: str, allow: list[str] = ()) -> AbuseHit | None:
        """The most severe hit in a normalised text, or None. ``allow`` (normalised texts)
        excuses a match overlapping one of them, like an ``ok`` word."""
        first = self._any.search(norm)
        if first is None:
            return None
        found = [(m.start(), m.group(1)) for m in self._words.finditer(norm, first.start())]
        spans = [(m.start(), m.start() + len(m.group(1))) for m in self._ok.finditer(norm)] if self._ok else []
        for a in allow:
            i = norm.find(a)
            while i >= 0:
                spans.append((i, i + len(a)))
                i = norm.find(a, i + 1)
        best: AbuseHit | None = None
        for start, word in found:
            end = start + len(word)
            if any(s < end and start < e for s, e in spans):
                continue  # its characters belong to another word (妈妈的, 操作)
            cls = self.classes[word]
            if cls in ("insult", "if-aimed"):
                aimed = bool(AIMED_BEFORE.search(norm, max(0, start - 8), start)
                             or AIMED_AFTER.match(norm[end:end + 4]))
                if not aimed and cls == "if-aimed":
                    continue
                sev = "aimed" if aimed else "insult"
            else:
                sev = cls
            if best is None or SEVERITIES.index(sev) > SEVERITIES.index(best.severity):
                best = AbuseHit(word, sev)
        return best


def _bad(key: str, problem: str) -> ValueError:
    return ValueError(f"abuse rule: {key}: {problem}")


def check_config(cfg: dict) -> None:
    """The abuse rule's own keys, checked (and put in shape) when a rule is saved: ``lexicon``
    (the built-in lexicon on or off), ``lexicon_file`` (an operator's file in the same
    format, read now so a bad line is refused with its file and line), ``words`` ("word" or
    "word:class") and ``severity_ladders`` (a ladder for some severities; the others take
    ``ladder``). ValueError names the key."""
    from .kinds import parse_step  # kinds imports this module

    if not isinstance(cfg["lexicon"], bool):
        raise _bad("lexicon", f"is {cfg['lexicon']!r}, expected true (the built-in lexicon) or false")
    path = cfg["lexicon_file"]
    if not isinstance(path, str):
        raise _bad("lexicon_file", f"is {path!r}, expected the path of a lexicon file, or \"\" for none")
    if path.strip():
        try:
            load_lexicon(Path(path.strip()).expanduser())
        except LexiconError as e:
            raise _bad("lexicon_file", str(e)) from None
    cfg["lexicon_file"] = path.strip()
    for i, item in enumerate(cfg["words"]):
        try:
            rule_word(item)
        except ValueError as e:
            raise _bad(f"words[{i}]", str(e)) from None
    if not cfg["words"] and not cfg["lexicon"] and not cfg["lexicon_file"]:
        raise _bad("words", "is empty; give at least one entry, or turn on lexicon (the built-in words)")
    ladders = cfg["severity_ladders"]
    if not isinstance(ladders, dict):
        raise _bad("severity_ladders", f"is {ladders!r}, expected a table of severity -> ladder")
    out = {}
    for sev, steps in ladders.items():
        key = f"severity_ladders.{sev}"
        if sev not in SEVERITIES:
            raise _bad(key, f"{sev!r} is not a severity; expected some of {', '.join(SEVERITIES)}")
        if not isinstance(steps, list) or not steps:
            raise _bad(key, f"is {steps!r}, expected a non-empty list of steps")
        parsed = []
        for i, step in enumerate(steps):
            try:
                parsed.append(parse_step("abuse", i, step))
            except ValueError as e:  # parse_step names the rule's own ladder; say which one
                raise ValueError(str(e).replace(f": ladder[{i}]", f": {key}[{i}]", 1)) from None
        out[sev] = parsed
    cfg["severity_ladders"] = out


def ladder_for(cfg: dict, severity: str) -> list[dict]:
    """The steps a hit of this severity climbs: its own ladder, or the rule's ``ladder``."""
    return (cfg.get("severity_ladders") or {}).get(severity) or cfg["ladder"]
