"""A former target told in a lead sentence of its own becomes the event's `old` figure."""

import pytest

from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def target(rules: Rules, title: str, summary: str = "", content: str = "") -> dict[str, object]:
    article = Text(title, summary, content)
    events = [e for e in classify(article, rules) if e.type == "target_change"]
    assert events, title
    return events[0].facts.compact()


@pytest.mark.parametrize(
    ("title", "summary", "old", "new", "direction"),
    [
        (
            "Lucid trims 2025 production outlook to 18,000 vehicles",
            "The EV maker had previously forecast 20,000 vehicles for the year.",
            20000,
            18000,
            "cut",
        ),
        (
            "Airbus lowers 2024 delivery target to 770 jets",
            "Its previous target was about 800 aircraft.",
            800,
            770,
            "cut",
        ),
        (
            "长城汽车上调年度销量目标至150万辆",
            "公司原目标为130万辆。",
            1300000,
            1500000,
            "raise",
        ),
        (
            "鴻海上修全年營收展望至新台幣7兆元",
            "此前預估為新台幣6.5兆元。",
            6500000000000,
            7000000000000,
            "raise",
        ),
    ],
)
def test_a_former_target_in_the_summary_is_old(
    rules: Rules, title: str, summary: str, old: float, new: float, direction: str
) -> None:
    facts = target(rules, title, summary)
    assert (facts.get("old"), facts.get("new"), facts.get("direction")) == (old, new, direction)


@pytest.mark.parametrize(
    ("title", "summary", "content"),
    [
        # last year's plan, not this year's former target
        (
            "Rivian sets 2025 production outlook at 46,000 to 51,000 vehicles",
            "The company previously expected about 57,000 vehicles in 2024.",
            "",
        ),
        # another currency: a different figure
        (
            "Siemens raises revenue outlook to €80 billion",
            "The group previously expected $60 billion in orders from the US.",
            "",
        ),
        # told only deep in the body: the lead is what the alert quotes
        (
            "Geely raises annual sales target to 3.2 million vehicles",
            "",
            "Shares rose. " * 40 + "The carmaker had previously targeted 2.9 million vehicles.",
        ),
    ],
)
def test_no_old_from_another_period_currency_or_the_body(
    rules: Rules, title: str, summary: str, content: str
) -> None:
    assert "old" not in target(rules, title, summary, content)


def test_a_withdrawal_keeps_its_withdrawn_figure(rules: Rules) -> None:
    facts = target(
        rules,
        "Volvo Cars withdraws its 2026 retail sales outlook of 800,000 cars",
        "It had earlier expected 760,000 cars.",
    )
    assert facts.get("direction") == "withdraw"
    assert facts.get("old") == 800000
