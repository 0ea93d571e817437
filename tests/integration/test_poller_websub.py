"""WebSub: subscribe at a hub the feed advertises, answer its challenge, publish its pushes;
and the forgeries of issue 11 (unsigned or mis-signed pushes, forged verifications, bad
leases, secrets for plain-http hubs) get nowhere."""

import asyncio
import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.poller.config import FeedConfig, PollerSettings, WebSubSettings
from services.poller.stage import run
from services.poller.websub import parse_lease, signature_ok
from tests.support.feedserver import FeedServer, Route, rss_feed

SECRET = "s3cret"


class Hub:
    """A hub that records subscription requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        async def subscribe(request: web.Request) -> web.Response:
            self.requests.append({k: str(v) for k, v in (await request.post()).items()})
            return web.Response(status=202)

        app = web.Application()
        app.router.add_post("/hub", subscribe)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hub"

    async def close(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


def feed_doc(hub: str, self_url: str, items: list[int]) -> bytes:
    links = (
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{hub}"/>'
        f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="{self_url}"/>'
    )
    return rss_feed(
        [{"title": f"Pushed {n}", "guid": f"p{n}", "link": f"https://news.example.com/{n}"}
         for n in items],
        extra=links,
    )  # fmt: skip


async def titles(bus: SqliteBus) -> list[str]:
    consumer = await bus.consumer(["redflag.articles"], "reader")
    records = await consumer.poll(0.05, max_records=1000)
    await consumer.close()
    return [json.loads(r.value)["title"] for r in records]


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def wait_for(predicate: Any, seconds: float = 20) -> None:
    for _ in range(int(seconds * 20)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_signature_check() -> None:
    body = b"<rss/>"
    assert signature_ok(SECRET, body, sign(body))
    assert signature_ok(SECRET, body, "sha1=" + hmac.new(b"s3cret", body, "sha1").hexdigest())
    assert not signature_ok(SECRET, body, sign(body, "other"))
    assert not signature_ok(SECRET, body, None)
    assert not signature_ok(SECRET, body, "md5=abc")


@pytest.mark.parametrize(
    ("value", "lease"),
    [("600", 600.0), ("60", 60.0), (None, None), ("", None), ("abc", None), ("inf", None),
     ("nan", None), ("-5", None), ("0", None), ("59", None), ("1e9", None), ("9" * 40, None),
     ("600.5", None), ("\u0666\u0660\u0660", None)],
)  # fmt: skip
def test_lease_bounds(value: str | None, lease: float | None) -> None:
    assert parse_lease(value) == lease


@asynccontextmanager
async def poller(
    tmp_path: Path, feeds: tuple[FeedConfig, ...], **websub: Any
) -> AsyncIterator[SqliteBus]:
    """The poller stage with WebSub on, running until the block ends."""
    settings = Settings(
        state_dir=tmp_path / "state",
        feeds=feeds,
        poller=PollerSettings(
            parse_workers=1, default_interval=0.2, min_interval=0.1, jitter=0,
            allow_private_feeds=True,
            websub=WebSubSettings(enabled=True, listen_port=0, allow_private_hubs=True, **websub),
        ),
    )  # fmt: skip
    async with SqliteBus(tmp_path / "bus.db") as bus:
        stop = StopSignal()
        task = asyncio.create_task(run(settings, bus, stop))
        try:
            yield bus
        finally:
            stop.stop.set()
            await asyncio.wait_for(task, 30)


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    the_hub = Hub()
    await the_hub.start()
    yield the_hub
    await the_hub.close()


def pushy(url: str, **extra: Any) -> tuple[FeedConfig, ...]:
    return (FeedConfig(name="Pushy", url=url, allow_http_hub=True, **extra),)


async def requested(hub: Hub, count: int = 1) -> list[dict[str, str]]:
    async def enough() -> bool:
        return len(hub.requests) >= count

    await wait_for(enough)
    return hub.requests


async def get(url: str, params: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url, params=params) as resp:
        return resp.status, await resp.text()


async def post(url: str, body: bytes, signature: str | None, **headers: str) -> int:
    headers = {"Content-Type": "application/rss+xml", **headers}
    if signature is not None:
        headers["X-Hub-Signature"] = signature
    async with aiohttp.ClientSession() as client, client.post(url, data=body, headers=headers) as r:
        return r.status


def serve(server: FeedServer, hub: Hub) -> str:
    """Serve a feed advertising `hub` (ETag'd: later polls are 304s); returns its URL."""
    self_url = server.url("/feed.xml")
    server.set("/feed.xml", Route(body=feed_doc(hub.url, self_url, [1]), etag='"v1"'))
    return self_url


async def published(bus: SqliteBus, count: int) -> list[str]:
    """The titles published, once there are `count` of them."""

    async def enough() -> bool:
        return len(await titles(bus)) >= count

    await wait_for(enough)
    return await titles(bus)


def verify_params(topic: str, **extra: str) -> dict[str, str]:
    return {"hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "c-123",
            "hub.lease_seconds": "600", **extra}  # fmt: skip


async def test_subscribe_verify_and_push(tmp_path: Path, hub: Hub) -> None:
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)) as bus:
            [form] = await requested(hub)
            assert form["hub.mode"] == "subscribe"
            assert form["hub.topic"] == self_url
            secret, callback = form["hub.secret"], form["hub.callback"]
            assert len(secret) >= 32
            assert await get(callback, verify_params(self_url)) == (200, "c-123")

            pushed = feed_doc(hub.url, self_url, [2, 1])
            assert await post(callback, pushed, sign(pushed, secret)) == 202
            assert await published(bus, 2) == ["Pushed 1", "Pushed 2"]


