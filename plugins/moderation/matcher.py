"""Compiled conduct rules: what a message breaks, found cheaply.

Most messages break nothing, so the hot path is one search of one combined pattern
over the message text (every built-in word list and ad shape of every enabled rule,
joined) plus the flood counters. Only when that prefilter hits are the rules matched
one by one to learn which rule and what category. Built-in patterns use ``re`` and are
written to run in linear time (bounded repeats, no nested quantifiers); custom
patterns use ``regex`` with a time limit, so a bad pattern is cut off, not obeyed.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import regex

from .kinds import compile_custom

# Linear shapes: each alternative is anchored on a literal or bounded class run.
LINK = r"https?://[^\s]{1,300}|www\.[^\s]{1,300}|(?<![a-z0-9.-])[a-z0-9][a-z0-9-]{0,40}\.(?:com|cn|net|org|top|xyz|vip|cc|me|io|shop|info|club|site|link|ltd|work)(?![a-z0-9])(?:/[^\s]{0,200})?"
PHONE = r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"
WECHAT = r"(?:微信|威信|薇信|v信|vx|wx|weixin|加v|\+v|➕v)[\s:：号是]{0,4}[a-z][-_a-z0-9]{5,19}(?![-_a-z0-9])"

_ASCII_WORD = re.compile(r"^[\x00-\x7f]+$")


def word_pattern(words: list[str]) -> str:
    """Alternation of literal words, longest first; ASCII words only match as whole words
    (so "sb" does not catch "sbc" or "usb")."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w)
        parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if _ASCII_WORD.match(w) else esc)
    return "|".join(parts)


@dataclass(slots=True)
class Hit:
    rule: "CompiledRule"
    category: str  # link / phone / wechat id / keyword / qr code / mini-program card / abuse word / ...
    matched: str  # for the case's evidence only; never shown to the member


