"""An article as sentences in zones: title, summary, the body's lead, the rest of the body.

Bodies are often whole scraped pages: navigation, bylines, "related stories" and teasers of
other articles. Lines the lexicons name as footer end the article; lines they name as clutter
are dropped; only then is the body split into sentences.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import PageLex
from services.core.cjk import IDEOGRAPH

# Curly quotes and odd spaces to ASCII, one character for one so offsets stay aligned.
_FOLD = {"\u2019": "'", "\u2018": "'", "“": '"', "”": '"', "\u00a0": " ", "\u3000": " "}
_FOLD_RE = lazy("[" + "".join(_FOLD) + "]")
_CJK = IDEOGRAPH
_NOT_LETTER = bytes(c for c in range(128) if not chr(c).isalpha())  # all ASCII but A-Z, a-z
# A sentence ends at . ! ? (then space and a capital, digit or quote), at the Chinese full
# stop and the full-width ! and ? in Chinese.
_EN_END = lazy(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_ZH_END = lazy(r"(?<=[。\uff01\uff1f!?])[”\"'」』)\uff09]?")
_ABBREV = lazy(
    r"(?:\b(?:mr|mrs|ms|dr|st|jr|sr|inc|corp|co|ltd|no|vs|gov|sen|rep|gen|lt|col|capt|prof|ft|mt|"
    r"approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|est|fig|dept|univ|ave|blvd)"
    r"|\b[a-z]|\b(?:[a-z]\.){1,3}[a-z]?)\.$",
    re.IGNORECASE,
)
# "FRANKFURT - ", "DETROIT, Nov 4 - ": a dateline is not part of the first sentence.
_DATELINE = lazy(r"^[A-Z][A-Z .,'-]{2,40}?(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?\s?[-—\u2013]\s")
_STARTER = lazy(r"(?:The|It|Its|This|That|A|An|He|She|They|We|But|And|In|On|At|For)\s")
_MAX_SENTENCE = 600
LEAD_CHARS = 600  # the lead: what the first paragraphs of the body say
_SHORT_LINE = 120  # clutter ("Reporting by ...; editing by ...") is at most this long
_FOOTER_LINE = 60  # a footer heading ("Related stories", "相关阅读") at most this


class Zone(IntEnum):
    """Where a sentence stands: the earlier, the more it says what the article reports."""

    TITLE = 0
    SUMMARY = 1
    LEAD = 2
    BODY = 3


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text (quotes folded), the same text lowercased, where it stands."""

    text: str
    low: str
    zone: Zone
    index: int
    cjk: bool
    kinds: frozenset[str] | None = None  # event kinds whose words it holds, when known


def fold(text: str) -> str:
    """Curly quotes to straight ones, non-breaking spaces to spaces."""
    if text.isascii():  # every character folded is outside ASCII
        return text
    return _FOLD_RE.sub(lambda m: _FOLD[m.group()], text)


def lower(text: str) -> str:
    """Lowercase without changing the length, so offsets hold in both strings."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower()[:1] or ch for ch in text)


def is_cjk(text: str) -> bool:
    """Mostly Chinese (or Japanese) characters rather than Latin letters."""
    if text.isascii() or not _CJK.search(text):
        return False
    # Latin letters counted in C (bytes.translate deletes the rest); most Chinese has none.
    latin = len(text.encode("ascii", "ignore").translate(None, _NOT_LETTER))
    return not latin or len(_CJK.findall(text)) >= latin * 0.3


def clean_body(content: str, pages: Sequence[PageLex]) -> list[str]:
    """The body's paragraphs without navigation, clutter and everything after a footer line."""
    footer, drop = _page_patterns(tuple(pages))
    kept: list[str] = []
    for raw in content.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) <= _SHORT_LINE:  # footers, clutter and navigation are short lines
            low = line.lower()
            if kept and len(line) <= _FOOTER_LINE and footer.match(low):
                break
            if drop.match(low) or (
                (" | " in line or " > " in line) and line.count(" | ") + line.count(" > ") >= 2
            ):
                continue
        if line.endswith(("...", "…")):
            continue  # a teaser of another story
        kept.append(line)
    return kept


