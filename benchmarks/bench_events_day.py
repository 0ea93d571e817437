"""`bench_events_pipeline.py --day`: bench_events.py's day-shaped stream through `redflag run`.

    .venv/bin/python -m benchmarks.bench_events_pipeline --day [--articles 20000] [--events 300]
        [--seconds 300] [--seed 11] [--baseline]

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
"""

import argparse
import asyncio
import bisect
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml

from benchmarks.bench_events import H, generate
from benchmarks.bench_events import Item as Truth
from benchmarks.bench_events import companies as invented
from services.classifier.config import Company
from services.classifier.core import load_rules
from services.classifier.stage import alerts_for
from tests.support.chatserver import ChatServer, Reply
from tests.support.feedserver import FeedServer, rss_feed
from tests.support.procs import Stage, stage_env

EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "config" / "redflag.example.yaml"
OUTLETS = {**{f"wire{i}": "en" for i in range(8)}, **{f"zh{i}": "zh" for i in range(4)}}
KEEP = 80  # items a feed shows, newest first
LINK = re.compile(r"news\.example/([\w-]+)")
MODES = {"thread": ("thread", "-1001"), "every_report": ("every_report", "-1002")}


@dataclass
class Served:
    """One article as served: its truth, its outlet, when it appears and leaves its feed."""

    truth: Truth
    outlet: str
    at: float  # seconds after serving starts
    set_at: float = 0.0  # time.monotonic() it appeared
    gone_at: float = float("inf")  # time.monotonic() it was pushed off the feed


class NumberedChat(ChatServer):
    """The chat server, remembering which message id each sent body got (to follow replies)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[bytes, int] = {}

    def reply_for(self, path: str, body: bytes = b"", method: str = "POST") -> Reply:
        reply = super().reply_for(path, body, method)
        if isinstance(reply.body, dict) and isinstance(reply.body.get("result"), dict):
            self.ids[body] = int(reply.body["result"]["message_id"])
        return reply


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


@dataclass
class Tally:
    """What one process's chat received, against the truth."""

    alerted: int = 0
    first: int = 0
    updates: int = 0
    replies: int = 0
    split: int = 0
    merged: int = 0
    missed: int = 0
    missed_classifier: int = 0
    missed_unfetched: int = 0
    latency: tuple[list[float], list[float]] = ([], [])  # from fetch, from appearance
    events: set[int] = field(default_factory=set)  # true events with a first alert
    trail: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    wrong: set[int] = field(default_factory=set)  # events split, merged or missing an UPDATE


def fetches(feeds: FeedServer) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for r in feeds.requests:
        out[r.path].append(r.at)
    return {p: sorted(v) for p, v in out.items()}


def served_at(times: list[float], s: Served) -> float | None:
    """The first fetch of its feed while the article was in it."""
    k = bisect.bisect_left(times, s.set_at)
    return times[k] if k < len(times) and times[k] < s.gone_at else None


def tally(label: str, items: list[Served], feeds: FeedServer, chat: NumberedChat) -> Tally:
    mode, chat_id = MODES[label]
    by_id = {s.truth.article.id: s for s in items}
    times = fetches(feeds)
    event_of_msg: dict[int, int | None] = {}
    firsts: Counter[int] = Counter()
    updated: set[int] = set()
    t = Tally(latency=([], []))
    reqs = [r for r in chat.requests if r.accepted and r.path.endswith("/sendMessage")]
    for req in sorted(reqs, key=lambda r: r.at):
        payload = req.json
        if str(payload["chat_id"]) != chat_id:
            continue
        m = LINK.search(payload["text"])
        s = by_id.get(m.group(1)) if m else None
        ev = s.truth.event if s else None
        event_of_msg[chat.ids.get(req.body, -1)] = ev
        parent = payload.get("reply_to_message_id")
        if ev is not None and s is not None:
            what = "UPDATE" if "UPDATE" in payload["text"] else "reply" if parent else "first"
            t.trail[ev].append(f"{what:>6} {s.truth.article.id:>7} {s.truth.article.title}")
        # under its first alert: a later report, or an UPDATE
        if parent is not None and event_of_msg.get(int(parent)) != ev:
            t.merged += 1
            t.wrong |= {e for e in (ev, event_of_msg.get(int(parent))) if e is not None}
        if "UPDATE" in payload["text"]:
            t.updates += 1
            if ev is not None:
                updated.add(ev)
            t.merged += parent is None and ev is not None and ev not in firsts
            continue
        if parent is not None:
            t.replies += 1
            continue
        if s is None or ev is None:
            continue
        t.first += 1
        if firsts[ev] == 0:
            fetched = served_at(times.get(f"/{label}/{s.outlet}.xml", []), s)
            if fetched is not None:
                t.latency[0].append(req.at - fetched)
            t.latency[1].append(req.at - s.set_at)
        firsts[ev] += 1
    t.alerted = len(firsts)
    t.events = set(firsts)
    t.split = sum(1 for n in firsts.values() if n > 1) if mode == "thread" else 0
    if mode == "thread":  # every_report sends no UPDATEs: each report is its own alert
        t.wrong |= {e for e, n in firsts.items() if n > 1}
        t.wrong |= {
            e
            for s in items
            if s.truth.update and (e := s.truth.event) is not None and e not in updated
        }
    return t


