"""Figures as news writes them, and the facts each event carries."""

import pytest

from services.classifier.core import Rules, classify, load_rules
from services.classifier.numbers import find_amounts
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def amounts(rules: Rules, text: str, *, cjk: bool = False) -> list[tuple[object, ...]]:
    grammar = rules.by_script[cjk].numbers
    return [
        (a.number(), a.currency, a.percent, a.approx, None if a.high is None else float(a.high))
        for a in find_amounts(text.lower(), grammar)
        if not a.year
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recalls 116,887 cars", [(116887, None, False, False, None)]),
        ("about 1.2 million vehicles", [(1200000.0, None, False, True, None)]),
        ("2.5m units", [(2500000.0, None, False, False, None)]),
        ("2.5 trillion yen", [(2500000000000.0, "JPY", False, False, None)]),
        ("a target of HK$60", [(60, "HKD", False, False, None)]),
        (
            "to 400,000 from 350,000",
            [(400000, None, False, False, None), (350000, None, False, False, None)],
        ),
        ("$3.85-$4.00", [(3.85, "USD", False, False, 4.0)]),
        ("$16.0-$16.4 billion", [(16000000000.0, "USD", False, False, 16400000000.0)]),
        ("11%-12% growth", [(11.0, None, True, False, 12.0)]),
        ("47,000 to 49,000 vehicles", [(47000, None, False, False, 49000.0)]),
        (
            "by $700 million to $62 billion",
            [(700000000.0, "USD", False, False, None), (62000000000.0, "USD", False, False, None)],
        ),
        ("more than 8,000 Mustangs", [(8000, None, False, True, None)]),
        ("F-150 and RAV4 pickups, 520d sedans", []),
        ("€1.5bn", [(1500000000.0, "EUR", False, False, None)]),
    ],
)
def test_english_amounts(rules: Rules, text: str, expected: list[tuple[object, ...]]) -> None:
    assert amounts(rules, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("召回40万辆", [(400000.0, None, False, False, None)]),
        ("共11.6万辆", [(116000.0, None, False, False, None)]),
        ("召回超10万辆", [(100000.0, None, False, True, None)]),
        ("20万余辆", [(200000.0, None, False, True, None)]),
        (
            "目标价由78港元上调至80港元",
            [(78, "HKD", False, False, None), (80, "HKD", False, False, None)],
        ),
        ("下调至3%左右", [(3.0, None, True, False, None)]),
        # a bare 元: the market's currency, which the event resolves (test_classifier_currency)
        ("净利润40.5亿元", [(4050000000.0, "LOCAL", False, False, None)]),
        ("净利润40.5亿元人民币", [(4050000000.0, "CNY", False, False, None)]),
        ("CS55PLUS共203414辆", [(203414, None, False, False, None)]),
        # Taiwan's dollar, before or after the figure (the text reaches here in simplified script)
        ("目标价上调至新台币1,500元", [(1500, "TWD", False, False, None)]),
        ("营收展望达7兆台币", [(7000000000000.0, "TWD", False, False, None)]),
    ],
)
def test_chinese_amounts(rules: Rules, text: str, expected: list[tuple[object, ...]]) -> None:
    assert amounts(rules, text, cjk=True) == expected


def test_years_are_flagged_not_counted(rules: Rules) -> None:
    found = find_amounts("31,943 2023 telluride suvs", rules.by_script[False].numbers)
    assert [(a.number(), a.year) for a in found] == [(31943, False), (2023, True)]


def only(
    rules: Rules, kind: str, title: str, summary: str = "", content: str = ""
) -> dict[str, object]:
    events = [e for e in classify(Text(title, summary, content), rules) if e.type == kind]
    assert len(events) == 1, events
    return events[0].facts.compact()


