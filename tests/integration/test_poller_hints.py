"""The feed's own hints and the cheap paths, each with a test that fails when it is disabled:
`sy:updatePeriod`/`sy:updateFrequency` slow the schedule down, and an unchanged body (no
validators) is recognised by its hash and not parsed again."""

import asyncio
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.poller.config import FeedConfig, PollerSettings
from services.poller.stage import run
from services.poller.state import StateStore
from tests.support.feedserver import FeedServer, rss_feed

SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'


def settings(tmp_path: Path, url: str) -> Settings:
    return Settings(
        state_dir=tmp_path / "state",
        feeds=(FeedConfig(name="f", url=url),),
        poller=PollerSettings(
            parse_workers=1,
            default_interval=60,
            max_interval=86400,
            jitter=0,
            allow_private_feeds=True,  # the feed is a local test server
        ),
    )


def hinted(period: str, frequency: str) -> bytes:
    body = rss_feed(
        [{"title": "Story 1", "guid": "s1"}],
        extra=f"<sy:updatePeriod>{period}</sy:updatePeriod>"
        f"<sy:updateFrequency>{frequency}</sy:updateFrequency>",
    )
    return body.replace(b'<rss version="2.0">', f'<rss version="2.0" {SY}>'.encode())


@pytest.mark.parametrize(
    ("period", "frequency", "delay"),
    [("hourly", "1", 3600.0), ("daily", "4", 21600.0), ("hourly", "2", 1800.0)],
)
async def test_sy_update_period_sets_the_next_poll(
    tmp_path: Path, period: str, frequency: str, delay: float
) -> None:
    async with FeedServer() as server, SqliteBus(tmp_path / "bus.db") as bus:
        server.set("/f.xml", hinted(period, frequency))
        await asyncio.wait_for(
            run(settings(tmp_path, server.url("/f.xml")), bus, StopSignal(), once=True), 60
        )
    store = StateStore(tmp_path / "state" / "poller.db")
    [state] = store.feeds().values()
    store.close()
    assert state.ttl == delay
    assert state.last_polled is not None
    assert state.next_poll - state.last_polled == pytest.approx(delay, abs=1.0)


async def test_an_unchanged_body_is_not_parsed_again(tmp_path: Path) -> None:
    async with FeedServer() as server, SqliteBus(tmp_path / "bus.db") as bus:
        server.set("/f.xml", rss_feed([{"title": "Story 1", "guid": "s1"}]))  # no ETag
        s = settings(tmp_path, server.url("/f.xml"))
        await asyncio.wait_for(run(s, bus, StopSignal(), once=True), 60)
        with capture_logs() as logs:
            await asyncio.wait_for(run(s, bus, StopSignal(), once=True), 60)
    events = [entry["event"] for entry in logs]
    assert "feed_unchanged" in events
    assert "feed_polled" not in events  # polled: parsed and deduplicated, the slow path
