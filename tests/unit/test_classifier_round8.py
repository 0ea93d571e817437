"""Round eight's kinds (English): operators named around the craft, banks covered as stocks,
recalls announced as a "first recall", and what is not an event: duties, memories, risks."""

import pytest

from services.classifier.core import Rules
from tests.support.texts import named_events


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        ("Atlas Air 767 freighter runs off end of runway at Miami", "", "Atlas Air"),
        ("Ravn Dash 8 overruns Unalakleet runway; two hurt", "", "Ravn"),
        (
            "Chartered jet crashes near Cusco",
            "The Fokker 100 of regional carrier Andes Sur lost power.",
            "Andes Sur",
        ),
        ("Maersk boxship runs aground off Suez", "", "Maersk"),
        ("Zoox driverless taxi hits scooter rider in Las Vegas", "", "Zoox"),
        ("Tesla Semi catches fire after hitting barrier on I-80", "", "Tesla"),
        (
            "Express derails near Bologna, two dead",
            "The Italo high-speed train hit a switch at speed.",
            "Italo",
        ),
    ],
)
def test_operators_around_the_craft(
    rules: Rules, title: str, summary: str, company: str | None
) -> None:
    assert named_events(rules, title, summary)[0] == ("crash", company)


def test_a_craft_flying_for_an_airline_is_the_airlines(rules: Rules) -> None:
    found = named_events(rules, "Embraer 190 flying for Aerolitoral crashes after takeoff; 20 dead")
    assert found[0] == ("crash", "Aerolitoral")


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Goldman lifts Morgan Stanley PT to $150 from $130; Buy", "Morgan Stanley"),
        ("Citi lowers JPMorgan Chase price target to $250 from $270", "JPMorgan Chase"),
    ],
)
def test_a_bank_covered_as_a_stock(rules: Rules, title: str, company: str) -> None:
    assert named_events(rules, title) == [("target_change", company)]


def test_a_first_recall_is_news_and_vitamin_d_no_company(rules: Rules) -> None:
    assert named_events(rules, "Rivian R1S gets first recall: 13,000 SUVs over seat belts") == [
        ("recall", "Rivian")
    ]
    assert named_events(rules, "The automaker had its first recall in 2015") == []
    found = named_events(
        rules, "Canned dog food recalled over vitamin D", "Hill's Pet Nutrition acted."
    )
    assert [kind for kind, _ in found] == ["recall"]
    assert found[0][1] != "D"


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("New rules add recall duties for online marketplaces", ""),
        ("Regulation takes effect", "It sets out how sellers must organise recalls."),
        ("Musk recalls Tesla came within weeks of collapse", ""),
    ],
)
def test_duties_and_memories_are_no_recall(rules: Rules, title: str, summary: str) -> None:
    assert named_events(rules, title, summary) == []


def test_a_fire_a_defect_could_cause_is_no_crash(rules: Rules) -> None:
    found = named_events(
        rules,
        "Ford recalls 20,000 SUVs over loose battery cable",
        "The cable could rub against the frame, overheat and cause a fire, the company said.",
    )
    assert found == [("recall", "Ford")]
