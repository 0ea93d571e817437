"""Names with lowercase words inside, tickers in parentheses, and places that open a name."""

import pytest

from services.classifier.core import Rules
from tests.support.texts import named_events


def companies(rules: Rules, title: str, summary: str = "") -> list[str | None]:
    return [company for _, company in named_events(rules, title, summary)]


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        ("Bank of Montreal (BMO) PT raised to $140 at Barclays", "", "Bank of Montreal"),
        ("Banco do Brasil target cut to R$30 by UBS", "", "Banco do Brasil"),
        ("Helen of Troy recalls 200,000 hair dryers over shock risk", "", "Helen of Troy"),
        ("Alaska Air Group (ALK) PT raised to $75 at Raymond James", "", "Alaska Air Group"),
        # "of <town>, <state>," says where a firm is, not part of its name
        (
            "Ohio firm recalls 12,000 pounds of sausage",
            "Hickory Farms Meats of Dayton, Ohio, is recalling the links.",
            "Hickory Farms Meats",
        ),
    ],
)
def test_names_joined_and_located(rules: Rules, title: str, summary: str, company: str) -> None:
    assert companies(rules, title, summary) == [company]
