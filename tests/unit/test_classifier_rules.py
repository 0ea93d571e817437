"""Each definition of issue 3 and each of its traps, in English and Chinese: which events."""

import pytest

from services.classifier.core import Rules, classify, load_rules, screened
from services.classifier.text import Zone
from tests.support.texts import Text as _Text


def Text(title: str, summary: str = "", content: str = "", lang: str | None = "en") -> _Text:  # noqa: N802
    """This file's articles are in en unless a test says otherwise."""
    return _Text(title, summary, content, lang)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def kinds(rules: Rules, title: str, summary: str = "", content: str = "") -> set[str]:
    return {e.type for e in classify(Text(title, summary, content), rules)}


RECALL = [
    ("Nestle recalls DiGiorno pizzas", ""),  # a food named by its brand, no count
    # announced, expanded, ordered, filed; vehicles incl. OTA; products, food, drugs, devices
    ("Mazda recalls 41,000 CX-5 crossovers over faulty fuel pumps", ""),
    ("Recall of Jeep Grand Cherokees widened to 338,000 vehicles", ""),
    ("Regulator orders Volkswagen to recall 70,000 diesel vans", ""),
    ("Rivian files recall for 13,000 R1S SUVs over steering bolt", ""),
    ("Tesla issues over-the-air recall for 2 million cars to tighten Autopilot checks", ""),
    ("IKEA calls back 27,000 dressers that can tip over", ""),
    ("Trader Joe's pulls cookies sold nationwide over possible rocks; recall covers 5 states", ""),
    ("Glenmark recalls 47,000 bottles of blood pressure pills", ""),
    ("Philips recall of sleep apnea machines rated most serious by FDA", ""),
    ("Bosch recalls fuel injectors supplied to three carmakers", ""),
    ("吉利汽车召回部分帝豪车型 共计3.1万辆", ""),
    ("某品牌儿童安全座椅召回 涉及1.2万件", ""),
]
CRASH = [
    ("Semi truck and school bus collide in Indiana, injuring 12 students", ""),
    ("E-bike battery fire kills two in New York apartment", ""),  # a fire, not a feature on them
    ("一辆电动车在小区充电时起火 致2人受伤", ""),
    ("Two dead after Tesla on driver-assist slams into parked fire truck", ""),
    ("Passenger jet crashes on landing in Nepal, killing 68", ""),
    ("Freight train derails in Kentucky, spilling diesel into creek", ""),
    ("Cargo ship collides with bridge in Baltimore, sending spans into river", ""),
    ("Delivery van overturns on motorway after tyre blowout", ""),
    ("Starship upper stage explodes during test firing in Texas", ""),
    ("Electric scooter battery explodes in Queens apartment, injuring three", ""),
    ("SUV catches fire after crash on I-95; driver escapes", ""),
    ("京港澳高速多车相撞 致2死5伤", ""),
    ("一架小型飞机在广东坠毁 机上3人遇难", ""),
    ("一列货运列车在内蒙古脱轨 无人员伤亡", ""),
]
TARGET = [
    ("Volvo Cars cuts 2025 sales target as EV demand cools", ""),
    ("Airbus lowers 2024 delivery goal to about 770 jets", ""),
    ("Intel withdraws full-year guidance amid chip slump", ""),
    ("Unilever lifts full-year sales growth forecast to 4%", ""),
    ("Caterpillar raises 2023 profit outlook on strong pricing", ""),
    ("Jefferies raises Xiaomi price target to HK$60 from HK$48", ""),
    ("UBS cuts Boeing price target to $190, keeps buy rating", ""),
    ("Target cuts annual profit forecast as shoppers trade down", ""),
    (
        "Li Auto sets 2024 delivery target",
        "Li Auto said it aims to deliver 800,000 vehicles in 2024, up from 376,000 last year.",
    ),
    # the figure first, then what it counts; or the verb says what
    ("Leapmotor targets 1 million vehicle sales in 2026", ""),
    ("Xiaomi aims to deliver 350,000 cars this year", ""),
    ("理想汽车下调第一季度交付指引至7.6万辆", ""),
    ("花旗上调比亚迪目标价至400港元", ""),
    ("长安汽车将年度销量目标由300万辆上调至320万辆", ""),
]
NONE = [
    # recall: remembering, elections, probes without a recall, diplomats
    ("Veteran engineer recalls the early days of the Model T", ""),
    ("Residents recall the night the river burst its banks", ""),
    ("Recall election for Fresno school board set for June", ""),
    ("Petition to recall the mayor falls short of signatures", ""),
    (
        "NHTSA opens investigation into 120,000 Honda Accords over braking",
        "Regulators have received 50 complaints; the probe could lead to a recall.",
    ),
    ("中方召回驻某国大使 称回国述职", ""),
    # crash: tests, ratings, structures, markets, crypto, software, courses
    ("Kia EV9 earns five stars in Euro NCAP crash tests", ""),
    ("New crash beams and crumple zones help sedan ace frontal crash test", ""),
    ("Oil prices crash 8% as demand fears mount", ""),
    ("Crypto crash wipes $200 billion from token values", ""),
    ("ChatGPT crashes for users worldwide in hours-long outage", ""),
    ("Game servers crash on launch day as players flood in", ""),
    ("A crash course in electric vehicle charging", ""),
    ("A股暴跌 沪指跌逾3%", ""),
    ("小米SU7中保研碰撞测试获得优秀 防撞梁表现出色", ""),
    # crash: a feature about a kind of accident, not news of one
    ("Lithium-ion battery fires: what e-bike owners should know", ""),
    ("Why EV battery fires are so hard to put out", ""),
    ("E-scooter battery fires are on the rise. Here is how to stay safe", ""),
    ("电动车电池起火怎么办 专家支招", ""),
    # target: reaffirmed, unchanged, audiences, ads, policy and military targets, Target Corp
    ("Siemens reaffirms full-year guidance after solid quarter", ""),
    ("Nissan keeps annual forecast unchanged despite weak quarter", ""),
    ("Streaming service targets younger audience with cheaper plan", ""),
    ("Regulators crack down on targeted ads aimed at children", ""),
    ("Central bank holds rates, says inflation target within reach", ""),
    ("Missiles hit military targets near the border, officials say", ""),
    ("Target to open 30 new stores this year", ""),
    ("蔚来重申全年交付目标不变", ""),
    # a kept price target, then another verb: "on Target and set" is no passive
    ("Broker keeps $108 price target on Target and sets a tactical call", ""),
    # guidance stated with its figure but kept
    ("Apple reaffirms revenue guidance of $90 billion", ""),
    ("Ford 2025 EBIT guidance of $7B-$8.5B unchanged", ""),
    # a nation's or a policy's target: no company sets it
    ("India aims to produce 10 million EVs a year by 2030", ""),
    ("The government aims to build 1 million homes", ""),
]


