"""First-report latency through the real pipeline: `reports: thread` against `every_report`.

    .venv/bin/python -m benchmarks.bench_events_pipeline [--events 60] [--noise 100]
        [--seconds 90] [--seed 7] [--runs 1]

Issue #12 promises that the first report of an event alerts at once, as before events. This
runs `redflag run` (the embedded runner, as users run it) twice at once, as two processes on
the example config's watchlist (`deploy/config/redflag.example.yaml`): one with a Telegram
channel in `reports: thread` (the default), one in `reports: every_report` (each report its
own alert: the baseline). Both poll the same local feeds (tests/support/feedserver.py, one
copy of each feed per process) and post to one local chat server (tests/support/chatserver.py),
all on 127.0.0.1. The stream: `--events` events (recalls, crashes, target changes), each by
its own watchlist company, reported 1-5 times by six outlets (four English, two Chinese) in
different words, and `--noise` ordinary articles, appearing over `--seconds`.

Printed per mode: events alerted, top-level messages, all messages, and the first alert's
latency (median, p95) measured two ways: from the moment the article appeared in its feed to
its alert's arrival at the chat server (includes waiting for the next 1 s poll), and from the
first feed response that carried it (the pipeline alone: fetch, parse, classify, route, send).
Pacing is off (`notifier.pacing: false`) so the chat's rate limits do not queue messages.
`--control` runs both processes in `every_report`: the spread of its ratios is what noise
alone does on this machine. With `--runs N`, N rounds (seeds seed, seed+1, ...) and then
their latencies pooled: a p95 of 60 first alerts is the third slowest, so one round's p95
ratio is noisy.

`--day` runs bench_events.py's day-shaped stream (20,000 articles, 300 events) through one
`redflag run` instead and reports alerts per event, splits, merges and misses from what the
chat received: see benchmarks/bench_events_day.py.
"""

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import yaml

from benchmarks.bench_events_day import main as day
from tests.support.chatserver import ChatServer
from tests.support.feedserver import FeedServer, rss_feed
from tests.support.procs import ROOT, Stage, stage_env

EXAMPLE = ROOT / "deploy" / "config" / "redflag.example.yaml"
#: process label -> (its channel's `reports` mode, its Telegram chat id)
MODES = {"thread": ("thread", "-1001"), "every_report": ("every_report", "-1002")}
#: `--control`: both processes in the baseline mode, to show how far noise alone moves a ratio
CONTROL = {"every_report-a": ("every_report", "-1001"), "every_report-b": ("every_report", "-1002")}
Procs = dict[str, tuple[str, str]]
OUTLETS = {"wire": "en", "tv": "en", "daily": "en", "autos": "en", "cls": "zh", "sina": "zh"}
CJK = re.compile(r"[\u4e00-\u9fff]")
GUID = re.compile(r"news\.example\.com/([\w-]+)")
KEEP = 25  # items a feed shows, newest first
MODELS = ["Aster", "Borealis", "Cinder", "Dune", "Ember", "Fjord", "Glade", "Harbor"]
DEFECTS = ["a seat belt anchor fault", "airbag inflators", "a fuel pump defect", "brake hoses"]
PLACES = ["Ohio", "Texas", "Bavaria", "Jiangsu", "Ontario", "Kent"]


@dataclass
class Item:
    """One article: where and when it appears, and the event it reports (None: not one)."""

    guid: str
    outlet: str
    title: str
    at: float  # seconds after the stream starts
    event: int | None
    set_at: float = 0.0  # time.monotonic() when it appeared in its feeds
    served: dict[str, float] = field(default_factory=dict)  # mode -> first response with it


