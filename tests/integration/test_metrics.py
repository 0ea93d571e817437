"""`/metrics` as Prometheus scrapes it: an unhealthy feed, published articles, alerts."""

import asyncio
import contextlib
from pathlib import Path

import aiohttp

from services.core.metrics import Metrics
from services.core.runner import run_embedded
from services.core.settings import Settings
from tests.e2e.stories import BASIC, rss
from tests.support.broker import free_port
from tests.support.feedserver import FeedServer, Route


def test_text_format_escapes_labels_and_sorts_series() -> None:
    metrics = Metrics()
    metrics.inc("redflag_polls_total", result="ok")
    metrics.inc("redflag_polls_total", 2, result="ok")
    metrics.set("redflag_feed_unhealthy", 1, feed='a "quoted"\nname')
    assert metrics.render() == (
        "# HELP redflag_feed_unhealthy 1 while a feed has failed `unhealthy_after` times.\n"
        "# TYPE redflag_feed_unhealthy gauge\n"
        'redflag_feed_unhealthy{feed="a \\"quoted\\"\\nname"} 1\n'
        "# HELP redflag_polls_total Feed polls by result (ok, error).\n"
        "# TYPE redflag_polls_total counter\n"
        'redflag_polls_total{result="ok"} 3\n'
    )


def test_a_histogram_has_cumulative_buckets_a_sum_and_a_count() -> None:
    metrics = Metrics()
    for seconds in (0.2, 0.7, 4.0, 4000.0):
        metrics.observe("redflag_alert_latency_seconds", seconds, channel="desk")
    lines = metrics.render().splitlines()
    assert lines[1] == "# TYPE redflag_alert_latency_seconds histogram"
    assert lines[2:] == [
        'redflag_alert_latency_seconds_bucket{channel="desk",le="0.5"} 1',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="1"} 2',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="2"} 2',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="5"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="10"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="30"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="60"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="300"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="1800"} 3',
        'redflag_alert_latency_seconds_bucket{channel="desk",le="+Inf"} 4',
        'redflag_alert_latency_seconds_sum{channel="desk"} 4004.9',
        'redflag_alert_latency_seconds_count{channel="desk"} 4',
    ]


EXPECTED = (
    'redflag_feed_unhealthy{feed="metrics-broken"} 1',
    'redflag_feed_unhealthy{feed="metrics-good"} 0',
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
