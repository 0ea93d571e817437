"""Chinese phrasing, round four (issue 14): kinds a fresh Chinese dev batch showed the rules missed.

Our own examples, none from the corpus: Taiwan's 召修 and 吋, 回收 as recycling, hedged bare
thousands (逾千辆), 恐 ("may") and "no accident reported" in a recall, ground scrapes and
撞人/撞及, legal explainers and "accidents are frequent", a craft counted by its measure word,
operators named as the press shortens them (台铁, 港铁, 九巴, 东航) or by a city's metro and its
line, a broker's name before its verb, a ratings outlook in Taiwan's words, Taiwan's profit
metrics, and Taiwan and Hong Kong brand names in the example watchlist.
"""

from pathlib import Path

import pytest

from schemas.alert import Event
from services.app.settings import load_settings
from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "config" / "redflag.example.yaml"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(
        (
            Company(company="Ford Motor", tickers=("F",), aliases=("福特",)),
            Company(company="Apple", tickers=("AAPL",), aliases=("苹果公司",)),
            Company(company="Boeing", tickers=("BA",), aliases=("波音",)),
        )
    )


def events(rules: Rules, title: str, summary: str = "") -> dict[str, Event]:
    return {e.type: e for e in classify(Text(title, summary), rules)}


def test_taiwan_zhaoxiu_is_a_recall(rules: Rules) -> None:
    recall = events(rules, "福特六和召修逾3萬輛Focus 油管恐滲漏")["recall"]
    assert (recall.company, recall.facts.units) == ("Ford Motor", 30000)


def test_taiwan_inch_is_a_size_not_a_count(rules: Rules) -> None:
    recall = events(rules, "蘋果公司召回部分13吋筆電 電池恐膨脹")["recall"]
    assert recall.facts.units is None


@pytest.mark.parametrize(
    ("title", "units"),
    [
        ("某车企召回近千辆进口SUV", 1000),
        ("某品牌回收逾千輛電動機車", 1000),
        ("召回近万台空调", 10000),
        ("东风本田召回逾十万辆思域", 100000),
        ("某车企召回逾百万辆", 1000000),
        ("某车企召回近千万辆", 10000000),
    ],
)
def test_a_hedged_bare_thousand_is_a_count(rules: Rules, title: str, units: int) -> None:
    assert events(rules, title)["recall"].facts.units == units


@pytest.mark.parametrize(
    "title",
    [
        "废旧家电回收再利用 去年回收300万台",
        "補助淘汰老舊機車 上半年回收逾3萬台",
        "以旧换新活动火热 门店一周回收2万部旧手机",
    ],
)
def test_huishou_as_recycling_is_no_recall(rules: Rules, title: str) -> None:
    assert "recall" not in events(rules, title)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("某車廠召回1.3萬輛休旅車", "車廠說，部分車輛的電池恐起火。"),  # noqa: RUF001 - Chinese punctuation
        ("某車廠召回1.3萬輛休旅車", "代理商說，部分車輛的燃油泵可能故障。"),  # noqa: RUF001 - Chinese punctuation
        ("某車廠召回1.3萬輛休旅車", "某汽車表示，目前尚未接獲相關事故報告。"),  # noqa: RUF001 - Chinese punctuation
    ],
)
def test_a_recall_reason_or_no_accident_is_no_crash(rules: Rules, title: str, summary: str) -> None:
    found = events(rules, title, summary)
    assert "recall" in found
    assert "crash" not in found


@pytest.mark.parametrize(
    "title",
    [
        "一架客机在滑行道上与另一架飞机剐蹭 无人受伤",
        "一辆网约车在路口失控撞人 1人死亡",
        "一架客機在停機坪撞及另一架飛機",
        "某航空一架波音787因发动机起火紧急迫降",
        "華航貨機在安克拉治機場滑行時擦撞",
    ],
)
def test_accidents_told_without_collision_words(rules: Rules, title: str) -> None:
    assert "crash" in events(rules, title)


@pytest.mark.parametrize(
    "title",
    ["高速追尾事故责任如何划分？律师解读", "电动车自燃事故频发 专家：夏季注意充电安全"],  # noqa: RUF001 - Chinese punctuation
)
def test_explainers_and_trends_are_no_crash(rules: Rules, title: str) -> None:
    assert "crash" not in events(rules, title)


def test_many_passengers_hurt_are_not_one(rules: Rules) -> None:
    crash = events(rules, "北京地铁两列列车追尾 多名乘客受伤送医")["crash"]
    assert crash.facts.injuries is None


