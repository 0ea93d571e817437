"""Notifier throughput and pacing, against the local chat server (apprise's real plugins).

    .venv/bin/python -m benchmarks.bench_notifier                 # both parts
    .venv/bin/python -m benchmarks.bench_notifier --alerts 2000   # a quicker fan-out

Part 1, fan-out: N alerts (default 10,000) to 20 channels (10 Slack webhooks, 10 Telegram
chats) with rate limits lifted (`notifier.pacing: false`); the chat server runs in its own
process so the CPU figure is the notifier's alone (this process: stage, apprise, requests).

Part 2, pacing: default limits, one Slack webhook and one Telegram chat, a short burst; the
achieved rate per destination, from the server's arrival times, should equal the limit (1/s).
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

from apprise.plugins.slack import NotifySlack
from apprise.plugins.telegram import NotifyTelegram

from schemas.alert import Alert, Event, Facts
from services.core.lifecycle import StopSignal
from services.core.logging import configure_logging
from services.core.settings import LogSettings, Settings
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


def point_apprise_at(url: str) -> None:
    NotifySlack.webhook_url = f"{url}/services"
    NotifyTelegram.notify_url = f"{url}/bot"


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


def fan_out(alerts: int, channels: int) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.chatserver"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        point_apprise_at(url)
        half = channels // 2
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
                notifier={"pacing": False},
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
        point_apprise_at(chat.url)
        settings = Settings(
            state_dir=Path(state),
            channels=[
                {"name": "slack", "url": "slack://T1/B1/Xpaced"},
                {"name": "tg", "url": "tgram://123456:paced/4242"},
            ],
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--burst", type=int, default=12)
    parser.add_argument("--skip-fanout", action="store_true")
    args = parser.parse_args()
    configure_logging(LogSettings(level="warning", format="json"))  # as a deployment would
    if not args.skip_fanout:
        print("fan-out (limits lifted):", json.dumps(fan_out(args.alerts, args.channels)))
    print("pacing (default limits): ", json.dumps(pacing(args.burst)))


if __name__ == "__main__":
    main()
