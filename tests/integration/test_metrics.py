"""`/metrics` as Prometheus scrapes it: an unhealthy feed, published articles, alerts."""

import asyncio
import contextlib
from pathlib import Path

import aiohttp

from services.app.runner import run_embedded
from services.app.settings import Settings
from services.core.metrics import render
from services.poller.metrics import FEED_UNHEALTHY
from tests.e2e.stories import BASIC, rss
from tests.support.broker import free_port
from tests.support.feedserver import FeedServer, Route


def test_metrics_are_typed_objects_and_process_metrics_are_exported() -> None:
    text = render().decode()
    assert "# TYPE redflag_polls_total counter" in text
    assert "# TYPE redflag_alert_latency_seconds histogram" in text
    assert "process_resident_memory_bytes" in text  # what every Prometheus user expects
    assert "python_info" in text


def test_a_label_is_escaped_in_the_text_format() -> None:
    FEED_UNHEALTHY.labels(feed='a "quoted"\nname').set(1)
    assert 'redflag_feed_unhealthy{feed="a \\"quoted\\"\\nname"} 1.0' in render().decode()


EXPECTED = (
    'redflag_feed_unhealthy{feed="metrics-broken"} 1.0',
    'redflag_feed_unhealthy{feed="metrics-good"} 0.0',
    'redflag_polls_total{result="error"}',
    "redflag_articles_published_total",
    'redflag_alerts_total{type="recall"}',
    'redflag_alerts_total{type="crash"}',
)


async def scrape(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return await response.text()


async def test_running_pipeline_exports_unhealthy_feeds_and_alerts(tmp_path: Path) -> None:
    port = free_port()
    async with FeedServer() as feeds:
        feeds.set("/good.xml", rss(BASIC))
        feeds.set("/broken.xml", Route(status=500))
        settings = Settings(
            state_dir=tmp_path / "state",
            feeds=[
                {"name": "metrics-good", "url": feeds.url("/good.xml")},
                {"name": "metrics-broken", "url": feeds.url("/broken.xml")},
            ],
            poller={"unhealthy_after": 1, "allow_private_feeds": True},
            metrics={"listen": f"127.0.0.1:{port}"},
        )
        stop = asyncio.Event()
        console = (tmp_path / "console.txt").open("w", encoding="utf-8")
        task = asyncio.create_task(run_embedded(settings, stop=stop, out=console))
        try:
            deadline = asyncio.get_running_loop().time() + 30
            text = ""
            while not all(series in text for series in EXPECTED):
                if asyncio.get_running_loop().time() > deadline:
                    break
                await asyncio.sleep(0.2)
                with contextlib.suppress(aiohttp.ClientConnectorError):  # still starting
                    text = await scrape(f"http://127.0.0.1:{port}/metrics")
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            console.close()
    assert all(series in text for series in EXPECTED), text
