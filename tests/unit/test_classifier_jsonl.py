"""The `redflag classify` contract: one JSON line out per line in, in order, bad lines marked."""

import itertools
import json
from collections.abc import Iterator

import pytest

from services.classifier.core import Rules, load_rules
from services.classifier.jsonl import classify_lines

RECALL = {"id": "a1", "title": "Toyota recalls 1,398 Tundra pickups over spare-tire welds"}
QUIET = {"id": "a2", "title": "Carmaker opens a design studio in Milan", "lang": "en"}


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def run(rules: Rules, lines: list[str]) -> list[tuple[dict[str, object], bool]]:
    return [(json.loads(out), ok) for out, ok in classify_lines(lines, rules)]


def test_events_in_the_contract_shape(rules: Rules) -> None:
    [(out, ok)] = run(rules, [json.dumps(RECALL)])
    assert ok
    assert out["id"] == "a1"
    events = out["events"]
    assert isinstance(events, list)
    assert events == [
        {
            "type": "recall",
            "confidence": events[0]["confidence"],
            "company": "Toyota",
            "tickers": [],
            "facts": {"units": 1398},
            "evidence": "Toyota recalls 1,398 Tundra pickups over spare-tire welds",
        }
    ]
    assert 0.5 <= events[0]["confidence"] <= 1.0


def test_no_event_is_an_empty_list(rules: Rules) -> None:
    assert run(rules, [json.dumps(QUIET)]) == [({"id": "a2", "events": []}, True)]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("not json at all", "not JSON"),
        ("[" * 50_000, "not JSON this stage reads: nested too deeply"),
        (json.dumps({"id": "x", "title": "t" * 1001}), "title is 1,001 characters, over"),
        ("[1, 2]", "not a JSON object"),
        ('{"title": "no id"}', "missing id"),
        ('{"id": 42, "title": "x"}', "id must be a non-empty string"),
        ('{"id": "", "title": "x"}', "id must be a non-empty string"),
        ('{"id": "x", "title": ["a list"]}', "title must be a string"),
    ],
)
def test_bad_line_is_reported_in_its_place(rules: Rules, line: str, error: str) -> None:
    lines = [json.dumps(RECALL), line, json.dumps(QUIET)]
    results = run(rules, lines)
    assert [ok for _, ok in results] == [True, False, True]
    assert [out["id"] for out, _ in results] == ["a1", None, "a2"]
    bad = results[1][0]
    assert bad["line"] == 2
    assert isinstance(bad["error"], str)
    assert bad["error"].startswith(error)


def test_blank_lines_are_skipped_not_errors(rules: Rules) -> None:
    results = run(rules, [json.dumps(RECALL), "", "  \t", json.dumps(QUIET)])
    assert [(out["id"], ok) for out, ok in results] == [("a1", True), ("a2", True)]


def test_optional_fields_and_extra_keys_are_accepted(rules: Rules) -> None:
    line = json.dumps({**RECALL, "link": "https://x", "published": "2024-01-01", "labels": []})
    [(out, ok)] = run(rules, [line])
    assert ok
    assert out["id"] == "a1"


def test_order_is_kept(rules: Rules) -> None:
    ids = [f"n{i}" for i in range(50)]
    lines = [
        json.dumps({"id": i, "title": "Mazda recalls 4,000 cars" if n % 3 else "hello"})
        for n, i in enumerate(ids)
    ]
    assert [out["id"] for out, _ in run(rules, lines)] == ids


def test_streams_without_reading_ahead(rules: Rules) -> None:
    """The first result comes before the input is exhausted: 100,000 lines need no buffer."""
    read = 0

    def source() -> Iterator[str]:
        nonlocal read
        for n in itertools.count():
            read += 1
            yield json.dumps({"id": str(n), "title": "Quarterly results beat estimates"})

    results = classify_lines(source(), rules)
    first = next(results)
    assert json.loads(first[0])["id"] == "0"
    assert read == 1


def test_hundred_thousand_lines(rules: Rules) -> None:
    lines = (
        json.dumps({"id": str(n), "title": "Quarterly results beat estimates"})
        for n in range(100_000)
    )
    count = sum(1 for _out, ok in classify_lines(lines, rules) if ok)
    assert count == 100_000
