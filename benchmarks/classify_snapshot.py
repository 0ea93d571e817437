"""Every event `classify` gives over every corpus at hand, as one JSON line per article.

    python benchmarks/classify_snapshot.py OUT.jsonl
    diff <(python benchmarks/classify_snapshot.py /dev/stdout) OUT.jsonl   # after a change

A speed change must leave this output byte-identical: run it before, run it after, compare.
Inputs, each classified with the example config's watchlist and with none: both parts of the
issue 14 corpus, the shared dev corpus and seed pages (when ../shared is there), the entries
of the real feeds of ../shared/feeds-corpus/real, and the three mixes of `bench_classify.py`
(3,000 items each, named as the watchlist names its companies, and as without one).
"""

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bench_classify as bench
from benchmarks.eval_classifier import seed_items
from services.app.settings import load_settings
from services.classifier.core import Rules, classify, load_rules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = [
    ROOT / "benchmarks/corpus/dev.jsonl",
    ROOT / "benchmarks/corpus/heldout.jsonl",
    SHARED / "dev-corpus/dev.jsonl",
]
FIELDS = ("title", "summary", "content", "lang")


def _articles(watched: bool) -> Iterator[tuple[str, bench.Item]]:
    for path in CORPORA:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    yield f"{path.name}:{record['id']}", _item(record)
    if (SHARED / "seeds").is_dir():
        for record in seed_items(SHARED / "seeds"):
            yield str(record["id"]), _item(record)
    yield from _feed_entries()
    for name, (events, decoys) in bench.MIXES.items():
        for n, item in enumerate(bench.make_items(3000, 7, events, decoys)):
            yield f"{name}:{watched}:{n}", item


def _item(record: dict[str, object]) -> bench.Item:
    text = {k: record.get(k) for k in FIELDS}
    return bench.Item(
        str(text["title"] or ""),
        str(text["summary"] or ""),
        str(text["content"] or ""),
        text["lang"] if isinstance(text["lang"], str) else None,
    )


def _feed_entries() -> Iterator[tuple[str, bench.Item]]:
    from services.poller.errors import FeedError  # noqa: PLC0415
    from services.poller.parser import ParseJob, parse_feed  # noqa: PLC0415

    folder = SHARED / "feeds-corpus/real"
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        url = "http://127.0.0.1/feed.xml"
        try:
            feed = parse_feed(ParseJob(body=path.read_bytes(), url=url, feed_key=url))
        except FeedError:
            continue
        for n, entry in enumerate(feed.entries):
            item = bench.Item(entry.title, entry.summary, entry.content, entry.lang)
            yield f"{path.name}:{n}", item


def main(argv: list[str]) -> int:
    watchlist = load_settings(str(bench.EXAMPLE_CONFIG)).watchlist
    companies, zh = list(bench.COMPANIES), list(bench.ZH_COMPANIES)
    watched_zh = [a for c in watchlist for a in c.aliases if not a.isascii()][:40]
    with Path(argv[0]).open("w", encoding="utf-8") as out:
        for rules, watched in ((load_rules(watchlist), True), (load_rules(()), False)):
            if watched:  # the items name the companies as bench_classify.py names them
                bench.COMPANIES[:] = [c.company for c in watchlist if c.company.isascii()][:40]
                bench.ZH_COMPANIES[:] = watched_zh
            else:
                bench.COMPANIES[:], bench.ZH_COMPANIES[:] = companies, zh
            _write(out, rules, watched)
    return 0


def _write(out: TextIO, rules: Rules, watched: bool) -> None:
    for key, item in _articles(watched):
        events = [e.model_dump(mode="json") for e in classify(item, rules)]
        print(json.dumps({"key": key, "watched": watched, "events": events}), file=out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
