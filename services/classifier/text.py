"""An article as sentences in zones: title, summary, the body's lead, the rest of the body.

Bodies are often whole scraped pages: navigation, bylines, "related stories" and teasers of
other articles. Lines the lexicons name as footer end the article; lines they name as clutter
are dropped; only then is the body split into sentences.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from services.classifier.lexicon import PageLex

# Curly quotes and dashes to ASCII, one character for one so offsets stay aligned.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u3000": " "})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# A sentence ends at . ! ? (then space and a capital, digit or quote), at 。！？!? in Chinese.
_EN_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_ZH_END = re.compile(r"(?<=[。！？!?])[”\"'」』)）]?")
_ABBREV = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|st|jr|sr|inc|corp|co|ltd|no|vs|gov|sen|rep|gen|lt|col|capt|prof|ft|mt|"
    r"approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|est|fig|dept|univ|ave|blvd)"
    r"|\b[a-z]|\b(?:[a-z]\.){1,3}[a-z]?)\.$",
    re.IGNORECASE,
)
_NAV = re.compile(r"(?:\s[|>»·]\s.*){2,}")  # "Home | World | Business | ..."
_TEASER = re.compile(r"(?:\.\.\.|…)\s*$")
# "FRANKFURT - ", "DETROIT, Nov 4 - ": a dateline is not part of the first sentence.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}?(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?\s?[-—–]\s")
_MAX_SENTENCE = 600
LEAD_SENTENCES = 3


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


def fold(text: str) -> str:
    """Curly quotes to straight ones, non-breaking spaces to spaces."""
    return text.translate(_FOLD)


def lower(text: str) -> str:
    """Lowercase without changing the length, so offsets hold in both strings."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower()[:1] or ch for ch in text)


def is_cjk(text: str) -> bool:
    """Mostly Chinese (or Japanese) characters rather than Latin letters."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and cjk >= len(_LATIN.findall(text)) * 0.3


def clean_body(content: str, pages: Sequence[PageLex]) -> list[str]:
    """The body's paragraphs without navigation, clutter and everything after a footer line."""
    kept: list[str] = []
    prose = 0
    for raw in content.splitlines():
        line = raw.strip()
        if not line:
            continue
        low = line.lower()
        if prose and any(page.footer.match(low) for page in pages):
            break
        if _NAV.search(line) or _TEASER.search(line) or any(page.drop.match(low) for page in pages):
            continue
        kept.append(line)
        prose += len(line)
    return kept


def split_sentences(paragraph: str, *, cjk: bool) -> Iterator[str]:
    """Sentences of one paragraph (long run-ons are cut into pieces)."""
    start = 0
    for m in (_ZH_END if cjk else _EN_END).finditer(paragraph):
        end = m.end() if cjk else m.start()
        if not cjk and _ABBREV.search(paragraph[max(start, end - 12) : end]):
            continue
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


def sentences(title: str, summary: str, content: str, pages: Sequence[PageLex]) -> list[Sentence]:
    """The article as sentences, in reading order, each with its zone."""
    out: list[Sentence] = []
    seen: set[str] = set()

    def add(texts: Iterable[str], zone: Zone) -> None:
        for text in texts:
            key = text.casefold()
            if key in seen:  # the headline repeated atop the body, a summary copied into it
                continue
            seen.add(key)
            out.append(Sentence(text, lower(text), zone, len(out), is_cjk(text)))

    title = fold(title).strip()
    if title:
        add([" ".join(title.split())], Zone.TITLE)
    for para in fold(summary).splitlines():
        add(split_sentences(para.strip(), cjk=is_cjk(para)), Zone.SUMMARY)
    body: list[str] = []
    for para in clean_body(fold(content), pages):
        body.extend(strip_dateline(s) for s in split_sentences(para, cjk=is_cjk(para)))
    lead = [s for s in body if s.casefold() not in seen][:LEAD_SENTENCES]
    add(lead, Zone.LEAD)
    add(body, Zone.BODY)
    return out
