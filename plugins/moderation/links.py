"""Links judged by their registrable domain: a link is an ad unless its domain is a
well-known service's (carriers, couriers, railways, marketplaces, payment, government).

A member forwarding a 12306 or 10086 notice, a JD order or a courier's tracking page is not
advertising; a link to a domain nobody vouches for in a group chat usually is. The domain
that matters is the registrable one, the part a person can buy: ``a.b.example.com.cn`` is
``example.com.cn`` (``com.cn`` is a public suffix), ``mall.jd.com`` is ``jd.com``. The
public suffixes are a small hand-kept table (SUFFIXES), enough for the Chinese and common
foreign ones; a full public-suffix list (tldextract's) would need the network at first use.

Verdicts (``verdict``):
- ``allowed``: the registrable domain is in the allow list (``allowed_domains.txt``, kept
  with the code, plus the ads rule's ``allow_domains``), or under an allowed suffix
  (``.gov.cn``): never an ad;
- ``short``: a link shortener (t.cn, url.cn, dwz.cn …): unknown, so not an ad by itself
  (courier and carrier texts use them); other channels of the same message still count;
- ``unknown``: anything else: a link category hit, as before.

Text is matched normalised (plugins.moderation.normalize: full-width dots are dots, "，"
is ","), so ``taobao，com`` and ``xx。com`` are links too (``DISGUISED``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .channels import LINK, TLDS

ALLOW_FILE = Path(__file__).with_name("allowed_domains.txt")

#: Public suffixes of more than one label (the registrable domain is one label more).
SUFFIXES = frozenset(
    f"{a}.{b}" for b, firsts in {
        "cn": ("com", "net", "org", "gov", "edu", "ac", "mil", "bj", "sh", "tj", "cq", "he", "sx", "nm", "ln", "jl",
               "hl", "js", "zj", "ah", "fj", "jx", "sd", "ha", "hb", "hn", "gd", "gx", "hi", "sc", "gz", "yn", "xz",
               "sn", "gs", "qh", "nx", "xj", "tw", "hk", "mo"),
        "hk": ("com", "net", "org", "gov", "edu", "idv"),
        "tw": ("com", "net", "org", "gov", "edu", "idv"),
        "mo": ("com", "net", "org", "gov", "edu"),
        "uk": ("co", "org", "gov", "ac", "me", "net"),
        "jp": ("co", "ne", "or", "go", "ac"),
        "au": ("com", "net", "org", "gov", "edu"),
        "sg": ("com", "net", "org", "gov", "edu"),
        "my": ("com", "net", "org", "gov", "edu"),
        "kr": ("co", "or", "go", "ac"),
    }.items() for a in firsts)

#: Link shorteners: where the link goes is unknown until it is opened.
SHORTENERS = frozenset({"t.cn", "url.cn", "dwz.cn", "suo.im", "sina.lt", "mrw.so", "rrd.me", "w.url.cn", "bit.ly",
                        "tinyurl.com", "goo.gl", "t.co", "is.gd", "ow.ly", "u.nu", "dwz.mk", "c7.gg", "kks.me"})

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?"
#: a domain written with a comma, an ideographic full stop or 点 for its dots (taobao，com)
DISGUISED = rf"(?<![a-z0-9.-]){_LABEL}(?:[.,。点]{_LABEL}){{0,3}}[,。点](?:{TLDS})(?![a-z0-9])"
#: bare hosts of several labels (mall.jd.com, a.b.example.com.cn), which LINK's bare form,
#: one label before the suffix, does not take whole
MULTI = rf"(?<![a-z0-9.-]){_LABEL}(?:\.{_LABEL}){{1,4}}\.(?:{TLDS})(?![a-z0-9])(?:/[^\s]{{0,200}})?"
#: every link shape an ads rule looks for (the named group ``link``)
LINK_ANY = rf"{MULTI}|{LINK}|{DISGUISED}"
#: prefilter gate for the disguised form (the others are covered by channels.GATES["link"])
GATE = rf"[,。点](?:{TLDS})"

_HOST = re.compile(r"[a-z0-9.-]+")
_DOTS = str.maketrans({",": ".", "。": ".", "点": "."})
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")


class AllowListError(ValueError):
    """An allow list that cannot work; the message names the file, line and reason."""


def host_of(span: str) -> str:
    """The host of a matched link (normalised text): scheme, path, port and user dropped,
    disguised dots read as dots."""
    s = span.strip().translate(_DOTS)
    s = re.sub(r"^[a-z][a-z0-9+.-]{0,9}://", "", s)
    s = s.split("@", 1)[-1] if "@" in s.split("/", 1)[0] else s
    m = _HOST.match(s)
    return m.group(0).strip(".-") if m else ""


def registrable(host: str) -> str:
    """The registrable domain of a host: the public suffix (SUFFIXES, else the last label)
    and one label more; an IP address or a single label is returned as it is."""
    labels = [x for x in host.lower().strip(".").split(".") if x]
    if len(labels) < 2 or all(x.isdigit() for x in labels):
        return ".".join(labels)
    n = 3 if ".".join(labels[-2:]) in SUFFIXES else 2
    return ".".join(labels[-n:])


def entry_problem(entry: str) -> str | None:
    """Why ``entry`` cannot be an allow-list entry, or None: a registrable domain
    (``jd.com``) or a public suffix with a leading dot (``.gov.cn``)."""
    e = entry.strip()
    if not e:
        return "is empty"
    if e != e.lower():
        return f"{e!r} has upper-case letters; write domains in lower case"
    if "/" in e or ":" in e or " " in e:
        return f"{e!r} is not a domain (no scheme, path, port or spaces: write jd.com, not a link)"
    if e.startswith("."):
        if e[1:] in SUFFIXES:
            return None
        return f"{e!r}: a leading dot is only for a public suffix such as .gov.cn"
    if not _DOMAIN.match(e):
        return f"{e!r} is not a domain (letters, digits and hyphens, labels joined by dots)"
    if e in SUFFIXES:
        return f"{e!r} is a public suffix, not a domain; write .{e} to allow every domain under it"
    if registrable(e) != e:
        return f"{e!r} is a host under {registrable(e)!r}; the allow list holds registrable domains"
    return None


@dataclass(frozen=True)
class AllowList:
    domains: frozenset[str]
    suffixes: frozenset[str]  # without the leading dot

    def allows(self, domain: str) -> bool:
        if domain in self.domains:
            return True
        return any(domain.endswith("." + s) for s in self.suffixes)


def parse_allow_list(text: str, source: str) -> AllowList:
    """One entry a line (comments after "#"); AllowListError names the line and why."""
    domains, suffixes = set(), set()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        problem = entry_problem(line)
        if problem:
            raise AllowListError(f"{source}, line {n}: {problem}")
        (suffixes.add(line[1:]) if line.startswith(".") else domains.add(line))
    return AllowList(frozenset(domains), frozenset(suffixes))


def load_allow_list(path: Path = ALLOW_FILE) -> AllowList:
    return parse_allow_list(path.read_text(encoding="utf-8"), str(path))


ALLOWED = load_allow_list()


def reload_allow_list(path: Path = ALLOW_FILE) -> str | None:
    """Read the allow list again (after the file was edited); a bad file leaves the list
    in force as it was and the problem is returned (None when the new list is in force)."""
    global ALLOWED
    try:
        ALLOWED = load_allow_list(path)
    except (AllowListError, OSError, UnicodeDecodeError) as e:
        return str(e)
    return None


def operation_list(entries: list[str]) -> AllowList:
    """An ads rule's own ``allow_domains`` (already checked by kinds.validate)."""
    return AllowList(frozenset(e for e in entries if not e.startswith(".")),
                     frozenset(e[1:] for e in entries if e.startswith(".")))


def verdict(span: str, extra: AllowList | None = None) -> str:
    """``allowed``, ``short`` or ``unknown`` for a matched link (see the module docstring)."""
    domain = registrable(host_of(span))
    if ALLOWED.allows(domain) or (extra is not None and extra.allows(domain)):
        return "allowed"
    if domain in SHORTENERS:
        return "short"
    return "unknown"
