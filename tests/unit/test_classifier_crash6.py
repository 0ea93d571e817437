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


@pytest.mark.parametrize(
    ("title", "summary", "is_crash"),
    [
        ("Airport stages full-scale mock plane crash drill with 150 volunteers", "", False),
        ("Jury orders Tesla to pay $243 million over 2019 Autopilot crash", "", False),
        ("香港機場管理局舉行飛機失事演習", "", False),
        ("'Plane' tops the box office", "Butler plays a pilot who crash-lands a jet.", False),
        ("Woman sinks savings into a vintage bus", "", False),
        ("Astra rocket fails to reach orbit, two satellites lost", "", True),
        ("快舟十一号首飞失利", "火箭飞行异常，两颗卫星未能入轨。", True),  # noqa: RUF001
        ("Tesla on Autopilot hits highway divider, engineer dies", "", True),
        ("Sightseeing boat with 26 aboard sinks off Shiretoko", "", True),
        ("Twin Otter with 22 aboard found in pieces on mountainside", "", True),
    ],
)
def test_staged_judged_or_filmed_is_no_crash_and_launches_and_sinkings_are(
    rules: Rules, title: str, summary: str, is_crash: bool
) -> None:
    found = [e for e in classify(Text(title, summary), rules) if e.type == "crash"]
    assert bool(found) == is_crash


def test_operators_behind_a_maker_a_brand_or_a_modifier() -> None:
    rules = load_rules(
        (
            Company(company="Lufthansa", tickers=("LHA.DE",), aliases=("Germanwings",)),
            Company(company="Airbus", tickers=("AIR.PA",)),
            Company(company="American Airlines", tickers=("AAL",), aliases=("American Eagle",)),
        )
    )

    def company(title: str, summary: str) -> str | None:
        return next(e.company for e in classify(Text(title, summary), rules) if e.type == "crash")

    assert (
        company(
            "No survivors as Airbus goes down in the Alps",
            "The Germanwings A320 carried 150 people.",
        )
        == "Lufthansa"
    )
    assert (
        company(
            "Regional jet and helicopter collide",
            "An American Eagle flight run by PSA hit a helicopter; 67 were killed.",
        )
        == "American Airlines"
    )
    assert company("Dive boat fire leaves 34 dead", "") != "Dive"
    assert company("Fire sweeps Indonesian passenger ferry; three dead", "") != "Indonesian"
