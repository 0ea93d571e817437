"""Dev-only items for kinds the phrasing tables do not produce: growth-rate guidance, a raise
without a number, totals across campaigns, figures that are not counts (engine sizes, model
years, counts of companies), the precise figure beside a rounded one. Our own words."""

EN = "en"
R, T, C = ["recall"], ["target_change"], ["crash"]
ITEMS: list[tuple[str, str, str, list[str], str, dict[str, object]]] = [
    # growth-rate guidance: the new rate is the figure
    (
        EN,
        "Coca-Cola lifts organic revenue growth outlook to 9%-10% from 8%-9%",
        "The drinks maker raised its full-year view for the second time.",
        T,
        "Coca-Cola",
        {"new": 9, "direction": "raise"},
    ),
    (
        EN,
        "Nestle cuts 2024 organic sales growth guidance to about 3% from about 4%",
        "Weak demand for coffee and pet food weighed on volumes.",
        T,
        "Nestlé",
        {"new": 3, "direction": "cut"},
    ),
    (
        EN,
        "Adidas raises currency-neutral revenue growth forecast to around 10%",
        "The sportswear group had guided to a high-single-digit rise.",
        T,
        "Adidas",
        {"new": 10, "direction": "raise"},
    ),
    (
        EN,
        "PepsiCo trims annual organic revenue growth view to about 2% from 4%",
        "The snack maker blamed weaker North American demand.",
        T,
        "PepsiCo",
        {"new": 2, "direction": "cut"},
    ),
    (
        EN,
        "Unilever sees underlying sales growth of 4% to 6% this year, up from 3%-5%",
        "The company raised the range after price rises held.",
        T,
        "Unilever",
        {"new": 4, "direction": "raise"},
    ),
    # a raise without a number
    (
        EN,
        "Ferrari now sees 2024 results above the targets it set in February",
        "The carmaker said strong demand for its personalised models lifted margins.",
        T,
        "Ferrari",
        {"direction": "raise"},
    ),
    (
        EN,
        "Volvo Cars expects full-year operating margin to beat its earlier outlook",
        "The company did not give a new figure.",
        T,
        "Volvo Cars",
        {"direction": "raise"},
    ),
    (
        EN,
        "Airbus says 2025 profit will come in above its previous guidance",
        "The planemaker pointed to higher deliveries in the fourth quarter.",
        T,
        "Airbus",
        {"direction": "raise"},
    ),
    # totals across campaigns
    (
        EN,
        "Ford recalls 1.9 million vehicles in two campaigns",
        "The recalls cover 1.2 million Explorer SUVs and 700,000 Escape crossovers.",
        R,
        "Ford Motor",
        {"units": 1900000},
    ),
    (
        EN,
        "Stellantis recalls Jeep and Ram trucks in two actions",
        "One covers 332,000 Jeep Wranglers and the other 147,000 Ram pickups.",
        R,
        "Stellantis",
        {"units": 479000},
    ),
    (
        EN,
        "Honda calls back 750,000 cars and 12,000 motorcycles",
        "The two campaigns are unrelated, the company said.",
        R,
        "Honda Motor",
        {"units": 762000},
    ),
    # figures that are not counts
    (
        EN,
        "Hyundai recalls 51,000 Santa Fe SUVs with 2.5-liter turbo engines",
        "An oil leak can start a fire, the carmaker said.",
        R,
        "Hyundai Motor",
        {"units": 51000},
    ),
    (
        EN,
        "Three automakers recall 1.2 million cars over faulty inflators",
        "Toyota, Honda and Nissan each filed notices with regulators.",
        R,
        "Toyota Motor; Honda Motor; Nissan Motor",
        {"units": 1200000},
    ),
    (
        EN,
        "Subaru recalls 2023 Outback models over seat-belt sensors",
        "The filing does not yet give the number of vehicles.",
        R,
        "Subaru",
        {},
    ),
    (
        EN,
        "Kia recalls 145,000 Soul and Seltos cars with 2.0-litre engines",
        "Piston rings can break, the company said.",
        R,
        "Kia",
        {"units": 145000},
    ),
    (
        EN,
        "BMW recalls 4,600 X5 and X6 SUVs with 4.4-liter V8s",
        "An engine fuel line can leak, the regulator said.",
        R,
        "BMW",
        {"units": 4600},
    ),
    # the precise figure beside a rounded one
    (
        EN,
        "Mazda recalls about 52,000 CX-5 crossovers",
        "The filing lists 52,318 vehicles from the 2022 and 2023 model years.",
        R,
        "Mazda Motor",
        {"units": 52318},
    ),
    (
        EN,
        "Nissan recalls nearly 1 million cars over airbag sensors",
        "In all 994,000 vehicles are covered in the United States.",
        R,
        "Nissan Motor",
        {"units": 994000},
    ),
    # crashes without the word crash, and not crashes
    (
        EN,
        "Tour bus leaves the road and plunges into a ravine in Peru, 24 dead",
        "The coach belonged to a local operator, police said.",
        C,
        "",
        {},
    ),
    (
        EN,
        "Small plane goes down in Alaska, killing all ten aboard",
        "The Cessna Caravan was operated by a regional carrier.",
        C,
        "",
        {},
    ),
    (
        EN,
        "Ferry capsizes in Bangladesh river, dozens missing",
        "The vessel was overloaded, officials said.",
        C,
        "",
        {},
    ),
    (
        EN,
        "Battery plant output hit by chip shortage",
        "Production was cut at two lines.",
        [],
        "",
        {},
    ),
    (
        EN,
        "Toyota wins top safety award for the Camry",
        "The sedan earned the highest rating in crash tests.",
        [],
        "Toyota Motor",
        {},
    ),
    (
        EN,
        "Lithium-ion batteries: the fire risks in your garage",
        "Experts explain what to do if a battery swells.",
        [],
        "",
        {},
    ),
    # Chinese: growth guidance, totals, traditional script
    (
        "zh",
        "蔚来汽车两次召回共计2.4万辆 其中ES8为1.2万辆",
        "两项召回分别涉及1.2万辆ES8和1.2万辆ES6。",
        R,
        "NIO; 蔚来汽车",
        {"units": 24000},
    ),
    (
        "zh",
        "比亞迪宣佈召回十萬輛秦PLUS",
        "比亞迪表示，召回車輛將免費更換部件。",
        R,
        "BYD; 比亚迪",
        {"units": 100000},
    ),
    (
        "zh",
        "理想汽車上調第四季度交付指引至16萬輛",
        "理想汽車稱訂單強勁。",
        T,
        "Li Auto; 理想汽车",
        {"new": 160000, "direction": "raise"},
    ),
    ("zh", "一列火车在甘肃出轨 致3人死亡", "铁路部门正在调查事故原因。", C, "", {}),
    ("zh", "大巴在高速公路上侧翻 造成5人死亡", "事故发生在凌晨。", C, "", {}),
    ("zh", "电动车起火风险调查：充电习惯是关键", "专家提醒不要在室内充电。", [], "", {}),
]


def extra_items() -> list[dict[str, object]]:
    """The items above in the corpus format (dev split only)."""
    out: list[dict[str, object]] = []
    for lang, title, summary, labels, company, facts in ITEMS:
        item: dict[str, object] = {
            "lang": lang,
            "title": title,
            "summary": summary,
            "published": "2025-01-01",
            "source_url": "",
            "labels": labels,
            "optional": [],
            "company": company,
            "tickers": [],
            "facts": facts,
            "note": "Dev-only kind (extras.py).",
        }
        if any("\u4e00" <= ch <= "\u9fff" for ch in title) and title != _simplified(title):
            item["script"] = "hant"
        out.append(item)
    return out


def _simplified(text: str) -> str:
    import opencc  # noqa: PLC0415

    return str(opencc.OpenCC("t2s").convert(text))
