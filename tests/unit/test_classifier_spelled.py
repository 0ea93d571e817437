"""Spelled counts ("two million", "四十万", "一百二十万", "两千") read as figures; the operator of
a crash named in Chinese ("X一列火车", "FlixBus大巴"). Our own examples."""

import pytest

from services.classifier.core import Rules, classify, load_rules
from services.classifier.numbers import find_amounts
from services.classifier.spelled import respell
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


@pytest.mark.parametrize(
    ("title", "units"),
    [
        ("Hasbro recalls three million toy kits over choking risk", 3_000_000),
        ("Whirlpool recalls twenty-five thousand dryers", 25_000),
        ("上汽集团召回四十万辆汽车", 400_000),
        ("东风汽车召回一百二十万辆汽车 因安全气囊缺陷", 1_200_000),
        ("格力召回两千台空调", 2_000),
        ("海尔召回两百万台冰箱", 2_000_000),
    ],
)
def test_spelled_units(rules: Rules, title: str, units: int) -> None:
    [event] = classify(Text(title), rules)
    assert event.type == "recall"
    assert event.facts.units == units


def test_spelled_target(rules: Rules) -> None:
    [event] = classify(Text("长安汽车下调全年销量目标至二百五十万辆"), rules)
    assert (event.type, event.facts.new) == ("target_change", 2_500_000)


def test_respelling_keeps_offsets_and_names(rules: Rules) -> None:
    zh = rules.lexicons[1].numbers
    for text in ("三星电子召回四十万部手机", "一汽召回三十五万辆", "召回两千辆"):
        assert len(respell(text, zh.spelled, zh.words, zh.numeral_units or {})) == len(text)
    assert [a.number() for a in find_amounts("三星电子称一汽不受影响", zh)] == []


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("堪萨斯城南方铁路一列货运列车在得州脱轨", "堪萨斯城南方铁路"),
        ("Megabus大巴在高速公路侧翻 多人受伤", "Megabus"),
        ("一辆Zoox无人驾驶出租车在拉斯维加斯与轿车相撞", "Zoox"),
    ],
)
def test_chinese_crash_operator(rules: Rules, title: str, company: str) -> None:
    [event] = classify(Text(title), rules)
    assert (event.type, event.company) == ("crash", company)
