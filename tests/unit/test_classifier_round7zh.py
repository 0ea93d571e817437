"""Round seven's Chinese kinds: food-safety removals, recalls told by the fault, negated and
listed fires, targets kept or not a company's, brokers' calls, and operators named in passing."""

import pytest

from services.classifier.core import Rules
from tests.support.texts import named_events


@pytest.mark.parametrize(
    ("title", "company"),
    [
        # food-safety removals in Taiwan and Hong Kong wording
        ("頂好食品花生醬驗出黃麴毒素超標 衛生局勒令下架回收", "顶好食品"),
        ("雞蛋驗出戴奧辛 問題雞蛋全面下架追回", None),
        ("塑化劑風暴 多家業者下架相關產品", None),
        # a recall told by its fault, no count: the components make it a product recall
        ("广汽丰田就凯美瑞燃油泵问题实施召回", "广汽丰田"),
        # a generic subject ("公司紧急召回"): the organisation the headline names before it
        ("蒙牛乳业一批次酸奶检出异物 公司紧急召回", "蒙牛乳业"),
    ],
)
def test_removals_and_recalls(rules: Rules, title: str, company: str | None) -> None:
    assert named_events(rules, title) == [("recall", company)]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("宁德时代新电池通过针刺试验 不起火不爆炸", ""),
        ("监管部门约谈车企", "就车辆自燃、异常加速、辅助驾驶误导宣传等问题约谈企业负责人。"),
        ("鸿海股东会：全年营收展望不变", "董事长表示不调整目标。"),  # noqa: RUF001
        ("高盛上调恒指目标至25000点", ""),
        ("瑞银下调全球经济增长预测至2.8%", ""),
        ("港府推出回收计划", "当局表示计划有助提高本港回收率。"),
        ("暂停营业的商场下架所有节目", ""),
    ],
)
def test_not_events(rules: Rules, title: str, summary: str) -> None:
    assert named_events(rules, title, summary) == []


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("大摩喊進聯發科 目標價上調至1,600元", "联发科"),
        ("花旗削友邦目標價至90港元", "友邦"),
        ("摩根大通上调中兴通讯H股目标价至30港元", "中兴通讯"),
        ("国泰君安维持比亚迪买入评级 目标价下调至350元", "比亚迪"),
    ],
)
def test_brokers_calls_name_the_stock(rules: Rules, title: str, company: str) -> None:
    assert named_events(rules, title) == [("target_change", company)]


@pytest.mark.parametrize(
    ("title", "summary", "company"),
    [
        ("GE235航班坠毁 机上多人遇难", "", None),
        ("SpaceX星舰试飞升空后爆炸", "", "SpaceX"),
        (
            "载逾3000辆汽车的货轮起火后沉没",
            "这艘由日本邮船营运的运输船在大西洋沉没，船上有丰田及本田车款。",  # noqa: RUF001
            "日本邮船",
        ),
    ],
)
def test_crash_operators(rules: Rules, title: str, summary: str, company: str | None) -> None:
    assert named_events(rules, title, summary) == [("crash", company)]