def test_a_side_impact_rule_is_no_crash(rules: Rules) -> None:
    """A guard for 撞及 (HK "hit"): 侧撞及 is "side impact and"."""
    assert "crash" not in events(rules, "新版评价规程加入侧撞及行人保护项目")


@pytest.mark.parametrize(
    ("title", "operator"),
    [
        ("一列台鐵自強號在花蓮撞上落石 兩節車廂出軌", "台铁"),
        ("台鐵太魯閣號列車在隧道口翻覆", "台铁"),
        ("港鐵觀塘綫一列列車在車廠出軌", "港铁"),
        ("港鐵東鐵綫列車在上水站出軌", "港铁"),
        ("南京地铁一号线两列列车追尾", "南京地铁"),
        ("九巴一輛雙層巴士在吐露港公路翻側", "九巴"),
        ("城巴撞向路邊燈柱 車長受傷", "城巴"),
        ("川航一架客机在成都机场降落时冲出跑道", "川航"),
    ],
)
def test_an_operator_named_as_the_press_shortens_it(
    rules: Rules, title: str, operator: str
) -> None:
    assert events(rules, title)["crash"].company == operator


@pytest.mark.parametrize(
    "title",
    ["民航客机在跑道上相撞", "高铁列车在隧道内撞上落石", "地铁列车在车厂出轨"],
)
def test_generic_words_are_no_short_operator(rules: Rules, title: str) -> None:
    """A guard: civil aviation, high-speed rail and metros in general are nobody's name."""
    assert events(rules, title)["crash"].company is None


@pytest.mark.parametrize(
    ("title", "stock"),
    [("美系外資調降廣達目標價至250元", "广达"), ("元大投顧調升華碩目標價至600元", "华硕")],
)
def test_a_brokers_name_before_its_verb_is_not_the_stock(
    rules: Rules, title: str, stock: str
) -> None:
    assert events(rules, title)["target_change"].company == stock


def test_a_credit_outlook_in_taiwan_words_is_no_target(rules: Rules) -> None:
    assert "target_change" not in events(rules, "中華信評將某航空信評展望調升至正面")


@pytest.mark.parametrize(
    ("title", "metric"),
    [
        ("日產下修全年財測 營業利益預估降至800億日圓", "operating_profit"),
        ("長榮航空上修全年獲利預估", "net_profit"),
    ],
)
def test_taiwan_profit_words_name_the_metric(rules: Rules, title: str, metric: str) -> None:
    assert events(rules, title)["target_change"].facts.metric == metric


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("運輸署：萬事得回收約二千輛CX-5", "Mazda Motor"),  # noqa: RUF001 - Chinese punctuation
        ("富豪汽車回收逾千輛XC60", "Volvo Cars"),
        ("國際牌回收一款電暖器 有起火危險", "Panasonic"),
        ("消委會：嬌生回收一批爽身粉", "Johnson & Johnson"),  # noqa: RUF001 - Chinese punctuation
        ("現代起亞在美召回逾300萬輛車", "Hyundai Motor"),
        ("北京现代召回三千余辆索纳塔", "Hyundai Motor"),
    ],
)
def test_taiwan_and_hong_kong_brands_resolve_to_their_parent(title: str, company: str) -> None:
    watched = load_rules(load_settings(EXAMPLE).watchlist)
    assert events(watched, title)["recall"].company == company


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("海南航空一架客机在北京机场滑行时与另一架飞机剐蹭", "海南航空"),
        ("山东航空一架客机降落时冲出跑道", "山东航空"),
        ("泰国航空一架客机在曼谷降落时偏出跑道", "泰国航空"),
        ("南航一架客机降落时冲出跑道", "China Southern Airlines"),
    ],
)
def test_a_longer_airline_name_hides_a_short_watched_one(title: str, company: str) -> None:
    airlines = load_rules(
        (
            Company(company="China Southern Airlines", tickers=("1055.HK",), aliases=("南航",)),
            Company(company="China Eastern Airlines", tickers=("0670.HK",), aliases=("东航",)),
            Company(company="Air China", tickers=("0753.HK",), aliases=("国航",)),
        )
    )
    assert events(airlines, title)["crash"].company == company


@pytest.mark.parametrize("title", ["宁德时代回应电池召回传闻", "极越汽车停止运营 用户担心无法召回"])
def test_a_recall_rumour_or_one_that_cannot_happen_is_none(rules: Rules, title: str) -> None:
    assert "recall" not in events(rules, title)


