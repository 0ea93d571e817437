"""The poller stage end to end: a real local HTTP server, the real SqliteBus, real state."""

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.poller.config import FeedConfig, PollerSettings
from services.poller.stage import feed_statuses, run
from services.poller.state import StateStore
from tests.support.feedserver import FeedServer, Route, rss_feed

TOPIC = "redflag.articles"


def item(n: int, **extra: str) -> dict[str, str]:
    return {
        "title": f"Story {n}",
        "link": f"https://news.example.com/story/{n}",
        "guid": f"story-{n}",
        "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT",
        **extra,
    }


def make_settings(tmp_path: Path, feeds: list[tuple[str, str]], **poller: Any) -> Settings:
    return Settings(
        state_dir=tmp_path / "state",
        feeds=tuple(FeedConfig(name=name, url=url) for name, url in feeds),
        poller=PollerSettings(parse_workers=1, allow_private_feeds=True, **poller),
    )


async def poll_once(settings: Settings, bus: SqliteBus) -> None:
    await asyncio.wait_for(run(settings, bus, StopSignal(), once=True), 60)


async def published(bus: SqliteBus) -> list[dict[str, Any]]:
    consumer = await bus.consumer([TOPIC], "test-reader")
    records = await consumer.poll(0.05, max_records=10_000)
    await consumer.close()
    return [json.loads(r.value) | {"_key": r.key} for r in records]


@pytest.fixture
async def bus(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with SqliteBus(tmp_path / "bus.db") as sqlite_bus:
        yield sqlite_bus


async def test_restart_repeats_nothing_and_misses_nothing(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1), item(2), item(3)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))])
        await poll_once(settings, bus)
        first = await published(bus)
        assert sorted(a["title"] for a in first) == ["Story 1", "Story 2", "Story 3"]
        assert all(a["_key"] == a["id"] and len(a["id"]) == 32 for a in first)
        assert {a["feed"] for a in first} == {"A"}

        await poll_once(settings, bus)  # a restart: new run, same state dir
        assert await published(bus) == first

        server.set("/a.xml", rss_feed([item(4), item(1), item(2), item(3)]))
        await poll_once(settings, bus)
        after = await published(bus)
        assert [a["title"] for a in after[len(first) :]] == ["Story 4"]


async def test_republished_with_new_date_is_not_new(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))])
        await poll_once(settings, bus)
        server.set("/a.xml", rss_feed([item(1, pubDate="Wed, 06 Mar 2024 11:00:00 GMT")]))
        await poll_once(settings, bus)
        assert len(await published(bus)) == 1


async def test_same_story_in_two_feeds_published_once(tmp_path: Path, bus: SqliteBus) -> None:
    story = item(7, link="https://news.example.com/story/7?utm_source=rss")
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([story]))
        same = {**story, "guid": "other-guid", "link": "https://NEWS.example.com/story/7#top"}
        server.set("/b.xml", rss_feed([same]))
        settings = make_settings(
            tmp_path, [("A", server.url("/a.xml")), ("B", server.url("/b.xml"))]
        )
        await poll_once(settings, bus)
        articles = await published(bus)
        assert len(articles) == 1
        assert articles[0]["link"] == "https://news.example.com/story/7"


async def test_conditional_get_and_304(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", Route(body=rss_feed([item(1)]), etag='"v1"',
                                   last_modified="Tue, 05 Mar 2024 10:00:00 GMT"))  # fmt: skip
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))])
        await poll_once(settings, bus)
        assert "If-None-Match" not in server.last("/a.xml").headers
        await poll_once(settings, bus)
        sent = server.last("/a.xml").headers
        assert sent["If-None-Match"] == '"v1"'
        assert sent["If-Modified-Since"] == "Tue, 05 Mar 2024 10:00:00 GMT"
        assert sent["User-Agent"].startswith("redflag/")
        assert len(await published(bus)) == 1
        [status] = feed_statuses(settings)
        assert status.status == "ok"
        assert status.entries_seen == 1