async def test_forged_pushes_publish_nothing(tmp_path: Path, hub: Hub) -> None:
    """Issue 11: no signature, a wrong one, the old guessable callback, another topic."""
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)) as bus:
            [form] = await requested(hub)
            callback, secret = form["hub.callback"], form["hub.secret"]
            await get(callback, verify_params(self_url))
            base = callback.rsplit("/", 1)[0]
            guessable = hashlib.sha256(f"websub\x00{self_url}".encode()).hexdigest()[:24]
            assert not callback.endswith(guessable)

            forged = feed_doc(hub.url, self_url, [66])
            assert await post(callback, forged, None) == 202  # acknowledged, ignored
            assert await post(callback, forged, sign(forged, "guess")) == 202
            assert await post(callback, forged, "sha256=") == 202
            assert await post(f"{base}/{guessable}", forged, sign(forged, secret)) == 410
            other = feed_doc(hub.url, "https://evil.example/feed", [67])
            assert await post(callback, other, sign(other, secret)) == 202  # body: other topic
            link = f'<{server.url("/other.xml")}>; rel="self"'
            assert await post(callback, forged, sign(forged, secret), Link=link) == 400

            good = feed_doc(hub.url, self_url, [2])
            assert await post(callback, good, sign(good, secret)) == 202
            assert await published(bus, 2) == ["Pushed 1", "Pushed 2"]


async def test_forged_verifications_are_not_answered(tmp_path: Path, hub: Hub) -> None:
    """Only the pending request's mode and topic is answered; bad leases get a 4xx."""
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)):
            [form] = await requested(hub)
            callback = form["hub.callback"]
            for lease in ("inf", "abc", "-1", "0", "99999999999", ""):
                status, body = await get(
                    callback, verify_params(self_url, **{"hub.lease_seconds": lease})
                )
                assert (status, body) == (400, ""), lease
            assert (await get(callback, {**verify_params(self_url), "hub.mode": "unsubscribe"}))[
                0
            ] == 404
            assert (await get(callback, verify_params("http://x/")))[0] == 404
            assert (await get(callback + "x", verify_params(self_url)))[0] == 404
            assert await get(callback, verify_params(self_url)) == (200, "c-123")
            # verified: nothing is pending any more, so a replay is not answered
            assert (await get(callback, verify_params(self_url)))[0] == 404
            denied = {"hub.mode": "denied", "hub.topic": self_url}
            assert (await get(callback, denied))[0] == 404


async def test_plain_http_hub_gets_no_secret_unless_allowed(tmp_path: Path, hub: Hub) -> None:
    async with FeedServer() as server:
        self_url = serve(server, hub)
        feeds = (FeedConfig(name="Pushy", url=self_url),)  # no allow_http_hub
        async with poller(tmp_path, feeds) as bus:

            async def polled() -> bool:
                return server.hits("/feed.xml") >= 3

            await wait_for(polled)
            assert await titles(bus) == ["Pushed 1"]
        assert hub.requests == []