@dataclass
class CompiledRule:
    id: int
    name: str
    kind: str
    cfg: dict[str, Any]
    scope_type: str
    scope_value: str
    dry_run: bool
    text_re: re.Pattern | None = None  # ads / abuse: named groups give the category
    theme_re: dict[str, re.Pattern] = field(default_factory=dict)  # off_topic
    custom_res: list[regex.Pattern] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)  # raw alternatives for the prefilter
    flood: dict[tuple[int, int], deque] = field(default_factory=dict)
    repeats: dict[tuple[int, int], deque] = field(default_factory=dict)
    quiet_until: dict[tuple[int, int], int] = field(default_factory=dict)  # one flood case per burst
    timeouts: int = 0

    @classmethod
    def build(cls, row: dict[str, Any], cfg: dict[str, Any]) -> "CompiledRule":
        r = cls(id=row.get("id") or 0, name=row["name"], kind=row["kind"], cfg=cfg,
                scope_type=row.get("scope_type") or "all", scope_value=str(row.get("scope_value") or ""),
                dry_run=bool(row.get("dry_run")))
        if r.kind == "ads":
            named = []
            if cfg["links"]:
                named.append(("link", LINK))
            if cfg["phones"]:
                named.append(("phone", PHONE))
            if cfg["wechat_ids"]:
                named.append(("wechat", WECHAT))
            if cfg["keywords"]:
                named.append(("keyword", word_pattern(cfg["keywords"])))
            if named:
                r.pieces = [p for _, p in named]
                r.text_re = re.compile("|".join(f"(?P<{n}>{p})" for n, p in named), re.IGNORECASE)
        elif r.kind == "abuse":
            p = word_pattern(cfg["words"])
            r.pieces = [p]
            r.text_re = re.compile(f"(?P<abuse>{p})", re.IGNORECASE)
        elif r.kind == "off_topic":
            for theme, words in cfg["themes"].items():
                p = word_pattern(words)
                r.pieces.append(p)
                r.theme_re[theme] = re.compile(p, re.IGNORECASE)
        elif r.kind == "custom":
            r.custom_res = [compile_custom(p, cfg["timeout_ms"]) for p in cfg["patterns"]]
        return r

    # --- scope ------------------------------------------------------------------------

    def applies_to(self, group: dict[str, Any]) -> bool:
        if self.scope_type == "all":
            return True
        if self.scope_type == "type":
            return group["type"] in {v.strip() for v in self.scope_value.split(",")}
        return str(group["id"]) in {v.strip() for v in self.scope_value.split(",")}

    # --- matching ---------------------------------------------------------------------

    def match_text(self, text: str, group: dict[str, Any]) -> Hit | None:
        """The first match that the allow list does not excuse."""
        allow = self.cfg["allow_text"]
        if self.kind in ("ads", "abuse"):
            for m in self.text_re.finditer(text) if self.text_re else ():
                s = m.group(0)
                if allow and any(a in s.lower() for a in allow):
                    continue
                cat = {"link": "link", "phone": "phone number", "wechat": "WeChat id", "keyword": "promotional keyword",
                       "abuse": "abuse word"}[m.lastgroup]
                return Hit(self, cat, s)
        elif self.kind == "off_topic":
            theme = group.get("theme") or ""
            for key, rx in self.theme_re.items():
                if key == "*" or (theme and key == theme):
                    for m in rx.finditer(text):
                        if allow and any(a in m.group(0).lower() for a in allow):
                            continue
                        return Hit(self, "off-topic keyword", m.group(0))
        elif self.kind == "custom":
            limit = self.cfg["timeout_ms"] / 1000
            for rx in self.custom_res:
                try:
                    m = rx.search(text, timeout=limit)
                except TimeoutError:
                    self.timeouts += 1  # cut off: the message is let through, the count is reported
                    continue
                if m and not (allow and any(a in m.group(0).lower() for a in allow)):
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
        if self.cfg["cards"]:
            card = data.get("card")
            if isinstance(card, dict):
                ctype = str(card.get("type") or "").lower()
                if "mini" in ctype or ctype in ("app", "miniapp", "weapp"):
                    title = str(card.get("title") or "")
                    if not (self.cfg["allow_text"] and any(a in title.lower() for a in self.cfg["allow_text"])):
                        return Hit(self, "mini-program card", f"[card] {title}")
        return None

    def match_flood(self, group_id: int, person_id: int, ts: int, text: str) -> Hit | None:
        """N messages in T seconds, or the same text K times in T seconds, per member and group."""
        cfg = self.cfg
        window = cfg["seconds"]
        key = (group_id, person_id)
        d = self.flood.get(key)
        if d is None:
            d = self.flood[key] = deque()
        d.append(ts)
        while d and ts - d[0] >= window:
            d.popleft()
        quiet = self.quiet_until.get(key)
        if quiet is not None:
            if ts < quiet:
                return None  # the burst already has its case (its mute may not have landed yet)
            del self.quiet_until[key]
        if len(d) >= cfg["max_messages"]:
            d.clear()  # one case per burst, not one per message after the N-th
            self.repeats.pop(key, None)
            self.quiet_until[key] = ts + max(60, window)
            return Hit(self, "flooding", f"{cfg['max_messages']} messages in {window}s")
        if cfg["repeat"] and text:
            r = self.repeats.get(key)
            if r is None:
                r = self.repeats[key] = deque()
            r.append((ts, text))
            while r and ts - r[0][0] >= window:
                r.popleft()
            same = sum(1 for _, t in r if t == text)
            if same >= cfg["repeat"]:
                r.clear()
                d.clear()
                self.quiet_until[key] = ts + max(60, window)
                return Hit(self, "same text repeated", f"the same text {same} times in {window}s")
        return None

    def prune(self, now: int) -> None:
        """Forget members quiet for longer than the flood window (memory stays bounded)."""
        window = self.cfg.get("seconds", 0)
        for table in (self.flood, self.repeats):
            stale = [k for k, d in table.items() if not d or now - (d[-1] if table is self.flood else d[-1][0]) >= window]
            for k in stale:
                del table[k]
        for k in [k for k, until in self.quiet_until.items() if until <= now]:
            del self.quiet_until[k]


@dataclass
class RuleSet:
    """Every enabled moderation rule, compiled, with the combined prefilter."""

    rules: list[CompiledRule]
    prefilter: re.Pattern | None
    text_rules: list[CompiledRule]
    custom_rules: list[CompiledRule]
    data_rules: list[CompiledRule]
    flood_rules: list[CompiledRule]

    @classmethod
    def build(cls, compiled: list[CompiledRule]) -> "RuleSet":
        pieces = [p for r in compiled for p in r.pieces]
        pre = re.compile("|".join(f"(?:{p})" for p in pieces), re.IGNORECASE) if pieces else None
        return cls(rules=compiled, prefilter=pre,
                   text_rules=[r for r in compiled if r.pieces],
                   custom_rules=[r for r in compiled if r.kind == "custom"],
                   data_rules=[r for r in compiled if r.kind == "ads" and (r.cfg["qr"] or r.cfg["cards"])],
                   flood_rules=[r for r in compiled if r.kind == "flood"])

    def candidates(self, text: str, data: dict[str, Any] | None) -> list[CompiledRule]:
        """Rules worth matching one by one against this message (usually none)."""
        out: list[CompiledRule] = []
        if text and self.prefilter is not None and self.prefilter.search(text):
            out.extend(self.text_rules)
        if text and self.custom_rules:
            out.extend(self.custom_rules)
        if data and self.data_rules:
            out.extend(r for r in self.data_rules if r not in out)
        return out
