"""What an operator sees, with the real `redflag` command against local feed and chat servers:
`run --once` polls everything and says what it did in one line and its exit status; why
nothing happened is on screen; the ops port answers /healthz, /readyz and /metrics."""

import asyncio
import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from tests.e2e.stories import BASIC, recall_stream, rss
from tests.support.broker import free_port
from tests.support.chatserver import ChatServer, Reply
from tests.support.feedserver import FeedServer, Route

REDFLAG = str(Path(sys.executable).with_name("redflag"))
WATCH = [{"company": "Ford Motor", "tickers": ["F"], "aliases": ["Ford"]}]
EVENTS = sum(1 for s in BASIC if s.type)


async def redflag(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    base = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDFLAG_")}
    proc = await asyncio.create_subprocess_exec(
        REDFLAG, *args, env={**base, **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def config(tmp_path: Path, feeds: list[tuple[str, str]], **extra: object) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "redflag.yaml"
    poller = {"allow_private_feeds": True, **extra.pop("poller", {})}  # type: ignore[dict-item]
    data = {
        "state_dir": str(tmp_path / "state"),
        "feeds": [{"name": n, "url": u} for n, u in feeds],
        "watchlist": WATCH,
        "poller": poller,  # the feeds are local test servers
        **extra,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def test_run_once_polls_every_feed_now_and_sums_up(tmp_path: Path) -> None:
    async with FeedServer() as feeds:
        feeds.set("/good.xml", rss(BASIC, backlog=recall_stream(2)))
        feeds.set("/bad.xml", Route(status=500))
        path = config(
            tmp_path,
            [("good", feeds.url("/good.xml")), ("bad", feeds.url("/bad.xml"))],
            poller={"max_age": "7d"},
        )
        code, out, err = await redflag("run", "--once", "--config", str(path))
        assert code == 0, err
        assert out.splitlines()[-1] == (
            f"redflag run --once: polled 2 feeds (1 failed), {len(BASIC)} new articles "
            f"(2 older than poller.max_age, skipped), {EVENTS} alerts, {EVENTS} delivered, "
            "0 dead-lettered"
        )
        # the schedule says "in 5 minutes", --once polls now all the same
        code, out, _ = await redflag("run", "--once", "--config", str(path))
        assert feeds.hits("/good.xml") == 2
        assert out.splitlines()[-1].startswith("redflag run --once: polled 2 feeds (1 failed)")
        # `redflag feeds`: the backlog is counted, a feed that never worked is failing
        code, out, _ = await redflag("feeds", "--config", str(path))
        assert code == 0
        rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
        assert rows["good"][1] == "ok"
        assert rows["good"][-2:] == [str(len(BASIC)), "2"]  # published, too old
        assert rows["bad"][1] == "failing"


async def test_run_once_fails_when_every_feed_fails(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
    path = config(tmp_path, [("gone", closed)])
    code, out, _ = await redflag("run", "--once", "--config", str(path))
    assert code == 1
    assert "polled 1 feeds (1 failed), 0 new articles" in out.splitlines()[-1]
    code, out, _ = await redflag("feeds", "--config", str(path))
    assert "failing" in out
    assert "cannot connect to 127.0.0.1:" in out and "connection refused" in out
    assert "ClientConnector" not in out


async def test_run_once_fails_when_a_delivery_is_dead_lettered(tmp_path: Path) -> None:
    hook = "T00000001/B00000001/recallsXXXXXXXXXXXXXXXX"
    with ChatServer() as chat:
        chat.script(f"/services/{hook}", *[Reply(404, body="no_service")] * 10)
        async with FeedServer() as feeds:
            feeds.set("/good.xml", rss(BASIC[:1]))
            path = config(
                tmp_path,
                [("good", feeds.url("/good.xml"))],
                channels=[{"name": "desk", "url": f"slack://{hook}"}],
                notifier={"endpoints": chat.endpoints},
            )
            code, out, _ = await redflag("run", "--once", "--config", str(path))
    assert code == 1
    assert out.splitlines()[-1].endswith("1 alerts, 0 delivered, 1 dead-lettered")


async def test_the_console_shows_alerts_and_rounds_json_keeps_every_item(tmp_path: Path) -> None:
    async with FeedServer() as feeds:
        feeds.set("/good.xml", rss(BASIC))
        path = config(tmp_path, [("good", feeds.url("/good.xml"))])
        _, out, err = await redflag(
            "run", "--once", "--config", str(path), env={"REDFLAG_LOG__FORMAT": "console"}
        )
        assert "poll_round" in err
        assert "article_published" not in err and "article_classified" not in err
        assert "feed_polled" not in err
        assert all(s.title in out for s in BASIC if s.type)  # the alerts themselves
        path = config(tmp_path / "json", [("good", feeds.url("/good.xml"))])
        _, _, err = await redflag(
            "run", "--once", "--config", str(path), env={"REDFLAG_LOG__FORMAT": "json"}
        )
        events = [json.loads(line)["event"] for line in err.splitlines()]
        assert "poll_round" in events and "feed_polled" in events


def get(url: str) -> tuple[int, dict[str, object] | str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read().decode(), exc.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


async def test_the_ops_port_serves_health_readiness_and_metrics(tmp_path: Path) -> None:
    port = free_port()
    async with FeedServer() as feeds:
        feeds.set("/good.xml", rss(BASIC))
        path = config(
            tmp_path, [("good", feeds.url("/good.xml"))], metrics={"listen": f"127.0.0.1:{port}"}
        )
        proc = await asyncio.create_subprocess_exec(
            REDFLAG, "run", "--config", str(path),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    status, body = await asyncio.to_thread(get, f"http://127.0.0.1:{port}/readyz")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the ops port never answered"
                    await asyncio.sleep(0.2)
            assert (status, body) == (200, {"stage": "run", "status": "ready", "waiting": []})
            status, body = await asyncio.to_thread(get, f"http://127.0.0.1:{port}/healthz")
            assert (status, body) == (200, {"stage": "run", "status": "ok"})
            status, text = await asyncio.to_thread(get, f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            assert "process_cpu_seconds_total" in str(text)
            for ready in ([], ["--ready"]):
                code, out, _ = await redflag("health", *ready, "--config", str(path))
                assert code == 0, out
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 30) == 0
            assert time.monotonic() - started < 20  # poller.shutdown_grace + margin
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        code, _, err = await redflag("health", "--config", str(path))
        assert code == 1
        assert f"no stage answers on http://127.0.0.1:{port}/healthz" in err


async def start_busy(tmp_path: Path, feeds: FeedServer, grace: float) -> asyncio.subprocess.Process:
    """`redflag run` with 200 feeds in flight, each answering slowly."""
    urls, tag = [], tmp_path.name
    for n in range(200):
        feeds.set(f"/{tag}{n}.xml", Route(body=rss(recall_stream(3)), delay=4.0))
        urls.append((f"slow{n}", feeds.url(f"/{tag}{n}.xml")))
    path = config(
        tmp_path, urls, poller={"concurrency": 200, "per_host": 200, "shutdown_grace": grace}
    )
    proc = await asyncio.create_subprocess_exec(
        REDFLAG, "run", "--config", str(path), env={**os.environ, "REDFLAG_LOG__FORMAT": "json"},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while sum(feeds.hits(f"/{tag}{n}.xml") for n in range(200)) < 150:  # polls in flight
        if time.monotonic() > deadline or proc.returncode is not None:
            proc.kill()
            await proc.wait()
            raise AssertionError("the poller never got busy")
        await asyncio.sleep(0.1)
    return proc


async def test_sigterm_drains_a_busy_run_within_its_bound_and_a_second_exits_at_once(
    tmp_path: Path,
) -> None:
    """Slow (~8 s): two `redflag run`s each get 150 of 200 slow polls in flight; the first
    then drains for its 2 s grace."""
    async with FeedServer() as feeds:
        proc = await start_busy(tmp_path / "one", feeds, grace=2.0)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
        took = time.monotonic() - started
        assert took < 2.0 + 5.0 + 1.0, took  # shutdown_grace + the runner's margin
        assert code in (0, 1)
        proc = await start_busy(tmp_path / "two", feeds, grace=30.0)
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 1
        assert time.monotonic() - started < 2.0
        assert proc.stderr is not None
        assert b'"reason": "second SIGTERM"' in await proc.stderr.read()
