"""Wire phrasing, round three (issue 14): kinds the round's fresh dev batch showed the rules missed.

Our own examples, none from the corpus: counts of people that are no recall's units, Hong Kong's
回收 of a product batch, how-recalls-work news, near-misses and statistics that are no crash, a
structure giving way under a train, a tail strike, the operator a crash names only as who spoke,
a watched name inside another word (航空客机), and a figure of another metric in the summary.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(
        (
            Company(company="Airbus", tickers=("AIR.PA",), aliases=("空客",)),
            Company(company="Philips", tickers=("PHIA.AS",), aliases=("飞利浦",)),
        )
    )


def kinds(rules: Rules, title: str, summary: str = "") -> set[str]:
    return {e.type for e in classify(Text(title, summary), rules)}


def test_a_count_of_people_is_no_recall_units(rules: Rules) -> None:
    text = Text(
        "Babyco recalls its Cozy infant loungers",
        "The recall follows more than 12 infant deaths linked to the loungers.",
    )
    recall = next(e for e in classify(text, rules) if e.type == "recall")
    assert recall.facts.units is None


def test_a_product_pulled_gives_the_recall_its_scope(rules: Rules) -> None:
    text = Text("Babyco pulls 310,000 baby loungers", "The recall of the products follows pleas.")
    recall = next(e for e in classify(text, rules) if e.type == "recall")
    assert recall.facts.units == 310000


@pytest.mark.parametrize(
    "title",
    [
        "機電署：飛利浦回收一款電暖爐 有過熱危險",  # noqa: RUF001 - a Chinese colon
        "食安中心：某品牌回收一批罐頭",  # noqa: RUF001 - a Chinese colon
        "海關：回收部分嬰兒推車",  # noqa: RUF001 - a Chinese colon
    ],
)
def test_hong_kong_recalls_a_batch_with_huishou(rules: Rules, title: str) -> None:
    assert "recall" in kinds(rules, title)


@pytest.mark.parametrize(
    "title",
    [
        "回收舊衣物 換購優惠券",
        "廢紙回收價格上漲",
        "Lawmakers back bill to streamline vehicle recalls",
    ],
)
def test_recycling_and_recall_rules_are_no_recall(rules: Rules, title: str) -> None:
    assert "recall" not in kinds(rules, title)


def test_an_open_recall_is_a_cars_status(rules: Rules) -> None:
    assert "recall" not in kinds(rules, "Is your used car under an open recall? Check the VIN")


@pytest.mark.parametrize(
    "title",
    [
        "Two airliners in near-collision over Chicago, FAA says",
        "Crash rates drop for cars fitted with lane assist",
        "Battery fires in electric scooters remain rare, fire service says",
        "全市交通事故死亡人数同比下降一成",
        "新車撞擊測試結果出爐",
    ],
)
def test_near_misses_and_statistics_are_no_crash(rules: Rules, title: str) -> None:
    assert "crash" not in kinds(rules, title)


@pytest.mark.parametrize(
    "title",
    [
        "Rail bridge collapses under freight train in the Alps",
        "Jet suffers tail strike on landing at Heathrow",
        "一架客機降落時機尾擦地",
    ],
)
def test_a_crash_told_by_what_gave_way_or_touched(rules: Rules, title: str) -> None:
    assert "crash" in kinds(rules, title)


def test_a_crash_names_the_operator_who_spoke(rules: Rules) -> None:
    text = Text(
        "Night train derails in the Pyrenees after rockfall; two dead",
        "Pyrenean Railways said 40 passengers were aboard the sleeper.",
    )
    crash = next(e for e in classify(text, rules) if e.type == "crash")
    assert crash.company == "Pyrenean Railways"


def test_a_crash_does_not_name_who_spoke_of_results(rules: Rules) -> None:
    text = Text(
        "Night train derails in the Pyrenees after rockfall; two dead",
        "Acme Motors said quarterly revenue rose 3% on strong car sales.",
    )
    crash = next(e for e in classify(text, rules) if e.type == "crash")
    assert crash.company is None


def test_a_crash_does_not_name_a_person_or_a_fire_service_who_spoke(rules: Rules) -> None:
    text = Text(
        "Night train derails in the Pyrenees after rockfall; two dead",
        "Fire chief Anna Ruiz said crews worked through the night.",
    )
    crash = next(e for e in classify(text, rules) if e.type == "crash")
    assert crash.company is None


def test_a_watched_name_inside_another_word_is_not_named(rules: Rules) -> None:
    crash = next(e for e in classify(Text("星辰航空客机降落时冲出跑道"), rules))
    assert crash.company != "Airbus"


def test_a_figure_of_another_metric_in_the_summary_keeps_the_headlines(rules: Rules) -> None:
    text = Text("星辰汽车预计第二季度交付3万至3.3万辆", "公司预计二季度收入为80亿元至85亿元。")
    target = next(e for e in classify(text, rules) if e.type == "target_change")
    assert target.facts.new == 30000
    assert target.facts.metric == "deliveries"
