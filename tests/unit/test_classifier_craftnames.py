"""Crashes told by the craft's model family, by what it struck, and tolls without articles.

Our own examples (issue 14), none from the corpus: an operator or maker named with its craft's
family ("Air India Dreamliner", "SpaceX Starship") is that company; a place of departure or
destination ("London-bound") is never one; a ship or truck striking a bridge or a crowd is an
accident; a headline's "killing driver" counts one.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules((Company(company="Tesla", tickers=("TSLA",)),))


def crashes(rules: Rules, title: str, summary: str = "") -> list[tuple[str | None, int | None]]:
    return [
        (e.company, e.facts.fatalities)
        for e in classify(Text(title, summary), rules)
        if e.type == "crash"
    ]


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Air India Dreamliner goes down moments after takeoff", "Air India"),
        ("SpaceX Starship upper stage explodes over the Caribbean", "SpaceX"),
        ("Vistara A321neo skids off runway in heavy rain", "Vistara"),
    ],
)
def test_a_craft_named_by_its_family_belongs_to_the_name_before_it(
    rules: Rules, title: str, company: str
) -> None:
    assert [c for c, _ in crashes(rules, title)] == [company]


def test_where_a_flight_was_bound_is_not_its_operator(rules: Rules) -> None:
    found = crashes(rules, "Jet goes down after takeoff", "The London-bound flight carried 242.")
    assert found and all(company != "London-bound" for company, _ in found)


def test_a_ship_striking_a_bridge_is_an_accident(rules: Rules) -> None:
    assert crashes(rules, "Container ship strikes Baltimore's Key Bridge, collapsing a span")
    assert not crashes(rules, "Tesla stock hits a record as deliveries beat")


def test_a_headline_toll_without_an_article_counts(rules: Rules) -> None:
    assert crashes(rules, "Truck slams into Tesla on Autopilot, killing driver") == [("Tesla", 1)]