@pytest.mark.parametrize(
    ("title", "summary", "units"),
    [
        ("Mazda recalls 116,887 CX-5 crossovers over fuel pumps", "", 116887),
        ("Stellantis to recall 1.2 million Ram pickups over software glitch", "", 1200000),
        ("Samsung recalls 2.5m washing machines", "", 2500000),
        ("小鹏召回40万辆汽车", "", 400000),
        ("某车企召回11.6万辆汽车 因转向存在隐患", "", 116000),
        ("上汽通用召回 12.3 萬輛別克", "", 123000),  # a figure spaced from its scale word
        ("广汽丰田召回8万余辆凯美瑞", "", 80000),  # "more than 80,000"
        # a rounded headline count gives way to the precise one beside it
        (
            "Volvo recalls over 70,000 cars",
            "Volvo Cars is recalling 73,512 XC40 and C40 models because a rear camera may fail.",
            73512,
        ),
        # parts of one recall are added; a breakdown "including" is not
        ("Peloton recalls 1 million bikes and 10,000 treadmills", "", 1010000),
        (
            "Ford recalls 200,000 vehicles",
            "Ford is recalling 200,000 vehicles, including 50,000 Escape SUVs.",
            200000,
        ),
    ],
)
def test_recall_units(rules: Rules, title: str, summary: str, units: int) -> None:
    assert only(rules, "recall", title, summary).get("units") == units


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        # a sentence about what the recall leaves out gives no count (a brand named "365")
        (
            "Grocer recalls frozen tuna steaks over histamine risk",
            "The chain is recalling frozen tuna steaks sold in 18 states. No other Whole Catch, "
            "365 or 365 Organic products are affected.",
        ),
        ("永辉超市召回一批冷冻金枪鱼产品", "公司称其余门店的产品不涉及365款冷冻食品。"),
    ],
)
def test_what_a_recall_leaves_out_is_not_its_count(rules: Rules, title: str, summary: str) -> None:
    assert "units" not in only(rules, "recall", title, summary)


@pytest.mark.parametrize(
    ("title", "units"),
    [
        ("Nissan recalls 2.0L engines in 300,000 Rogue SUVs", 300000),  # a size is no count
        ("Samsung recalls 65-inch TVs over tip-over risk", None),
        ("GM recalls 1,000 trucks built at 3 plants", 1000),
        ("Ford recalls vehicles made at 3 plants", None),  # nor a count of plants
        ("日产召回搭载2.0升发动机的30万辆汽车", 300000),
    ],
)
def test_sizes_and_other_counts_are_not_units(rules: Rules, title: str, units: int | None) -> None:
    assert only(rules, "recall", title).get("units") == units


