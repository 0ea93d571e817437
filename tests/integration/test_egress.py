"""The egress policy on real requests: redirects, rebinding names, literals (issue 11).

Loopback only, even if the policy were broken: names resolve through a fake resolver to
127.0.0.x, and 127.0.0.1 *stands for the public internet* (`STANDS_IN`); every other
loopback address stands for a private one (the policy refuses loopback like private,
link-local and metadata addresses, which the unit table tests directly).
"""

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from services.core.egress import IPAddress, address_is_public
from services.poller.config import PollerSettings
from services.poller.errors import Blocked
from services.poller.fetcher import Fetcher
from tests.integration.test_cli import redflag
from tests.support.feedserver import FeedServer, Route, rss_feed

PUBLIC = ipaddress.IPv4Address("127.0.0.1")
FEED = rss_feed([{"title": "Story", "guid": "s1", "link": "https://news.example.com/1"}])


def stands_in(address: IPAddress) -> bool:
    """The real policy, except that 127.0.0.1 plays a public address."""
    return address == PUBLIC or address_is_public(address)


class FakeResolver(AbstractResolver):
    """Names to loopback addresses; a name with several answers returns them all."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"no such name {host}")
        return [
            ResolveResult(hostname=host, host=a, port=port, family=socket.AF_INET, proto=0, flags=0)
            for a in self.names[host]
        ]

    async def close(self) -> None:
        return None


@pytest.fixture
async def public() -> AsyncIterator[FeedServer]:
    async with FeedServer("127.0.0.1") as server:
        yield server


@pytest.fixture
async def private() -> AsyncIterator[FeedServer]:
    """A server on a 'private' address: no request may reach it."""
    async with FeedServer("127.0.0.2") as server:
        server.set("/latest/meta-data", b"secret-role-credentials")
        yield server


def fetcher(names: dict[str, list[str]], **poller: object) -> Fetcher:
    settings = PollerSettings.model_validate(poller)
    return Fetcher(settings, resolver=FakeResolver(names), allowed=stands_in)


NAMES = {"news.test": ["127.0.0.1"], "metadata.test": ["127.0.0.2"]}


async def test_public_feed_is_fetched(public: FeedServer) -> None:
    public.set("/feed.xml", FEED)
    async with fetcher(NAMES) as f:
        resp = await f.fetch(f"http://news.test:{public.port}/feed.xml")
    assert resp.status == 200


@pytest.mark.parametrize(
    "location",
    [
        "http://metadata.test:{port}/latest/meta-data",  # a name for a private address
        "http://127.0.0.2:{port}/latest/meta-data",  # a private literal
        "http://0x7f000002:{port}/latest/meta-data",  # the same, spelt in hex
        "http://2130706434:{port}/latest/meta-data",  # ...as an integer
        "http://[::ffff:127.0.0.2]:{port}/latest/meta-data",  # ...IPv4-mapped
        "http://localhost:{port}/latest/meta-data",
    ],
)
async def test_redirect_from_public_to_private_is_refused(
    public: FeedServer, private: FeedServer, location: str
) -> None:
    public.set("/feed.xml", Route(status=302, location=location.format(port=private.port)))
    async with fetcher(NAMES) as f:
        with pytest.raises(Blocked, match="refused"):
            await f.fetch(f"http://news.test:{public.port}/feed.xml")
    assert private.hits("/latest/meta-data") == 0


async def test_a_name_that_rebinds_to_private_is_refused(private: FeedServer) -> None:
    # The check is in the resolver the connector uses: the address checked is the one dialled.
    async with fetcher({"rebind.test": ["127.0.0.2"]}) as f:
        with pytest.raises(Blocked, match="non-public"):
            await f.fetch(f"http://rebind.test:{private.port}/latest/meta-data")
    assert private.hits("/latest/meta-data") == 0


async def test_private_answers_are_dropped_public_ones_kept(public: FeedServer) -> None:
    public.set("/feed.xml", FEED)
    async with fetcher({"mixed.test": ["127.0.0.2", "127.0.0.1"]}) as f:
        resp = await f.fetch(f"http://mixed.test:{public.port}/feed.xml")
    assert resp.status == 200


async def test_configured_private_feed_needs_allow_private(private: FeedServer) -> None:
    url = f"http://127.0.0.2:{private.port}/latest/meta-data"
    async with fetcher(NAMES) as f:
        with pytest.raises(Blocked):
            await f.fetch(url)
        assert (await f.fetch(url, allow_private=True)).status == 200


async def test_allowed_private_feed_may_not_redirect_to_another_private_host(
    public: FeedServer, private: FeedServer
) -> None:
    """`allow_private` covers the feed's own host, not wherever it redirects."""
    target = f"http://metadata.test:{private.port}/latest/meta-data"
    private.set("/intranet.xml", Route(status=302, location=target))
    async with fetcher(NAMES) as f:
        with pytest.raises(Blocked):
            await f.fetch(f"http://127.0.0.2:{private.port}/intranet.xml", allow_private=True)
    assert private.hits("/latest/meta-data") == 0


async def test_non_canonical_literal_refused_even_when_private_allowed(
    private: FeedServer,
) -> None:
    async with fetcher(NAMES, allow_private_feeds=True) as f:
        with pytest.raises(Blocked, match="canonical"):
            await f.fetch(f"http://0x7f000002:{private.port}/latest/meta-data")
    assert private.hits("/latest/meta-data") == 0


async def test_file_url_through_the_policy_is_local_only(tmp_path: Path) -> None:
    """`redflag fetch /path` reads a file: the policy is for the network, files stay local."""
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)
    async with fetcher(NAMES) as f:
        assert (await f.fetch(str(path))).status == 200


async def test_redflag_fetch_goes_through_the_policy(private: FeedServer) -> None:
    """The real command: a private or oddly spelt address is refused before connecting."""
    for host in ("127.0.0.2", "0x7f000002", "2130706434", "localhost"):
        url = f"http://{host}:{private.port}/latest/meta-data"
        result = await asyncio.to_thread(redflag, "fetch", url)
        assert result.returncode == 1, result.stderr
        assert "refused" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert private.hits("/latest/meta-data") == 0


async def test_redflag_fetch_allow_private_reaches_an_intranet_feed(private: FeedServer) -> None:
    """`--allow-private` is the operator's explicit yes for one fetch (an intranet feed);
    the refusal without it names the flag, and odd spellings stay refused either way."""
    private.set("/feed.xml", FEED)
    url = f"http://127.0.0.2:{private.port}/feed.xml"
    refused = await asyncio.to_thread(redflag, "fetch", url)
    assert refused.returncode == 1 and "--allow-private" in refused.stderr
    assert private.hits("/feed.xml") == 0
    result = await asyncio.to_thread(redflag, "fetch", "--allow-private", url)
    assert result.returncode == 0, result.stderr
    assert '"title":"Story"' in result.stdout
    odd = await asyncio.to_thread(
        redflag, "fetch", "--allow-private", f"http://0x7f000002:{private.port}/feed.xml"
    )
    assert odd.returncode == 1 and "canonical" in odd.stderr
    assert private.hits("/feed.xml") == 1
