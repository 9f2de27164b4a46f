"""Links in a message: find them, split them with the Public Suffix List, and judge them.

tldextract is built with `suffix_list_urls=()` and no cache folder, so it only ever reads the suffix list
bundled in its wheel: no network and no disk writes at run time (tests/test_check.py proves it with sockets
disabled). Look-alikes are scored against official-domains.yaml with rapidfuzz; punycode hosts are decoded
with `idna` so the learner sees the letters the link really uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import idna
import tldextract
from rapidfuzz import fuzz

from bot.check.catalogue import Catalogue, Organisation

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

# Host characters: letters of any alphabet except Thai (Thai words often touch a link with no space:
# "กดรับที่rd-refund.cc"), digits and dashes, in dot-separated labels.
_LABEL = r"[^\W_\u0e00-\u0e7f](?:[^\W_\u0e00-\u0e7f]|-)*"
_HOST = rf"{_LABEL}(?:\.{_LABEL})+"
_PATH = r"(?:[/?#][!-~]*)?"
_URL = re.compile(
    rf"(?:(?:https?|hxxps?)://|www\.)?(?P<host>{_HOST})(?::\d+)?(?P<path>{_PATH})", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}>'\"*"
_SCHEME = re.compile(r"(?:https?|hxxps?)://", re.IGNORECASE)

MIN_FUZZY_NAME = 5  # aliases shorter than this only match a whole part of a domain ("scb", "rd")
FUZZY_SCORE = 86.0  # rapidfuzz ratio from which a domain part counts as a look-alike ("kasikornbnk")


@dataclass(frozen=True)
class Link:
    text: str  # as written in the message (quoted back as evidence)
    host: str  # lower case, punycode decoded to Unicode where possible
    registrable: str  # domain + public suffix, "" when the host has no known suffix
    name: str  # the registrable domain without its suffix ("kbank-th")
    subdomain: str
    path: str
    ascii_host: bool


def _decode(host: str) -> str:
    host = host.lower().rstrip(".")
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


def find_links(text: str) -> list[Link]:
    """Every link-like part of the text whose host ends in a real public suffix ("3.20 บาท" is not a link)."""
    links: list[Link] = []
    for match in _URL.finditer(text):
        host = _decode(match.group("host"))
        written = match.group(0).rstrip(_TRAILING)
        parts = _EXTRACT(host)
        if parts.suffix and parts.domain:
            registrable, name, subdomain = f"{parts.domain}.{parts.suffix}", parts.domain, parts.subdomain
        elif _SCHEME.match(written):
            # "https://cpt.dx/55qd1": no such suffix, but written as a link, and a phone would try to open it.
            registrable, name, subdomain = host, host.rsplit(".", 1)[0], ""
        else:
            continue  # "3.20 บาท", "ver.2": not links
        links.append(
            Link(
                text=written,
                host=host,
                registrable=registrable,
                name=name,
                subdomain=subdomain,
                path=match.group("path").rstrip(_TRAILING),
                ascii_host=host.isascii(),
            )
        )
    return links


def _owner_index(catalogue: Catalogue) -> dict[str, Organisation]:
    return _owners(catalogue.organisations)


@lru_cache(maxsize=4)
def _owners(organisations: tuple[Organisation, ...]) -> dict[str, Organisation]:
    return {domain.lower(): org for org in organisations for domain in org.domains}


def owner(link: Link, catalogue: Catalogue) -> Organisation | None:
    """The organisation an official link belongs to (by registrable domain or exact host), else None."""
    owners = _owner_index(catalogue)
    host = link.host
    while True:
        if host in owners:
            return owners[host]
        if "." not in host:
            return None
        host = host.split(".", 1)[1]


def is_shortener(link: Link, catalogue: Catalogue) -> bool:
    if owner(link, catalogue) is not None:
        return False
    return link.registrable in catalogue.shorteners or link.host in catalogue.shorteners


def is_add_friend(link: Link, catalogue: Catalogue) -> bool:
    return bool(catalogue.add_friend.search(f"{link.host}{link.path}"))


def is_apk(link: Link) -> bool:
    return bool(re.search(r"\.apk(?:$|[?#])", link.path, re.IGNORECASE))


def is_ios_profile(link: Link) -> bool:
    return bool(re.search(r"\.mobileconfig(?:$|[?#])", link.path, re.IGNORECASE))


def is_idn(link: Link) -> bool:
    """A host spelled with letters of another alphabet (Cyrillic а, Greek ο...) among Latin ones, or wholly
    non-Latin but not Thai. Thai-script domains (ธนาคาร.ไทย) are legitimate and not flagged by themselves."""
    if link.ascii_host:
        return False
    letters = [ch for ch in link.host if ch.isalpha()]
    thai = all("\u0e00" <= ch <= "\u0e7f" or ch.isascii() for ch in letters)
    return not thai


# Letters that look like Latin ones: folded before comparing a host with the allowlist.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ο": "o", "ρ": "p", "α": "a", "ν": "v", "κ": "k", "τ": "t",
        "ı": "i", "ӧ": "o", "ё": "e", "0": "o", "1": "l",
    }
)  # fmt: skip


def _parts(name: str) -> list[str]:
    return [part for part in re.split(r"[^a-z]+", name.translate(_CONFUSABLES)) if part]


def lookalike_of(link: Link, catalogue: Catalogue) -> Organisation | None:
    """The organisation whose name this unofficial link imitates (kbank-th.co, scb-easy.net), else None."""
    if owner(link, catalogue) is not None:
        return None
    folded = link.name.translate(_CONFUSABLES)
    joined = re.sub(r"[^a-z]", "", folded)
    parts = _parts(link.name) + _parts(link.subdomain)
    for org in catalogue.organisations:
        for alias in org.aliases:
            if alias in parts:
                return org
            if len(alias) < MIN_FUZZY_NAME:
                continue
            if alias in joined or any(fuzz.ratio(alias, part) >= FUZZY_SCORE for part in [*parts, joined]):
                return org
        for domain in org.domains:
            official_name = _EXTRACT(domain).domain
            if (
                len(official_name) >= MIN_FUZZY_NAME
                and folded != official_name
                and fuzz.ratio(official_name, joined) >= FUZZY_SCORE
            ):
                return org
    return None


def named_organisations(text: str, catalogue: Catalogue) -> list[Organisation]:
    """Organisations the message names in words (กสิกร, SCB, สรรพากร), in the order they appear."""
    found: list[tuple[int, Organisation]] = []
    lowered = text.lower()
    for org in catalogue.organisations:
        positions = [lowered.find(name.lower()) for name in org.names_th]
        positions = [pos for pos in positions if pos >= 0 and _whole_word(lowered, pos, org)]
        if positions:
            found.append((min(positions), org))
    return [org for _, org in sorted(found, key=lambda item: item[0])]


def _whole_word(text: str, pos: int, org: Organisation) -> bool:
    """An ASCII name counts only as a whole word ("scb", not the "scb" inside "scbx-shop")."""
    for name in org.names_th:
        low = name.lower()
        if text.startswith(low, pos):
            if not low.isascii():
                return True
            before = text[pos - 1] if pos > 0 else " "
            after = text[pos + len(low)] if pos + len(low) < len(text) else " "
            return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return False
