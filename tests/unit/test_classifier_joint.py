"""A joint subject reports the event for each of its watched companies (issue 14).

Our own examples: "Hyundai, Kia recall ...", "Toyota, Honda and Nissan to recall ...",
"现代和起亚召回 ..." give one event per watched name of the subject, with the same facts; names
apart from the verb ("Toyota, which beat Honda, recalls") or a name that is only described
("Apple supplier Foxconn") do not.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(
        (
            Company(
                company="Hyundai Motor",
                tickers=("005380.KS",),
                aliases=("Hyundai", "现代汽车", "现代"),
            ),
            Company(company="Kia", tickers=("000270.KS",), aliases=("起亚",)),
            Company(company="Toyota Motor", tickers=("TM",), aliases=("Toyota",)),
            Company(company="Honda Motor", tickers=("HMC",), aliases=("Honda",)),
            Company(company="Nissan Motor", tickers=("7201.T",), aliases=("Nissan",)),
        )
    )


def recalls(rules: Rules, title: str) -> list[tuple[str | None, int | None]]:
    return [(e.company, e.facts.units) for e in classify(Text(title), rules) if e.type == "recall"]


@pytest.mark.parametrize(
    ("title", "companies"),
    [
        ("Hyundai, Kia recall 91,000 vehicles over fire risk", ["Hyundai Motor", "Kia"]),
        ("Hyundai and Kia jointly recall 91,000 vehicles", ["Hyundai Motor", "Kia"]),
        (
            "Toyota, Honda and Nissan to recall 91,000 cars over airbags",
            ["Toyota Motor", "Honda Motor", "Nissan Motor"],
        ),
        ("现代和起亚召回9.1万辆汽车", ["Kia", "Hyundai Motor"]),
    ],
)
def test_each_watched_name_of_a_joint_subject_gets_the_event(
    rules: Rules, title: str, companies: list[str]
) -> None:
    found = recalls(rules, title)
    assert sorted(c for c, _ in found) == sorted(companies)
    assert {units for _, units in found} == {91000}


def test_names_apart_from_the_verb_are_no_joint_subject(rules: Rules) -> None:
    assert recalls(rules, "Toyota, which outsold Honda, recalls 91,000 cars") == [
        ("Toyota Motor", 91000)
    ]