async def test_gone_disables_feed(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/gone.xml", Route(status=410))
        settings = make_settings(tmp_path, [("G", server.url("/gone.xml"))])
        await poll_once(settings, bus)
        await poll_once(settings, bus)
        assert server.hits("/gone.xml") == 1
        [status] = feed_statuses(settings)
        assert status.status == "disabled"
        assert status.last_error is not None
        assert "410" in status.last_error


async def test_repeated_permanent_redirect_does_not_move_feed_within_a_day(
    tmp_path: Path, bus: SqliteBus
) -> None:
    """Issue 11: one 301 (or a few in an hour) must not repoint a feed for good."""
    async with FeedServer() as server:
        server.set("/old.xml", Route(status=301, location="/new.xml"))
        server.set("/new.xml", rss_feed([item(1)]))
        settings = make_settings(tmp_path, [("M", server.url("/old.xml"))])
        for _ in range(4):
            await poll_once(settings, bus)
        assert server.hits("/old.xml") == 4
        [status] = feed_statuses(settings)
        assert status.current_url == server.url("/old.xml")
        assert status.moving_to == server.url("/new.xml")
        assert status.redirect_polls == 4
        assert f"redirects to {server.url('/new.xml')} (4 polls)" in status.note()
        assert len(await published(bus)) == 1


async def test_permanent_redirect_moves_feed_once_it_held(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/old.xml", Route(status=301, location="/new.xml"))
        server.set("/new.xml", rss_feed([item(1)]))
        settings = make_settings(
            tmp_path, [("M", server.url("/old.xml"))], move_after_polls=3, move_after=0.01
        )
        for _ in range(4):
            await poll_once(settings, bus)
        assert server.hits("/old.xml") == 3
        assert server.hits("/new.xml") == 4
        [status] = feed_statuses(settings)
        assert status.current_url == server.url("/new.xml")
        assert status.moving_to is None
        assert "moved to" in status.note()
        assert len(await published(bus)) == 1


async def test_a_redirect_interrupted_starts_counting_again(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.script(
            "/old.xml",
            Route(status=301, location="/new.xml"),
            Route(status=301, location="/new.xml"),
            Route(body=rss_feed([item(1)])),
            Route(status=301, location="/new.xml"),
        )
        server.set("/new.xml", rss_feed([item(1)]))
        settings = make_settings(
            tmp_path, [("M", server.url("/old.xml"))], move_after_polls=3, move_after=0.01
        )
        for _ in range(4):
            await poll_once(settings, bus)
        [status] = feed_statuses(settings)
        assert status.current_url == server.url("/old.xml")
        assert status.redirect_polls == 1


async def test_temporary_redirect_keeps_url(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/old.xml", Route(status=302, location="/new.xml"))
        server.set("/new.xml", rss_feed([item(1)]))
        settings = make_settings(tmp_path, [("M", server.url("/old.xml"))])
        await poll_once(settings, bus)
        await poll_once(settings, bus)
        assert server.hits("/old.xml") == 2


async def test_failures_back_off_and_flag_unhealthy(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/bad.xml", Route(status=500))
        server.set("/good.xml", rss_feed([item(1)]))
        settings = make_settings(
            tmp_path,
            [("Bad", server.url("/bad.xml")), ("Good", server.url("/good.xml"))],
            unhealthy_after=2, default_interval=60, max_interval=600, jitter=0,
        )  # fmt: skip
        before = time.time()
        await poll_once(settings, bus)
        bad, good = feed_statuses(settings)
        assert bad.error_count == 1
        assert bad.status == "failing"  # polled, never once successfully
        assert bad.last_error == "HTTP 500 Internal Server Error"
        assert bad.next_poll is not None
        assert 59 <= bad.next_poll.timestamp() - before <= 62
        await poll_once(settings, bus)
        bad, good = feed_statuses(settings)
        assert bad.status == "unhealthy"
        assert bad.error_count == 2
        assert bad.next_poll is not None
        assert 599 <= bad.next_poll.timestamp() - before <= 602  # unhealthy: max interval
        assert good.status == "ok"
        assert len(await published(bus)) == 1


async def test_retry_after_is_honoured(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/busy.xml", Route(status=429, headers={"Retry-After": "1200"}))
        settings = make_settings(tmp_path, [("Busy", server.url("/busy.xml"))],
                                 max_interval=3600, jitter=0)  # fmt: skip
        before = time.time()
        await poll_once(settings, bus)
        [status] = feed_statuses(settings)
        assert status.next_poll is not None
        assert status.next_poll.timestamp() - before >= 1199


async def test_not_a_feed_is_an_error_not_zero_items(tmp_path: Path, bus: SqliteBus) -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    )
    async with FeedServer() as server:
        server.set("/page", Route(body=page, content_type="text/html"))
        server.set("/empty", Route(body=b""))
        settings = make_settings(
            tmp_path, [("P", server.url("/page")), ("E", server.url("/empty"))]
        )
        await poll_once(settings, bus)
        page_status, empty_status = feed_statuses(settings)
        assert page_status.last_error == (
            f"not a feed: an HTML page; the page advertises a feed at {server.url('/rss')}"
        )
        assert empty_status.last_error == "empty response body"


async def test_body_limit_counts_decompressed_bytes(tmp_path: Path, bus: SqliteBus) -> None:
    big = rss_feed([item(n, description="x" * 2000) for n in range(100)])
    async with FeedServer() as server:
        server.set("/big.xml", Route(body=big, gzip=True))
        settings = make_settings(tmp_path, [("Big", server.url("/big.xml"))], max_body_bytes=50_000)
        await poll_once(settings, bus)
        [status] = feed_statuses(settings)
        assert status.last_error is not None
        assert "50000-byte limit" in status.last_error
        assert await published(bus) == []


async def test_gzip_body_is_read(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/z.xml", Route(body=rss_feed([item(1), item(2)]), gzip=True))
        settings = make_settings(tmp_path, [("Z", server.url("/z.xml"))])
        await poll_once(settings, bus)
        assert len(await published(bus)) == 2


async def test_run_polls_on_schedule_until_stopped(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))],
                                 default_interval=0.2, min_interval=0.1, jitter=0)  # fmt: skip
        stop = StopSignal()
        task = asyncio.create_task(run(settings, bus, stop))
        for _ in range(100):
            if server.hits("/a.xml") >= 2:
                break
            await asyncio.sleep(0.1)
        server.set("/a.xml", rss_feed([item(2), item(1)]))
        for _ in range(100):
            if len(await published(bus)) == 2:
                break
            await asyncio.sleep(0.1)
        stop.stop.set()
        await asyncio.wait_for(task, 30)
        assert [a["title"] for a in await published(bus)] == ["Story 1", "Story 2"]


async def test_two_replicas_never_poll_the_same_feed(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        paths = [f"/f{n}.xml" for n in range(20)]
        for n, path in enumerate(paths):
            server.set(path, rss_feed([item(n)]))
        feeds = [(f"F{n}", server.url(path)) for n, path in enumerate(paths)]
        for index in (0, 1):
            settings = make_settings(
                tmp_path / f"r{index}", feeds, replica_index=index, replica_count=2
            )
            await poll_once(settings, bus)
        assert all(server.hits(path) == 1 for path in paths)
        counts = [
            len(StateStore(tmp_path / f"r{i}" / "state" / "poller.db").feeds()) for i in (0, 1)
        ]
        assert sum(counts) == 20
        assert min(counts) > 0
        assert len(await published(bus)) == 20


async def test_forgotten_ids_are_parsed_in_full_again(tmp_path: Path, bus: SqliteBus) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1), item(2)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))],
                                 default_interval=0.2, min_interval=0.1, jitter=0)  # fmt: skip
        stop = StopSignal()
        task = asyncio.create_task(run(settings, bus, stop))
        for _ in range(100):
            if len(await published(bus)) == 2:
                break
            await asyncio.sleep(0.05)

        # The seen table forgets (expiry) while the poller still remembers the ids in memory.
        # Off the event loop: a write the poller has open must be able to commit meanwhile
        # (run on the loop, the DELETE blocked it and waited out sqlite's timeout: "locked").
        def forget() -> None:
            store = StateStore(tmp_path / "state" / "poller.db")
            store.db.execute("DELETE FROM seen")
            store.db.execute("DELETE FROM seen_links")
            store.close()

        await asyncio.to_thread(forget)
        server.set("/a.xml", rss_feed([item(3), item(1), item(2)]))
        for _ in range(100):
            if len(await published(bus)) == 5:
                break
            await asyncio.sleep(0.05)
        stop.stop.set()
        await asyncio.wait_for(task, 30)
        titles = [a["title"] for a in await published(bus)]
        assert sorted(titles[2:]) == ["Story 1", "Story 2", "Story 3"]  # full text, not stubs


