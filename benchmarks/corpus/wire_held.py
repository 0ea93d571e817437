"""Held-out items, round two (issue 14): the same kinds as `wire.py`, other real public events,
written after the round's rules and scored once, never tuned on. Our own words.

Each Chinese row is also written in traditional script, as in `wire.py`.
"""

from wire import EN_ROW, ZH_ROW, C, N, R, T, corpus_items

EN: list[EN_ROW] = [
    # recalls, some told as a sale halted, the word recall in the summary only
    (
        "Tesla recalls over 27,000 Cybertrucks over slow rear-view camera",
        "The image can take more than two seconds to appear, the filing said.",
        R,
        "Tesla",
        {"units": 27000},
    ),
    (
        "Tesla issues recall of 2.2 million cars over small warning-light font",
        "An over-the-air update will enlarge the letters, NHTSA said.",
        R,
        "Tesla",
        {"units": 2200000},
    ),
    (
        "Kia tells owners of 463,000 Telluride SUVs to park outside",
        "The recall covers seat motors that can overheat and catch fire.",
        R,
        "Kia",
        {"units": 463000},
    ),
    (
        "Boar's Head pulls all liverwurst from stores amid listeria outbreak",
        "The USDA said the expanded recall covers about 7 million pounds of deli meat.",
        R,
        "Boar's Head",
        {},
    ),
    (
        "IKEA stops selling Malm dressers after tip-over deaths",
        "The company's recall covers about 29 million chests and dressers in the US.",
        R,
        "IKEA",
        {"units": 29000000},
    ),
    # not recalls
    (
        "Recalling the Model T: how Ford put the world on wheels",
        "A museum opens a new gallery this week.",
        N,
        "",
        {},
    ),
    (
        "EU agrees rules to speed up car recall notices across borders",
        "Owners will be told in their own language.",
        N,
        "",
        {},
    ),
    # crashes told without the word crash
    (
        "Goods train rams Kanchanjunga Express in West Bengal, 10 dead",
        "The freight train ran through a red signal, railway officials said.",
        C,
        "Indian Railways",
        {"fatalities": 10},
    ),
    (
        "Metro-North train flies off curve in the Bronx, four dead",
        "The train was going almost three times the speed limit.",
        C,
        "Metro-North",
        {"fatalities": 4},
    ),
    (
        "Tour bus careers down slope in Madeira, killing 29",
        "Most of the passengers were German tourists.",
        C,
        "",
        {"fatalities": 29},
    ),
    (
        "Bus carrying Indian tourists topples into river in Nepal, 27 dead",
        "The bus fell about 150 metres from the highway.",
        C,
        "",
        {"fatalities": 27},
    ),
    (
        "PIA Airbus goes down in Karachi residential area, 97 dead",
        "The A320 was on its second landing attempt; two passengers survived.",
        C,
        "Pakistan International Airlines; PIA; Airbus",
        {"fatalities": 97},
    ),
    (
        "Aeroflot Superjet bounces on landing and burns at Sheremetyevo, 41 dead",
        "The jet's rear section was engulfed by fire after a hard landing.",
        C,
        "Aeroflot",
        {"fatalities": 41},
    ),
    (
        "Car carrier Felicity Ace sinks in the Atlantic after fire",
        "The ship carried about 4,000 Volkswagen group cars.",
        C,
        "",
        {},
    ),
    # not crashes
    (
        "Heat pumps and fire risk: what buyers should check",
        "Installers say most faults come from poor wiring.",
        N,
        "",
        {},
    ),
    (
        "Hyundai output hit by strike at Ulsan plant",
        "The union walked out for four hours a shift.",
        N,
        "",
        {},
    ),
    # guidance in wire shorthand
    (
        "Qualcomm FQ1 guide: revenue $10.5B-$11.3B",
        "The chipmaker's outlook topped analysts' estimates.",
        T,
        "Qualcomm",
        {"new": 10.5e9, "direction": "set"},
    ),
    (
        "Hyundai trims 2025 OP margin guide to 6%-7% from 7%-8%",
        "US tariffs weighed on the carmaker's profits.",
        T,
        "Hyundai Motor",
        {"new": 6, "direction": "cut"},
    ),
    (
        "Southwest Airlines withdraws 2025 EBIT outlook",
        "The carrier said demand had softened.",
        T,
        "Southwest Airlines",
        {"direction": "withdraw"},
    ),
    (
        "Mattel pauses full-year guidance, citing tariffs",
        "The toymaker said it would raise some prices.",
        T,
        "Mattel",
        {"direction": "withdraw"},
    ),
    (
        "Michelin lowers 2025 guidance as volumes fall; operating income now seen at €2.6B-€3.0B",
        "The tyre maker cited weak truck tyre demand.",
        T,
        "Michelin",
        {"new": 2.6e9, "direction": "cut"},
    ),
    # not target changes
    (
        "S&P lowers Ford outlook to negative",
        "The agency kept Ford's BBB- rating.",
        N,
        "",
        {},
    ),
    (
        "Germany sets new goal of one million charging points by 2030",
        "The transport ministry said the plan would be funded.",
        N,
        "",
        {},
    ),
    (
        "JPMorgan sees Brent averaging $75 next year",
        "The bank expects more supply from the Americas.",
        N,
        "",
        {},
    ),
    (
        "Ford reaffirms 2024 EBIT guidance of $10B-$12B",
        "The carmaker kept its outlook after the quarter.",
        N,
        "",
        {},
    ),
    # analyst lines
    (
        "Piper Sandler Maintains Overweight on Tesla, Raises PT to $500",
        "The broker raised its delivery estimates.",
        T,
        "Tesla",
        {"new": 500, "direction": "raise"},
    ),
    (
        "Mizuho's Rakesh lifts Nvidia price target to $175",
        "The analyst expects data-center demand to last.",
        T,
        "Nvidia",
        {"new": 175, "direction": "raise"},
    ),
    (
        "GM target cut to $45 at Barclays on tariff risk",
        "The broker kept its rating.",
        T,
        "General Motors",
        {"new": 45, "direction": "cut"},
    ),
]

