"""WebSub: subscribe at a hub the feed advertises, answer its challenge, publish its pushes."""

import asyncio
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from services.core.lifecycle import StopSignal
from services.core.settings import Settings
from services.core.sqlitebus import SqliteBus
from services.poller.config import FeedConfig, PollerSettings, WebSubSettings
from services.poller.stage import run
from services.poller.websub import signature_ok
from tests.support.feedserver import FeedServer, rss_feed

SECRET = "s3cret"


class Hub:
    """A hub that records subscription requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        async def subscribe(request: web.Request) -> web.Response:
            self.requests.append(dict(await request.post()))  # type: ignore[arg-type]
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


async def test_subscribe_verify_and_push(tmp_path: Path) -> None:
    hub = Hub()
    await hub.start()
    try:
        async with FeedServer() as server, SqliteBus(tmp_path / "bus.db") as bus:
            self_url = server.url("/feed.xml")
            server.set("/feed.xml", feed_doc(hub.url, self_url, [1]))
            settings = Settings(
                state_dir=tmp_path / "state",
                feeds=(FeedConfig(name="Pushy", url=self_url),),
                poller=PollerSettings(
                    parse_workers=1, default_interval=3600,
                    websub=WebSubSettings(enabled=True, listen_port=0, secret=SECRET,
                                          allow_private_hubs=True),
                ),
            )  # fmt: skip
            stop = StopSignal()
            task = asyncio.create_task(run(settings, bus, stop))

            async def subscribed() -> bool:
                return bool(hub.requests)

            await wait_for(subscribed)
            [form] = hub.requests
            assert form["hub.mode"] == "subscribe"
            assert form["hub.topic"] == self_url
            assert form["hub.secret"] == SECRET
            callback = form["hub.callback"]
            async with aiohttp.ClientSession() as client:
                verify = {"hub.mode": "subscribe", "hub.topic": self_url,
                          "hub.challenge": "c-123", "hub.lease_seconds": "600"}  # fmt: skip
                async with client.get(callback, params=verify) as resp:
                    assert resp.status == 200
                    assert await resp.text() == "c-123"
                async with client.get(
                    callback, params={**verify, "hub.topic": "http://x/"}
                ) as resp:
                    assert resp.status == 404  # a topic we never asked for
                async with client.get(callback + "x", params=verify) as resp:
                    assert resp.status == 404

                forged = feed_doc(hub.url, self_url, [3, 1])
                headers = {
                    "Content-Type": "application/rss+xml",
                    "X-Hub-Signature": sign(forged, "bad"),
                }
                async with client.post(callback, data=forged, headers=headers) as resp:
                    assert resp.status == 202  # acknowledged, ignored (WebSub 8)

                pushed = feed_doc(hub.url, self_url, [2, 1])
                headers = {"Content-Type": "application/rss+xml", "X-Hub-Signature": sign(pushed)}
                async with client.post(callback, data=pushed, headers=headers) as resp:
                    assert resp.status == 202

            async def both() -> bool:
                return len(await titles(bus)) == 2

            await wait_for(both)
            stop.stop.set()
            await asyncio.wait_for(task, 30)
            assert await titles(bus) == ["Pushed 1", "Pushed 2"]
            assert server.hits("/feed.xml") == 1  # the push needed no poll
    finally:
        await hub.close()