def companies() -> list[tuple[str, str]]:
    """(English name, Chinese alias) of the example watchlist's companies that have both."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    out = []
    for entry in data["watchlist"]:
        zh = next((a for a in entry.get("aliases", []) if CJK.search(a)), None)
        if zh is not None and entry["company"].isascii():
            out.append((entry["company"], zh))
    return out


def wan(units: int) -> str:
    return f"{units / 10_000:.1f}万" if units >= 10_000 else str(units)


def report(rng: random.Random, kind: str, en: str, zh: str, fig: dict[str, int], lang: str) -> str:
    """One outlet's headline for an event, in its own words."""
    units, dead, old, new = fig["units"], fig["dead"], fig["old"], fig["new"]
    model, place = MODELS[fig["model"]], PLACES[fig["place"]]
    if lang == "zh":
        return {
            "recall": f"{zh}召回{wan(units)}辆{model}汽车",
            "crash": f"一辆{zh}{model}在{place}发生事故\uff0c造成{dead}人死亡",
            "target": f"{zh}将2026年交付目标从{wan(old)}辆下调至{wan(new)}辆",
        }[kind]
    return rng.choice(
        {
            "recall": [
                f"{en} recalls {units:,} {model} vehicles over {rng.choice(DEFECTS)}",
                f"{en} to recall about {units:,} {model} cars",
                f"Regulator says {en} recall covers {units:,} {model} vehicles",
            ],
            "crash": [
                f"{dead} killed after {en} {model} crashes in {place}",
                f"{en} {model} crash in {place} kills {dead}",
            ],
            "target": [f"{en} cuts 2026 delivery target to {new:,} vehicles from {old:,}"],
        }[kind]
    )


def noise(rng: random.Random, en: str, zh: str, lang: str) -> str:
    if lang == "zh":
        return rng.choice([f"{zh}股价上涨2%", f"{zh}发布新款电动车", "A股三大指数收涨"])
    return rng.choice(
        [
            f"{en} shares rise 2% after analyst upgrade",
            f"{en} unveils new electric model at auto show",
            "Stocks close higher as oil prices fall",
            f"{en} names new chief financial officer",
        ]
    )


