"""Compiled conduct rules: what a message breaks, found cheaply.

Most messages break nothing, so the hot path is one search of one combined pattern
over the message text (every built-in word list and ad shape of every enabled rule,
joined) plus the flood counters. Only when that prefilter hits are the rules matched
one by one to learn which rule and what category. Built-in patterns use ``re`` and are
written to run in linear time (bounded repeats, no nested quantifiers); custom
patterns use ``regex`` with a time limit, so a bad pattern is cut off, not obeyed.

Every rule matches the normalised text (plugins.moderation.normalize: case, width,
look-alikes, separators inside words, numerals), and the prefilter searches the
normalised batch, so a gate sees exactly what the rules see; the rules then take each
message's normalised text from that one pass (RuleSet.scan). Word lists and allow lists
are normalised the same way when a rule is compiled.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a custom pattern is compiled: regex costs start-up time
    import regex

from .abuse import CATEGORY as ABUSE_CATEGORY, AbuseWords
from .channels import BANK_CARD, GATES, OWN_NUMBER, PHONE, QQ, WECHAT, category
from . import links as _links
from .kinds import compile_custom
from .pitches import GATE as PITCH_GATE, pitch
from .scams import GATE as SCAM_GATE, TITLES as SCAM_TITLES, find as find_scam
from .normalize import normalize
from .wordlists import normalized_words, word_gates, word_pattern

# The only characters that IGNORECASE equates with an ASCII letter although ``str.lower``
# does not turn them into it (found by testing every code point; a test keeps it true).
# A batch containing one takes the exact, slower search.
_CASE_ODD = re.compile("[\u0130\u0131\u017f]")

#: Every match of a contact channel (link, phone, WeChat id, QQ number, bank card: see
#: channels.py and links.LINK_ANY) holds an ASCII letter or digit (a link's scheme, www,
#: label or suffix, an id, a number), and under IGNORECASE a character those match is one
#: this finds (the odd foldings ſ, ı, İ and the Kelvin sign included; a test checks every
#: code point). A normalised text without one can only match an ads rule's keywords, so
#: CompiledRule.match_text searches it with ``words_re`` alone: two thirds of the messages
#: the ads rule sees (those its pitch gate sends, 折 or 送 in plain Chinese talk) are such.
_LATIN_OR_DIGIT = re.compile("[0-9a-z]", re.IGNORECASE)


@lru_cache(maxsize=4096)
def normalized(text: str) -> str:
    """normalize() of one text, kept for the few messages several rules look at in turn."""
    return normalize(text)


@dataclass(slots=True)
class Hit:
    rule: "CompiledRule"
    category: str  # link / phone / wechat id / keyword / qr code / mini-program card / abuse word / ...
    matched: str  # for the case's evidence only; never shown to the member
    severity: str = ""  # abuse: passing / insult / aimed (plugins.moderation.abuse), which picks the ladder


@dataclass
class CompiledRule:
    id: int
    name: str
    kind: str
    cfg: dict[str, Any]
    scope_type: str
    scope_value: str
    dry_run: bool
    text_re: re.Pattern | None = None  # ads: named groups give the category
    words_re: re.Pattern | None = None  # ads: the keyword group of text_re alone (see _LATIN_OR_DIGIT)
    theme_re: dict[str, re.Pattern] = field(default_factory=dict)  # off_topic
    custom_res: list[regex.Pattern] = field(default_factory=list)
    abuse: AbuseWords | None = None  # abuse: words with boundaries and severity
    allow_domains: _links.AllowList | None = None  # ads: the rule's own allow_domains (links.py)
    allow: list[str] = field(default_factory=list)  # allow_text, normalised like the text it excuses
    pieces: list[str] = field(default_factory=list)  # raw alternatives for the prefilter
    gates: list[str] = field(default_factory=list)  # looser, lower-case, literal-led: the fast prefilter
    residue: list[str] = field(default_factory=list)  # pieces no gate covers: searched exactly
    flood: dict[tuple[int, int], deque] = field(default_factory=dict)  # (ts, text) inside the window
    quiet_until: dict[tuple[int, int], int] = field(default_factory=dict)  # one flood case per burst
    timeouts: int = 0

    @classmethod
    def build(cls, row: dict[str, Any], cfg: dict[str, Any]) -> "CompiledRule":
        r = cls(id=row.get("id") or 0, name=row["name"], kind=row["kind"], cfg=cfg,
                scope_type=row.get("scope_type") or "all", scope_value=str(row.get("scope_value") or ""),
                dry_run=bool(row.get("dry_run")))
        r.allow = [a for a in dict.fromkeys(normalize(t) for t in cfg["allow_text"]) if a]
        if r.kind == "ads":
            named = []
            if cfg["links"]:
                named.append(("link", _links.LINK_ANY))  # judged by registrable domain below
            if cfg["phones"]:
                named.append(("phone", PHONE))
            if cfg["wechat_ids"]:
                named.append(("wechat", WECHAT))
            if cfg["qq_ids"]:
                named.append(("qq", QQ))
            if cfg["bank_cards"]:
                named.append(("card", BANK_CARD))
            keywords = normalized_words(cfg["keywords"])
            if keywords:
                named.append(("keyword", word_pattern(keywords)))
            if named:
                r.pieces = [p for _, p in named]
                r.text_re = re.compile("|".join(f"(?P<{n}>{p})" for n, p in named), re.IGNORECASE)
                if keywords:
                    r.words_re = re.compile(f"(?P<keyword>{named[-1][1]})", re.IGNORECASE)
                r.gates = [GATES[n] for n, _ in named if n in GATES]
                r.gates += [_links.GATE] if cfg["links"] else []
            if cfg["pitches"]:  # matched after the channels (match_text), found by its own gate
                r.pieces.append(PITCH_GATE)
                r.gates.append(PITCH_GATE)
            r.allow_domains = _links.operation_list(cfg["allow_domains"])
            if keywords:
                r._gate_words(keywords)
        elif r.kind == "abuse":
            r.abuse = AbuseWords.for_rule(cfg)
            r.pieces, r.gates = [r.abuse.piece], [r.abuse.gate]  # normalised words are lower case
        elif r.kind == "scam":  # claim cues only: scams.find checks each family's pair
            r.pieces = r.gates = [SCAM_GATE]
        elif r.kind == "off_topic":
            for theme, raw in cfg["themes"].items():
                words = normalized_words(raw)
                p = word_pattern(words)
                r.pieces.append(p)
                r.theme_re[theme] = re.compile(p, re.IGNORECASE)
                r._gate_words(words)
        elif r.kind == "custom":
            r.custom_res = [compile_custom(p, cfg["timeout_ms"]) for p in cfg["patterns"]]
        return r

    def _gate_words(self, words: list[str]) -> None:
        """``words`` already normalised (see wordlists.normalized_words)."""
        gate, residue = word_gates(words)
        if gate:
            self.gates.append(gate)
        if residue:
            self.residue.append(residue)

    # --- scope ------------------------------------------------------------------------

    def applies_to(self, group: dict[str, Any]) -> bool:
        if self.scope_type == "all":
            return True
        if self.scope_type == "type":
            return group["type"] in {v.strip() for v in self.scope_value.split(",")}
        return str(group["id"]) in {v.strip() for v in self.scope_value.split(",")}

    # --- matching ---------------------------------------------------------------------

    def match_text(self, text: str, group: dict[str, Any], norm: str | None = None) -> Hit | None:
        """The first match in the normalised text that the allow list does not excuse;
        ``matched`` is the normalised span (the case keeps the original text). ``norm`` is
        normalize(text) when the caller has it already (RuleSet.scan), else it is made here."""
        allow = self.allow
        if norm is None:
            norm = normalized(text)
        if self.kind == "abuse":
            found = self.abuse.find(norm, allow)
            return Hit(self, ABUSE_CATEGORY[found.severity], found.word, found.severity) if found else None
        if self.kind == "ads":
            short = False
            rx = self.text_re
            if rx is not None and not _LATIN_OR_DIGIT.search(norm):  # no channel can be in it: keywords only
                rx = self.words_re  # the same matches, in the same order, as text_re's (keyword is its last group)
            for m in rx.finditer(norm) if rx is not None else ():
                s = m.group(0)
                if allow and any(a in s for a in allow):
                    continue
                if m.lastgroup == "phone" and self.cfg.get("own_number_ok") and OWN_NUMBER.search(norm):
                    continue  # a member giving the group their own new number
                if m.lastgroup == "link":
                    v = _links.verdict(s, self.allow_domains)
                    if v != "unknown":  # a known service's domain, or a short link: not an ad by itself
                        short = short or v == "short"
                        continue
                return Hit(self, category(m.lastgroup, s), s)
            if self.kind == "ads" and self.cfg["pitches"]:
                p = pitch(norm, short)
                if p is not None and not (allow and any(a in s for a in allow for s in p[1])):
                    return Hit(self, "sales pitch", " … ".join(p[1]))
        elif self.kind == "scam":
            h = find_scam(norm, self.cfg["families"])
            if h is not None and not (allow and any(a in h.matched for a in allow)):
                return Hit(self, SCAM_TITLES[h.family], h.matched)
        elif self.kind == "off_topic":
            theme = group.get("theme") or ""
            for key, rx in self.theme_re.items():
                if key == "*" or (theme and key == theme):
                    for m in rx.finditer(norm):
                        if allow and any(a in m.group(0) for a in allow):
                            continue
                        return Hit(self, "off-topic keyword", m.group(0))
        elif self.kind == "custom":
            # written by a person against text as members type it: the original first, then
            # the normalised form, so a pattern catches a disguise without being rewritten
            limit = self.cfg["timeout_ms"] / 1000
            for rx in self.custom_res:
                for t in (text, norm) if norm != text else (text,):
                    try:
                        m = rx.search(t, timeout=limit)
                    except TimeoutError:
                        self.timeouts += 1  # cut off: the message is let through, the count is reported
                        break
                    if m and not (allow and any(a in normalized(m.group(0)) for a in allow)):
                        return Hit(self, "custom pattern", m.group(0))
        return None

    def match_data(self, data: dict[str, Any]) -> Hit | None:
        """Ads carried outside the text: QR codes in images, mini-program cards."""
        if self.kind != "ads" or not data:
            return None
        if self.cfg["qr"]:
            imgs = data.get("images") or ()
            if data.get("qr") or any(isinstance(i, dict) and i.get("qr") for i in imgs):
                return Hit(self, "QR code", "[image with a QR code]")
        if self.cfg["cards"]:  # the connector's cards (QQ: data.cards); a dict data.card from others
            for card in [c for c in (data.get("cards") or [data.get("card")]) if isinstance(c, dict)]:
                ctype = str(card.get("type") or "").lower()
                if "mini" in ctype or ctype in ("app", "miniapp", "weapp"):
                    title = str(card.get("title") or "")
                    if not (self.cfg["allow_text"] and any(a in title.lower() for a in self.cfg["allow_text"])):
                        return Hit(self, "mini-program card", f"[card] {title}")
        return None

    def flood_hits(self, msgs: list) -> list[tuple[int, Hit]]:
        """(position, hit) for the messages of a batch that complete a burst: N messages in
        T seconds, or the same text K times in T seconds, per member and group. One
        window of (time, text) per member holds both counts; the loop is the hot path."""
        cfg = self.cfg
        window, most, repeat = cfg["seconds"], cfg["max_messages"], cfg["repeat"]
        flood, quiet_until = self.flood, self.quiet_until
        out: list[tuple[int, Hit]] = []
        for i, e in enumerate(msgs):
            key = (e.group_id, e.person_id)
            ts, text = e.ts, e.text or ""
            d = flood.get(key)
            if d is None:
                flood[key] = deque(((ts, text),))
                continue  # max_messages >= 2 and repeat >= 2 (validated): one message is no burst
            d.append((ts, text))
            while ts - d[0][0] >= window:
                d.popleft()
            n = len(d)
            if n < 2:
                continue
            quiet = quiet_until.get(key)
            if quiet is not None:
                if ts < quiet:
                    continue  # the burst already has its case (its mute may not have landed yet)
                del quiet_until[key]
            if n >= most:
                d.clear()  # one case per burst, not one per message after the N-th
                quiet_until[key] = ts + max(60, window)
                out.append((i, Hit(self, "flooding", f"{most} messages in {window}s")))
            elif repeat and text and n >= repeat:
                same = sum(1 for _, t in d if t == text)
                if same >= repeat:
                    d.clear()
                    quiet_until[key] = ts + max(60, window)
                    out.append((i, Hit(self, "same text repeated", f"the same text {same} times in {window}s")))
        return out

    def prune(self, now: int) -> None:
        """Forget members quiet for longer than the flood window (memory stays bounded)."""
        window = self.cfg.get("seconds", 0)
        for k in [k for k, d in self.flood.items() if not d or now - d[-1][0] >= window]:
            del self.flood[k]
        for k in [k for k, until in self.quiet_until.items() if until <= now]:
            del self.quiet_until[k]


@dataclass
class RuleSet:
    """Every enabled moderation rule, compiled, with the combined prefilter."""

    rules: list[CompiledRule]
    prefilter: re.Pattern | None  # exact: every piece, IGNORECASE (the reference, and the odd-case path)
    text_rules: list[CompiledRule]
    custom_rules: list[CompiledRule]
    data_rules: list[CompiledRule]
    flood_rules: list[CompiledRule]
    gates: list[re.Pattern] = field(default_factory=list)  # searched one by one on lowered text
    residue: re.Pattern | None = None  # exact, IGNORECASE, on the text as it is
    #: for each gate, the text rules it stands for: a message a gate finds is matched by
    #: those rules only (most candidates are one rule's: a price for the ads rule is no
    #: reason to run the abuse and scam rules on it)
    gate_rules: list[list[CompiledRule]] = field(default_factory=list)

    @classmethod
    def build(cls, compiled: list[CompiledRule]) -> "RuleSet":
        pieces = [p for r in compiled for p in r.pieces]
        pre = re.compile("|".join(f"(?:{p})" for p in pieces), re.IGNORECASE) if pieces else None
        gates = list(dict.fromkeys(g for r in compiled for g in r.gates))  # one search per distinct gate
        residue = [p for r in compiled for p in r.residue]
        residue += [p for r in compiled if r.pieces and not (r.gates or r.residue) for p in r.pieces]  # no gate: exact
        text_rules = [r for r in compiled if r.pieces]
        gate_rules = [[r for r in text_rules if g in r.gates] for g in gates]
        return cls(rules=compiled, prefilter=pre, gate_rules=gate_rules,
                   text_rules=text_rules,
                   custom_rules=[r for r in compiled if r.kind == "custom"],
                   data_rules=[r for r in compiled if r.kind == "ads" and (r.cfg["qr"] or r.cfg["cards"])],
                   flood_rules=[r for r in compiled if r.kind == "flood"],
                   gates=[re.compile(g) for g in gates],
                   residue=re.compile("|".join(f"(?:{p})" for p in residue), re.IGNORECASE) if residue else None)

    def prefiltered(self, msgs: list) -> list[int]:
        """Positions of the messages any rule's prefilter finds anything in (see candidates)."""
        return sorted(self.candidates(msgs))

    def candidates(self, msgs: list) -> dict[int, list[CompiledRule]]:
        """Positions of the messages the prefilter finds anything in (see scan)."""
        return self.scan(msgs)[0]

    def scan(self, msgs: list) -> tuple[dict[int, list[CompiledRule]], list[str] | None]:
        """(candidates, norms). Candidates: positions of the messages the prefilter finds anything in: one search over the
        batch's texts joined and normalised (in one pass: the separator has no word
        character on either side, so normalisation never joins two texts), not one per message.

        Each gate (a looser, literal-led form of a piece) is searched on its own over the
        lowered text: ``re`` scans for a literal lead fast, but not for an alternation of
        mixed shapes nor under IGNORECASE, so this is about ten times cheaper than the
        exact combined pattern. A gate matches wherever its piece does, so it can only add
        candidates (each is matched exactly on its own text afterwards). Normalised text
        is lower case; a batch that still holds a character that lowering does not fold
        the way IGNORECASE does takes the exact pattern. The separator is whitespace on both sides, which every built-in shape
        stops at; a match is mapped to every message its span touches, so a match that
        straddles two texts can only add a candidate, never hide one.

        Norms: each message's text normalised, taken from the batch's pass (so the rules
        do not normalise a candidate again), or None when the pass cannot vouch for it.
        normalize works character by character or on runs that never hold a line break or
        NUL (str.lower's one rule of context, a final sigma, stops at a line break; the
        table may not map or produce one; separator and digit runs hold neither, and a
        run next to a line break is kept, as one at a text's edge is), so each piece of the
        normalised batch is the text normalised alone, provided the separators are the
        only NULs: a text holding a NUL (the "\n\x00" of a separator split elsewhere)
        gives None, and the rules normalise their texts themselves as before."""
        pre = self.prefilter
        if pre is None or not msgs:
            return {}, None
        if pre.match("") or any(g.match("") for g in self.gates):  # a pattern that matches nothing-at-all
            return {i: list(self.text_rules) for i in range(len(msgs))}, None
        texts = [e.text or "" for e in msgs]
        raw = _SEP.join(texts)
        joined = normalize(raw)
        parts = joined.split(_SEP)
        norms = parts if raw.count("\x00") == len(texts) - 1 else None
        if len(parts) != len(texts):  # a text held the separator itself: normalise one by one
            parts = [normalized(t) for t in texts]
            joined = _SEP.join(parts)
        starts = list(accumulate([len(t) + len(_SEP) for t in parts], initial=0))
        every = self.text_rules
        # a message collects one bit per search that touches it (bit k: gate k, whose rules
        # are gate_rules[k]; the top bit: the exact pattern or the residue, every text rule),
        # and its rules are those of its bits, in the rule set's order, as the rules are
        # listed (a message's hits keep that order): one list per combination of bits
        exact = 1 << len(self.gates)
        if _CASE_ODD.search(joined):
            searches = [(pre, exact)]
        else:
            searches = [(g, 1 << k) for k, g in enumerate(self.gates)]
            if self.residue is not None:  # the exact path names no rule: every text rule looks
                searches.append((self.residue, exact))
        found: dict[int, int] = {}
        get = found.get
        for rx, bit in searches:
            for m in rx.finditer(joined):
                a, b = m.span()
                first = bisect_right(starts, a) - 1
                last = bisect_right(starts, max(a, b - 1)) - 1
                for i in range(first, last + 1):
                    found[i] = get(i, 0) | bit
        bits_of = {id(r): exact for r in every}
        for k, rules in enumerate(self.gate_rules):
            for r in rules:
                bits_of[id(r)] |= 1 << k
        lists: dict[int, list[CompiledRule]] = {}
        out: dict[int, list[CompiledRule]] = {}
        for i in sorted(found):
            mask = found[i]
            rules = lists.get(mask)
            if rules is None:
                rules = lists[mask] = [r for r in every if bits_of[id(r)] & mask]
            out[i] = list(rules)  # the caller adds to a message's list
        return out, norms


_SEP = "\n\x00\n"