def test_recall_weights_are_not_units(rules: Rules) -> None:
    facts = only(rules, "recall", "Hormel recalls 131,300 pounds of canned chili")
    assert "units" not in facts


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Bus plunges into ravine in Peru, killing 24", "", {"fatalities": 24}),
        (
            "Tour helicopter crashes in Hawaii",
            "The helicopter crashed near Kauai, killing the pilot and all four passengers.",
            {"fatalities": 5},
        ),
        (
            "Commuter train derails in Chicago",
            "The train derailed at low speed; no one was hurt, officials said.",
            {"injuries": 0},
        ),
        ("Two killed, 15 injured as trucks collide on I-80", "", {"fatalities": 2, "injuries": 15}),
        ("京沪高速多车追尾 致5死3伤", "", {"fatalities": 5, "injuries": 3}),
        ("一辆客车侧翻 造成3人死亡、12人受伤", "", {"fatalities": 3, "injuries": 12}),
        ("一列动车在贵州脱轨 司机遇难", "", {"fatalities": 1}),
        ("台鐵列車出軌 釀49死", "", {"fatalities": 49}),
        # the headline tells the crash, the summary's own sentences its toll
        (
            "Freight train hits a lorry at a level crossing in Kent",
            "One person who was in the cab of the lorry was killed.\n"
            "Two passengers and a guard were taken to a local hospital.",
            {"fatalities": 1, "injuries": 3},
        ),
        # a toll from another time is not this crash's
        (
            "Coach hits a tram in Milan",
            "Nine people died in a similar crash on the same road last year.",
            {},
        ),
    ],
)
def test_crash_casualties(rules: Rules, title: str, summary: str, expected: dict[str, int]) -> None:
    facts = only(rules, "crash", title, summary)
    toll = {k: facts[k] for k in ("fatalities", "injuries") if k in facts}
    assert toll == expected


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Xiaomi raises 2025 delivery target to 400,000 from 350,000",
            "",
            {
                "metric": "deliveries",
                "direction": "raise",
                "new": 400000,
                "old": 350000,
                "period": "FY2025",
            },
        ),
        (
            "Toyota lifts profit forecast",
            "Toyota raised its operating profit forecast to 2.5 trillion yen from 2.4 trillion.",
            {
                "metric": "operating_profit",
                "new": 2500000000000.0,
                "old": 2400000000000.0,
                "currency": "JPY",
            },
        ),
        (
            "Jefferies raises Xiaomi price target to HK$60",
            "Jefferies raised its target price on Xiaomi to HK$60 from HK$48.",
            {
                "metric": "price_target",
                "direction": "raise",
                "new": 60,
                "old": 48,
                "currency": "HKD",
            },
        ),
        (
            "Intel lifts 2017 outlook",
            "Intel raised its 2017 revenue forecast by $700 million to $62 billion.",
            {"metric": "revenue", "new": 62000000000.0, "old": 61300000000.0, "currency": "USD"},
        ),
        (
            "Takata widens loss forecast",
            "Takata now expects a net loss of 31 billion yen, "
            "up from a forecast 25 billion yen loss.",
            {
                "metric": "net_profit",
                "direction": "cut",
                "new": -31000000000.0,
                "old": -25000000000.0,
            },
        ),
        (
            "Lucid cuts production target",
            "Lucid now expects to build 12,000 to 14,000 vehicles in 2022, down from 20,000.",
            {"metric": "production", "direction": "cut", "new": 12000, "old": 20000},
        ),
        (
            "长城汽车下调年度销量目标",
            "长城汽车将2020年销量目标从111万辆下调至102万辆。",
            {"metric": "sales", "direction": "cut", "new": 1020000.0, "old": 1110000.0},
        ),
        (
            "大摩下调比亚迪目标价至64港元",
            "摩根士丹利将比亚迪目标价由70港元下调至64港元。",
            {"metric": "price_target", "direction": "cut", "new": 64, "old": 70, "currency": "HKD"},
        ),
        ("Intel suspends its full-year guidance", "", {"direction": "withdraw"}),
        # the stock between the noun and its passive verb; a range tightened
        (
            "Price target on Boeing cut to $150 from $175 by Bank of America",
            "",
            {"metric": "price_target", "direction": "cut", "new": 150, "old": 175},
        ),
        (
            "GM tightens 2024 profit outlook to $12.5B-$13.5B",
            "",
            {"new": 12.5e9, "period": "FY2024"},
        ),
        # a wire brief's guidance: the noun and its figure, no verb
        (
            "BRIEF-Nio Q4 Delivery Guidance 72,000-75,000 Vehicles",
            "",
            {"metric": "deliveries", "direction": "set", "new": 72000, "period": "Q4"},
        ),
        # Hong Kong and Taiwan wording: one-character verbs, 营业利润, 第三季
        ("港股\uff1a花旗降小米目標價至45港元", "", {"direction": "cut", "new": 45}),
        (
            "豐田汽車將全年營業利潤預測上調至4.3萬億日圓",
            "",
            {"metric": "operating_profit", "direction": "raise"},
        ),
        ("理想汽車第三季交付量指引為10萬至11萬輛", "", {"period": "Q3", "new": 100000}),
    ],
)
def test_target_facts(rules: Rules, title: str, summary: str, expected: dict[str, object]) -> None:
    facts = only(rules, "target_change", title, summary)
    assert {k: facts.get(k) for k in expected} == expected


def test_numbers_are_numbers_in_the_contract(rules: Rules) -> None:
    event = classify(Text("Toyota raises profit forecast to 2.5 trillion yen"), rules)[0]
    contract = event.contract()
    facts = contract["facts"]
    assert isinstance(facts, dict)
    assert facts["new"] == 2500000000000.0
    assert isinstance(facts["new"], float)
