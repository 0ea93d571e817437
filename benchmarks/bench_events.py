"""A day-shaped stream through the classifier and the notifier's event state: alerts per event.

    python benchmarks/bench_events.py [--articles 20000] [--events 300] [--seed 11]

Generated deterministically: `--events` real-world events (half recalls, a quarter crashes, a
quarter target changes) by 120 invented watchlist companies, each reported 1-15 times over
48 hours by different outlets in different words, a quarter in Chinese; some grow (a recall
expanded, a death toll rising, a target cut again), which the trader must get as one UPDATE.
The rest of the `--articles` are ordinary company and market news. Every article goes, in
time order, through the classifier stage's pure step (`alerts_for`) and the notifier's event
step (`DeliveryLog.observe` on a real SQLite file, then `opener` + `plan` for a threading
channel). Printed: top-level alerts per event, UPDATEs sent against expected, events split
(alerted twice) and merged (two events in one), classifier misses, and the time the event
step adds per alert (p50/p99), beside the classify time per article in the same run.
Crashes are given distinct companies: two crashes of one company within 3 days are merged
by design (the classifier extracts no place or vehicle yet); see docs/notifier.md.
"""

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import Article
from services.classifier.config import Company
from services.classifier.core import load_rules
from services.classifier.stage import alerts_for
from services.events.rules import load_rules as event_rules
from services.notifier.deliverylog import DeliveryLog
from services.notifier.eventviews import plan

EN_A = ["Nor", "Vel", "Tar", "Quin", "Bram", "Cor", "Dex", "Fal", "Gal", "Hal", "Jor", "Lum"]
EN_B = ["vane", "tron", "mark", "ford", "wick", "sen", "dale", "ric", "lux", "ton"]
ZH_A = ["诺", "维", "塔", "昆", "布", "科", "德", "法", "加", "哈", "乔", "鲁"]
ZH_B = ["凡", "创", "马", "福", "威", "森", "达", "瑞", "路", "通"]
MODELS = ["Aster", "Borealis", "Cinder", "Dune", "Ember", "Fjord", "Glade", "Harbor"]
DEFECTS = ["faulty airbag inflators", "fuel pump failures", "a brake fluid leak", "loose seats"]
PLACES = ["Ohio", "Texas", "Bavaria", "Jiangsu", "Ontario", "Kent"]
H = 3600.0


@dataclass
class Item:
    """One generated article and its truth: the event it reports and whether it is an update."""

    article: Article
    event: int | None
    update: bool = False


def companies() -> list[tuple[str, str]]:
    """120 (English, Chinese) names."""
    firsts, seconds = zip(EN_A, ZH_A, strict=True), list(zip(EN_B, ZH_B, strict=True))
    return [(a + b, za + zb) for a, za in firsts for b, zb in seconds]


def wan(units: int) -> str:
    return f"{units / 10_000:.1f}万" if units >= 10_000 else f"{units}"


def recall_text(rng: random.Random, en: str, zh: str, units: int, model: str) -> tuple[str, str]:
    if rng.random() < 0.25:
        return f"{zh}召回{wan(units)}辆{model}汽车", "zh"
    title = rng.choice(
        [
            f"{en} recalls {units:,} {model} vehicles over {rng.choice(DEFECTS)}",
            f"{en} to recall about {units:,} {model} cars",
            f"Regulator says {en} recall covers {units:,} {model} vehicles",
        ]
    )
    return title, "en"


def expansion_text(
    rng: random.Random, en: str, zh: str, old: int, new: int, model: str
) -> tuple[str, str]:
    if rng.random() < 0.25:
        return f"{zh}将{model}召回范围从{wan(old)}辆扩大至{wan(new)}辆", "zh"
    return f"{en} expands {model} recall to {new:,} vehicles, up from {old:,}", "en"


def crash_text(rng: random.Random, en: str, zh: str, dead: int, place: str) -> tuple[str, str]:
    if rng.random() < 0.25:
        return f"{zh}客车在{place}发生事故\uff0c造成{dead}人死亡", "zh"
    return rng.choice(
        [
            f"{dead} killed after {en} bus crashes in {place}",
            f"{en} bus crash in {place} kills {dead}",
        ]
    ), "en"


