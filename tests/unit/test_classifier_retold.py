"""Not news: old events retold, guesses, fears and denials, kept guidance (issue 14).

Our own examples, none from the corpus. Outside the headline, a clause that dates its event in
the past ("Nissan in 2023 recalled ...", "Stellantis last month recalled ...", "cut its
forecast twice last year") retells an old event; a comparison ("up from last year") does not
date anything. "Still expects" is guidance given before and kept, and a count of accidents
reviewed is statistics, not an accident. A guess, a fear or a denial before the event in its
clause ("may recall", "analysts expect ... to cut", "denies report it will recall") is no
event; a modal or a fear of the cause ("fears of fire prompt a recall") leaves it one.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(
        (
            Company(company="Nissan", tickers=("7201.T",), aliases=("日产",)),
            Company(company="Stellantis", tickers=("STLA",)),
            Company(company="Ford", tickers=("F",)),
            Company(company="Airbus", tickers=("AIR.PA",)),
            Company(company="Boeing", tickers=("BA",)),
            Company(company="Korean Air", tickers=("003490.KS",)),
        )
    )


def kinds(rules: Rules, title: str, summary: str = "", content: str = "") -> set[str]:
    return {e.type for e in classify(Text(title, summary, content), rules)}


@pytest.mark.parametrize(
    ("title", "summary", "content"),
    [
        (
            "Nissan names a new chief executive",
            "The carmaker picked its head of planning to lead it from April.",
            "Nissan in 2023 recalled more than 700,000 vehicles over a faulty hood latch.\n"
            "The company cut its full-year operating profit forecast twice last year.",
        ),
        (
            "Stellantis shares jump as Jeep sales recover",
            "Stellantis last month recalled 1.2 million Ram pickups over a camera fault.",
            "",
        ),
        (
            "Stellantis names a new chief executive",
            "The company recalled 1.2 million Ram pickups last December over a camera fault.",
            "",
        ),
        (
            "Ford profit beats estimates as truck demand holds",
            "Ford recalled about 850,000 vehicles in July over a fuel pump fault.",
            "",
        ),
        (
            "日产任命新首席执行官",
            "日产上个月召回了70万辆汽车。",
            "",
        ),
    ],
)
def test_an_old_event_retold_is_not_news(
    rules: Rules, title: str, summary: str, content: str
) -> None:
    assert kinds(rules, title, summary, content) == set()


def test_the_same_events_dated_now_are_news(rules: Rules) -> None:
    assert kinds(
        rules,
        "Nissan names a new chief executive",
        "Nissan on Tuesday recalled more than 700,000 vehicles over a faulty hood latch.",
    ) == {"recall"}
    assert kinds(
        rules,
        "Ford profit beats estimates",
        "Ford cut its full-year operating profit forecast to $7 billion from $8.5 billion, "
        "down from last year's $10.4 billion.",
    ) == {"target_change"}
    assert kinds(  # "last month" dates the former figure, not the raise
        rules,
        "Company news roundup",
        "Ford raised its 2025 sales target to 2.2 million vehicles from 2.1 million last month.",
    ) == {"target_change"}
    # in the headline a past marker does not make the news old
    assert kinds(rules, "Stellantis recalled 1.2 million Ram pickups last month, filing shows") == {
        "recall"
    }


def test_guidance_still_expected_is_kept_not_set(rules: Rules) -> None:
    kept = "Airbus still targets around 820 deliveries for the year."
    assert kinds(rules, "Airbus delivers 60 jets in November", kept) == set()
    assert kinds(rules, "Airbus delivers 60 jets", kept.replace("still ", "")) == {"target_change"}


def test_a_count_of_accidents_reviewed_is_not_an_accident(rules: Rules) -> None:
    summary = "Regulators reviewed 956 crashes in which Autopilot was engaged, with 29 deaths."
    assert kinds(rules, "Agency closes driver-assistance review", summary) == set()
    assert "crash" in kinds(rules, "Boeing 787 crashes after takeoff, killing 241")


@pytest.mark.parametrize(
    "title",
    [
        "Toyota considering recall of 500,000 cars, sources say",
        "Ford could face recall of 1 million SUVs after safety probe",
        "Analysts expect Airbus to cut its delivery target next week",
        "Boeing may need to cut 737 production target, analysts warn",
        "Investors brace for Ford price target cuts after weak sales",
        "Nissan shares fall on fears of lower sales guidance",
        "Stellantis denies report it will recall Ram pickups",
        "Ford rules out recall despite engine fire complaints",
        "日产考虑召回5万辆汽车",
        "日产否认将召回旗下车型",
        "傳日產將下修全年銷量目標 股價急跌",
    ],
)
def test_a_guess_a_fear_or_a_denial_is_not_an_event(rules: Rules, title: str) -> None:
    assert kinds(rules, title) == set()


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Ford said on Tuesday it would recall 1.9 million Explorer SUVs", "recall"),
        ("Airbags that may not deploy prompt Nissan recall of 500,000 cars", "recall"),
        ("Fears of fire prompt Stellantis recall of 80,000 EVs", "recall"),
        ("Airbus cuts delivery target, more than analysts expected", "target_change"),
        ("日产出于安全考虑主动召回5万辆汽车", "recall"),
    ],
)
def test_a_modal_or_a_fear_of_the_cause_leaves_the_event(
    rules: Rules, title: str, kind: str
) -> None:
    assert kind in kinds(rules, title)


def test_an_old_crash_named_by_its_year_does_not_name_the_news(rules: Rules) -> None:
    text = Text(
        "Jeju Air jet crashes at Muan, killing 179",
        "The Boeing 737-800 belly-landed and slammed into a concrete barrier.",
        "It was the country's worst air disaster in decades.\n"
        "Korean Air's 1997 Guam crash killed 228.",
    )
    companies = {e.company for e in classify(text, rules) if e.type == "crash"}
    assert companies == {"Jeju Air", "Boeing"}