async def test_replicas_sharing_state_repeat_nothing_after_rebalance(
    tmp_path: Path, bus: SqliteBus
) -> None:
    async with FeedServer() as server:
        paths = [f"/f{n}.xml" for n in range(12)]
        for n, path in enumerate(paths):
            server.set(path, rss_feed([item(n)]))
        feeds = [(f"F{n}", server.url(path)) for n, path in enumerate(paths)]
        for index in (0, 1):  # two replicas, one shared state_dir
            await poll_once(
                make_settings(tmp_path, feeds, replica_index=index, replica_count=2), bus
            )
        for index in (0, 1, 2):  # scaled out to three: restarted with the new count
            await poll_once(
                make_settings(tmp_path, feeds, replica_index=index, replica_count=3), bus
            )
        assert all(server.hits(path) == 2 for path in paths)
        assert len(await published(bus)) == 12


async def test_backlog_older_than_max_age_is_remembered_not_published(
    tmp_path: Path, bus: SqliteBus
) -> None:
    recent = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 3600))
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1, pubDate=recent), item(2), item(3)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))], max_age=7 * 86400)
        await poll_once(settings, bus)
        assert [a["title"] for a in await published(bus)] == ["Story 1"]
        # the old entries were recorded as seen: lifting the limit later does not flood
        server.set("/a.xml", rss_feed([item(4), item(1, pubDate=recent), item(2), item(3)]))
        await poll_once(make_settings(tmp_path, [("A", server.url("/a.xml"))]), bus)
        assert [a["title"] for a in await published(bus)] == ["Story 1", "Story 4"]


