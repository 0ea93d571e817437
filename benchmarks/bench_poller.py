"""Poller benchmark: one poller process against a local feed server in another process.

    .venv/bin/python benchmarks/bench_poller.py          # 1,000 feeds; sustained 1,000 and 5,000
    .venv/bin/python benchmarks/bench_poller.py --quick  # smaller, for a smoke run

Feeds are 50 items, about 60 KB, spread over 25 loopback addresses (127.0.0.1-25). Phases
measure the CPU (poller process + its parser workers, from /proc) per poll of each kind:
first poll (50 new), 304, 200 with an unchanged body, 200 with 5 new entries; then
feedparser.parse alone (defaults) on the same bytes, in this process. The sustained runs poll
every feed every 60 s (10% jitter) with a realistic mix: 85% 304, 8% 200 with new items,
3% slow (2 s), 2% HTTP 500, 1% 429 with Retry-After, 1% over the size limit (gzip bomb).
"""

import argparse
import asyncio
import contextlib
import gzip
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
from aiohttp import web  # noqa: E402

from services.app.settings import Settings  # noqa: E402
from services.core.lifecycle import StopSignal  # noqa: E402
from services.core.logging import configure_logging  # noqa: E402
from services.core.settings import LogSettings  # noqa: E402
from services.poller.config import FeedConfig, PollerSettings  # noqa: E402
from services.poller.fetcher import Fetcher  # noqa: E402
from services.poller.poll import FeedPoller  # noqa: E402
from services.poller.pool import ParserPool  # noqa: E402
from services.poller.scheduler import Scheduler  # noqa: E402
from services.poller.state import FeedState, StateStore  # noqa: E402

HOSTS = [f"127.0.0.{n}" for n in range(1, 26)]
WORDS = """market shares recall vehicle company report quarterly revenue growth analyst target
price investors guidance deliveries production safety regulator probe battery software update
""".split()  # noqa: SIM905  (a list literal of 20 words reads worse)
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- feed server (own process)
def item_xml(feed: int, n: int) -> str:
    r = random.Random(feed * 1_000_003 + n)
    title = " ".join(r.choice(WORDS) for _ in range(9)).capitalize()
    para = " ".join(r.choice(WORDS) for _ in range(130))
    return (
        f"<item><title>{title} {n}</title>"
        f"<link>https://news{feed % 97}.example.com/{feed}/articles/{n}?utm_source=rss</link>"
        f'<guid isPermaLink="false">urn:bench:{feed}:{n}</guid>'
        f"<pubDate>Tue, 05 Mar 2024 {n % 24:02d}:{n % 60:02d}:00 GMT</pubDate>"
        f"<category>Business</category><dc:creator>Reporter {n % 40}</dc:creator>"
        f'<description><![CDATA[<p>{para}</p><p><a href="https://example.com/x/{n}">Read more'
        f"</a> &amp; <b>more</b></p>]]></description></item>\n"
    )


def feed_body(feed: int, version: int) -> bytes:
    top = version * 5 + 50
    items = "".join(item_xml(feed, n) for n in range(top, top - 50, -1))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Bench feed {feed}</title><link>https://news.example.com/{feed}</link>"
        f"<description>All the news</description><language>en-us</language>\n{items}"
        "</channel></rss>"
    ).encode()


def serve(port: int, ready: "multiprocessing.synchronize.Event") -> None:  # type: ignore[name-defined]
    versions: dict[int, int] = {}
    cache: dict[tuple[int, int], bytes] = {}
    state = {"phase": "etag"}
    bomb = gzip.compress(b"<rss><channel>" + b"<item><title>x</title></item>" * 420_000, 9)

    def body(feed: int, version: int) -> bytes:
        key = (feed, version)
        if key not in cache:
            if len(cache) > 12_000:
                cache.clear()
            cache[key] = feed_body(feed, version)
        return cache[key]

    async def phase(request: web.Request) -> web.Response:
        state["phase"] = request.query["name"]
        return web.Response(text="ok")

    async def handle(request: web.Request) -> web.Response:
        feed = int(request.match_info["n"])
        kind = state["phase"]
        if kind == "mix":
            bucket = feed % 100
            kind = ("etag" if bucket < 85 else "new" if bucket < 93 else "slow" if bucket < 96
                    else "error" if bucket < 98 else "busy" if bucket < 99 else "huge")  # fmt: skip
        if kind == "error":
            return web.Response(status=500)
        if kind == "busy":
            return web.Response(status=429, headers={"Retry-After": "120"})
        if kind == "huge":
            return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})
        if kind == "slow":
            await asyncio.sleep(2.0)
            kind = "etag"
        if kind == "new":
            versions[feed] = versions.get(feed, 0) + 1
        version = versions.get(feed, 0)
        etag = f'"{feed}-{version}"'
        if kind == "same":
            return web.Response(body=body(feed, version), content_type="application/rss+xml")
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=body(feed, version), content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{n}", handle)
        app.router.add_post("/_phase", phase)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for host in HOSTS:
            await web.TCPSite(runner, host, port).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------- measurement