@lru_cache(maxsize=8)
def _page_patterns(pages: tuple[PageLex, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every language's footer lines and clutter lines, each as one regex for a whole line."""
    footer = "|".join(p.footer.pattern for p in pages)
    drop = "|".join(p.drop.pattern for p in pages)
    return re.compile(rf"(?:{footer})\s*$"), re.compile(rf"(?:{drop})\s*$")


def split_sentences(paragraph: str, *, cjk: bool) -> Iterator[str]:
    """Sentences of one paragraph (long run-ons are cut into pieces)."""
    start = 0
    for m in (_ZH_END if cjk else _EN_END).finditer(paragraph):
        end = m.end() if cjk else m.start()
        abbreviation = not cjk and _ABBREV.search(paragraph[max(start, end - 12) : end])
        if abbreviation and not _STARTER.match(paragraph, m.end()):
            continue  # "Corp. said", but "in the U.S. The fix ..." ends a sentence
        if end > start:
            yield from _cap(paragraph[start:end].strip())
        start = m.end()
    if start < len(paragraph):
        yield from _cap(paragraph[start:].strip())


def _cap(sentence: str) -> Iterator[str]:
    while len(sentence) > _MAX_SENTENCE:
        cut = sentence.rfind(" ", 0, _MAX_SENTENCE)
        cut = cut if cut > _MAX_SENTENCE // 2 else _MAX_SENTENCE
        yield sentence[:cut]
        sentence = sentence[cut:].lstrip()
    if sentence:
        yield sentence


def strip_dateline(text: str) -> str:
    """A body sentence without its dateline ("SEOUL - ")."""
    m = _DATELINE.match(text)
    return text[m.end() :] if m else text


def sentences(
    title: str,
    summary: str,
    content: str,
    *,
    pages: Sequence[PageLex],
    keep: frozenset[str],
    lead_words: Callable[[str], set[str]],
) -> list[Sentence]:
    """The article's sentences to read, in order: the headline, the summary, the lead (the
    first LEAD_CHARS of the cleaned body) where `lead_words` finds a word of an event, and
    body sentences holding one of the `keep` words.

    Paragraphs without those words are skipped unsplit: most of a page never gets far.
    """
    out: list[Sentence] = []
    seen: set[str] = set()

    def add(raw: str, zone: Zone, cjk: bool, kinds: frozenset[str] | None = None) -> None:
        text = fold(raw)
        key = text.casefold()
        if key not in seen:  # a headline repeated atop the body counts once
            seen.add(key)
            out.append(Sentence(text, lower(text), zone, len(out), cjk and is_cjk(text), kinds))

    title = " ".join(title.split())
    if title:
        add(title, Zone.TITLE, cjk=True)
    for para in summary.splitlines():
        cjk = is_cjk(para)
        for text in split_sentences(para.strip(), cjk=cjk):
            add(text, Zone.SUMMARY, cjk)
    offset = 0
    title_key = title.casefold()
    for para in clean_body(content, pages):
        if len(para) == len(title) and para.casefold() == title_key:
            continue
        start, offset = offset, offset + len(para) + 1
        low = para.lower()
        kinds = frozenset(lead_words(low)) if start < LEAD_CHARS else None
        if not (kinds if kinds is not None else any(w in low for w in keep)):
            continue
        cjk = is_cjk(para)
        parts = list(split_sentences(para, cjk=cjk))
        known = kinds if len(parts) == 1 else None  # a one-sentence paragraph: kinds known
        for raw in parts:
            text = strip_dateline(raw)
            zone = Zone.LEAD if start < LEAD_CHARS else Zone.BODY
            start += len(text) + 1
            if zone == Zone.BODY:
                lowered = text.lower()
                if not any(word in lowered for word in keep):
                    continue
            add(text, zone, cjk, known)
    return out
