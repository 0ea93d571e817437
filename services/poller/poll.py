"""One poll of one feed: fetch -> (skip if unchanged) -> parse -> dedupe -> publish -> record.

Validators (ETag, Last-Modified, body hash) are stored only after every new article was
published, so a bus failure never turns the next poll into a 304 that hides them. An id is
recorded as seen only after `bus.send` returned (durable), in the same commit as the feed row.
"""

import asyncio
import hashlib
import random
import time
from dataclasses import dataclass, field

import structlog

from services.core.bus import Bus
from services.core.logging import per_item
from services.poller import health, metrics
from services.poller.config import FeedConfig, PollerSettings, Settings
from services.poller.errors import FeedError, Rejected
from services.poller.fetcher import Fetcher, Response
from services.poller.parser import ParsedFeed, ParseJob
from services.poller.pool import ParserPool
from services.poller.publish import Publisher, StaleStubsError
from services.poller.redirects import Redirects
from services.poller.rounds import PollRound
from services.poller.schedule import adaptive_interval, cache_seconds
from services.poller.state import FeedState, StateStore
from services.poller.websub import WebSub

log = structlog.get_logger(__name__)
Log = structlog.BoundLogger

FEED_POLLED = "feed_polled"
per_item(FEED_POLLED)  # the console shows the round line (rounds.py) instead
FEED_NOT_MODIFIED = "feed_not_modified"
WEBSUB_HUB_GONE = "websub_hub_gone"
FEED_UNCHANGED = "feed_unchanged"
FEED_MALFORMED = "feed_malformed"
FEED_MOVED = "feed_moved"
FEED_REDIRECT_SEEN = "feed_redirect_seen"
FEED_PUSHED = "feed_pushed"
FEED_PUSH_FAILED = "feed_push_failed"


