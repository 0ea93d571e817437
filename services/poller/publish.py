"""Dedupe and publish: which entries are new, and sending them to the bus.

An id is recorded as seen only after `bus.send` returned (durable). A canonical link already
published (from any feed) is not published again: one story in two feeds goes out once.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog

from schemas.article import Article
from schemas.limits import MAX_SOURCE
from services.core.bus import Bus
from services.core.logging import per_item
from services.poller.config import FeedConfig, Settings
from services.poller.errors import FeedError
from services.poller.metrics import ARTICLES_PUBLISHED
from services.poller.normalise import Entry
from services.poller.parser import ParsedFeed
from services.poller.state import StateStore

ARTICLE_PUBLISHED = "article_published"
per_item(ARTICLE_PUBLISHED)


class StaleStubsError(Exception):
    """A stub entry (text skipped as already published) turned out not to be in `seen`."""


class PublishFailed(FeedError):  # noqa: N818  (reads as the cause, like its siblings)
    """The bus did not take an article; the poll is retried with backoff."""


def to_article(entry: Entry, feed: FeedConfig, source: str, now: float) -> Article:
    """The bus message for a normalised entry; published falls back to first-seen."""
    first_seen = datetime.fromtimestamp(now, UTC)
    published = datetime.fromtimestamp(entry.published, UTC) if entry.published else first_seen
    return Article(
        id=entry.id,
        feed=feed.name,
        feed_url=feed.url,
        title=entry.title,
        summary=entry.summary,
        content=entry.content,
        link=entry.link,
        published=published,
        first_seen=first_seen,
        lang=entry.lang,
        source=(source or feed.name)[:MAX_SOURCE],
    )


@dataclass
class Publisher:
    """Finds the new entries of a parsed feed and publishes them."""

    settings: Settings
    bus: Bus
    store: StateStore
    # One feed at a time from "is it new?" to "recorded as seen": two feeds carrying the same
    # link (or link-based id) must not both find it new while the first is still sending.
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def new_entries(self, parsed: ParsedFeed, feed_key: str, now: float) -> tuple[list[Entry], int]:
        """Entries not published before (by id, then by canonical link), oldest first, and
        how many unseen ones were older than `max_age`; refreshes the expiry of ids still in
        the feed so they never come back."""
        ttl = self.settings.poller.seen_ttl
        seen = self.store.seen([e.id for e in parsed.entries])
        refresh = [
            (e.id, e.link) for e in parsed.entries if seen.get(e.id, now + ttl) < now + ttl / 2
        ]
        if refresh:
            self.store.mark_seen(feed_key, refresh, now + ttl)
        edited = self._edited(parsed, seen)
        fresh = [e for e in parsed.entries if e.id not in seen]
        if any(not e.complete for e in (*fresh, *edited)):
            raise StaleStubsError  # the edited text is needed: parse the feed in full
        links = self.store.links_seen([e.link for e in fresh if e.link])
        max_age = self.settings.poller.max_age
        oldest = now - max_age if max_age is not None else None
        new, same_story, too_old = [], [], 0
        for entry in fresh:
            if oldest is not None and entry.published is not None and entry.published < oldest:
                same_story.append((entry.id, entry.link))  # backlog: remembered, not news
                too_old += 1
            elif entry.link and entry.link in links:
                same_story.append((entry.id, entry.link))
            else:
                new.append(entry)
                if entry.link:
                    links.add(entry.link)
        if same_story:  # already told under the same link elsewhere, or too old to be news
            self.store.mark_seen(feed_key, same_story, now + ttl)
        new += edited  # its link is its own: published again under the same id
        new.sort(key=lambda e: e.published or now)
        return new, too_old

    def _edited(self, parsed: ParsedFeed, seen: dict[str, float]) -> list[Entry]:
        """Published entries whose text changed since: re-classified, since an outlet edits a
        story under the same guid as it grows. Only ids published with a digest count: a
        backlog entry (remembered, never published) stays unpublished when edited."""
        ids = [e.id for e in parsed.entries if e.id in seen and e.digest]
        known = self.store.digests(ids) if ids else {}
        return [e for e in parsed.entries if e.id in known and known[e.id] != e.digest]

    async def publish(
        self, feed: FeedConfig, parsed: ParsedFeed, now: float, flog: structlog.BoundLogger
    ) -> tuple[int, int]:
        """Send the new entries; record each as seen once sent; PublishFailed if any failed.
        Returns (articles sent, unseen entries skipped as older than max_age)."""
        async with self._lock:
            return await self._publish(feed, parsed, now, flog)

    async def _publish(
        self, feed: FeedConfig, parsed: ParsedFeed, now: float, flog: structlog.BoundLogger
    ) -> tuple[int, int]:
        new, too_old = self.new_entries(parsed, feed.url, now)
        if not new:
            return 0, too_old
        topic = self.settings.kafka.topics.articles
        articles = [to_article(e, feed, parsed.title, now) for e in new]
        results = await asyncio.gather(
            *(self.bus.send(topic, a.id, a.model_dump_json().encode()) for a in articles),
            return_exceptions=True,
        )  # bounded: at most max_entries sends, one feed's worth
        sent = [
            a for a, r in zip(articles, results, strict=True) if not isinstance(r, BaseException)
        ]
        expires = now + self.settings.poller.seen_ttl
        self.store.mark_seen(feed.url, ((a.id, a.link) for a in sent), expires)
        sent_ids = {a.id for a in sent}
        self.store.mark_digests(((e.id, e.digest) for e in new if e.id in sent_ids), expires)
        ARTICLES_PUBLISHED.inc(len(sent))
        for article in sent:
            flog.info(ARTICLE_PUBLISHED, article_id=article.id, title=article.title[:120])
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise PublishFailed(
                f"bus send failed for {len(failures)} of {len(articles)} articles: {failures[0]!r}"
            )
        return len(sent), too_old
