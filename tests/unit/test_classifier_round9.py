"""Round nine's kinds (English): crash operators named by ownership, by the word around them
or by speaking of their own service; staged, rated and software "crashes"; recall's other
senses (a feature's name, remembering doing something)."""

import pytest

from services.classifier.core import Rules
from tests.support.texts import named_events


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        (
            "Two sightseeing helicopters collide over Hawaii; six dead",
            "Both aircraft belonged to Blue Sky Tours, which flies island circuits.",
            "Blue Sky Tours",
        ),
        (
            "Police helicopter falls onto crowded hotel; eight killed",
            "The aircraft, flown for the county sheriff by Skyline Air Services, lost power.",
            "Skyline Air Services",
        ),
        (
            "Tour boat sinks after collision on the Rhine; five dead",
            "The small boat, run by Cologne operator Rhein Fahrten, went down within seconds.",
            "Rhein Fahrten",
        ),
        (
            "Regional train derails in the Alps; three hurt",
            "Alpenbahn said its morning service left the track after a rockfall.",
            "Alpenbahn",
        ),
        (
            "Commuter train derails near Turin; two killed",
            "Investigators are looking at a broken rail on the network run by RFI.",
            None,
        ),
        (
            "Eight killed as limousine runs stop sign and hits parked SUV",
            "The 2005 Ford Excursion, operated by Royal Limousine, had failed an inspection.",
            "Royal Limousine",
        ),
        ("Sunrail train hits Orlando fire truck at crossing; 12 hurt", "", "Sunrail"),
        (
            "Sightseeing floatplane hits cliff in Alaska; five dead",
            "The Coastal Air de Havilland Otter was carrying cruise passengers.",
            "Coastal Air",
        ),
    ],
)
def test_crash_operators(rules: Rules, title: str, summary: str, company: str | None) -> None:
    assert named_events(rules, title, summary)[0] == ("crash", company)


def test_a_craft_found_after_it_vanished(rules: Rules) -> None:
    found = named_events(rules, "Turboprop found in jungle three days after it vanished; 20 dead")
    assert [kind for kind, _ in found] == ["crash"]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Pickup earns top rating in crash tests", "It scored four stars for rollover resistance."),
        ("Carmaker drops cars from a crane", "The drops mimic the damage of severe crashes."),
        ("Insulin pump maker fixes app bug", "A software problem made the app crash and relaunch."),
        ("Microsoft delays Windows Recall to test the AI feature", ""),
        ("Founder recalls laughing at the first smartphone", ""),
        ("Fire trucks led the parade through town", ""),
    ],
)
def test_not_crashes_or_recalls(rules: Rules, title: str, summary: str) -> None:
    assert named_events(rules, title, summary) == []


def test_over_the_counter_drugs_and_codes(rules: Rules) -> None:
    assert named_events(rules, "Sanofi recalls over-the-counter Zantac on NDMA concerns") == [
        ("recall", "Sanofi")
    ]
    found = named_events(rules, "Class I recall: Acme t:slim X2 pump app drains batteries")
    assert found and found[0][1] != "X2"
