"""Round seven's kinds: rating feeds' word order, pence and fractions, crashes told by what
happened to whom, recalls of products named by kind, and names with accents."""

import pytest

from services.classifier.core import Rules, classify
from tests.support.texts import Text, named_events


def facts(rules: Rules, kind: str, title: str, summary: str = "") -> dict[str, object]:
    found = [e for e in classify(Text(title, summary), rules) if e.type == kind]
    assert found, title
    return found[0].facts.compact()


@pytest.mark.parametrize(
    ("title", "company"),
    [
        # the rating after the move is no company, nor the broker after "at"/"by"
        ("Adobe PT raised to $700 from $650 at Jefferies; Buy", "Adobe"),
        ("Snowflake Tgt cut to $150 (from $190) at Mizuho; Neutral", "Snowflake"),
        ("Etsy price target lowered to $60 by Loop Capital, Hold", "Etsy"),
        # a verb opening a run is not part of the name after it
        ("Evercore Raises Delta Air Lines Tgt to $70; Outperform", "Delta Air Lines"),
        # "Price Target" ends the name before it
        ("Intel Price Target Cut to $25 at Bernstein", "Intel"),
        # "Target" as the noun gives way to the stock named before it...
        ("Home Depot Maintains Buy at Oppenheimer, Lowers Target to $390", "Home Depot"),
        # ...and is Target Corp when the broker is the only other name
        ("Jefferies raises Target to $180, keeps buy", "Target"),
    ],
)
def test_rating_feeds_name_the_covered_stock(rules: Rules, title: str, company: str) -> None:
    assert named_events(rules, title) == [("target_change", company)]


def test_pence_and_fractions_are_read(rules: Rules) -> None:
    found = facts(rules, "target_change", "Tesco price target raised to 240p from 210p at UBS")
    assert (found.get("new"), found.get("old"), found.get("currency")) == (240, 210, "GBX")
    assert facts(rules, "recall", "IKEA recalls half a million lamps")["units"] == 500000


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        ("Coach collides with trailer on motorway, 9 killed", "", None),
        ("Lyft SUV strikes and kills cyclist in Oakland", "", "Lyft"),
        ("Bulk carrier Grande Sirena sinks in South China Sea; 14 crew missing", "", None),
        ("Trawler sank in Storm Ciaran, coastguard says; five crew dead", "", None),
        ("Tanker stranded off Cornwall", "The captain ran the tanker aground in fog.", None),
        (
            "Small jet bursts into flames after landing short at Teterboro",
            "The Learjet flown by charter operator Skyway Jets lost power on approach.",
            "Skyway Jets",
        ),
        (
            "Tour bus plunges into ravine in the Andes, 20 dead",
            "The Andes Express coach carrying tourists to Cusco left the road at night.",
            "Andes Express",
        ),
        ("Crash: Aerolink B738 at Lagos on Jan 3rd 2024, runway excursion", "", "Aerolink"),
        ("SpaceX Falcon 9 upper stage explodes after liftoff", "", "SpaceX"),
    ],
)
def test_crashes_told_by_what_happened(
    rules: Rules, title: str, summary: str, company: str | None
) -> None:
    assert named_events(rules, title, summary) == [("crash", company)]


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Belkin recalls wall adapters over shock risk", "Belkin"),
        ("Citroën recalls 12,000 cars over brake fault", "Citroën"),
        ("Chobani recalls yogurt cups for Listeria", "Chobani"),
    ],
)
def test_recalls_of_products_named_by_kind(rules: Rules, title: str, company: str) -> None:
    assert named_events(rules, title) == [("recall", company)]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Australia gives regulator power to order vehicle recalls", ""),
        (
            "Retailers recall 300,000 space heaters over fire risk",
            "The agency cited 40 reports of units overheating, melting or catching fire.",
        ),
        (
            "Rule will make trucks brake on their own by 2028",
            "The systems must avoid hitting a car ahead at highway speed.",
        ),
        ("New trailer for the film shows a plane crash scene", ""),
        ("Merger talks ran aground over price, people familiar say", ""),
    ],
)
def test_rules_defects_and_films_are_no_crash_or_recall(
    rules: Rules, title: str, summary: str
) -> None:
    assert [kind for kind, _ in named_events(rules, title, summary) if kind == "crash"] == []
    if "recall" not in title.lower() or "power" in title:
        assert named_events(rules, title, summary) == []
