"""Score the classifier on labelled corpora, through `redflag classify`.

    python benchmarks/eval_classifier.py ../shared/dev-corpus/dev.jsonl [--config F] [--inproc]

Corpus format: ../shared/dev-corpus/README.md. `labels` must alert, `optional` may (neither a
false positive nor a false negative). Prints precision, recall and F1 per type and language,
company accuracy on correctly flagged items, key-figure accuracy (units for recall, new for
target_change), then every error. Items with `"script": "hant"` (traditional Chinese) are also
counted under `zh-hant`. `--check` exits 1 when a figure is under the issue's bar (F1 >= 0.95
per type and language, company >= 0.92, key figure within 3 % >= 0.92). `--inproc` calls
`classify_lines` directly instead of the CLI; `--json` prints the summary as one JSON object.
`--seeds DIR` adds the seed pages of ../shared/seeds, labelled as their README says.

Company rule: with no company in the label the event must name none; otherwise the name must
match one of the label's names ("A; B", "A (B)", "A/B") once case, accents, punctuation and
legal suffixes are dropped ("Nestle" is "Nestlé"), one containing the other, be its initials
("J&J"), or share a ticker.
Figures match within 3 %.
"""

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

TYPES = ("recall", "crash", "target_change")
KEY_FIGURE = {"recall": "units", "target_change": "new"}
INPUT_KEYS = ("id", "title", "summary", "content", "link", "published", "lang")
BARS = {"f1": 0.95, "company": 0.92, "figure": 0.92}
FIGURE_TOLERANCE = 0.03
_SUFFIXES = re.compile(
    r"\b(?:inc|corp|corporation|co|company|ltd|limited|plc|group|holdings?|motors?|the|ag|se|sa|"
    r"nv|llc|industries|international)\b|股份有限公司|有限责任公司|有限公司|集团|控股|股份"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--config", help="redflag config whose watchlist to use")
    parser.add_argument("--inproc", action="store_true", help="call classify_lines, not the CLI")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON only")
    parser.add_argument("--check", action="store_true", help="exit 1 when under the bars")
    parser.add_argument("--seeds", type=Path, help="a folder of seed pages (../shared/seeds)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the services package
    items = [item for path in args.corpora for item in _read(path)]
    if args.seeds:
        items += list(seed_items(args.seeds))
    predictions = dict(_predict(items, args.config, args.inproc))
    summary, errors = score(items, predictions)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        _report(summary, errors)
    return 1 if args.check and failures(summary) else 0


def _read(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# The seed pages' labels, as ../shared/seeds/README.md gives them.
SEEDS = {
    "000": (["recall"], ["crash"], "Xiaomi", ["1810.HK"], {"units": 116887}),
    "001": (["target_change"], ["crash"], "Xiaomi", ["1810.HK"], {"new": 400000}),
    "002": ([], [], "", [], {}),
    "003": (["target_change"], ["crash"], "Xiaomi", ["1810.HK"], {"new": 350000}),
}


def seed_items(folder: Path) -> Iterator[dict[str, object]]:
    """The seed pages as corpus items: the first line is the title, the rest the content."""
    for name, (labels, optional, company, tickers, facts) in SEEDS.items():
        for path in sorted(folder.glob(f"{name}_*.txt")):
            title, _, content = path.read_text(encoding="utf-8").partition("\n")
            yield {
                "id": f"seed{name}",
                "lang": "en",
                "title": title,
                "summary": "",
                "content": content,
                "labels": labels,
                "optional": optional,
                "company": company,
                "tickers": tickers,
                "facts": facts,
            }


def _predict(
    items: list[dict[str, object]], config: str | None, inproc: bool
) -> Iterator[tuple[str, list[dict[str, object]]]]:
    lines = [
        json.dumps({k: item[k] for k in INPUT_KEYS if k in item}, ensure_ascii=False)
        for item in items
    ]
    if inproc:
        from services.classifier.core import load_rules  # noqa: PLC0415
        from services.classifier.jsonl import classify_lines  # noqa: PLC0415

        watchlist = ()
        if config:
            from services.app.settings import load_settings  # noqa: PLC0415

            watchlist = load_settings(config).watchlist
        outputs: Iterable[str] = (out for out, _ok in classify_lines(lines, load_rules(watchlist)))
    else:
        cmd = [
            sys.executable,
            "-m",
            "services.cli",
            "classify",
            *(["--config", config] if config else []),
        ]
        done = subprocess.run(
            cmd,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
        if done.returncode not in (0, 1):
            sys.exit(f"redflag classify failed ({done.returncode}): {done.stderr.strip()}")
        outputs = done.stdout.splitlines()
    for out in outputs:
        record = json.loads(out)
        yield str(record["id"]), list(record.get("events", []))


def score(
    items: list[dict[str, object]], predictions: dict[str, list[dict[str, object]]]
) -> tuple[dict[str, object], list[str]]:
    """The summary figures and one line per error."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    company = {"right": 0, "total": 0}
    figure = {"right": 0, "total": 0}
    errors: list[str] = []
    for item in items:
        iid, lang = str(item["id"]), str(item.get("lang") or "en")
        keys = [lang, "all"] + (["zh-hant"] if item.get("script") == "hant" else [])
        labels, optional = set(_list(item.get("labels"))), set(_list(item.get("optional")))
        events = {str(e["type"]): e for e in reversed(predictions.get(iid, []))}
        title = str(item.get("title", ""))[:90]
        for kind in TYPES:
            got, want = kind in events, kind in labels
            for key in keys:
                c = counts[(kind, key)]
                c["tp"] += got and want
                c["fp"] += got and not want and kind not in optional
                c["fn"] += want and not got
            if got and not want and kind not in optional:
                errors.append(
                    f"FP {iid} {lang} {kind}: {title} | {events[kind].get('evidence', '')[:120]}"
                )
            if want and not got:
                errors.append(f"FN {iid} {lang} {kind}: {title}")
            if not (got and want):
                continue
            event = events[kind]
            company["total"] += 1
            if company_matches(event, item):
                company["right"] += 1
            else:
                errors.append(
                    f"CO {iid} {lang} {kind}: "
                    f"got {event.get('company')!r} want {item.get('company')!r}"
                )
            key_name = KEY_FIGURE.get(kind)
            gold = _dict(item.get("facts")).get(key_name) if key_name else None
            if key_name and isinstance(gold, int | float):
                figure["total"] += 1
                got_value = _dict(event.get("facts")).get(key_name)
                if figure_matches(got_value, gold):
                    figure["right"] += 1
                else:
                    errors.append(
                        f"FIG {iid} {lang} {kind}.{key_name}: got {got_value} want {gold}"
                    )
    table = {f"{kind}/{key}": _prf(c) for (kind, key), c in sorted(counts.items())}
    summary = {
        "items": len(items),
        "types": table,
        "company": _ratio(company),
        "figure": _ratio(figure),
    }
    return summary, errors


def company_matches(event: dict[str, object], item: dict[str, object]) -> bool:
    """The event names the labelled company (see the module docstring)."""
    want = str(item.get("company") or "")
    got = event.get("company")
    if not want:
        return got is None
    if set(_list(event.get("tickers"))) & set(_list(item.get("tickers"))):
        return True
    if not isinstance(got, str) or not got:
        return False
    names = [want, *re.split(r"[;/()\uff08\uff09]", want)]
    mine = _norm(got)
    if any(n and mine and (n in mine or mine in n) for n in map(_norm, names)):
        return True
    return any(_initials(n) == got.replace(" ", "") for n in names if len(got) >= 2)


def _initials(name: str) -> str:
    """ "Johnson & Johnson" -> "J&J", "Jaguar Land Rover" -> "JLR": how news abbreviates a name."""
    words = re.findall(r"&|[A-Z][\w-]*", name)
    return "".join(w if w == "&" else w[0] for w in words) if len(words) > 1 else ""


def figure_matches(got: object, want: float) -> bool:
    """Equal within 3 %."""
    if not isinstance(got, int | float):
        return False
    return abs(got - want) <= FIGURE_TOLERANCE * max(abs(want), 1e-9)


def failures(summary: dict[str, object]) -> list[str]:
    """Every figure under its bar."""
    out = []
    for name, row in _dict(summary["types"]).items():
        if name.endswith("/all"):
            continue
        r = _dict(row)
        if r["tp"] or r["fn"] or r["fp"]:
            value = r["f1"] or 0.0
            if float(str(value)) < BARS["f1"]:
                out.append(f"{name} f1 {value}")
    for key in ("company", "figure"):
        value = _dict(summary[key])["ratio"]
        if value is not None and float(value) < BARS[key]:
            out.append(f"{key} {value}")
    return out


def _norm(name: str) -> str:
    from services.classifier.script import simplified  # noqa: PLC0415 - after the path is set

    text = _SUFFIXES.sub(" ", simplified(name).casefold().replace("&", " and "))
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\u4e00-\u9fff]+", " ", text).split())


def _prf(c: dict[str, int]) -> dict[str, object]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else None
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": _round(p),
        "recall": _round(r),
        "f1": _round(f1),
    }


def _ratio(c: dict[str, int]) -> dict[str, object]:
    return {**c, "ratio": _round(c["right"] / c["total"]) if c["total"] else None}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _report(summary: dict[str, object], errors: list[str]) -> None:
    print(f"items: {summary['items']}")
    print(f"{'type/lang':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for name, row in _dict(summary["types"]).items():
        r = _dict(row)
        cells = "".join(
            f"{'-' if r[k] is None else r[k]:>8}" for k in ("precision", "recall", "f1")
        )
        print(f"{name:<22}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}{cells}")
    for key, label in (
        ("company", "company right on flagged items"),
        ("figure", "key figure right"),
    ):
        c = _dict(summary[key])
        print(f"{label}: {c['right']}/{c['total']} = {c['ratio']}")
    problems = failures(summary)
    print("under the bar: " + ("; ".join(problems) if problems else "none"))
    if errors:
        print(f"\nerrors ({len(errors)}):")
        print("\n".join(errors))


if __name__ == "__main__":
    sys.exit(main())
