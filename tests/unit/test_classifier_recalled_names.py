"""Who recalled, not what was recalled; craft codes are craft, not operators."""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text

WATCHED = (
    Company(company="Apple", tickers=("AAPL",)),
    Company(company="Mercedes-Benz Group", tickers=("MBG.DE",), aliases=("Mercedes",)),
)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(WATCHED)


def companies(rules: Rules, title: str, summary: str = "") -> list[str | None]:
    return [e.company for e in classify(Text(title, summary), rules)]


@pytest.mark.parametrize(
    ("title", "company"),
    [
        # a watched name inside the product recalled: the recaller is the company
        ("GoGo Squeez Recalls Apple Sauce Pouches Over Mold", "GoGo Squeez"),
        # ... but a watched maker before its model is whose cars were recalled
        ("Regulator orders recall of 12,000 Mercedes GLC 300 cars", "Mercedes-Benz Group"),
        ("Apple recalls power adapters sold in Korea", "Apple"),
    ],
)
def test_the_recaller_not_the_product(rules: Rules, title: str, company: str) -> None:
    assert companies(rules, title) == [company]


def test_aviation_safety_lines_and_craft_codes(rules: Rules) -> None:
    line = "Crash: Angara AN24 at Nizhneangarsk on Jun 27th 2019, runway excursion"
    assert companies(rules, line) == ["Angara"]
    assert companies(rules, "H2A rocket explodes seconds after liftoff") == [None]
