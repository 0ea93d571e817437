"""Which company an event names: the watchlist first, else the subject of the news."""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text

WATCHLIST = (
    Company(company="Xiaomi", tickers=("1810.HK",), aliases=("小米", "小米汽车")),
    Company(company="Toyota Motor", tickers=("TM", "7203.T"), aliases=("Toyota", "丰田")),
    Company(company="Target Corp", tickers=("TGT",), aliases=("Target",)),
    Company(company="Tesla", tickers=("TSLA",), aliases=("特斯拉",)),
    Company(company="Goldman Sachs", tickers=("GS",)),
    Company(company="Airbus", tickers=("AIR.PA",), aliases=("空客", "空中客车")),
    Company(company="Honda Motor", tickers=("HMC",), aliases=("Honda", "本田")),
)


@pytest.fixture(scope="module")
def plain() -> Rules:
    return load_rules()


@pytest.fixture(scope="module")
def watched() -> Rules:
    return load_rules(WATCHLIST)


def company(rules: Rules, title: str, summary: str = "") -> str | None:
    events = classify(Text(title, summary), rules)
    assert events, title
    return events[0].company


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        # the subject of the verb, not every company mentioned
        ("Honda recalls 300,000 Civics; Toyota and Ford not affected", "", "Honda"),
        ("Polaris recalls 12,000 off-road vehicles over fire risk", "", "Polaris"),
        ("BMW to recall 50,000 SUVs in China", "", "BMW"),
        # a regulator or a place is not the company; the agent is
        ("FDA announces recall of 40,000 infusion pumps made by Baxter", "", "Baxter"),
        (
            "Ohio firm recalls 20,000 pounds of sausage",
            "Smith Packing of Utica, Ohio, is recalling about 20,000 pounds of pork sausage.",
            "Smith Packing",
        ),
        # a participle headline names the product; the summary names the maker
        (
            "Ceiling fans sold at Lowe's recalled over falling blades",
            "Minka Group is recalling 80,000 ceiling fans because the blades can detach.",
            "Minka Group",
        ),
        # an analyst's price target names the stock, not the broker
        ("Goldman Sachs cuts Nvidia price target to $150", "", "Nvidia"),
        ("Truist raises Apple to $250 from $230, keeps buy", "", "Apple"),
        # a crash names the operator or maker of what crashed, or nobody
        ("Amtrak train derails in Vermont, injuring 7", "", "Amtrak"),
        (
            "Small plane crashes near Denver, killing 2",
            "A single-engine plane operated by Rocky Mountain Air Charter went down after takeoff, "
            "killing both people aboard.",
            "Rocky Mountain Air Charter",
        ),
        ("Tour bus overturns on mountain road, killing 9", "", None),
        ("Delta jet clips wing of another plane at Boston airport", "", "Delta"),
        # a name runs no further than a verb or a price-target tag, in any headline style
        ("Nvidia PT Raised to $220 by Bernstein", "", "Nvidia"),
        ("Haier Tgt Cut to HK$30 at Citi", "", "Haier"),
        ("Polestar Recalls 2,000 Cars Over Rear Camera", "", "Polestar"),
        # an operator's name stops before the maker of its craft
        ("Asiana Boeing 777 lands short of the runway in San Francisco", "", "Asiana"),
        # a wire's tag glued to the first name is not part of it
        ("UPDATE 2-Ford recalls 1.9 million Explorer SUVs over trim", "", "Ford"),
        ("BRIEF-Nio Q4 Delivery Guidance 72,000-75,000 Vehicles", "", "Nio"),
        # a participle opening a headline is no company
        ("Recalled pressure cookers still sold online, watchdog says", "", None),
        # the armed forces are no company
        ("Regional jet collides with Army helicopter over the Potomac", "", None),
        # a craft's own name is not its operator, nor the first word of a craft noun
        ("Container ship Ever Given runs aground in the Suez Canal", "", None),
        ("Bulk carrier Dali strikes a bridge in Baltimore", "", None),
        ("Carnival cruise ship Costa Concordia capsizes off Italy", "", "Carnival"),
        # Chinese: the subject before the verb, and the stock of a price target
        ("长城汽车召回1.2万辆哈弗H6", "", "长城汽车"),
        ("高盛上调比亚迪目标价至400港元", "", "比亚迪"),
        ("花旗降小米目标价至45港元", "", "小米"),  # the stock after the broker's verb
        ("两车相撞 致3人受伤", "", None),
        # a time word or a fragment opening the clause is not a company; a 超市 is no city
        ("吉利汽车此次召回4万辆汽车", "", "吉利汽车"),
        ("此次召回涉及2万辆汽车", "", None),
        ("本次召回范围内的车辆共计1.2万辆", "", None),
        ("公司另有365件产品不在召回范围内", "", None),
        ("永辉超市召回一批冷冻金枪鱼产品", "", "永辉超市"),
    ],
)
def test_company_without_watchlist(
    plain: Rules, title: str, summary: str, expected: str | None
) -> None:
    assert company(plain, title, summary) == expected


