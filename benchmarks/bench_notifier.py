"""Notifier throughput, pacing and Retry-After, against the local chat server.

    .venv/bin/python -m benchmarks.bench_notifier                 # every part
    .venv/bin/python -m benchmarks.bench_notifier --alerts 2000   # a quicker fan-out

Part 1, fan-out: N alerts (default 10,000) to 20 channels (10 Slack webhooks, 10 Telegram
chats) with rate limits lifted (`notifier.pacing: false`); the chat server runs in its own
process so the CPU figure is the notifier's alone (this process: stage, transport, requests).
Baseline, same run: 2,000 alerts (`--baseline-alerts`) to 20 `json://` channels, which
apprise's real plugin sends; the ratio of CPU per delivery compares our Slack/Telegram path
with apprise's on the same machine.

Part 2, pacing: default limits, one Slack webhook and one Telegram chat, a short burst; the
achieved rate per destination, from the server's arrival times, should equal the limit (1/s).

Part 3, Retry-After: the server answers 429 + Retry-After to one Slack webhook for a while;
how many 429s the notifier drew and how long after the first it sent again.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from schemas.alert import Alert, Event, Facts
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.logging import configure_logging
from services.core.settings import LogSettings
from services.core.sqlitebus import SqliteBus
from services.notifier import stage
from tests.support.chatserver import ChatServer

ROOT = Path(__file__).resolve().parents[1]


def make_alert(n: int) -> Alert:
    return Alert(
        id=f"bench-{n}",
        article_id=f"art-{n}",
        title=f"Acme Motors recalls {n:,} SUVs over a brake fault",
        link=f"https://news.example/{n}",
        source="Reuters",
        published=datetime(2025, 3, 4, 14, 5, tzinfo=UTC),
        lang="en",
        event=Event(
            type="recall",
            confidence=0.9,
            company="Acme Motors",
            tickers=("ACME",),
            facts=Facts(units=1000 + n),
            on_watchlist=True,
        ),
    )


async def run_stage(settings: Settings, alerts: int) -> tuple[float, float]:
    """Publish `alerts`, drain the stage; returns (wall seconds, CPU seconds) of the stage."""
    async with SqliteBus(":memory:") as bus:
        for n in range(alerts):
            a = make_alert(n)
            await bus.send(settings.kafka.topics.alerts, a.id, a.model_dump_json().encode())
        stop = StopSignal()
        stop.drain.set()
        wall, cpu = time.perf_counter(), time.process_time()
        await stage.run(settings, bus, stop)
        return time.perf_counter() - wall, time.process_time() - cpu


def fan_out(alerts: int, channels: int, *, baseline: bool = False) -> dict[str, Any]:
    """Slack + Telegram through redflag's transport, or (`baseline`) json:// through apprise."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.chatserver"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        half = channels // 2
        if baseline:
            host = url.split("://", 1)[1]
            chans = [
                {"name": f"json-{i}", "url": f"json://{host}/hook{i}"} for i in range(channels)
            ]
        else:
            chans = [
                {"name": f"slack-{i}", "url": f"slack://T{i}/B{i}/X{i}secret"} for i in range(half)
            ]
            chans += [
                {"name": f"tg-{i}", "url": f"tgram://123456:bench{i}/{1000 + i}"}
                for i in range(channels - half)
            ]
        with tempfile.TemporaryDirectory() as state:
            settings = Settings(
                state_dir=Path(state),
                channels=chans,
                notifier={"pacing": False, "endpoints": ChatServer.endpoints_for(url)},
                log={"level": "warning"},
            )
            wall, cpu = asyncio.run(run_stage(settings, alerts))
        with urllib.request.urlopen(f"{url}/_stats", timeout=5) as resp:
            received = json.load(resp)["count"]
    finally:
        server.terminate()
        server.wait(10)
    deliveries = alerts * channels
    return {
        "path": "apprise json://" if baseline else "redflag slack+telegram",
        "alerts": alerts,
        "channels": channels,
        "deliveries": deliveries,
        "received": received,
        "seconds": round(wall, 2),
        "deliveries_per_s": round(deliveries / wall),
        "cpu_ms_per_delivery": round(cpu / deliveries * 1000, 3),
        "cpus": os.cpu_count(),
    }


def pacing(burst: int) -> dict[str, Any]:
    with ChatServer() as chat, tempfile.TemporaryDirectory() as state:
        settings = Settings(
            state_dir=Path(state),
            channels=[
                {"name": "slack", "url": "slack://T1/B1/Xpaced"},
                {"name": "tg", "url": "tgram://123456:paced/4242"},
            ],
            notifier={"endpoints": chat.endpoints},
            log={"level": "warning"},
        )
        wall, _ = asyncio.run(run_stage(settings, burst))
        out: dict[str, Any] = {"burst": burst, "seconds": round(wall, 2)}
        for name, prefix in (("slack", "/services/"), ("telegram", "/bot")):
            stamps = [r.at for r in chat.to(prefix) if r.accepted]
            gaps = [b - a for a, b in pairwise(stamps)]
            out[name] = {
                "sent": len(stamps),
                "achieved_per_s": round((len(stamps) - 1) / (stamps[-1] - stamps[0]), 3),
                "limit_per_s": 1.0,
                "min_gap_s": round(min(gaps), 3),
            }
    return out


def retry_after(hold: float, burst: int) -> dict[str, Any]:
    """A webhook held at 429 for `hold` s: 429s drawn, and the wait before the next accept."""
    path = "/services/T1/B1/Xheld"
    with ChatServer() as chat, tempfile.TemporaryDirectory() as state:
        settings = Settings(
            state_dir=Path(state),
            channels=[{"name": "slack", "url": "slack://T1/B1/Xheld"}],
            notifier={"endpoints": chat.endpoints, "backoff_base": 0.1},
            log={"level": "error"},
        )
        chat.hold_until(path, hold)
        wall, _ = asyncio.run(run_stage(settings, burst))
        statuses = [r.status for r in chat.to(path)]
        first_429 = next(r.at for r in chat.to(path) if r.status == 429)
        first_ok = next(r.at for r in chat.to(path) if r.accepted)
        return {
            "hold_s": hold,
            "burst": burst,
            "responses_429": statuses.count(429),
            "accepted": statuses.count(200),
            "retry_after_header_s": round(hold + 0.4),
            "waited_s": round(first_ok - first_429, 3),
            "seconds": round(wall, 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument(
        "--baseline-alerts", type=int, default=2_000, help="alerts for the apprise baseline"
    )
    parser.add_argument("--burst", type=int, default=12)
    parser.add_argument("--skip-fanout", action="store_true")
    args = parser.parse_args()
    configure_logging(LogSettings(level="warning", format="json"))  # as a deployment would
    if not args.skip_fanout:
        ours = fan_out(args.alerts, args.channels)
        print("fan-out (limits lifted): ", json.dumps(ours), flush=True)
        base = fan_out(args.baseline_alerts, args.channels, baseline=True)
        print("baseline (same run):     ", json.dumps(base), flush=True)
        ratio = ours["cpu_ms_per_delivery"] / base["cpu_ms_per_delivery"]
        print(f"CPU per delivery, redflag/apprise: {ratio:.2f}x", flush=True)
    print("pacing (default limits):  ", json.dumps(pacing(args.burst)), flush=True)
    print("retry-after (429 held):   ", json.dumps(retry_after(2.6, 3)), flush=True)


if __name__ == "__main__":
    main()
