"""Reading `bench_events_pipeline.py --day` from what the chat server received, against the
stream's truth: alerts, UPDATEs, replies, splits, merges, misses and first-alert latency."""

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from benchmarks.bench_events import Item as Truth
from services.classifier.config import Company
from services.classifier.core import load_rules
from services.classifier.stage import alerts_for
from tests.support.chatserver import ChatServer, Reply
from tests.support.feedserver import FeedServer

LINK = re.compile(r"news\.example/([\w-]+)")
#: process label -> (its channel's `reports` mode, its Telegram chat id)
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


def misses(
    items: list[Served], t: Tally, feeds: FeedServer, label: str, watch: list[Company]
) -> None:
    """Events with no alert, split: the classifier's pure step gives none, never fetched, other."""
    rules = load_rules(watch)
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