@pytest.mark.parametrize(
    ("title", "expected", "tickers"),
    [
        ("Toyota recalls 1,398 Tundra pickups", "Toyota Motor", ("TM", "7203.T")),
        ("小米召回116887辆SU7", "Xiaomi", ("1810.HK",)),
        ("特斯拉召回5836辆进口车", "Tesla", ("TSLA",)),
        # the watched stock of a price target, not the watched broker
        ("Goldman Sachs lifts Target price target to $180", "Target Corp", ("TGT",)),
        # a capitalised watch name only: "target" the noun is not Target Corp
        ("Xiaomi raises 2025 delivery target to 400,000", "Xiaomi", ("1810.HK",)),
    ],
)
def test_watchlist_names_and_tickers(
    watched: Rules, title: str, expected: str, tickers: tuple[str, ...]
) -> None:
    event = classify(Text(title), watched)[0]
    assert (event.company, event.tickers, event.on_watchlist) == (expected, tickers, True)


def test_company_off_the_watchlist_has_no_ticker(watched: Rules) -> None:
    event = classify(Text("Mazda recalls 41,000 CX-5 crossovers"), watched)[0]
    assert (event.company, event.tickers, event.on_watchlist) == ("Mazda", (), False)


def test_title_case_headline(plain: Rules) -> None:
    assert (
        company(
            plain,
            "Xiaomi Recalls Over 110,000 SU7 EVs As Safety Scrutiny Grows",
            "Xiaomi is recalling 116,887 SU7 cars. The recall follows scrutiny.",
        )
        == "Xiaomi"
    )


def test_the_company_a_page_is_about(plain: Rules) -> None:
    content = (
        "Xiaomi's car business is growing fast. Lei Jun's announcement raising the 2025 "
        "delivery target to 400,000 from 350,000 surprised analysts. Xiaomi shares rose. "
        "Xiaomi also sells phones."
    )
    events = classify(Text("A fast year for the carmaker", "", content), plain)
    assert [(e.type, e.company) for e in events] == [("target_change", "Xiaomi")]


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        # a Chinese price target names the stock whose target moved, never the broker
        ("高盛将小鹏汽车目标价上调至80港元", "", "小鹏汽车"),
        ("花旗将蔚来目标价由45美元下调至38美元", "", "蔚来"),
        ("大摩把长城汽车的目标价下调至18港元", "", "长城汽车"),
        ("瑞银给予吉利汽车买入评级\uff0c目标价由20港元上调至25港元", "", "吉利汽车"),
        # joint subjects: the first one named
        (
            "Ford, Lincoln owners told to stop driving 80,000 SUVs",
            "Ford and Lincoln are recalling 80,000 SUVs because the fuel pump can fail.",
            "Ford",
        ),
        (
            "Nissan, Infiniti recall 120,000 cars over airbags",
            "Nissan and Infiniti are recalling about 120,000 cars because the airbags may not "
            "deploy.",
            "Nissan",
        ),
        # a Chinese brand joined to a model code names the maker of what crashed
        ("一辆小米SU7在城市道路与公交车相撞 致1人受伤", "", "小米"),
        ("一辆问界M7在高速公路追尾货车\uff0c造成2人死亡", "", "问界"),
        ("昨日一辆蔚来ES8与一辆货车相撞\uff0c司机受轻伤", "", "蔚来"),
    ],
)
def test_company_held_out_rules(
    plain: Rules, title: str, summary: str, expected: str | None
) -> None:
    assert company(plain, title, summary) == expected


@pytest.mark.parametrize(
    "title",
    [
        "濟州航空客機墜機 179人罹難",  # 航空客机 holds 空客 (Airbus) across its two words
        "日本田径队大巴在东京侧翻 3人受伤",  # 日本田径 holds 本田 (Honda)
    ],
)
def test_a_watched_name_inside_another_word_is_not_named(watched: Rules, title: str) -> None:
    events = classify(Text(title), watched)
    assert events
    assert all(not e.on_watchlist for e in events), [(e.type, e.company) for e in events]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # what another company is to a watched one: that other company is the subject
        ("Tesla rival Xiaomi cuts 2025 delivery target", "Xiaomi"),
        ("特斯拉竞争对手小米下调交付目标", "Xiaomi"),
        ("Toyota supplier Denso recalls 50,000 fuel pumps", "Denso"),
        # a unit or a brand is its parent's
        ("Toyota unit Hino recalls 50,000 trucks", "Toyota Motor"),
    ],
)
def test_a_watched_name_describing_the_subject_is_not_it(
    watched: Rules, title: str, expected: str
) -> None:
    assert company(watched, title) == expected