async def test_an_entry_edited_under_the_same_guid_is_published_again(
    tmp_path: Path, bus: SqliteBus
) -> None:
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1, description="Acme recalls 100,000 cars")]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))])
        await poll_once(settings, bus)
        await poll_once(settings, bus)  # unchanged: nothing
        assert len(await published(bus)) == 1
        server.set("/a.xml", rss_feed([item(1, description="Acme recalls 1.2 million cars")]))
        await poll_once(settings, bus)
        await poll_once(settings, bus)  # the edit once, not at every poll
        first, edit = await published(bus)
        assert edit["id"] == first["id"]
        assert "1.2 million" in edit["summary"] and "100,000" in first["summary"]


async def test_an_edit_seen_as_a_stub_asks_for_the_full_text(
    tmp_path: Path, bus: SqliteBus
) -> None:
    from services.poller.normalise import Entry  # noqa: PLC0415
    from services.poller.parser import ParsedFeed  # noqa: PLC0415
    from services.poller.publish import Publisher, StaleStubsError  # noqa: PLC0415

    settings = make_settings(tmp_path, [])
    store = StateStore(tmp_path / "poller.db")
    publisher = Publisher(settings, bus, store)
    now = time.time()
    full = Entry("id1", "Acme recalls", "", "", None, now, now, "en", digest="d1")
    assert publisher.new_entries(ParsedFeed("A", "rss20", [full]), "feed", now) == ([full], 0)
    store.mark_seen("feed", [("id1", None)], now + 3600)
    store.mark_digests([("id1", "d1")], now + 3600)
    same_stub = Entry("id1", "", "", "", None, None, None, None, complete=False, digest="d1")
    assert publisher.new_entries(ParsedFeed("A", "rss20", [same_stub]), "feed", now) == ([], 0)
    edited_stub = same_stub._replace(digest="d2")
    with pytest.raises(StaleStubsError):
        publisher.new_entries(ParsedFeed("A", "rss20", [edited_stub]), "feed", now)
    edited = full._replace(title="Acme expands recall", digest="d2")
    assert publisher.new_entries(ParsedFeed("A", "rss20", [edited]), "feed", now) == ([edited], 0)
    store.close()


async def test_an_edited_backlog_entry_is_not_published(tmp_path: Path, bus: SqliteBus) -> None:
    old = {"pubDate": "Tue, 05 Mar 2024 10:00:00 GMT"}
    async with FeedServer() as server:
        server.set("/a.xml", rss_feed([item(1, description="Acme recalls 100 cars", **old)]))
        settings = make_settings(tmp_path, [("A", server.url("/a.xml"))], max_age=86400)
        await poll_once(settings, bus)
        first = item(1, description="Acme recalls 100 cars", **old)
        server.set("/a.xml", rss_feed([item(2, **old), first]))  # item 1 seen again unchanged
        await poll_once(settings, bus)
        edited = item(1, description="Acme recalls 900 cars", **old)
        server.set("/a.xml", rss_feed([item(2, **old), edited]))
        await poll_once(settings, bus)
        assert await published(bus) == []