@pytest.mark.parametrize(("title", "summary"), RECALL)
def test_recall_definition(rules: Rules, title: str, summary: str) -> None:
    assert "recall" in kinds(rules, title, summary)


@pytest.mark.parametrize(("title", "summary"), CRASH)
def test_crash_definition(rules: Rules, title: str, summary: str) -> None:
    assert "crash" in kinds(rules, title, summary)


@pytest.mark.parametrize(("title", "summary"), TARGET)
def test_target_change_definition(rules: Rules, title: str, summary: str) -> None:
    assert "target_change" in kinds(rules, title, summary)


@pytest.mark.parametrize(("title", "summary"), NONE)
def test_traps_give_no_event(rules: Rules, title: str, summary: str) -> None:
    assert kinds(rules, title, summary) == set()


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        # the news, not the background: a recall told with last year's crash as its reason
        (
            "Ford recalls 90,000 pickups after fatal crashes linked to rear axle bolt",
            "Ford is recalling about 90,000 F-150 pickups; the rear axle bolt can fracture.",
            {"recall"},
        ),
        # several events in one article
        (
            "Subaru cuts profit outlook and recalls 100,000 cars over fuel pumps",
            "Subaru lowered its full-year operating profit forecast to 300 billion yen.",
            {"recall", "target_change"},
        ),
        # a crash with a target change because of it
        (
            "Hurtigruten cuts annual earnings forecast after ship runs aground",
            "The cruise operator said the grounding of its liner off Norway, which injured 12 "
            "passengers, would cut full-year earnings by $40 million.",
            {"crash", "target_change"},
        ),
        # a probe, not a recall; crash reports in complaint statistics are not crash news
        (
            "Regulators probe 500,000 SUVs after reports of collisions",
            "No recall has been issued; the agency has 40 complaints.",
            set(),
        ),
    ],
)
def test_news_not_background(rules: Rules, title: str, summary: str, expected: set[str]) -> None:
    assert kinds(rules, title, summary) == expected


