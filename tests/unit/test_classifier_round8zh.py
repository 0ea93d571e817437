"""Round eight's Chinese kinds: Taiwan and Hong Kong recalls told by their defect or as
停售回收, launch failures with the payload between, counts like 10万6317辆, and the words
that are no event: crash detection, a run of fires, targets raised before, the economy."""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text, named_events


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("華碩回收部分電競筆電 變壓器恐過熱", "华硕"),
        ("戴爾回收筆電電源線 長期彎折恐起火", "戴尔"),
        ("食安中心：一款韓國泡菜驗出防腐劑超標 進口商停售回收", None),  # noqa: RUF001
    ],
)
def test_taiwan_and_hong_kong_recalls(rules: Rules, title: str, company: str | None) -> None:
    assert named_events(rules, title) == [("recall", company)]


def test_recycling_is_still_no_recall(rules: Rules) -> None:
    assert named_events(rules, "回收率恐下降 資源回收業者叫苦") == []


def test_a_count_in_wan_and_digits(rules: Rules) -> None:
    (event,) = classify(Text("起亞韓國召回共12萬4502輛 油管恐滲漏"), rules)
    assert event.facts.units == 124502


def test_launch_failure_with_the_payload_named(rules: Rules) -> None:
    assert named_events(rules, "快舟一号甲火箭发射吉林一号卫星失利") == [("crash", None)]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("手機「車禍偵測」頻誤報", "滑雪者摔倒時手機誤判為車禍並自動撥打電話。"),
        ("现代召回3万辆汽车", "此前多地接连发生同款车行驶中起火。"),
        ("吉利去年销量超额完成目标", "全年销量高于年中上调后的200万辆目标。"),
        ("主計總處上修經濟成長率預測", "消費者物價漲幅預測則小幅下修。"),
    ],
)
def test_not_crashes_or_targets(rules: Rules, title: str, summary: str) -> None:
    assert [k for k, _ in named_events(rules, title, summary) if k != "recall"] == []


def test_hidden_short_names() -> None:
    watched = load_rules(
        (
            Company(company="Air China", tickers=("0753.HK",), aliases=("国航",)),
            Company(company="CRRC", tickers=("1766.HK",), aliases=("中车",)),
        )
    )
    crash = classify(Text("緬甸國航空客機墜毀 機上10人罹難"), watched)
    assert [e.company for e in crash] == ["缅甸国航空"]
    recall = classify(Text("Waymo召回672辆无人车", "5月的事故中车内无乘客。"), watched)
    assert [e.company for e in recall if e.type == "recall"] == ["Waymo"]


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        (
            "孟加拉两列火车相撞 至少20人死亡",
            "孟加拉铁路称，一列货运列车闯红灯后撞上客运列车。",  # noqa: RUF001
            "孟加拉铁路",
        ),
        ("韩国高铁列车脱轨 14人受伤", "韩国铁道公社称，列车在江陵附近驶出轨道。", "韩国铁道公社"),  # noqa: RUF001
        ("谷神星一号火箭首飞失利", "星河航天研制的运载火箭飞行中出现异常。", "星河航天"),
        ("京广铁路两列客车相撞 造成30人受伤", "", None),
        (
            "快舟火箭首飞失利",
            "航天科工火箭公司称，火箭飞行异常，发射任务失利。",  # noqa: RUF001
            "航天科工火箭公司",
        ),
    ],
)
def test_rail_and_rocket_operators(
    rules: Rules, title: str, summary: str, company: str | None
) -> None:
    assert named_events(rules, title, summary) == [("crash", company)]
