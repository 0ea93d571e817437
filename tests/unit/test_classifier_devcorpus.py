"""The dev corpus meets the issue's bars, scored by benchmarks/eval_classifier.py in-process.

Skipped when ../shared (beside the repository) is absent, as on a bare clone.
"""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from services.classifier.core import load_rules
from services.classifier.jsonl import classify_lines

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "dev-corpus" / "dev.jsonl"

pytestmark = pytest.mark.shared


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_classifier", ROOT / "benchmarks" / "eval_classifier.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_corpus_meets_the_bars() -> None:
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is absent")
    evaluation = _eval_module()
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    lines = [json.dumps({k: i[k] for k in evaluation.INPUT_KEYS if k in i}) for i in items]
    predictions = {}
    for out, ok in classify_lines(lines, load_rules()):
        assert ok
        record = json.loads(out)
        predictions[record["id"]] = record["events"]
    summary, errors = evaluation.score(items, predictions)
    assert evaluation.failures(summary) == [], errors


def test_scoring_rules() -> None:
    evaluation = _eval_module()
    item = {"company": "Johnson & Johnson (Ethicon Megadyne)", "tickers": ["JNJ"]}
    assert evaluation.company_matches({"company": "Ethicon Megadyne", "tickers": []}, item)
    assert evaluation.company_matches({"company": "J&J", "tickers": []}, item)
    assert evaluation.company_matches({"company": "Other", "tickers": ["JNJ"]}, item)
    assert not evaluation.company_matches({"company": "Medtronic", "tickers": []}, item)
    assert evaluation.company_matches({"company": None}, {"company": ""})
    assert not evaluation.company_matches({"company": "Tour"}, {"company": ""})
    assert evaluation.figure_matches(116887, 116887)
    assert not evaluation.figure_matches(110000, 116887)
    assert not evaluation.figure_matches(None, 1)


OWN = ROOT / "benchmarks" / "corpus"


def test_own_corpus_dev_part_meets_the_bars_with_the_example_watchlist() -> None:
    """benchmarks/corpus/dev.jsonl (issue 14) through the rules with the example watchlist."""
    from services.app.settings import load_settings  # noqa: PLC0415

    evaluation = _eval_module()
    items = [json.loads(line) for line in (OWN / "dev.jsonl").read_text("utf-8").splitlines()]
    lines = [json.dumps({k: i[k] for k in evaluation.INPUT_KEYS if k in i}) for i in items]
    watchlist = load_settings(str(ROOT / "deploy" / "config" / "redflag.example.yaml")).watchlist
    predictions = {}
    for out, ok in classify_lines(lines, load_rules(watchlist)):
        assert ok
        record = json.loads(out)
        predictions[record["id"]] = record["events"]
    summary, errors = evaluation.score(items, predictions)
    assert evaluation.failures(summary) == [], errors


def test_own_corpus_has_600_items_and_a_held_out_part() -> None:
    dev = (OWN / "dev.jsonl").read_text("utf-8").splitlines()
    held = [  # heldout.jsonl, and each round's own held-out batch (heldout3.jsonl ...)
        line
        for path in sorted(OWN.glob("heldout*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    assert len(dev) + len(held) >= 600
    assert len(held) >= 0.2 * (len(dev) + len(held))
    scripts = {json.loads(line).get("script") for line in held}
    assert "hant" in scripts  # both Chinese scripts are held out too