@pytest.mark.parametrize(
    ("title", "dead"),
    [("福建一辆大货车刹车失灵连撞多车 5死", 5), ("九巴雙層巴士撞向巴士站 一死多傷", 1)],
)
def test_a_bare_death_count_in_a_headline(rules: Rules, title: str, dead: int) -> None:
    assert events(rules, title)["crash"].facts.fatalities == dead


def test_a_named_train_is_a_vehicle(rules: Rules) -> None:
    assert "crash" in events(rules, "花蓮地震致太魯閣號出軌")


def test_some_brand_is_no_company(rules: Rules) -> None:
    assert events(rules, "某品牌召回逾百辆电动车")["recall"].company is None


@pytest.mark.parametrize(
    "title",
    [
        "蘇花公路遊覽車墜谷",
        "砂石車撞機車 騎士當場死亡",
        "巴士在隧道失控撞壆 10人受傷",
        "穿梭巴士撞欄 多人受傷",
        "某航空客機重落地 機身受損",
        "颱風吹翻貨車 國道一度封閉",
        "某航空A321neo機翼擦撞空橋",
    ],
)
def test_hong_kong_and_taiwan_accident_words(rules: Rules, title: str) -> None:
    assert "crash" in events(rules, title)


@pytest.mark.parametrize(
    ("title", "dead"),
    [("國道三車追撞 一人送醫不治", 1), ("砂石車撞機車 騎士當場死亡", 1)],
)
def test_died_in_hospital_and_a_rider_are_deaths(rules: Rules, title: str, dead: int) -> None:
    crash = events(rules, title)["crash"]
    assert (crash.facts.fatalities, crash.facts.injuries) == (dead, None)


def test_an_insurance_explainer_is_no_crash(rules: Rules) -> None:
    assert "crash" not in events(rules, "車禍理賠怎麼算？保險專家解答")  # noqa: RUF001 - Chinese punctuation


def test_a_car_counted_by_its_measure_word(rules: Rules) -> None:
    assert "crash" in events(rules, "一輛特斯拉Model 3在上海撞上護欄後起火")


def test_a_foreign_regulator_is_a_recall_context(rules: Rules) -> None:
    assert "recall" in events(rules, "美國消費品安全委員會宣布 宜家召回兒童床欄")


def test_a_taiwan_group_name_resolves_to_its_parent() -> None:
    watched = load_rules(load_settings(EXAMPLE).watchlist)
    assert events(watched, "德國福斯集團召回逾十萬輛電動車")["recall"].company == "Volkswagen"


def test_hong_kong_cut_verb_xue_before_a_price_target() -> None:
    rules = load_rules((Company(company="BYD", tickers=("1211.HK",), aliases=("比亚迪",)),))
    found = [
        e for e in classify(Text("瑞銀削比亞迪目標價至300港元"), rules) if e.type == "target_change"
    ]
    assert [(e.facts.direction, e.facts.new, e.facts.currency) for e in found] == [
        ("cut", 300, "HKD")
    ]


def test_a_generic_maker_or_dealer_is_no_company() -> None:
    rules = load_rules(())
    found = classify(Text("國產車廠召回3.2萬輛電動車 電池存起火風險"), rules)
    assert [(e.type, e.company, e.facts.units) for e in found] == [("recall", None, 32000)]


@pytest.mark.parametrize(
    ("title", "is_recall"),
    [
        ("食安中心：朱古力蛋或含沙門氏菌 進口商回收", True),  # noqa: RUF001
        ("紅麴保健品事件 本港代理商回收相關產品", True),
        ("行動電源電芯有瑕疵 香港零售商下架並回收", True),
        ("政府鼓勵市民回收膠樽", False),
        ("廢舊電池回收商回收逾萬個電池", False),
    ],
)
def test_a_seller_taking_back_its_products_is_a_recall(title: str, is_recall: bool) -> None:
    found = [e for e in classify(Text(title), load_rules(())) if e.type == "recall"]
    assert bool(found) == is_recall
    assert all(e.company is None for e in found)  # "进口商", "本港代理商": nobody in particular


def test_capex_is_a_target_only_right_after_a_revising_verb() -> None:
    rules = load_rules(())
    cut = classify(Text("台積電下修今年資本支出至約360億美元"), rules)
    assert [(e.type, e.facts.metric, e.facts.direction) for e in cut] == [
        ("target_change", "capex", "cut")
    ]
    assert classify(Text("台積電第三季資本支出增加至100億美元"), rules) == []
