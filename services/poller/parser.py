"""Parse a fetched body into normalised entries: pure, runs in a parser worker process.

feedparser reads the bytes we prepared (never a URL or a path: it gets a BytesIO), with
sanitize_html and resolve_relative_uris off because normalisation reduces HTML to text
itself, more cheaply (see docs/poller.md for the figures).
"""

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

import feedparser

from services.poller.document import Document, prepare
from services.poller.errors import NotAFeed
from services.poller.jsonfeed import parse_json_feed
from services.poller.normalise import Context, Entry, RawEntry, dedupe, normalise
from services.poller.text import clean_text, html_to_text, normalise_lang

_UTF8_DECL = b'<?xml version="1.0" encoding="utf-8"?>\n'
_CLOSED_ENTRY = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_PERIODS = {"hourly": 3600.0, "daily": 86400.0, "weekly": 604800.0, "monthly": 2592000.0,
            "yearly": 31536000.0}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParseJob:
    """Everything a worker needs; picklable."""

    body: bytes
    url: str  # where the body came from: base for relative links
    feed_key: str  # the configured feed URL: namespace of guid-based ids
    content_type: str | None = None
    content_language: str | None = None
    lang: str | None = None
    now: float = 0.0
    max_future_skew: float = 86400.0
    max_entries: int = 5000
    known: frozenset[str] = frozenset()  # ids published from this feed before


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed, normalised feed."""

    title: str
    version: str
    entries: list[Entry]
    link: str | None = None
    lang: str | None = None
    bozo: str | None = None  # why the document was not clean, when it was not
    ttl: float | None = None  # seconds the feed asks readers to wait (<ttl>, sy:updatePeriod)
    hub: str | None = None  # WebSub hub the feed advertises
    self_url: str | None = None
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)


def _is_html(detail: Any) -> bool:
    return not isinstance(detail, dict) or detail.get("type") != "text/plain"


def _text(value: str, is_html: bool) -> str:
    return html_to_text(value) if is_html else clean_text(value)


def _raw_entry(entry: dict[str, Any], feed_lang: str | None) -> RawEntry:
    def get(key: str, default: Any = None) -> Any:
        # dict.get: FeedParserDict.get remaps keys (and warns about updated -> published).
        return dict.get(entry, key, default)

    guid = get("id")
    link = get("link") or ""
    if link == guid and "://" not in link[:12]:
        link = ""  # feedparser copies a permalink guid into link; a relative one is no link
    links = [link]
    links += [link.get("href", "") for link in get("links", ()) if link.get("rel") == "alternate"]
    title_detail = get("title_detail") or {}
    content = ""
    content_html = True
    for item in get("content") or ():
        if item.get("value"):
            content, content_html = item["value"], _is_html(item)
            break
    return RawEntry(
        guid=guid,
        links=links,
        title=get("title") or "",
        title_html=_is_html(title_detail),
        summary=get("summary") or "",
        summary_html=_is_html(get("summary_detail")),
        content=content,
        content_html=content_html,
        published=get("published"),
        published_parsed=get("published_parsed"),
        updated=get("updated"),
        updated_parsed=get("updated_parsed"),
        lang=title_detail.get("language") or feed_lang,
    )


def _ttl(feed: dict[str, Any]) -> float | None:
    hints = []
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit():
        hints.append(int(ttl) * 60.0)
    period = _PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        hints.append(period / max(1, int(frequency) if frequency.isdigit() else 1))
    return max(hints) if hints else None


def _feedparser(doc: Document, job: ParseJob) -> tuple[dict[str, Any], list[RawEntry], str | None]:
    # No Content-Location: feedparser would urljoin at every element (+40% CPU); relative
    # links are resolved in normalisation instead, once per link.
    headers = {"content-language": job.content_language} if job.content_language else {}
    result = feedparser.parse(
        io.BytesIO(_UTF8_DECL + doc.text.encode("utf-8", "surrogatepass")),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = dict(result.get("feed", {}))
    raw_entries = result.get("entries", [])
    version = result.get("version") or ""
    if not version and not raw_entries:
        # The root's name is the document's text: described, not quoted (issue 11).
        raise NotAFeed("not a feed: an XML document that is not RSS, RDF or Atom")
    bozo = None
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        bozo = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed"
    if raw_entries and f"</{doc.root}" not in doc.text[-4096:]:
        # Truncated (a download cut mid-item): keep only entries whose closing tag arrived.
        raw_entries = raw_entries[: len(_CLOSED_ENTRY.findall(doc.text))]
        bozo = bozo or "document truncated"
    links = feed.get("links") or ()
    fields = {
        "title": _text(feed.get("title") or "", _is_html(feed.get("title_detail"))),
        "link": feed.get("link"),
        "lang": feed.get("language"),
        "version": version or "unknown",
        "ttl": _ttl(feed),
        "hub": next((ln.get("href") for ln in links if ln.get("rel") == "hub"), None),
        "self": next((ln.get("href") for ln in links if ln.get("rel") == "self"), None),
    }
    feed_lang = normalise_lang(job.content_language) or feed.get("language")
    return fields, [_raw_entry(e, feed_lang) for e in raw_entries], bozo


def parse_feed(job: ParseJob) -> ParsedFeed:
    """Parse and normalise; raises EmptyBody, NotAFeed or Rejected for what is no feed."""
    doc = prepare(job.body, job.content_type, url=job.url)
    if doc.kind == "json":
        fields, raw_entries = parse_json_feed(doc.text)
        bozo = None
    else:
        fields, raw_entries, bozo = _feedparser(doc, job)
    notes = [doc.note] if doc.note else []
    if len(raw_entries) > job.max_entries:
        notes.append(f"kept the first {job.max_entries} of {len(raw_entries)} entries")
        raw_entries = raw_entries[: job.max_entries]
    feed_lang = normalise_lang(fields.get("lang")) or normalise_lang(job.lang)
    now = job.now or time.time()
    ctx = Context(job.url, job.feed_key, feed_lang, now, job.max_future_skew, job.known)
    entries = [normalise(raw, ctx) for raw in raw_entries]
    unique = dedupe(entries)
    return ParsedFeed(
        title=fields.get("title") or "",
        version=fields.get("version") or "unknown",
        entries=unique,
        link=fields.get("link"),
        lang=feed_lang,
        bozo="; ".join(filter(None, [bozo, *notes])) or None,
        ttl=fields.get("ttl"),
        hub=fields.get("hub"),
        self_url=fields.get("self"),
        duplicates=len(entries) - len(unique),
    )