def misses(items: list[Served], t: Tally, feeds: FeedServer, label: str) -> None:
    """Events with no alert, split: the classifier's pure step gives none, never fetched, other."""
    rules = load_rules([Company(**c) for c in watchlist()])
    now, times = datetime.now(UTC), fetches(feeds)
    reports: dict[int, list[Served]] = defaultdict(list)
    for s in items:
        if s.truth.event is not None:
            reports[s.truth.event].append(s)
    for ev, rs in reports.items():
        if ev in t.events:
            continue
        t.missed += 1
        if not any(alerts_for(s.truth.article, rules, 0.5, now) for s in rs):
            t.missed_classifier += 1
        elif not any(served_at(times.get(f"/{label}/{s.outlet}.xml", []), s) for s in rs):
            t.missed_unfetched += 1


def pct(values: list[float], q: float) -> str:
    ordered = sorted(values)
    v = ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")
    return f"{v * 1e3:.0f}"


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
                misses(items, t, feeds, label)
                show(label, t, args.events, truth_updates)
                if args.explain:
                    explain(items, t)


def explain(items: list[Served], t: Tally) -> None:
    """Each wrong event's messages as sent, then its reports as served (truth)."""
    for ev in sorted(t.wrong):
        print(f"-- event {ev}", *t.trail[ev], sep="\n   ")
        for s in items:
            if s.truth.event == ev:
                upd = "U" if s.truth.update else " "
                print(f"   truth {upd} {s.truth.article.id:>7} {s.outlet:>6} {s.at:7.2f}s")


def show(label: str, t: Tally, n_events: int, truth_updates: int) -> None:
    alerted = max(1, t.alerted)
    print(f"-- {label}")
    print(
        f"events alerted: {t.alerted} of {n_events}; missed {t.missed} (classifier misses "
        f"{t.missed_classifier}, never fetched {t.missed_unfetched}, other "
        f"{t.missed - t.missed_classifier - t.missed_unfetched})"
    )
    print(
        f"top-level first alerts {t.first} ({t.first / alerted:.3f} per event), UPDATEs "
        f"{t.updates} (truth {truth_updates}), first+UPDATEs per event "
        f"{(t.first + t.updates) / alerted:.3f}, thread replies {t.replies}"
    )
    print(f"events split (two first alerts): {t.split}; merged (sent under another): {t.merged}")
    fetch, seen = t.latency
    print(
        f"first alert from the fetch that carried it: p50 {pct(fetch, 0.5)} ms, p95 "
        f"{pct(fetch, 0.95)} ms, p99 {pct(fetch, 0.99)} ms ({len(fetch)} events); from its "
        f"appearance in the feed: p50 {pct(seen, 0.5)} ms, p95 {pct(seen, 0.95)} ms, "
        f"p99 {pct(seen, 0.99)} ms"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--baseline", action="store_true", help="also every_report, at once")
    parser.add_argument("--explain", action="store_true", help="print each wrong event's messages")
    asyncio.run(run(parser.parse_args(argv)))
