"""`fetch_articles` (what `redflag fetch` calls) and the parser pool's limits."""

import gzip
from pathlib import Path

import pytest

from services.app.settings import Settings
from services.poller.config import PollerSettings
from services.poller.errors import FetchFailed, NotAFeed, ParseFailed, TooLarge
from services.poller.parser import ParseJob
from services.poller.pool import ParserPool
from services.poller.stage import fetch_articles
from tests.support.feedserver import FeedServer, Route, rss_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SENTENCE = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua. "
)


def feed_20mb() -> tuple[bytes, int]:
    """The 20 MiB feed of adversarial/feed-20MB.NOTE.md: about 5,000 items of 4 KB."""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Large</title><link>http://example.com/</link><description>big</description>"
    )
    items, size, n = [], len(head), 0
    while size < 20 * 1024 * 1024 - 200:
        item = (
            f"<item><title>Large item {n}</title><link>http://example.com/large/{n}</link>"
            f'<guid isPermaLink="false">large-{n:05d}</guid>'
            f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
            f"<description>{SENTENCE * 32}</description></item>"
        )
        items.append(item)
        size += len(item)
        n += 1
    return (head + "".join(items) + "</channel></rss>").encode(), n


def settings(**poller: object) -> Settings:
    # the feeds are on 127.0.0.1: the lab switch an operator would use for a local test
    return Settings(poller=PollerSettings.model_validate({"allow_private_feeds": True, **poller}))


async def test_fetch_plain_path_and_file_url() -> None:
    path = FIXTURES / "atom10.xml"
    by_path = await fetch_articles(str(path), settings())
    by_url = await fetch_articles(path.as_uri(), settings())
    assert [a.title for a in by_path] == ["Bold title"]
    assert [a.title for a in by_url] == ["Bold title"]
    assert by_path[0].feed == "atom10.xml"
    assert by_path[0].source == "Atom"


async def test_fetch_http_json_feed() -> None:
    async with FeedServer() as server:
        server.set("/feed.json", Route(body=(FIXTURES / "jsonfeed-1.1.json").read_bytes(),
                                       content_type="application/feed+json"))  # fmt: skip
        articles = await fetch_articles(server.url("/feed.json"), settings())
    assert [a.title for a in articles] == ["First <b>bold</b> story", "", "External"]
    assert articles[0].published is not None
    assert articles[1].published is not None
    assert articles[2].published == articles[2].first_seen  # no date: first seen


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("not-a-feed.html", NotAFeed, "advertises a feed at"),
        ("missing.xml", FetchFailed, "cannot read"),
    ],
)
async def test_fetch_errors_name_the_cause(name: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        await fetch_articles(str(FIXTURES / name), settings())


async def test_fetch_http_errors() -> None:
    async with FeedServer() as server:
        server.set("/down", Route(status=503))
        with pytest.raises(FetchFailed, match="HTTP 503"):
            await fetch_articles(server.url("/down"), settings())
        with pytest.raises(FetchFailed, match="HTTP 404"):
            await fetch_articles(server.url("/nothing"), settings())
    with pytest.raises(
        FetchFailed, match=r"cannot connect to 127\.0\.0\.1:\d+: connection refused"
    ):
        await fetch_articles(server.url("/closed"), settings())


@pytest.mark.slow
async def test_20mb_gzip_feed_is_refused_past_the_limit_and_parsed_below_it() -> None:
    body, count = feed_20mb()
    assert len(body) > 20_000_000
    assert len(gzip.compress(body)) < 1_000_000
    async with FeedServer() as server:
        server.set("/big.xml", Route(body=body, gzip=True))
        with pytest.raises(TooLarge, match="decompressed"):
            await fetch_articles(server.url("/big.xml"), settings())
        articles = await fetch_articles(
            server.url("/big.xml"), settings(max_body_bytes=32 * 1024 * 1024, max_entries=10_000)
        )
    assert len(articles) == count


async def test_redirect_limit() -> None:
    async with FeedServer() as server:
        server.set("/loop", Route(status=302, location="/loop"))
        with pytest.raises(FetchFailed, match="more than 2 redirects"):
            await fetch_articles(server.url("/loop"), settings(max_redirects=2))


async def test_parse_timeout_is_enforced_in_the_worker() -> None:
    body = rss_feed([{"title": f"t{n}", "guid": str(n)} for n in range(20_000)])
    async with ParserPool(PollerSettings(parse_timeout=0.05), workers=1) as pool:
        with pytest.raises(ParseFailed, match=r"longer than 0\.05 s"):
            await pool.parse(ParseJob(body=body, url="http://x/", feed_key="k"))
        small = rss_feed([{"title": "ok", "guid": "1"}])
        parsed = await pool.parse(ParseJob(body=small, url="http://x/", feed_key="k"))
    assert [e.title for e in parsed.entries] == ["ok"]