@dataclass
class FeedPoller:
    """Polls feeds one at a time each; shared by the scheduler's concurrent tasks."""

    settings: Settings
    bus: Bus
    store: StateStore
    fetcher: Fetcher
    pool: ParserPool
    rng: random.Random
    feeds: dict[str, FeedConfig] = field(default_factory=dict)
    states: dict[str, FeedState] = field(default_factory=dict)
    websub: WebSub | None = None
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    # Ids of each feed's last parse, all published: the parser skips their text (in memory
    # only; about 4 KB a feed). Dedupe still asks the seen table.
    _known: dict[str, frozenset[str]] = field(default_factory=dict)
    # When a subscription attempt that stored nothing (hub refused) may be tried again.
    _hub_retry: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.publisher = Publisher(self.settings, self.bus, self.store)
        self.round = PollRound(feeds=len(self.feeds))
        self.redirects = Redirects(self.store.db)

    def interval(self, feed: FeedConfig, state: FeedState) -> float:
        """The base interval: adaptive when enabled and known, else configured, else default."""
        if self.settings.poller.adaptive and state.adaptive_interval:
            return state.adaptive_interval
        return feed.interval or self.settings.poller.default_interval

    async def poll(self, feed: FeedConfig, state: FeedState) -> int:
        """Poll once, publish what is new, save the feed's row; returns articles published."""
        now = time.time()
        state.last_polled = now
        flog = log.bind(feed=feed.name)
        published, ok = 0, False
        try:
            async with self._lock(feed.url):  # a WebSub push for the same feed waits
                published = await self._poll(feed, state, now, flog)
            ok = True
        except FeedError as exc:
            self._failed(feed, state, exc, now, flog)
        except Exception as exc:  # a bug must not stop the other feeds
            flog.exception(health.FEED_POLL_FAILED, error=f"{type(exc).__name__}: {exc}")
            self._failed(feed, state, FeedError(f"internal error: {type(exc).__name__}"), now, None)
        self.store.save_feed(state)
        self.store.commit()
        self.round.polled_one(time.time(), ok=ok)
        return published

    async def _poll(
        self, feed: FeedConfig, state: FeedState, now: float, flog: structlog.BoundLogger
    ) -> int:
        resp = await self.fetcher.fetch(
            state.url, state.etag, state.last_modified, allow_private=feed.allow_private
        )
        move = self.redirects.follow(feed, state.url, resp.moved_to, now, self.settings.poller)
        if move is not None:
            flog.info(FEED_MOVED, old_url=state.url, new_url=move)
            state.url = move
        elif resp.moved_to is not None:
            flog.info(FEED_REDIRECT_SEEN, url=state.url, new_url=resp.moved_to)
        fresh = cache_seconds(resp.headers, now)
        if resp.status == 304:
            self._succeeded(feed, state, now, fresh, flog)
            flog.debug(FEED_NOT_MODIFIED)
            await self._keep_subscribed(feed, state, None, None, now)
            return 0
        digest = hashlib.blake2b(resp.body, digest_size=16).hexdigest()
        if digest == state.body_hash:
            self._keep_validators(state, resp)
            self._succeeded(feed, state, now, fresh, flog)
            flog.debug(FEED_UNCHANGED)
            await self._keep_subscribed(feed, state, None, None, now)
            return 0
        parsed, count, too_old = await self._ingest(feed, state, resp, now, flog)
        self._keep_validators(state, resp)
        state.body_hash = digest
        self._succeeded(feed, state, now, fresh, flog)
        self.round.add(new=count, too_old=too_old)
        flog.info(
            FEED_POLLED,
            entries=len(parsed.entries),
            new=count,
            too_old=too_old,
            next_poll_in=round(state.next_poll - now),
        )
        await self._keep_subscribed(feed, state, parsed.hub, parsed.self_url, now, parsed=True)
        return count

    async def _ingest(
        self,
        feed: FeedConfig,
        state: FeedState,
        resp: Response,
        now: float,
        flog: structlog.BoundLogger,
        *,
        topic: str | None = None,
    ) -> tuple[ParsedFeed, int, int]:
        """Parse a body (polled or pushed) and publish what is new; a pushed body must be
        the subscribed `topic` (its rel=self link, when it has one). Returns the parse, the
        articles published and the unseen entries skipped as older than `max_age`."""
        known = self._known.get(feed.url, frozenset())
        parsed = await self.pool.parse(self._job(feed, state, resp, now, known))
        if topic is not None and parsed.self_url is not None and parsed.self_url != topic:
            raise Rejected("the pushed feed is not the subscribed topic")
        if parsed.bozo != state.last_bozo:
            if parsed.bozo:
                flog.warning(FEED_MALFORMED, reason=parsed.bozo)  # once per change of reason
            state.last_bozo = parsed.bozo
        try:
            count, too_old = await self.publisher.publish(feed, parsed, now, flog)
        except StaleStubsError:  # an id we thought published was not: parse it in full
            parsed = await self.pool.parse(self._job(feed, state, resp, now, frozenset()))
            count, too_old = await self.publisher.publish(feed, parsed, now, flog)
        self._known[feed.url] = frozenset(e.id for e in parsed.entries)
        state.ttl = parsed.ttl
        state.hub = parsed.hub
        state.entries_seen += count
        state.entries_old += too_old
        metrics.ENTRIES_TOO_OLD.inc(too_old)
        if self.settings.poller.adaptive:
            state.adaptive_interval = adaptive_interval(
                [e.published for e in parsed.entries], now, self.settings.poller
            )
        return parsed, count, too_old

    async def push(self, key: str, body: bytes, content_type: str | None, topic: str) -> None:
        """A WebSub content push for the feed with configured URL `key`: publish at once."""
        feed, state = self.feeds.get(key), self.states.get(key)
        if feed is None or state is None:
            return
        flog = log.bind(feed=feed.name)
        async with self._lock(key):
            now = time.time()
            resp = Response(200, body, {"content-type": content_type or ""}, state.url)
            try:
                parsed, count, too_old = await self._ingest(
                    feed, state, resp, now, flog, topic=topic
                )
            except FeedError as exc:
                flog.warning(FEED_PUSH_FAILED, error=str(exc), error_type=type(exc).__name__)
                return
            finally:
                self.store.save_feed(state)
                self.store.commit()
            flog.info(FEED_PUSHED, entries=len(parsed.entries), new=count, too_old=too_old)

    def verified(self, key: str, expires: float) -> None:
        """The hub confirmed our subscription until `expires`."""
        state = self.states.get(key)
        if state is not None:
            state.websub_expires = expires
            self.store.save_feed(state)
            self.store.commit()

    async def _keep_subscribed(
        self,
        feed: FeedConfig,
        state: FeedState,
        hub: str | None,
        topic: str | None,
        now: float,
        *,
        parsed: bool = False,
    ) -> None:
        """Subscribe, or renew before the lease ends, after every successful poll (a 304
        too): the hub and topic of this parse, else of the stored subscription. A feed whose
        new body no longer advertises a hub is unsubscribed there (the publisher left it;
        polling carries on), instead of being renewed at the old hub for ever."""
        if self.websub is None:
            return
        sub = self.websub.store.by_key(feed.url)
        if sub is not None and sub.pending == "unsubscribe":
            sub = None  # on its way out: neither renewed nor a fallback hub
        if hub is None and parsed:
            if sub is not None:
                log.info(WEBSUB_HUB_GONE, feed=feed.name, hub=sub.hub)
                await self.websub.unsubscribe(feed.url)
            return
        if hub is None:
            hub, topic = (sub.hub, sub.topic) if sub is not None else (state.hub, None)
        if hub is None:
            return
        topic = topic or state.url
        if sub is not None and (sub.hub, sub.topic) == (hub, topic):
            margin = max((sub.lease or 0.0) / 10, 2 * self.interval(feed, state))
            if not sub.renewal_due(now, margin):
                return
        elif self._hub_retry.get(feed.url, 0.0) > now:
            return  # refused or failed recently: not on every poll
        self._hub_retry[feed.url] = now + 3600.0
        await self.websub.subscribe(feed.url, hub, topic, now, allow_http=feed.allow_http_hub)

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def _job(
        self,
        feed: FeedConfig,
        state: FeedState,
        resp: Response,
        now: float,
        known: frozenset[str] = frozenset(),
    ) -> ParseJob:
        return parse_job(resp, feed, self.settings.poller, now, base=state.url, known=known)

    @staticmethod
    def _keep_validators(state: FeedState, resp: Response) -> None:
        state.etag = resp.headers.get("etag")
        state.last_modified = resp.headers.get("last-modified")

    def _succeeded(
        self, feed: FeedConfig, state: FeedState, now: float, fresh: float | None, flog: Log
    ) -> None:
        p, interval = self.settings.poller, self.interval(feed, state)
        health.succeeded(feed, state, now, fresh, p=p, interval=interval, flog=flog, rng=self.rng)

    def _failed(
        self, feed: FeedConfig, state: FeedState, exc: FeedError, now: float, flog: Log | None
    ) -> None:
        p, interval = self.settings.poller, self.interval(feed, state)
        health.failed(feed, state, exc, now, p=p, interval=interval, flog=flog, rng=self.rng)


def parse_job(
    resp: Response,
    feed: FeedConfig,
    poller: PollerSettings,
    now: float,
    *,
    base: str,
    known: frozenset[str] = frozenset(),
) -> ParseJob:
    """What a parser worker needs for one fetched body of `feed` (`base` when no redirect)."""
    return ParseJob(
        body=resp.body,
        url=resp.url or base,
        feed_key=feed.url,
        content_type=resp.headers.get("content-type"),
        content_language=resp.headers.get("content-language"),
        lang=feed.lang,
        now=now,
        max_future_skew=poller.max_future_skew,
        max_entries=poller.max_entries,
        known=known,
    )
