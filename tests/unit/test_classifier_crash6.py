"""Crash headlines told the way wires write them in a hurry (issue 14, the lead's probes).

Our own examples: an adjective before the operator ("Deadly Amtrak derailment"); someone hit by
a vehicle; an aircraft's gear giving way; a cable car's fall; a headline toll without its
article ("Uber driver dies", "Pedestrian killed").
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules((Company(company="Tesla", tickers=("TSLA",)),))


def crash(rules: Rules, title: str) -> tuple[str | None, int | None] | None:
    found = [e for e in classify(Text(title), rules) if e.type == "crash"]
    return (found[0].company, found[0].facts.fatalities) if found else None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Deadly Amtrak derailment in Montana kills three", ("Amtrak", 3)),
        ("Pedestrian killed after being struck by Waymo vehicle", ("Waymo", 1)),
        ("Cable car plunges in Italian Alps, killing 14", (None, 14)),
        ("Uber driver dies after Tesla Model S crashes into tree", ("Tesla", 1)),
    ],
)
def test_hurried_crash_headlines(
    rules: Rules, title: str, expected: tuple[str | None, int]
) -> None:
    assert crash(rules, title) == expected


def test_gear_giving_way_is_an_accident_and_output_hit_is_not(rules: Rules) -> None:
    assert crash(rules, "Nose gear collapses on regional jet in Charlotte") is not None
    assert crash(rules, "Battery plant output hit by chip shortage") is None


@pytest.mark.parametrize(
    ("title", "is_crash"),
    [
        ("Two jets clip wings on Atlanta taxiway", True),
        ("Boeing 787 drops suddenly mid-flight, injuring 50", True),
        ("Hot air balloon catches fire and falls in Turkey", True),
        ("Tesla deliveries drop sharply as demand for vehicles slows", False),
        ("Car sales see sudden drop in November", False),
    ],
)
def test_falls_in_the_air_and_touching_wings(rules: Rules, title: str, is_crash: bool) -> None:
    assert (crash(rules, title) is not None) == is_crash