def stream(n_events: int, n_noise: int, seconds: float, seed: int) -> list[Item]:
    """The articles in the order they appear; each event by its own company."""
    rng = random.Random(seed)
    names = companies()
    rng.shuffle(names)
    items: list[Item] = []
    for ev, (en, zh) in enumerate(names[:n_events]):
        kind = ("recall", "recall", "crash", "target")[ev % 4]
        old = rng.randrange(200_000, 3_000_000, 10_000)
        fig = {"units": int(10 ** rng.uniform(3, 6)), "dead": rng.randint(1, 9), "old": old}
        fig |= {"new": old * 9 // 100_000 * 10_000, "model": rng.randrange(8), "place": 0}
        fig["place"] = rng.randrange(len(PLACES))
        start = rng.uniform(0, seconds * 0.85)
        outlets = rng.sample(list(OUTLETS), k=rng.randint(1, 5))
        for k, outlet in enumerate(outlets):
            at = start if k == 0 else min(seconds, start + rng.expovariate(1 / 6))
            title = report(rng, kind, en, zh, fig, OUTLETS[outlet])
            items.append(Item(f"e{ev}-{k}", outlet, title, at, ev))
    for i in range(n_noise):
        en, zh = rng.choice(names)
        outlet = rng.choice(list(OUTLETS))
        items.append(Item(f"n{i}", outlet, noise(rng, en, zh, OUTLETS[outlet]), 0.0, None))
        items[-1].at = rng.uniform(0, seconds)
    return sorted(items, key=lambda it: it.at)


def write_config(
    state: Path, label: str, procs: Procs, feeds: FeedServer, chat: ChatServer
) -> Path:
    """The example config with local feeds, one Telegram channel in its mode, fast polls."""
    mode, chat_id = procs[label]
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["state_dir"] = str(state / label)
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


def publish(feeds: FeedServer, shown: dict[str, list[Item]], item: Item, procs: Procs) -> None:
    """Put `item` at the top of its outlet's feed (one copy per process)."""
    shown[item.outlet].insert(0, item)
    del shown[item.outlet][KEEP:]
    body = rss_feed(
        [
            {
                "title": it.title,
                "link": f"https://news.example.com/{it.guid}",
                "guid": it.guid,
                "pubDate": format_datetime(datetime.now(UTC)),
                "description": it.title,
            }
            for it in shown[item.outlet]
        ],
        title=item.outlet,
    )
    item.set_at = time.monotonic()
    for label in procs:
        feeds.set(f"/{label}/{item.outlet}.xml", body)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Result:
    """One mode's messages and first-alert latencies (seconds)."""

    events: int = 0
    top_level: int = 0
    messages: int = 0
    from_feed: list[float] = field(default_factory=list)
    from_poll: list[float] = field(default_factory=list)


def measure(
    items: list[Item], feeds: FeedServer, chat: ChatServer, procs: Procs
) -> dict[str, Result]:
    """Each process's first alert per event, timed from its article's appearance and fetch."""
    by_guid = {it.guid: it for it in items}
    results = {label: Result() for label in procs}
    first: dict[str, set[int]] = {label: set() for label in procs}
    chats = {chat_id: label for label, (_, chat_id) in procs.items()}
    for req in chat.requests:
        if not (req.accepted and req.path.endswith("/sendMessage")):
            continue
        payload = req.json
        mode = chats[str(payload["chat_id"])]
        res = results[mode]
        res.messages += 1
        if "reply_to_message_id" in payload:
            continue
        res.top_level += 1
        match = GUID.search(payload["text"])
        item = by_guid.get(match.group(1)) if match else None
        if item is None or item.event is None or item.event in first[mode]:
            continue
        first[mode].add(item.event)
        path = f"/{mode}/{item.outlet}.xml"
        served = min(r.at for r in feeds.requests if r.path == path and r.at >= item.set_at)
        res.from_feed.append(req.at - item.set_at)
        res.from_poll.append(req.at - served)
    for mode, res in results.items():
        res.events = len(first[mode])
    return results


async def run(
    n_events: int, n_noise: int, seconds: float, seed: int, procs: Procs
) -> dict[str, Result]:
    items = stream(n_events, n_noise, seconds, seed)
    shown: dict[str, list[Item]] = {o: [] for o in OUTLETS}
    with tempfile.TemporaryDirectory() as tmp, ChatServer() as chat:
        async with FeedServer() as feeds:
            for label in procs:
                for outlet in OUTLETS:
                    feeds.set(f"/{label}/{outlet}.xml", rss_feed([], title=outlet))
            state = Path(tmp)
            stages = [
                Stage(
                    ["run", "--config", str(write_config(state, m, procs, feeds, chat))],
                    stage_env({}),
                    state / f"{m}.log",
                ).start()
                for m in procs
            ]
            try:
                await asyncio.sleep(8)  # both up and polling every feed
                t0 = time.monotonic()
                for item in items:
                    await asyncio.sleep(max(0.0, t0 + item.at - time.monotonic()))
                    publish(feeds, shown, item, procs)
                quiet, count = time.monotonic(), chat.count
                while time.monotonic() - quiet < 5:  # until the chat has been quiet 5 s
                    await asyncio.sleep(0.5)
                    if chat.count != count:
                        quiet, count = time.monotonic(), chat.count
            finally:
                for s in stages:
                    s.stop()
            return measure(items, feeds, chat, procs)


def main() -> None:
    if "--day" in sys.argv[1:]:  # the day-shaped stream: benchmarks/bench_events_day.py
        day([a for a in sys.argv[1:] if a != "--day"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--noise", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=1, help="rounds, seeds seed..seed+runs-1")
    parser.add_argument("--control", action="store_true", help="both in every_report (A/A)")
    args = parser.parse_args()
    procs = CONTROL if args.control else MODES
    print(f"events: {args.events}, other articles: {args.noise}, over {args.seconds:g} s")
    pooled = {label: Result() for label in procs}
    for i in range(args.runs):
        results = asyncio.run(run(args.events, args.noise, args.seconds, args.seed + i, procs))
        show(f"run {i + 1} (seed {args.seed + i})", results)
        for mode, r in results.items():
            into = pooled[mode]
            into.events, into.top_level = into.events + r.events, into.top_level + r.top_level
            into.messages += r.messages
            into.from_feed += r.from_feed
            into.from_poll += r.from_poll
    if args.runs > 1:
        show(f"all {args.runs} runs pooled", pooled)


def show(title: str, results: dict[str, Result]) -> None:
    """Each process's counts and latencies, and the first's / the second's ratios."""
    print(f"-- {title}")
    for mode, r in results.items():
        print(
            f"{mode:>14}: {r.events} events alerted, {r.top_level} top-level of {r.messages} "
            f"messages; first alert from feed {ms(r.from_feed)}; from fetch {ms(r.from_poll)}"
        )
    (a, t), (b, e) = results.items()
    for label, x, y in (("feed", t.from_feed, e.from_feed), ("fetch", t.from_poll, e.from_poll)):
        print(
            f"{a} / {b}, from {label}: p50 {pct(x, 0.5) / pct(y, 0.5):.2f}, "
            f"p95 {pct(x, 0.95) / pct(y, 0.95):.2f}"
        )


def ms(values: list[float]) -> str:
    """'p50 412 ms, p95 980 ms'."""
    return f"p50 {pct(values, 0.5) * 1e3:.0f} ms, p95 {pct(values, 0.95) * 1e3:.0f} ms"


if __name__ == "__main__":
    main()
