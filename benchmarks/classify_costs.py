"""Where `classify` spends its time on one mix, and the most three speed directions could win.

    python benchmarks/classify_costs.py [--mix event-heavy] [--items 3000] [--repeat 5]

The mix is one of `bench_classify.py`'s, with the example config's watchlist loaded and the
items named as it names its companies. CPU time (`time.process_time`), best of `--repeat`
passes, in microseconds per article of the mix. Printed:
  stages:  the screen alone; the screen and cutting pages into sentences (`core.screened`);
           the whole `classify`: the rest is the rules and building the events;
  rules:   per rule, the sentences it reads (those holding its screen words), how many it finds
           its event in (hits) and what a hit and a miss sentence cost;
  bounds:  a perfect gate (no rule ever reads a sentence it finds nothing in) saves at most the
           misses' time; splitting only the lead (no body paragraph past LEAD_CHARS is cleaned,
           tested or split) saves at most the sentence step's time beyond the lead's.
Both bounds are upper bounds: neither change could be exact (the body does hold events).
`--regexes` then times every compiled lexicon and module regex inside `classify` (a timer
around each call: the total is inflated, the order is what it tells) and prints the costliest.
"""

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_classify as bench
from services.app.settings import load_settings
from services.classifier.core import Rules, classify, load_rules, screened
from services.classifier.crash import crash_hit
from services.classifier.evidence import Hit
from services.classifier.lazyregex import LazyPattern
from services.classifier.lexmodel import Lexicon
from services.classifier.recall import recall_hit
from services.classifier.script import simplified
from services.classifier.target import target_hit
from services.classifier.text import LEAD_CHARS, Sentence, clean_body, lower

T = TypeVar("T")
RULES: dict[str, Callable[[Sentence, Lexicon], Hit | None]] = {
    "recall": recall_hit,
    "crash": crash_hit,
    "target_change": target_hit,
}


def per_article(func: Callable[[T], object], xs: Sequence[T], repeat: int, n: int) -> float:
    """Microseconds of CPU per article of the mix (n articles) to call `func` on every x."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for x in xs:
            func(x)
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def lead_only(item: bench.Item, rules: Rules) -> bench.Item:
    """The item with its body cut to the cleaned paragraphs of the lead."""
    kept, offset = [], 0
    for para in clean_body(simplified(item.content), rules.pages):
        if offset >= LEAD_CHARS:
            break
        kept.append(para)
        offset += len(para) + 1
    return replace(item, content="\n".join(kept))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mix", choices=sorted(bench.MIXES), default="event-heavy")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regexes", type=int, default=0, help="print the N costliest regexes")
    args = parser.parse_args(argv)
    watchlist = load_settings(str(bench.EXAMPLE_CONFIG)).watchlist
    rules = load_rules(watchlist)
    bench.COMPANIES[:] = [c.company for c in watchlist if c.company.isascii()][:40]
    bench.ZH_COMPANIES[:] = [a for c in watchlist for a in c.aliases if not a.isascii()][:40]
    items = bench.make_items(args.items, args.seed, *bench.MIXES[args.mix])
    n, rep = len(items), args.repeat

    def screen(item: bench.Item) -> object:
        text = f"{item.title}\n{item.summary}\n{item.content}"
        return rules.screen.read(lower(simplified(text)))

    def sentences_of(item: bench.Item) -> object:
        return screened(item, rules)

    for item in items:  # compile what the mix needs before timing
        classify(item, rules)
    whole = per_article(lambda i: classify(i, rules), items, rep, n)
    upto = per_article(sentences_of, items, rep, n)
    alone = per_article(screen, items, rep, n)
    print(f"mix {args.mix}: {n} items, CPU us an article (best of {rep})")
    print(f"stages: screen {alone:.1f}, sentences {upto - alone:.1f}, rest {whole - upto:.1f}")
    print(f"        classify {whole:.1f} us = {1e6 / whole:,.0f} articles/s")
    read: dict[str, list[tuple[Sentence, Lexicon]]] = {kind: [] for kind in RULES}
    for item in items:
        for s in screened(item, rules)[1]:
            kinds = s.kinds if s.kinds is not None else rules.screen.kinds(s.low)
            for kind in kinds:
                read[kind].append((s, rules.by_script[s.cjk]))
    misses = 0.0
    for kind, rule in RULES.items():
        hit = [(s, lex) for s, lex in read[kind] if rule(s, lex) is not None]
        miss = [(s, lex) for s, lex in read[kind] if rule(s, lex) is None]
        t_hit = per_article(lambda x: rule(*x), hit, rep, n)  # noqa: B023 (timed right here)
        t_miss = per_article(lambda x: rule(*x), miss, rep, n)  # noqa: B023
        misses += t_miss
        each_hit = t_hit * n / max(1, len(hit))
        each_miss = t_miss * n / max(1, len(miss))
        print(
            f"rule {kind}: reads {len(read[kind])} sentences, {len(hit)} hits "
            f"({each_hit:.1f} us each, {t_hit:.1f} an article), "
            f"{len(miss)} misses ({each_miss:.1f} us each, {t_miss:.1f} an article)"
        )
    cut = [lead_only(item, rules) for item in items]
    lead_upto = per_article(sentences_of, cut, rep, n)
    lead_alone = per_article(screen, cut, rep, n)
    split_bound = (upto - alone) - (lead_upto - lead_alone)
    print(f"bound, perfect gate: {misses:.1f} us an article ({misses / whole:.0%} of classify)")
    print(f"bound, lead only:    {split_bound:.1f} us an article ({split_bound / whole:.0%})")
    if args.regexes:
        regex_costs(lambda: [classify(i, rules) for i in items], n, args.regexes)
    return 0


def regex_costs(run: Callable[[], object], n: int, top: int) -> None:
    """Time each compiled regex's calls during `run` and print the `top` costliest."""
    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    clock = time.perf_counter

    def timed(key: str, real: Callable[..., object], eager: bool) -> Callable[..., object]:
        def call(*a: object, **k: object) -> object:
            start = clock()
            out = real(*a, **k)
            if eager:  # finditer: the matching happens while iterating
                out = iter(list(out))  # type: ignore[call-overload]
            spent[key] += clock() - start
            calls[key] += 1
            return out

        return call

    for obj in gc.get_objects():
        if isinstance(obj, LazyPattern) and "search" in vars(obj):
            key = obj.where if obj.where != "a classifier regex" else obj.pattern[:48]
            for name in ("search", "match", "fullmatch", "finditer", "sub", "split"):
                setattr(obj, name, timed(key, getattr(obj, name), name == "finditer"))
    run()
    print(f"regexes (timed each call): {sum(spent.values()) / n * 1e6:.1f} us an article")
    for key, secs in spent.most_common(top):
        each = secs / calls[key] * 1e6
        print(
            f"  {secs / n * 1e6:5.1f} us an article, {calls[key]:5d} calls, {each:5.1f} us: {key}"
        )


if __name__ == "__main__":
    sys.exit(main())
