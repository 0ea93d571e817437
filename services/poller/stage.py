"""The poller stage: `run()` for the runners, `fetch_articles()` for `redflag fetch`,
`feed_statuses()` for `redflag feeds`."""

import random
import time

import structlog

from schemas.article import Article
from services.core.bus import Bus, Member
from services.core.lifecycle import StopSignal
from services.poller.assign import SlotAssignment, refresh
from services.poller.config import FeedConfig, Settings
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
from services.poller.poll import FeedPoller, parse_job
from services.poller.pool import ParserPool
from services.poller.publish import to_article
from services.poller.replicas import owns
from services.poller.scheduler import Scheduler
from services.poller.state import FeedState, StateStore
from services.poller.status import FeedStatus, feed_statuses
from services.poller.subscriptions import Subscriptions
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
POLLER_ASSIGNMENT_STATIC = "poller_assignment_static"
SEEN_EXPIRED = "seen_expired"


def my_feeds(settings: Settings, *, dynamic: bool = False) -> dict[str, FeedConfig]:
    """Enabled feeds this replica owns, by configured URL; with `dynamic`, every enabled
    feed (the group then decides which of them this replica polls, and when)."""
    p = settings.poller
    return {
        f.url: f
        for f in settings.feeds
        if f.enabled and (dynamic or owns(f.url, p.replica_index, p.replica_count))
    }


def _grouped(settings: Settings, once: bool) -> bool:
    """Share the feeds through the bus's group (`assignment: kafka`); a single pass polls
    its static share, all of them by default. On the embedded bus the group is this process."""
    if settings.poller.assignment != "kafka":
        return False
    if once:
        log.info(POLLER_ASSIGNMENT_STATIC, reason="once")
        return False
    return True


def _states(store: StateStore, feeds: dict[str, FeedConfig]) -> dict[str, FeedState]:
    known = store.feeds()
    states = {}
    for key, feed in feeds.items():
        state = known.get(key) or FeedState(key=key, name=feed.name, url=feed.url)
        state.name = feed.name
        states[key] = state
    return states


async def _schedule(
    settings: Settings,
    group_bus: Bus | None,
    scheduler: Scheduler,
    store: StateStore,
    *,
    once: bool,
) -> Member | None:
    """Queue every feed now (static), or join the group, whose assignments queue them."""
    states = scheduler.states
    if group_bus is None:
        for key, state in states.items():
            if not state.disabled:
                scheduler.add(key, 0.0 if once else state.next_poll)
        return None

    def reload(keys: list[str]) -> None:
        refresh(states, store.feeds(), keys)

    p = settings.poller
    slots = SlotAssignment(states, p.slots, scheduler, reload)
    return await group_bus.group_member(p.feeds_topic, p.group, p.slots, slots)


async def _unsubscribe_removed(websub: WebSub, settings: Settings) -> None:
    """Tell hubs to stop pushing feeds that left the config (or were disabled)."""
    wanted = {f.url for f in settings.feeds if f.enabled}
    for sub in websub.store.all():
        if sub.key not in wanted and sub.pending != "unsubscribe":
            await websub.unsubscribe(sub.key)


async def run(settings: Settings, bus: Bus, stop: StopSignal, *, once: bool = False) -> None:
    """Poll every enabled feed this replica owns on its schedule and publish new articles;
    with `once`, poll each feed once and return. Returns on `stop.stop`."""
    store = StateStore(settings.state_dir / "poller.db")
    try:
        group_bus = bus if _grouped(settings, once) else None
        feeds = my_feeds(settings, dynamic=group_bus is not None)
        states = _states(store, feeds)
        expired = store.expire(time.time())
        p = settings.poller
        log.info(
            POLLER_STARTED, feeds=len(feeds), configured=len(settings.feeds), once=once,
            assignment="kafka" if group_bus else "static", replica=p.replica_index,
            replicas=p.replica_count, expired_ids=expired,
        )  # fmt: skip
        async with Fetcher(p) as fetcher, ParserPool(p) as pool:
            rng = random.Random()  # noqa: S311  (jitter, not secrets)
            poller = FeedPoller(settings, bus, store, fetcher, pool, rng, feeds, states)
            if p.websub.enabled and not once:
                poller.websub = WebSub(
                    p.websub, fetcher, Subscriptions(store.db), on_push=poller.push,
                    on_verified=poller.verified, max_body_bytes=p.max_body_bytes,
                )  # fmt: skip
                await poller.websub.start()
                await _unsubscribe_removed(poller.websub, settings)

            async def poll(key: str) -> None:
                await poller.poll(feeds[key], states[key])

            scheduler = Scheduler(states, poll, concurrency=p.concurrency, per_host=p.per_host)
            member: Member | None = None
            try:
                member = await _schedule(settings, group_bus, scheduler, store, once=once)
                await scheduler.run(stop, once=once, grace=p.shutdown_grace)
            finally:
                poller.round.flush(time.time())
                if member is not None:  # after the drain: the next owner never overlaps us
                    await member.close()
                if poller.websub is not None:
                    await poller.websub.close()
    finally:
        store.close()
        log.info(POLLER_STOPPED)


async def fetch_articles(
    url: str, settings: Settings, *, allow_private: bool = False
) -> list[Article]:
    """Fetch and parse one feed once, without state; raises FeedError naming the cause.
    Private addresses pass when asked for or when the configured feed allows them."""
    now = time.time()
    name = local_path(url).name if is_local(url) else url
    configured = {f.url: f for f in settings.feeds}.get(url)
    allow = allow_private or bool(configured and configured.allow_private)
    feed = FeedConfig(name=name or url, url=url, allow_private=allow)
    async with Fetcher(settings.poller) as fetcher:  # the same egress policy as the poller
        resp = await fetcher.fetch(url, allow_private=feed.allow_private)
    async with ParserPool(settings.poller, workers=1) as pool:
        parsed = await pool.parse(parse_job(resp, feed, settings.poller, now, base=url))
    return [to_article(e, feed, parsed.title, now) for e in parsed.entries]