def target_text(rng: random.Random, en: str, zh: str, old: int, new: int) -> tuple[str, str]:
    if rng.random() < 0.25:
        return f"{zh}将2026年交付目标从{wan(old)}辆下调至{wan(new)}辆", "zh"
    return f"{en} cuts 2026 delivery target to {new:,} vehicles from {old:,}", "en"


def noise_text(rng: random.Random, en: str, zh: str) -> tuple[str, str]:
    if rng.random() < 0.25:
        return rng.choice([f"{zh}股价上涨2%", f"{zh}发布新款电动车", "A股三大指数收涨"]), "zh"
    return rng.choice(
        [
            f"{en} shares rise 2% after analyst upgrade",
            f"{en} unveils new electric model at auto show",
            "Stocks close higher as oil prices fall",
            f"{en} names new chief financial officer",
        ]
    ), "en"


def generate(n_articles: int, n_events: int, seed: int, t0: float) -> list[Item]:
    """The stream, in time order, with the truth of each article."""
    rng = random.Random(seed)
    names = companies()
    crash_names = rng.sample(names, k=min(len(names), n_events // 4 + 1))
    items: list[Item] = []
    for ev in range(n_events):
        kind = "recall" if ev % 4 < 2 else "crash" if ev % 4 == 2 else "target"
        en, zh = crash_names.pop() if kind == "crash" else rng.choice(names)
        start = t0 + rng.uniform(0, 36 * H)
        reports = rng.randint(1, 15)
        grows_at = rng.randint(1, reports - 1) if reports >= 3 and rng.random() < 0.3 else None
        units = int(10 ** rng.uniform(3, 6.3))
        model, place = rng.choice(MODELS), rng.choice(PLACES)
        dead, target = rng.randint(1, 9), rng.randrange(100_000, 3_000_000, 10_000)
        late = (start + rng.expovariate(1 / (3 * H)) for _ in range(reports))
        times = sorted(min(t0 + 48 * H, at) for at in late)
        times[0] = start
        for k, at in enumerate(times):
            grown = grows_at is not None and k >= grows_at
            is_update = grows_at is not None and k == grows_at
            if kind == "recall":
                big = units * 4 + 1000
                title, lang = (
                    expansion_text(rng, en, zh, units, big, model)
                    if is_update
                    else recall_text(rng, en, zh, big if grown else units, model)
                )
            elif kind == "crash":
                title, lang = crash_text(rng, en, zh, dead + 3 if grown else dead, place)
            else:
                new = int(target * 0.9) // 10_000 * 10_000
                old, cut = (new, int(new * 0.9) // 10_000 * 10_000) if grown else (target, new)
                title, lang = target_text(rng, en, zh, old, cut)
            items.append(Item(_article(f"e{ev}-{k}", title, lang, at, f"outlet{k}"), ev, is_update))
    for i in range(max(0, n_articles - len(items))):
        en, zh = rng.choice(names)
        title, lang = noise_text(rng, en, zh)
        at = t0 + rng.uniform(0, 48 * H)
        items.append(Item(_article(f"n{i}", title, lang, at, "wire"), None))
    items.sort(key=lambda it: it.article.published or datetime.now(UTC))
    return items


def _article(aid: str, title: str, lang: str, at: float, source: str) -> Article:
    when = datetime.fromtimestamp(at, UTC)
    return Article(
        id=aid, feed=source, feed_url="http://127.0.0.1/feed", title=title, summary=title,
        content="", link=f"https://news.example/{aid}", published=when, first_seen=when,
        lang=lang, source=source,
    )  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(n_articles: int, n_events: int, seed: int, explain: bool = False) -> None:
    t0 = time.time() - 50 * H
    items = generate(n_articles, n_events, seed, t0)
    watch = [
        Company(company=en, tickers=(en[:4].upper(),), aliases=(zh,)) for en, zh in companies()
    ]
    rules, ev_rules = load_rules(watch), event_rules()
    expected_updates = sum(1 for it in items if it.update)
    top: Counter[int] = Counter()  # true event -> top-level alerts sent
    updates_sent: Counter[int] = Counter()
    members: dict[str, set[int]] = defaultdict(set)  # notifier's event -> true events in it
    alerted_events: set[int] = set()
    trail: dict[int, list[str]] = defaultdict(list)  # true event -> what each report became
    classify_s, observe_s, first_s = [], [], []
    stray = 0
    with tempfile.TemporaryDirectory() as tmp:
        log = DeliveryLog(Path(tmp) / "notifier.db")
        now = datetime.now(UTC)
        for it in items:
            started = time.perf_counter()
            alerts = alerts_for(it.article, rules, 0.5, now)
            classify_s.append(time.perf_counter() - started)
            for alert in alerts:
                started = time.perf_counter()
                seen = log.observe(alert, ev_rules)
                opener = log.opener(seen.event_id, "desk", alert.id)
                what = plan(seen.decision.kind, "thread", opener=opener == alert.id, threads=True)
                spent = time.perf_counter() - started
                observe_s.append(spent)
                if seen.decision.kind == "first":
                    first_s.append(spent)
                if it.event is None:
                    stray += what in ("alert", "update")
                    continue
                alerted_events.add(it.event)
                facts = alert.event.facts.compact()
                trail[it.event].append(
                    f"{seen.decision.kind:>6} {what:>6} {seen.event_id[:6]} {facts} {alert.title}"
                )
                members[seen.event_id].add(it.event)
                top[it.event] += what == "alert"
                updates_sent[it.event] += what == "update"
        log.close()
    alerted = len(alerted_events)
    if explain:
        wrong = {e for e, n in top.items() if n > 1}
        wrong |= {e for evs in members.values() if len(evs) > 1 for e in evs}
        wrong |= {it.event for it in items if it.update and not updates_sent[it.event or 0]}
        for ev in sorted(e for e in wrong if e is not None):
            print(f"-- event {ev}", *trail[ev], sep="\n   ")
    split = sum(1 for n in top.values() if n > 1)
    merged = sum(1 for evs in members.values() if len(evs) > 1)
    reports = sum(1 for it in items if it.event is not None)
    print(
        f"articles: {len(items):,}, events: {n_events}, reports of events: {reports:,}, "
        f"expected UPDATEs: {expected_updates}"
    )
    print(f"events alerted:                 {alerted} of {n_events} (the rest: classifier misses)")
    print(f"top-level alerts per event:     {sum(top.values()) / max(1, alerted):.3f}")
    print(f"UPDATEs sent / expected:        {sum(updates_sent.values())} / {expected_updates}")
    print(
        f"alerts+updates per event:       "
        f"{(sum(top.values()) + sum(updates_sent.values())) / max(1, alerted):.3f} "
        f"(goal {(alerted + expected_updates) / max(1, alerted):.3f})"
    )
    print(f"events split (alerted twice):   {split}")
    print(f"events merged (two in one):     {merged}")
    print(f"alerts from non-event articles: {stray}")
    print(
        f"event step per alert:           p50 {pct(observe_s, 0.5) * 1e3:.2f} ms, "
        f"p99 {pct(observe_s, 0.99) * 1e3:.2f} ms ({len(observe_s):,} alerts)"
    )
    print(
        f"event step per first report:    p50 {pct(first_s, 0.5) * 1e3:.2f} ms, "
        f"p99 {pct(first_s, 0.99) * 1e3:.2f} ms"
    )
    print(f"classify per article (same run): p50 {pct(classify_s, 0.5) * 1e3:.2f} ms, "
          f"p99 {pct(classify_s, 0.99) * 1e3:.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--explain", action="store_true", help="print each wrong event's reports")
    args = parser.parse_args()
    run(args.articles, args.events, args.seed, args.explain)


if __name__ == "__main__":
    main()
