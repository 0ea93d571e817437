"""A parse's time limit starts when a worker takes it, not when it joins the queue: under
load (1,000 feeds, one worker) whole batches used to fail with "parser worker did not
answer" and the pool was replaced."""

import asyncio
import time

import pytest

from services.poller.config import PollerSettings
from services.poller.parser import ParseJob
from services.poller.pool import ParserPool

pytestmark = pytest.mark.slow

ITEMS = "".join(
    f"<item><guid>g{i}</guid><title>Story number {i} about nothing much</title>"
    f"<description>&lt;p&gt;Body {i} with &lt;b&gt;markup&lt;/b&gt;&lt;/p&gt;</description></item>"
    for i in range(400)
)
FEED = f'<rss version="2.0"><channel><title>t</title>{ITEMS}</channel></rss>'.encode()


async def test_jobs_queued_behind_a_busy_worker_do_not_time_out() -> None:
    """Slow (~7 s): queues ~8 s of parsing on one worker, well past its 2 s timeout + 1 s
    grace even on a loaded machine."""
    settings = PollerSettings(parse_timeout=2.0)
    async with ParserPool(settings, workers=1, grace=1.0) as pool:
        job = ParseJob(body=FEED, url="http://127.0.0.1/f", feed_key="k", now=time.time())
        await pool.parse(job)  # the worker is up
        started = time.monotonic()
        await pool.parse(job)
        one = time.monotonic() - started
        jobs = max(12, int(8.0 / max(one, 0.05)))  # queued work well past timeout + grace
        results = await asyncio.gather(*(pool.parse(job) for _ in range(jobs)))
        assert all(len(r.entries) == 400 for r in results)
        assert pool.replaced == 0  # the pool was never killed for a worker that did not answer
        assert time.monotonic() - started > settings.parse_timeout + pool.grace
