"""One sentence, two companies: each watched company whose own clause reports the event gets
its own event; where only one clause reports it, the sentence stays whole."""

import pytest

from services.classifier.clauses import clauses
from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from services.classifier.text import Sentence, Zone, lower
from tests.support.texts import Text as _Text


def Text(title: str, summary: str = "", content: str = "", lang: str | None = "en") -> _Text:  # noqa: N802
    """This file's articles are in en unless a test says otherwise."""
    return _Text(title, summary, content, lang)


WATCHED = [
    Company(company="Toyota Motor", tickers=("TM",), aliases=("Toyota", "丰田")),
    Company(company="Honda Motor", tickers=("HMC",), aliases=("Honda", "本田")),
    Company(company="Xiaomi", tickers=("1810.HK",), aliases=("小米",)),
    Company(company="Tesla", tickers=("TSLA",)),
    Company(company="Nvidia", tickers=("NVDA",)),
    Company(company="Boeing", tickers=("BA",)),
    Company(company="Airbus", tickers=("AIR.PA",)),
    Company(company="Ford Motor", tickers=("F",), aliases=("Ford",)),
]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(WATCHED)


def events(rules: Rules, title: str, summary: str = "") -> list[tuple[str, str | None, dict]]:
    return [(e.type, e.company, e.facts.compact()) for e in classify(Text(title, summary), rules)]


def test_two_recalls_in_one_lead_sentence_are_two_events(rules: Rules) -> None:
    got = events(
        rules,
        "Toyota and Honda recall 2.1 million vehicles over faulty airbags",
        "Toyota Motor Corp recalled 1.2 million vehicles and Honda Motor Co recalled 900,000 "
        "vehicles over airbag inflators that may rupture.",
    )
    assert got == [
        ("recall", "Toyota Motor", {"units": 1_200_000}),
        ("recall", "Honda Motor", {"units": 900_000}),
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Toyota recalled 1.2 million cars; the fix takes an hour; Honda recalled 900,000 cars",
        "丰田召回120万辆汽车，本田召回90万辆汽车",  # noqa: RUF001 - a Chinese comma
    ],
)
def test_two_reporting_clauses_among_more(rules: Rules, title: str) -> None:
    assert events(rules, title) == [
        ("recall", "Toyota Motor", {"units": 1_200_000}),
        ("recall", "Honda Motor", {"units": 900_000}),
    ]


def test_two_price_targets_joined_by_a_semicolon(rules: Rules) -> None:
    got = events(
        rules,
        "Goldman cuts Tesla price target to $250 from $300; "
        "Morgan Stanley raises Nvidia price target to $1,200",
    )
    assert [(kind, company) for kind, company, _ in got] == [
        ("target_change", "Tesla"),
        ("target_change", "Nvidia"),
    ]
    assert got[0][2]["direction"] == "cut"
    assert (got[1][2]["direction"], got[1][2]["new"]) == ("raise", 1200)


def test_two_crashes_in_one_headline(rules: Rules) -> None:
    got = events(rules, "Boeing 737 crash kills 12; separately, Airbus A320 skids off runway")
    assert [(kind, company) for kind, company, _ in got] == [
        ("crash", "Boeing"),
        ("crash", "Airbus"),
    ]
    assert got[0][2] == {"fatalities": 12}


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        # "and" before a product, not a new subject
        ("Ford recalls 100,000 trucks and Lincoln SUVs over brake issue", ""),
        # the second company reports it too, but is not watched
        ("Toyota recalled 1.2 million cars and Rivian recalled 10,000 trucks", ""),
        # a Chinese clause that says how, not who
        ("小米汽车召回11.6万辆SU7，将通过OTA升级修复", ""),  # noqa: RUF001
    ],
)
def test_one_event_where_no_second_watched_company_reports_it(
    rules: Rules, title: str, summary: str
) -> None:
    assert len(events(rules, title, summary)) == 1


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("A cuts X; B raises Y", ["A cuts X", "B raises Y"]),
        ("A recalled 5 cars and B recalled 6", ["A recalled 5 cars", "B recalled 6"]),
        ("A recalled 5 cars, while B recalled 6", ["A recalled 5 cars", "B recalled 6"]),
        ("A recalls trucks and vans", ["A recalls trucks and vans"]),
        ("丰田召回，本田召回；日产未召回", ["丰田召回", "本田召回", "日产未召回"]),  # noqa: RUF001
    ],
)
def test_clauses(text: str, parts: list[str]) -> None:
    sentence = Sentence(text, lower(text), Zone.TITLE, 0, cjk=not text.isascii())
    assert [c.text for c in clauses(sentence)] == parts
