"""The poller stage: `run()` for the runners, `fetch_articles()` for `redflag fetch`,
`feed_statuses()` for `redflag feeds`."""

import random
import time

import structlog

from schemas.article import Article
from services.core.bus import Bus
from services.core.lifecycle import StopSignal
from services.core.settings import Settings
from services.poller.config import FeedConfig
from services.poller.errors import (
    EmptyBody,
    FeedError,
    FetchFailed,
    Gone,
    NotAFeed,
    ParseFailed,
    Rejected,
    TooLarge,
)
from services.poller.fetcher import Fetcher, is_local, local_path
from services.poller.parser import ParseJob
from services.poller.poll import FeedPoller
from services.poller.pool import ParserPool
from services.poller.publish import to_article
from services.poller.replicas import owns
from services.poller.scheduler import Scheduler
from services.poller.state import FeedState, StateStore
from services.poller.status import FeedStatus, feed_statuses
from services.poller.websub import WebSub

__all__ = [
    "EmptyBody",
    "FeedError",
    "FeedStatus",
    "FetchFailed",
    "Gone",
    "NotAFeed",
    "ParseFailed",
    "Rejected",
    "TooLarge",
    "feed_statuses",
    "fetch_articles",
    "run",
]

log = structlog.get_logger(__name__)

POLLER_STARTED = "poller_started"
POLLER_STOPPED = "poller_stopped"
SEEN_EXPIRED = "seen_expired"


def my_feeds(settings: Settings) -> dict[str, FeedConfig]:
    """Enabled feeds this replica owns, by configured URL."""
    p = settings.poller
    return {
        f.url: f
        for f in settings.feeds
        if f.enabled and owns(f.url, p.replica_index, p.replica_count)
    }


def _states(store: StateStore, feeds: dict[str, FeedConfig]) -> dict[str, FeedState]:
    known = store.feeds()
    states = {}
    for key, feed in feeds.items():
        state = known.get(key) or FeedState(key=key, name=feed.name, url=feed.url)
        state.name = feed.name
        states[key] = state
    return states


async def run(settings: Settings, bus: Bus, stop: StopSignal, *, once: bool = False) -> None:
    """Poll every enabled feed this replica owns on its schedule and publish new articles;
    with `once`, poll each feed once and return. Returns on `stop.stop`."""
    store = StateStore(settings.state_dir / "poller.db")
    try:
        feeds = my_feeds(settings)
        states = _states(store, feeds)
        expired = store.expire(time.time())
        p = settings.poller
        log.info(
            POLLER_STARTED, feeds=len(feeds), configured=len(settings.feeds), once=once,
            replica=p.replica_index, replicas=p.replica_count, expired_ids=expired,
        )  # fmt: skip
        async with Fetcher(p) as fetcher, ParserPool(p) as pool:
            rng = random.Random()  # noqa: S311  (jitter, not secrets)
            poller = FeedPoller(settings, bus, store, fetcher, pool, rng, feeds, states)
            if p.websub.enabled and not once:
                poller.websub = WebSub(p.websub, fetcher.session, poller.push, poller.verified,
                                       p.max_body_bytes)  # fmt: skip
                await poller.websub.start()
                for state in states.values():  # callbacks live in memory: subscribe again
                    state.websub_expires = None

            async def poll(key: str) -> None:
                await poller.poll(feeds[key], states[key])

            scheduler = Scheduler(states, poll, concurrency=p.concurrency, per_host=p.per_host)
            for key, state in states.items():
                if not state.disabled:
                    scheduler.add(key, 0.0 if once else state.next_poll)
            try:
                await scheduler.run(stop, once=once, grace=p.shutdown_grace)
            finally:
                if poller.websub is not None:
                    await poller.websub.close()
    finally:
        store.close()
        log.info(POLLER_STOPPED)


async def fetch_articles(url: str, settings: Settings) -> list[Article]:
    """Fetch and parse one feed once, without state; raises FeedError naming the cause."""
    now = time.time()
    name = local_path(url).name if is_local(url) else url
    feed = FeedConfig(name=name or url, url=url)
    async with Fetcher(settings.poller) as fetcher:
        resp = await fetcher.fetch(url)
    job = ParseJob(
        body=resp.body,
        url=resp.url or url,
        feed_key=url,
        content_type=resp.headers.get("content-type"),
        content_language=resp.headers.get("content-language"),
        now=now,
        max_future_skew=settings.poller.max_future_skew,
        max_entries=settings.poller.max_entries,
    )
    async with ParserPool(settings.poller, workers=1) as pool:
        parsed = await pool.parse(job)
    return [to_article(e, feed, parsed.title, now) for e in parsed.entries]
