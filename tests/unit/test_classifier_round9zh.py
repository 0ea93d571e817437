"""Round nine's Chinese kinds: operators named by 由……营运/执飞, 隶属, a ship kind after the
operator, fragments cut to the name; accidents told as 辗过, 翻落, 下令自毁, 货柜落海; counts
of incidents and 意外关机 are no accident."""

import pytest

from services.classifier.core import Rules
from tests.support.texts import named_events


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        ("直升机在山区坠毁 机上4人遇难", "失事直升机隶属雪峰航空，起飞后不久失联。", "雪峰航空"),  # noqa: RUF001
        ("医疗直升机坠海 2死", "这架直升机由东海航空营运，载着病患飞往福冈。", "东海航空"),  # noqa: RUF001
        ("商船三井运输船起火 船员弃船", "", "商船三井"),
        ("载约2000辆汽车的运输船起火", "这艘运输船由日本邮船租用，船员已获救。", "日本邮船"),  # noqa: RUF001
        (
            "两架观光直升机相撞 3人遇难",
            "两架直升机均由Sky Tour Helicopters运营。",
            "Sky Tour Helicopters",
        ),
        (
            "快舟火箭发射失利",
            "火箭飞行异常；快舟系列由航天科工火箭技术有限公司研制和运营。",  # noqa: RUF001
            "航天科工火箭技术",
        ),
    ],
)
def test_operators(rules: Rules, title: str, summary: str, company: str | None) -> None:
    assert named_events(rules, title, summary)[0] == ("crash", company)


@pytest.mark.parametrize(
    "title",
    [
        "火车辗过铁轨旁人群 至少30死",
        "滑雪巴士翻落路旁 12死",
        "新型火箭姿态异常 升空后下令自毁",
        "货柜轮遇风暴 逾千个货柜落海",
    ],
)
def test_accidents_told_without_a_crash_word(rules: Rules, title: str) -> None:
    assert [kind for kind, _ in named_events(rules, title)] == ["crash"]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("监管机构调查自驾车 涉30起碰撞", "目前仍属初步评估。"),
        ("手机免费更换电池", "部分设备电池可能导致意外关机。"),
    ],
)
def test_no_accident(rules: Rules, title: str, summary: str) -> None:
    assert [kind for kind, _ in named_events(rules, title, summary) if kind == "crash"] == []


def test_a_name_that_holds_de_or_he_stays(rules: Rules) -> None:
    assert named_events(rules, "美的集团召回7万台电暖器")[0] == ("recall", "美的集团")
    assert named_events(rules, "福特六和召修逾2万辆Kuga")[0] == ("recall", "福特六和")


@pytest.mark.parametrize(
    ("title", "kind", "company"),
    [
        # a name that opens with 超 or 多 is a name; a count or "多地" is not
        ("超微上調全年AI晶片營收預估至50億美元", "target_change", "超微"),
        ("多美滋召回部分批次婴儿奶粉", "recall", "多美滋"),
        ("联发科拉高今年资本支出下缘至20亿美元", "target_change", "联发科"),
        ("天兵航天天龙三号首飞未能入轨", "crash", "天兵航天"),
    ],
)
def test_names_opening_with_count_words(rules: Rules, title: str, kind: str, company: str) -> None:
    assert named_events(rules, title)[0] == (kind, company)