def test_boilerplate_and_related_stories_do_not_trigger(rules: Rules) -> None:
    page = "\n".join(
        [
            "Home | World | Business | Markets | Autos",
            "Advertisement",
            "The company opened a new design studio in Milan on Tuesday, its third in Europe, "
            "and said it would hire 200 designers over the next two years.",
            "Related stories",
            "- Toyota recalls 1 million cars over air bag sensors",
            "- Bus crash in Peru kills 24",
            "- Nvidia price target raised to $150 at Citi",
        ]
    )
    assert kinds(rules, "Carmaker opens Milan design studio", "", page) == set()


def test_teasers_of_other_stories_do_not_trigger(rules: Rules) -> None:
    page = (
        "The startup raised $50 million from investors to build charging stations.\n"
        "When the recall of 400,000 cars was announced, the stock fell and...\n"
    )
    assert kinds(rules, "Startup raises $50 million", "", page) == set()


def test_body_lead_counts_when_the_title_says_little(rules: Rules) -> None:
    content = (
        "logo\n"
        "Mazda said on Thursday it is recalling 120,000 CX-30 crossovers in the United States "
        "because a software error can switch off the rear camera."
    )
    events = classify(Text("logo", "", content), rules)
    assert [e.type for e in events] == ["recall"]
    assert events[0].company == "Mazda"
    assert events[0].facts.units == 120000


def test_confidence_orders_headline_over_deep_body(rules: Rules) -> None:
    filler = "Analysts expect the market for compact SUVs to keep growing this decade. " * 12
    headline = classify(Text("Kia recalls 80,000 Sorento SUVs over wiring fault"), rules)
    deep = classify(
        Text(
            "Kia's new design chief talks about the brand",
            "",
            filler + "\n\nSeparately, Kia is recalling 80,000 Sorento SUVs over a wiring fault.",
        ),
        rules,
    )
    assert headline[0].confidence > deep[0].confidence >= 0.5


def test_evidence_is_the_triggering_sentence(rules: Rules) -> None:
    events = classify(
        Text(
            "Automaker news roundup",
            "Sales rose 4% in May. Honda is recalling 300,000 Civic sedans over a steering "
            "defect. Its new hybrid goes on sale in June.",
        ),
        rules,
    )
    assert events[0].evidence == "Honda is recalling 300,000 Civic sedans over a steering defect."


def test_pure_no_state_between_calls(rules: Rules) -> None:
    article = Text("Mazda recalls 41,000 CX-5 crossovers over faulty fuel pumps")
    assert classify(article, rules) == classify(article, rules)


def test_screened_gives_the_sentences_classify_reads_and_none_of_a_page_that_fails(
    rules: Rules,
) -> None:
    quiet = Text("Toyota quarterly sales rose 3%", content="Dealers said demand was steady.")
    assert screened(quiet, rules) == (
        "Toyota quarterly sales rose 3%\n\nDealers said demand was steady.",
        [],
    )
    page = Text(
        "Mazda recalls 41,000 CX-5 crossovers",
        content="The recall covers 2019 models.\nDealers said demand was steady.",
    )
    _, read = screened(page, rules)
    assert [(s.text, s.zone) for s in read] == [
        ("Mazda recalls 41,000 CX-5 crossovers", Zone.TITLE),
        ("The recall covers 2019 models.", Zone.LEAD),
    ]
