"""Wire and analyst phrasing (issue 14): shorthand that is news, and look-alikes that are not.

Our own examples, none from the corpus: each kind the issue names, in English and Chinese.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def kinds(rules: Rules, title: str, summary: str = "") -> set[str]:
    return {e.type for e in classify(Text(title, summary), rules)}


NEWS = [
    ("Rivian PT lowered to $13 from $16 at Baird", "target_change"),
    ("KeyBanc raises Ferrari Tgt to $520, keeps Overweight", "target_change"),
    ("Nio sees Q4 deliveries of 72,000-75,000 vehicles", "target_change"),
    ("Ford guides Q1 adjusted EBIT to $1 billion-$1.5 billion", "target_change"),
    ("零跑汽车预计第四季度交付量为15万辆至16万辆", "target_change"),
    ("蔚来指引四季度营收为200亿元至210亿元", "target_change"),
    ("宝洁召回120万袋洗衣凝珠", "recall"),
    ("Diageo lowers organic sales growth outlook to 2% from 4%", "target_change"),
    ("Hermes expects 2025 margin to exceed its previous guidance", "target_change"),
    ("Helicopter goes down off Hawaii, three dead", "crash"),
    ("Air China price target trimmed at Daiwa to HK$5", "target_change"),
    ("China Eastern raises 2025 passenger revenue target", "target_change"),
]
NOT_NEWS = [
    ("Moody's changes Stellantis outlook to negative from stable", ""),
    ("S&P Global Ratings affirms Ford at BB+ and raised its outlook.", ""),
    ("Citi lifts Nasdaq 100 year-end target to 22,000", ""),
    ("Barclays cuts its Brent price forecast to $66", ""),
    ("Tesla reports EBIT-adjusted margin of 6%, keeps outlook", ""),
    ("惠誉将日产评级展望下调至负面", ""),
    ("摩根大通上调恒生指数年底目标至25000点", ""),
    ("FTC proposes rules for recall notices on e-bikes", ""),
    ("交通运输部发布汽车召回管理规定修订稿", ""),
    ("India sets 2030 renewable power goal of 500 gigawatts", ""),
    ("Third-quarter results beat guidance as margins widen", ""),
]
BACKGROUND = [
    # the recall, the crash or the target change told in a clause about the past
    ("Honda names Europe chief", "Honda, which recalled 750,000 cars last year, named a head."),
    ("Subaru opens Indiana line", "The line opens two years after Subaru recalled 400,000 SUVs."),
    ("Nissan hires", "Nissan, whose 2023 recall of 800,000 cars hurt sales, is hiring."),
    ("Kia buys back shares", "Kia, which had cut its sales target in May, buys back stock."),
]


@pytest.mark.parametrize(("title", "kind"), NEWS)
def test_wire_phrasing_is_news(rules: Rules, title: str, kind: str) -> None:
    assert kind in kinds(rules, title)


@pytest.mark.parametrize(("title", "summary"), NOT_NEWS)
def test_look_alikes_are_not_events(rules: Rules, title: str, summary: str) -> None:
    assert kinds(rules, title, summary) == set()


@pytest.mark.parametrize(("title", "summary"), BACKGROUND)
def test_background_clause_is_not_news(rules: Rules, title: str, summary: str) -> None:
    assert kinds(rules, title, summary) == set()


def test_the_same_event_outside_a_background_clause_is_news(rules: Rules) -> None:
    assert kinds(rules, "Honda names new chief", "Honda recalled 750,000 cars, it said.") == {
        "recall"
    }


def test_scope_sentence_gives_the_count(rules: Rules) -> None:
    title, summary = "Mazda recalls CX-90 SUVs over fuel leak", "In all 21,447 units are affected."
    [event] = classify(Text(title, summary), rules)
    assert (event.type, event.facts.units) == ("recall", 21447)


def test_a_model_number_is_not_a_count(rules: Rules) -> None:
    [event] = classify(Text("Ford recalls Transit 350 vans over loose seat belts"), rules)
    assert event.type == "recall"
    assert event.facts.units is None


def test_a_crash_names_the_operator_and_its_watched_maker() -> None:
    rules = load_rules(
        (
            Company(company="Airbus", tickers=("AIR.PA",), aliases=("空客",)),
            Company(company="Cathay Pacific", tickers=("0293.HK",), aliases=("国泰航空",)),
        )
    )
    got = classify(
        Text("Cathay Pacific jet skids off runway in Taipei", "The Airbus A330 caught fire."),
        rules,
    )
    assert [(e.type, e.company) for e in got] == [("crash", "Cathay Pacific"), ("crash", "Airbus")]
    got = classify(Text("国泰航空一架空客A330客机降落时冲出跑道起火"), rules)
    assert [(e.type, e.company) for e in got] == [("crash", "Cathay Pacific"), ("crash", "Airbus")]


def test_scope_parts_add_up(rules: Rules) -> None:
    title = "Kia recalls Telluride and Sorento SUVs"
    summary = "One campaign covers 120,000 Tellurides and the other 80,000 Sorentos."
    [event] = classify(Text(title, summary), rules)
    assert (event.type, event.facts.units) == ("recall", 200_000)