@pytest.mark.parametrize(
    "hub_url", ["http://0x7f000001:{port}/hub", "http://2130706433:{port}/hub",
                "http://[::ffff:127.0.0.1]:{port}/hub"],
)  # fmt: skip
async def test_hub_urls_outside_the_policy_get_nothing(
    tmp_path: Path, hub: Hub, hub_url: str
) -> None:
    """Even with private hubs allowed, odd spellings and embedded private IPv4 are refused
    (the last one by the policy, as allow_private_hubs=False)."""
    port = hub.url.split(":")[2].split("/")[0]
    async with FeedServer() as server:
        self_url = server.url("/feed.xml")
        doc = feed_doc(hub_url.format(port=port), self_url, [1])
        server.set("/feed.xml", Route(body=doc, etag='"v1"'))
        private = "::ffff" not in hub_url
        settings = Settings(
            state_dir=tmp_path / "state",
            feeds=pushy(self_url),
            poller=PollerSettings(
                parse_workers=1, default_interval=0.2, min_interval=0.1, jitter=0,
                allow_private_feeds=True,
                websub=WebSubSettings(enabled=True, listen_port=0, allow_private_hubs=private),
            ),
        )  # fmt: skip
        async with SqliteBus(tmp_path / "bus.db") as bus:
            stop = StopSignal()
            task = asyncio.create_task(run(settings, bus, stop))

            async def polled() -> bool:
                return server.hits("/feed.xml") >= 3

            await wait_for(polled)
            stop.stop.set()
            await asyncio.wait_for(task, 30)
    assert hub.requests == []


async def test_renewal_on_304_and_after_restart(tmp_path: Path, hub: Hub) -> None:
    """Issue 9: a feed that answers 304 still renews; a restart keeps the callback."""
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)):
            [form] = await requested(hub)
            assert await get(form["hub.callback"], verify_params(self_url)) == (200, "c-123")
        # Time passes: the lease is about to end (the poller reads its stored expiry).
        db = sqlite3.connect(tmp_path / "state" / "poller.db")
        db.execute("UPDATE websub SET expires = ?", (time.time() + 1,))
        db.commit()
        db.close()
        polls = server.hits("/feed.xml")
        async with poller(tmp_path, pushy(self_url)):
            first, renewal = await requested(hub, 2)

            async def not_modified() -> bool:
                return server.hits("/feed.xml") > polls

            await wait_for(not_modified)
        assert renewal["hub.mode"] == "subscribe"
        token = first["hub.callback"].rsplit("/", 1)[1]  # (the test's listen port is random)
        assert renewal["hub.callback"].rsplit("/", 1)[1] == token
        assert renewal["hub.secret"] == first["hub.secret"]
        assert all(
            r.headers.get("If-None-Match") == '"v1"' for r in server.requests[polls:]
        )  # fmt: skip  (every poll was a 304)


async def test_removed_feed_is_unsubscribed(tmp_path: Path, hub: Hub) -> None:
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)):
            [form] = await requested(hub)
            await get(form["hub.callback"], verify_params(self_url))
        other = FeedConfig(name="Other", url=server.url("/other.xml"))
        server.set("/other.xml", rss_feed([]))
        async with poller(tmp_path, (other,)):
            _, bye = await requested(hub, 2)
            assert bye["hub.mode"] == "unsubscribe"
            callback = bye["hub.callback"]  # the same token; the test's port is random
            assert callback.rsplit("/", 1)[1] == form["hub.callback"].rsplit("/", 1)[1]
            params = {"hub.mode": "unsubscribe", "hub.topic": self_url, "hub.challenge": "bye"}
            assert await get(callback, params) == (200, "bye")
            signed = feed_doc(hub.url, self_url, [9])
            assert await post(callback, signed, sign(signed, form["hub.secret"])) == 410


async def test_feed_that_drops_its_hub_is_unsubscribed_there(tmp_path: Path, hub: Hub) -> None:
    """A publisher that stops advertising a hub has left it: tell the hub once, keep polling,
    and never renew there again (a 304 after that must not bring the old hub back)."""
    async with FeedServer() as server:
        self_url = serve(server, hub)
        async with poller(tmp_path, pushy(self_url)) as bus:
            [form] = await requested(hub)
            await get(form["hub.callback"], verify_params(self_url))
            plain = rss_feed([{"title": "Polled 5", "guid": "q5", "link": "https://e.com/5"}])
            server.set("/feed.xml", Route(body=plain, etag='"v2"'))
            _, bye = await requested(hub, 2)
            assert bye["hub.mode"] == "unsubscribe"
            assert bye["hub.callback"] == form["hub.callback"]
            assert "Polled 5" in await published(bus, 2)
            polls = server.hits("/feed.xml")

            async def more_polls() -> bool:
                return server.hits("/feed.xml") >= polls + 3  # 304s after the change

            await wait_for(more_polls)
        assert len(hub.requests) == 2