def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(pool: ParserPool) -> list[int]:
    return list(getattr(pool._executor, "_processes", {}))


class Meter:
    """CPU seconds of this process plus the pool's workers (which live through all phases)."""

    def __init__(self, pool: ParserPool) -> None:
        self.pool = pool

    def cpu(self) -> float:
        return sum(self.split())

    def split(self) -> tuple[float, float]:
        """(this process, the parser workers)."""
        workers = 0.0
        for pid in worker_pids(self.pool):
            with contextlib.suppress(OSError):  # a worker that just exited
                workers += proc_cpu(pid)
        return time.process_time(), workers

    def rss_mb(self) -> tuple[float, float]:
        workers = 0.0
        for pid in worker_pids(self.pool):
            with contextlib.suppress(OSError):
                workers += proc_rss_mb(pid)
        return proc_rss_mb(os.getpid()), workers


class CountingBus:
    """A bus that only counts: the benchmark measures the poller, not a broker."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, topic: str, key: str | None, value: bytes) -> None:
        self.sent += 1


async def set_phase(fetcher: Fetcher, port: int, name: str) -> None:
    assert fetcher._session is not None
    url = f"http://127.0.0.1:{port}/_phase?name={name}"
    async with fetcher._session.post(url) as resp:
        await resp.read()


def settings_for(n: int, port: int, state_dir: Path) -> Settings:
    feeds = tuple(
        FeedConfig(name=f"feed-{i}", url=f"http://{HOSTS[i % len(HOSTS)]}:{port}/f/{i}")
        for i in range(n)
    )
    poller = PollerSettings(default_interval=60, min_interval=30, max_interval=600,
                            concurrency=100, per_host=8, max_body_bytes=10 * 1024 * 1024,
                            jitter=0.1, parse_timeout=20, allow_private_feeds=True)  # fmt: skip
    return Settings(state_dir=state_dir, feeds=feeds, poller=poller)


async def one_round(poller: FeedPoller, feeds: dict[str, FeedConfig],
                    states: dict[str, FeedState], settings: Settings) -> None:  # fmt: skip
    async def poll(key: str) -> None:
        await poller.poll(feeds[key], states[key])

    p = settings.poller
    scheduler = Scheduler(states, poll, concurrency=p.concurrency, per_host=p.per_host)
    for key in states:
        scheduler.add(key, 0.0)
    await scheduler.run(StopSignal(), once=True)


async def phases(n: int, port: int, meter_out: dict[str, float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(n, port, Path(tmp))
        store = StateStore(Path(tmp) / "poller.db")
        feeds = {f.url: f for f in settings.feeds}
        states = {k: FeedState(key=k, name=f.name, url=f.url) for k, f in feeds.items()}
        bus = CountingBus()
        async with Fetcher(settings.poller) as fetcher, ParserPool(settings.poller) as pool:
            poller = FeedPoller(settings, bus, store, fetcher, pool, random.Random(1))  # type: ignore[arg-type]
            meter = Meter(pool)
            for name, phase in (("first poll (50 new)", "etag"), ("304", "etag"),
                                ("200 unchanged", "same"), ("200, 5 new", "new")):  # fmt: skip
                await set_phase(fetcher, port, phase)
                sent, (main0, work0), wall0 = bus.sent, meter.split(), time.perf_counter()
                await one_round(poller, feeds, states, settings)
                (main1, work1), wall = meter.split(), time.perf_counter() - wall0
                cpu = main1 - main0 + work1 - work0
                meter_out[name] = cpu / n * 1000
                print(f"  {name:20s} {n / wall:8.0f} polls/s  {cpu / n * 1000:6.2f} ms CPU/poll"
                      f" (poller {(main1 - main0) / n * 1000:.2f}, workers"
                      f" {(work1 - work0) / n * 1000:.2f})  {bus.sent - sent} new")  # fmt: skip
            main_mb, workers_mb = meter.rss_mb()
            print(f"  memory: poller {main_mb:.0f} MB, parser workers {workers_mb:.0f} MB")
            # feedparser alone, defaults, on the bytes of the last phase, in the same workers
            bodies = [feed_body(i, 1) for i in range(n)]
            executor = pool._executor
            assert executor is not None
            loop = asyncio.get_running_loop()
            _, work0 = meter.split()
            for start in range(0, n, 100):
                chunk = bodies[start : start + 100]
                await asyncio.gather(*(loop.run_in_executor(executor, fp_alone, b) for b in chunk))
            _, work1 = meter.split()
            meter_out["feedparser alone"] = (work1 - work0) / n * 1000
        store.close()


def fp_alone(body: bytes) -> int:
    """feedparser.parse with its defaults, as the yardstick (runs in a parser worker)."""
    return len(feedparser.parse(body)["entries"])


def feedparser_alone(n: int) -> float:
    bodies = [feed_body(i, 7) for i in range(min(n, 200))]
    feedparser.parse(bodies[0])
    start = time.process_time()
    for body in bodies:
        feedparser.parse(body)
    return (time.process_time() - start) / len(bodies) * 1000


async def sustained(n: int, port: int, seconds: float, warmup: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(n, port, Path(tmp))
        store = StateStore(Path(tmp) / "poller.db")
        feeds = {f.url: f for f in settings.feeds}
        rng = random.Random(2)
        states = {k: FeedState(key=k, name=f.name, url=f.url) for k, f in feeds.items()}
        bus = CountingBus()
        async with Fetcher(settings.poller) as fetcher, ParserPool(settings.poller) as pool:
            poller = FeedPoller(settings, bus, store, fetcher, pool, rng)  # type: ignore[arg-type]
            meter = Meter(pool)
            # Cold start: every feed's first poll (50 new entries each), as fast as it goes.
            await set_phase(fetcher, port, "etag")
            wall0, cpu0 = time.perf_counter(), meter.cpu()
            await one_round(poller, feeds, states, settings)
            cold, cold_cpu = time.perf_counter() - wall0, meter.cpu() - cpu0
            print(f"  {n} feeds, cold start (first poll of each): {cold:.0f} s, "
                  f"{n / cold:.0f} polls/s, {cold_cpu / cold * 100:.0f}% of one core")  # fmt: skip
            # Steady state: polls spread over the interval, as after a restart with state.
            await set_phase(fetcher, port, "mix")
            now = time.time()
            for state in states.values():
                state.next_poll = now + rng.uniform(0, 60)
            polls = 0

            async def poll(key: str) -> None:
                nonlocal polls
                await poller.poll(feeds[key], states[key])
                polls += 1

            p = settings.poller
            scheduler = Scheduler(states, poll, concurrency=p.concurrency, per_host=p.per_host)
            for key, state in states.items():
                scheduler.add(key, state.next_poll)
            stop = StopSignal()
            task = asyncio.create_task(scheduler.run(stop))
            await asyncio.sleep(warmup)
            polls0, cpu0, wall0, sent0 = polls, meter.cpu(), time.perf_counter(), bus.sent
            await asyncio.sleep(seconds)
            cpu, wall = meter.cpu() - cpu0, time.perf_counter() - wall0
            done, sent = polls - polls0, bus.sent - sent0
            main_mb, workers_mb = meter.rss_mb()
            stop.stop.set()
            await task
            lateness = [now - s.next_poll for s in states.values() if not s.disabled]
        store.close()
    print(f"  {n} feeds @ 60 s for {wall:.0f} s: {done / wall:.1f} polls/s "
          f"(due: {n / 60:.1f}/s), {sent} articles, CPU {cpu / wall * 100:.1f}% of one core "
          f"({cpu / wall / os.cpu_count() * 100:.1f}% of the machine), "
          f"memory {main_mb:.0f} MB + workers {workers_mb:.0f} MB")  # fmt: skip
    del lateness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer feeds and shorter runs")
    args = parser.parse_args()
    configure_logging(LogSettings(level="warning", format="console"))
    n_phase = 200 if args.quick else 1000
    sizes = [200] if args.quick else [1000, 5000]
    seconds, warmup = (20.0, 10.0) if args.quick else (120.0, 30.0)
    port = 18000 + os.getpid() % 1000
    ready = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(port, ready), daemon=True
    )
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("feed server did not start")
        print(
            f"body: {len(feed_body(1, 7)):,} bytes, 50 items; {os.cpu_count()} cores; "
            f"python {sys.version.split()[0]}, feedparser {feedparser.__version__}"
        )
        print(f"phases, {n_phase} feeds (CPU = poller process + parser workers):")
        costs: dict[str, float] = {}
        asyncio.run(phases(n_phase, port, costs))
        alone, quiet = costs["feedparser alone"], feedparser_alone(n_phase)
        print(f"  feedparser.parse alone (defaults), same bytes, same workers: {alone:.2f} ms "
              f"CPU/parse ({quiet:.2f} ms in a quiet process)")  # fmt: skip
        print(f"  ratio 200-with-new-entries / feedparser alone: {costs['200, 5 new'] / alone:.2f}")
        print("sustained, realistic mix:")
        for n in sizes:
            asyncio.run(sustained(n, port, seconds, warmup))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