ZH: list[ZH_ROW] = [
    (
        "特斯拉召回28.5万辆Model 3和Model Y",
        "特斯拉称将通过远程升级修复主动巡航控制问题。",
        R,
        "Tesla; 特斯拉",
        {"units": 285520},
    ),
    (
        "比亚迪召回两万辆汽车",
        "比亚迪表示，部分车辆的电机控制器可能失效。",
        R,
        "BYD; 比亚迪",
        {"units": 20000},
    ),
    ("汽车召回管理规定征求意见 拟要求车企公开召回进度", "新规将覆盖远程升级。", N, "", {}),
    ("印度一列货运列车追撞快车 10人死亡", "事故发生在西孟加拉邦。", C, "", {"fatalities": 10}),
    ("旅游大巴在马德拉岛滚下山坡 29人遇难", "遇难者多为德国游客。", C, "", {"fatalities": 29}),
    ("运载大众汽车的滚装船在大西洋起火后沉没", "船上约有4000辆汽车。", C, "", {}),
    ("电动车电池起火风险：专家提醒勿过度充电", "消防部门发布提示。", N, "", {}),
    (
        "小鹏汽车三季度交付指引为4.1万至4.5万辆",
        "小鹏称新车型订单火爆。",
        T,
        "XPeng; 小鹏汽车",
        {"new": 41000, "direction": "set"},
    ),
    (
        "蔚来预计三季度交付6.1万至6.3万辆",
        "蔚来称乐道品牌将开始交付。",
        T,
        "NIO; 蔚来",
        {"new": 61000, "direction": "set"},
    ),
    (
        "美银将小鹏汽车目标价上调至15美元",
        "美银维持买入评级。",
        T,
        "XPeng; 小鹏汽车",
        {"new": 15, "direction": "raise"},
    ),
    ("惠誉确认比亚迪评级 展望稳定", "惠誉称其现金充裕。", N, "", {}),
    ("理想汽车维持全年交付目标不变", "理想汽车称订单符合预期。", N, "", {}),
]


def wire_held_items() -> list[dict[str, object]]:
    """The rows above in the corpus format (held-out split only)."""
    return corpus_items(EN, ZH, "Held-out, round two (wire_held.py); scored, never tuned on.")
