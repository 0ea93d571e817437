"""`bench_events_pipeline.py --day`: bench_events.py's day-shaped stream through `redflag run`.

    .venv/bin/python -m benchmarks.bench_events_pipeline --day [--articles 20000] [--events 300]
        [--seconds 300] [--seed 11] [--baseline] [--explain]

Issue #12's measures end to end. bench_events.py's generator (same seed, same truth: which
event each article reports, which report is a material update) makes the stream, with
published times spread over the 48 h before the run starts; the articles are served in that
order over `--seconds`, 48 h compressed, their `published` dates kept, by twelve local feeds
(eight English, four Chinese; a quarter of the articles are Chinese). One `redflag run`
(embedded runner) on the example config's watchlist, plus the generator's 120 invented
companies (so its truth holds), polls them every second and posts to a local Telegram
server, channel `reports: thread`, pacing off. `--baseline` runs a second process at once on
its own copy of the feeds with `reports: every_report`. All on 127.0.0.1.

Read from what the chat server received: top-level messages per event (first alert and
UPDATEs), thread replies, events split (two first alerts), merged (a report threaded under,
or an UPDATE about, another event), missed (no alert; classifier misses, found by running
the classifier's pure step on the same articles, counted apart), and each event's first
alert latency from the feed response that first carried its article (p50/p95/p99).
benchmarks/bench_events_tally.py reads the chat; `--explain` prints each wrong event.
"""

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml

from benchmarks.bench_events import H, generate
from benchmarks.bench_events import companies as invented
from benchmarks.bench_events_tally import MODES, NumberedChat, Served, explain, misses, show, tally
from services.classifier.config import Company
from tests.support.chatserver import ChatServer
from tests.support.feedserver import FeedServer, rss_feed
from tests.support.procs import Stage, stage_env

EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "config" / "redflag.example.yaml"
OUTLETS = {**{f"wire{i}": "en" for i in range(8)}, **{f"zh{i}": "zh" for i in range(4)}}
KEEP = 80  # items a feed shows, newest first


def watchlist() -> list[dict[str, Any]]:
    """The example config's watchlist, then the generator's invented companies."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    extra = [{"company": en, "tickers": [en[:4].upper()], "aliases": [zh]} for en, zh in invented()]
    return list(data["watchlist"]) + extra


def plan(n_articles: int, n_events: int, seed: int, seconds: float) -> list[Served]:
    """The stream, published over the 48 h before now, served over `seconds` in that order."""
    t0 = time.time() - 48 * H
    rng = random.Random(seed)
    en = [o for o, lang in OUTLETS.items() if lang == "en"]
    zh = [o for o, lang in OUTLETS.items() if lang == "zh"]
    out = []
    for it in generate(n_articles, n_events, seed, t0):
        pool = zh if it.article.lang == "zh" else en
        src = it.article.source
        outlet = pool[int(src[6:]) % len(pool)] if src.startswith("outlet") else rng.choice(pool)
        published = (it.article.published or datetime.now(UTC)).timestamp()
        out.append(Served(it, outlet, (published - t0) / (48 * H) * seconds))
    return out


def write_config(state: Path, label: str, feeds: FeedServer, chat: ChatServer) -> Path:
    mode, chat_id = MODES[label]
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["state_dir"] = str(state / label)
    data["watchlist"] = watchlist()
    data["feeds"] = [
        {"name": o, "url": feeds.url(f"/{label}/{o}.xml"), "lang": lang, "allow_private": True}
        for o, lang in OUTLETS.items()
    ]
    data["channels"] = [{"name": "desk", "url": f"tgram://123456:bench/{chat_id}", "reports": mode}]
    data["poller"] |= {"min_interval": 1, "default_interval": 1}
    data["notifier"] |= {"pacing": False, "endpoints": chat.endpoints}
    data["log"] = {"level": "warning", "format": "json"}
    path = state / f"{label}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def body(items: list[Served], outlet: str) -> bytes:
    return rss_feed(
        [
            {
                "title": s.truth.article.title,
                "link": s.truth.article.link or "",
                "guid": s.truth.article.id,
                "pubDate": format_datetime(s.truth.article.published or datetime.now(UTC)),
                "description": s.truth.article.title,
            }
            for s in items
        ],
        title=outlet,
    )


async def serve(items: list[Served], feeds: FeedServer, labels: list[str]) -> None:
    """Every 0.2 s, put the articles due at the top of their feeds (one copy per process)."""
    shown: dict[str, list[Served]] = {o: [] for o in OUTLETS}
    t0, i = time.monotonic(), 0
    while i < len(items):
        await asyncio.sleep(0.2)
        now, touched = time.monotonic(), set()
        while i < len(items) and items[i].at <= now - t0:
            s = items[i]
            s.set_at = now
            shown[s.outlet].insert(0, s)
            for old in shown[s.outlet][KEEP:]:
                old.gone_at = now
            del shown[s.outlet][KEEP:]
            touched.add(s.outlet)
            i += 1
        for outlet in touched:
            doc = body(shown[outlet], outlet)
            for label in labels:
                feeds.set(f"/{label}/{outlet}.xml", doc)


async def run(args: argparse.Namespace) -> None:
    items = plan(args.articles, args.events, args.seed, args.seconds)
    labels = list(MODES) if args.baseline else ["thread"]
    truth_updates = sum(1 for s in items if s.truth.update)
    reports = sum(1 for s in items if s.truth.event is not None)
    zh = sum(1 for s in items if s.truth.article.lang == "zh")
    print(
        f"articles: {len(items):,} ({zh:,} Chinese), events: {args.events}, reports of "
        f"events: {reports:,}, material UPDATEs in the truth: {truth_updates}; "
        f"48 h served over {args.seconds:g} s"
    )
    chat = NumberedChat()
    with tempfile.TemporaryDirectory() as tmp, chat:
        async with FeedServer() as feeds:
            for label in labels:
                for outlet in OUTLETS:
                    feeds.set(f"/{label}/{outlet}.xml", rss_feed([], title=outlet))
            state = Path(tmp)
            stages = [
                Stage(
                    ["run", "--config", str(write_config(state, label, feeds, chat))],
                    stage_env({}),
                    state / f"{label}.log",
                ).start()
                for label in labels
            ]
            try:
                await asyncio.sleep(8)  # up and polling every feed
                started = time.monotonic()
                await serve(items, feeds, labels)
                print(f"served in {time.monotonic() - started:.0f} s")
                quiet, count = time.monotonic(), chat.count
                while time.monotonic() - quiet < 10:  # until the chat has been quiet 10 s
                    await asyncio.sleep(0.5)
                    if chat.count != count:
                        quiet, count = time.monotonic(), chat.count
                print(f"chat quiet after {time.monotonic() - started:.0f} s")
            finally:
                for label, stage in zip(labels, stages, strict=True):
                    code = await stage.stop_async()
                    errors = [ln for ln in stage.log.splitlines() if '"error"' in ln]
                    print(f"{label}: exit {code}, {len(errors)} error lines")
                    for line in errors[:5]:
                        print("   ", line[:300])
            for label in labels:
                t = tally(label, items, feeds, chat)
                misses(items, t, feeds, label, [Company(**c) for c in watchlist()])
                show(label, t, args.events, truth_updates)
                if args.explain:
                    explain(items, t)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--baseline", action="store_true", help="also every_report, at once")
    parser.add_argument("--explain", action="store_true", help="print each wrong event's messages")
    asyncio.run(run(parser.parse_args(argv)))
