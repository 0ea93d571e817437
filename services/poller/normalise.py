"""One feed entry, whatever its format, to the fields an Article carries.

Identity follows miniflux and the pipeline issue: the guid (namespaced by the configured
feed URL), else the canonical link, else the feed and title; never the date, so an entry
re-published with a new timestamp keeps its id.
"""

import hashlib
import time
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from schemas.limits import MAX_CONTENT, MAX_GUID, MAX_SUMMARY, MAX_TITLE
from services.poller.dates import parse_date
from services.poller.links import canonical_link
from services.poller.text import clean_text, detect_lang, html_to_text, normalise_lang


class Entry(NamedTuple):
    """A normalised entry; crosses the parser process boundary, so plain values only."""

    id: str
    title: str
    summary: str
    content: str
    link: str | None
    published: float | None
    updated: float | None
    lang: str | None
    complete: bool = True  # False: a stub for an id the poller said it had published
    digest: str = ""  # of the raw text: a change under the same id is an edit (issue #12)


@dataclass(slots=True)
class RawEntry:
    """What a format parser hands over: raw strings, HTML flagged, dates unread."""

    guid: str | None = None
    links: list[str] = field(default_factory=list)
    title: str = ""
    title_html: bool = False
    summary: str = ""
    summary_html: bool = True
    content: str = ""
    content_html: bool = True
    published: str | None = None
    published_parsed: time.struct_time | None = None
    updated: str | None = None
    updated_parsed: time.struct_time | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Per-feed facts normalisation needs: the id namespace, the fallbacks, the clock."""

    base: str  # the URL the feed came from, against which relative links resolve
    feed_key: str
    lang: str | None
    now: float
    max_future_skew: float
    known: frozenset[str] = frozenset()  # ids published before: normalising them is wasted


def text_digest(raw: "RawEntry") -> str:
    """A short hash of the entry's raw title, summary and content (cheap: no cleaning)."""
    text = "\x1f".join((raw.title, raw.summary, raw.content))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def article_id(feed_key: str, guid: str | None, link: str | None, text: str) -> str:
    """A fixed-length hex id from the guid, else the canonical link, else feed and text."""
    if guid:
        key = f"guid\x00{feed_key}\x00{guid}"
    elif link:
        key = f"link\x00{link}"
    else:
        key = f"text\x00{feed_key}\x00{text}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _text(value: str, is_html: bool, limit: int, *, keep_breaks: bool = False) -> str:
    if not value:
        return ""
    out = html_to_text(value, keep_breaks=keep_breaks) if is_html else clean_text(value)
    return out[:limit]


def normalise(raw: RawEntry, ctx: Context) -> Entry:
    """Clean text, a safe canonical link, sane dates and a stable id for one entry; an entry
    whose id is in `ctx.known` (published already) comes back as a stub without text."""
    link = None
    for candidate in raw.links:
        absolute = urljoin(ctx.base, candidate) if "://" not in candidate[:12] else candidate
        link = canonical_link(absolute) if candidate else None
        if link:
            break
    guid = clean_text(raw.guid)[:MAX_GUID] if raw.guid else None
    skew = ctx.max_future_skew
    # Dates before the stub check: a stub still counts in the feed's weekly entry rate
    # (poller.adaptive), which would otherwise fall to max_interval after the second change.
    published = parse_date(raw.published, raw.published_parsed, now=ctx.now, max_future_skew=skew)
    updated = (
        parse_date(raw.updated, raw.updated_parsed, now=ctx.now, max_future_skew=skew)
        if raw.updated
        else None
    )
    if published is None:
        published = updated
    if (guid or link) and ctx.known:
        known_id = article_id(ctx.feed_key, guid, link, "")
        if known_id in ctx.known:
            stub = Entry(known_id, "", "", "", link, published, updated, None, complete=False)
            return stub._replace(digest=text_digest(raw))  # an edit still shows
    title = _text(raw.title, raw.title_html, MAX_TITLE)
    # A summary's blocks stay lines: "<li>One was killed</li><li>Two crew members ...</li>"
    # is two statements, not "killed Two crew members" (the classifier reads lines apart).
    summary = _text(raw.summary, raw.summary_html, MAX_SUMMARY, keep_breaks=True)
    flat_summary = " ".join(summary.split())  # ids and comparisons as before the lines
    content = _text(raw.content, raw.content_html, MAX_CONTENT, keep_breaks=True)
    if content and " ".join(content.split()) == flat_summary:
        content = ""  # feedparser copies content into summary when only one is present
    lang = normalise_lang(raw.lang) or ctx.lang or detect_lang(title or summary)
    return Entry(
        id=article_id(ctx.feed_key, guid, link, title or flat_summary or content),
        title=title,
        summary=summary,
        content=content,
        link=link,
        published=published,
        updated=updated if updated is not None else published,
        lang=lang,
        digest=text_digest(raw),
    )


def dedupe(entries: list[Entry]) -> list[Entry]:
    """One entry per id, in first-seen order; the newest `updated` wins (feedparser returns
    repeated guids as they are)."""
    best: dict[str, Entry] = {}
    for entry in entries:
        kept = best.get(entry.id)
        if kept is None or (entry.updated or 0.0) > (kept.updated or 0.0):
            best[entry.id] = entry
    return list(best.values())
