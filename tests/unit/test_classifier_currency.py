"""A bare 元 is the currency of the covered company's market, else of the script's region."""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text

WATCHED = (
    Company(company="TSMC", tickers=("2330.TW", "TSM"), aliases=("台积电",)),
    Company(company="Tencent", tickers=("0700.HK",), aliases=("腾讯",)),
    Company(company="Kweichow Moutai", tickers=("600519.SS",), aliases=("贵州茅台", "茅台")),
)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(WATCHED)


def currency(rules: Rules, title: str) -> object:
    (event,) = [e for e in classify(Text(title), rules) if e.type == "target_change"]
    return event.facts.currency


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("外資調升台積電目標價至1,500元", "TWD"),  # a Taiwan listing: Taiwan dollars
        ("大摩升騰訊目標價至520元", "HKD"),  # a Hong Kong listing: Hong Kong dollars
        ("中金上调贵州茅台目标价至2300元", "CNY"),  # Shanghai: yuan
        ("法人調升大立光目標價至3,000元", None),  # not watched, traditional script: unsaid
        ("中信证券上调长城汽车目标价至35元", "CNY"),  # not watched, simplified: the mainland's
        ("大摩升騰訊目標價至520港元", "HKD"),  # said outright
        ("外資上調鴻海目標價至新台幣250元", "TWD"),
    ],
)
def test_bare_yuan_is_the_markets_currency(rules: Rules, title: str, expected: object) -> None:
    assert currency(rules, title) == expected
