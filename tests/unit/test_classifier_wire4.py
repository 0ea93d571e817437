"""Wire phrasing, round four (issue 14, English): kinds the round's fresh dev batch showed the
rules missed.

Our own examples, none from the corpus: a person's "recalled", news of how recalls are done,
a recall named by its date, a product pulled from sale, a model number that is no count, a
weight that is no scope; crashes told as rolling off a taxiway, jumping a track, ditching,
alliding or something falling on a train; studies and statistics of fires and crashes; an
operator named before its aircraft's maker or type, or only before its train; a country before
a vehicle; guidance after a colon, an "EBIT-adjusted guide", a target met, a figure "still"
expected.
"""

import pytest

from services.classifier.config import Company
from services.classifier.core import Rules, classify, load_rules
from tests.support.texts import Text


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules((Company(company="Embraer", tickers=("ERJ",), aliases=()),))


def kinds(rules: Rules, title: str, summary: str = "") -> set[str]:
    return {e.type for e in classify(Text(title, summary), rules)}


def event(rules: Rules, kind: str, title: str, summary: str = "") -> object:
    return next(e for e in classify(Text(title, summary), rules) if e.type == kind)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Acme's chairman recalled the 1998 strike in a talk to dealers", ""),
        ("Acme president recalled the 1980s rivalry with dealers", ""),
        ("Parliament backs plan for quicker vehicle recalls", ""),
        ("Watchdog criticises slow recall completion rates for trucks", ""),
        ("Regulator steps up oversight of remote software recalls", ""),
        ("Agency reviews 400,000 vehicles covered by the March recall", ""),
        ("Riverkeeper has helped pull more than 5,000 tires from the river", ""),
    ],
)
def test_no_recall_in_memories_and_recall_process_news(
    rules: Rules, title: str, summary: str
) -> None:
    assert "recall" not in kinds(rules, title, summary)


def test_a_product_pulled_from_sale_or_counted_is_a_recall(rules: Rules) -> None:
    assert "recall" in kinds(rules, "Snackco pulls its crackers from shelves over allergen")
    recall = event(rules, "recall", "Shopco pulls 2.1 million weighted blankets after deaths")
    assert recall.facts.units == 2100000  # type: ignore[attr-defined]


def test_a_model_number_is_no_count_and_a_weight_no_scope(rules: Rules) -> None:
    power = event(
        rules,
        "recall",
        "Gadgetco recalls PowerMax 20000 power banks",
        "In all 88,000 units are covered, the CPSC said.",
    )
    assert power.facts.units == 88000  # type: ignore[attr-defined]
    ham = event(rules, "recall", "Meatco recalls deli ham", "The firm is pulling 40,000 pounds.")
    assert ham.facts.units is None  # type: ignore[attr-defined]
    lamps = event(
        rules, "recall", "Lampco recalls lamps", "About 61,000 desk and floor lamps are affected."
    )
    assert lamps.facts.units == 61000  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "title",
    [
        "Cargo jet rolls off runway in Anchorage",
        "Regional plane slides off taxiway in snow",
        "Freight train jumps track near Omaha",
        "Seaplane ditches in lake after engine failure",
        "Barge allides with bridge pier on Ohio River",
        "Crane falls on commuter train, killing 4",
        "Tree fell onto a school bus, injuring six",
        "Minibus plunges into gorge in the Andes",
        "Double-decker bus hits low bridge in Leeds",
        "Skyline flight hits severe turbulence over Myanmar; one dead",
        "Cargo jet lands on its belly in Ankara",
    ],
)
def test_crashes_told_without_the_word(rules: Rules, title: str) -> None:
    assert "crash" in kinds(rules, title)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Electric scooters catch fire less often than e-bikes, study finds", ""),
        ("About 3,100 people died in motor vehicle crashes in the state", ""),
        ("Ferry fires are becoming more frequent, insurer says", ""),
        ("Market turbulence hits airline shares", "Investors sold bus and rail stocks too."),
        ("Gadgetco pulls 90,000 power banks from sale after fire reports", ""),
    ],
)
def test_statistics_studies_and_fire_reasons_are_no_crash(
    rules: Rules, title: str, summary: str
) -> None:
    assert "crash" not in kinds(rules, title, summary)


def test_the_operator_before_its_makers_name_or_type(rules: Rules) -> None:
    events = classify(Text("Novair Airlines Embraer goes down near Lima, 12 dead"), rules)
    assert [e.company for e in events if e.type == "crash"] == ["Novair Airlines", "Embraer"]
    skylink = event(rules, "crash", "Skylink An-26 goes down in Siberia, 6 dead")
    assert skylink.company == "Skylink"  # type: ignore[attr-defined]


def test_the_operator_named_only_before_its_train(rules: Rules) -> None:
    crash = event(
        rules, "crash", "Train hits lorry at crossing, three dead", "The Railco train was late."
    )
    assert crash.company == "Railco"  # type: ignore[attr-defined]
    load = event(
        rules, "crash", "Car carrier catches fire off Norway", "The ship was laden with Audi cars."
    )
    assert load.company is None  # type: ignore[attr-defined]


def test_a_country_before_a_vehicle_is_no_operator(rules: Rules) -> None:
    crash = event(rules, "crash", "Nepal bus plunges into river, 20 dead")
    assert crash.company is None  # type: ignore[attr-defined]


def test_guidance_after_a_colon_and_an_ebit_adjusted_guide(rules: Rules) -> None:
    outlook = event(rules, "target_change", "Rideco Q2 outlook: gross bookings $12.5B-$13.0B")
    assert outlook.facts.new == 12.5e9  # type: ignore[attr-defined]
    guide = event(rules, "target_change", "Autoco raises FY26 EBIT-adjusted guide to $4B-$5B")
    assert guide.facts.direction == "raise"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Autoco meets its cost-cutting target a year early", ""),
        ("Autoco keeps full-year outlook", "It still expects operating profit of $3.1 billion."),
    ],
)
def test_a_target_met_or_kept_is_no_change(rules: Rules, title: str, summary: str) -> None:
    assert "target_change" not in kinds(rules, title, summary)


def test_a_rounded_count_gives_way_to_the_precise_scope(rules: Rules) -> None:
    recall = event(
        rules,
        "recall",
        "Autoco recalls 40,000 vans over seat latches",
        "The recall covers 40,213 vans built in 2024.",
    )
    assert recall.facts.units == 40213  # type: ignore[attr-defined]
    listed = event(
        rules, "recall", "Autoco recalls nearly 70,000 vans", "The filing lists 68,904 vehicles."
    )
    assert listed.facts.units == 68904  # type: ignore[attr-defined]


def test_growth_told_with_a_verb_and_a_change_told_without_its_figure(rules: Rules) -> None:
    growth = event(rules, "target_change", "Autoco expects revenue to grow 4%-6% in 2026")
    assert (growth.facts.metric, growth.facts.new) == ("revenue_growth_pct", 4.0)  # type: ignore[attr-defined]
    raised = event(
        rules,
        "target_change",
        "Autoco boosts annual profit forecast",
        "The company now sees operating profit of $2.4 billion.",
    )
    assert raised.facts.direction == "raise"  # type: ignore[attr-defined]


def test_a_watched_airline_by_its_bare_name() -> None:
    airline = Company(company="Delta Air Lines", tickers=("DAL",), aliases=("Delta Airlines",))
    rules = load_rules((airline,))
    crash = event(rules, "crash", "A Delta jet skidded off the runway in Minneapolis")
    assert crash.company == "Delta Air Lines"  # type: ignore[attr-defined]
    assert "Delta Air Lines" not in {
        e.company for e in classify(Text("Delta variant spreads"), rules)
    }


def test_a_rate_per_thousand_is_no_crash(rules: Rules) -> None:
    assert "crash" not in kinds(rules, "Pickup drivers have the most accidents per 1,000 drivers")


def test_a_part_of_those_aboard_is_the_toll(rules: Rules) -> None:
    crash = event(rules, "crash", "Jet goes down after takeoff", "37 of the 40 people aboard died.")
    assert crash.facts.fatalities == 37  # type: ignore[attr-defined]


def test_a_brand_alias_by_its_short_name_and_a_count_affected() -> None:
    hyundai = Company(company="Hyundai Motor", tickers=("005380.KS",), aliases=("Genesis Motor",))
    rules = load_rules((hyundai,))
    recall = event(rules, "recall", "Genesis recalls GV80 SUVs over seat wiring; 21,000 affected")
    assert (recall.company, recall.facts.units) == ("Hyundai Motor", 21000)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Shopco pulls its house-brand butter over missing allergen label", {"recall"}),
        ("Foodco pulls baby food after metal fragments found", {"recall"}),
        ("Lawmakers pull support over budget dispute", set()),
        ("Appco pulls app over privacy concerns", set()),
        ("Carco pulls out of China venture over losses", set()),
    ],
)
def test_a_product_pulled_for_a_safety_reason_is_a_recall(
    rules: Rules, title: str, expected: set[str]
) -> None:
    assert kinds(rules, title) == expected


def test_a_withdrawal_keeps_its_direction_and_the_figure_withdrawn_is_old(rules: Rules) -> None:
    told = event(
        rules,
        "target_change",
        "Carco suspends 2025 guidance",
        "Carco had forecast adjusted EBIT of $7 billion to $8.5 billion.",  # no change verb
    )
    assert told.facts.direction == "withdraw"  # type: ignore[attr-defined]
    pulled = event(rules, "target_change", "Carco withdraws its 2025 guidance of $7 billion")
    assert pulled.facts.direction == "withdraw"  # type: ignore[attr-defined]
    assert (pulled.facts.old, pulled.facts.new) == (7e9, None)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("Carco lowers its margin target for a fourth time", None),
        ("Carco cuts 2024 guidance for second time", "FY2024"),
        ("Carco cuts its fourth-quarter delivery outlook to 72,000", "Q4"),
    ],
)
def test_an_ordinal_is_a_quarter_only_with_quarter(
    rules: Rules, title: str, period: str | None
) -> None:
    assert event(rules, "target_change", title).facts.period == period  # type: ignore[attr-defined]


def test_the_end_of_a_span_of_years_is_no_figure(rules: Rules) -> None:
    pulled = event(rules, "target_change", "Carco pulls 2025-26 outlook, citing tariffs")
    assert (pulled.facts.old, pulled.facts.new) == (None, None)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Shares drop as Carco recalls 500,000 SUVs", "", {"recall"}),
        ("Carco slips as recall of 2 million cars weighs", "", {"recall"}),
        ("As one engineer recalled, the tests were rushed", "", set()),
        (
            "Carco earnings beat; company says recall costs are behind it",
            "Carco took a $1.9 billion charge for the Bolt recall in 2021.",
            set(),
        ),
    ],
)
def test_as_before_a_recall_and_the_cost_of_an_old_one(
    rules: Rules, title: str, summary: str, expected: set[str]
) -> None:
    assert kinds(rules, title, summary) == expected


def test_a_year_a_forecast_is_for_does_not_date_a_clause(rules: Rules) -> None:
    assert kinds(rules, "Carco slides after it warns of lower 2025 profit") == {"target_change"}
    assert kinds(rules, "Carco, which recalled 750,000 cars in 2023, named a new chief") == set()


def test_wire_shorthand_scales_and_adjusted_views(rules: Rules) -> None:
    brief = event(rules, "target_change", "BRIEF-Carco Sees FY2025 Adj. EBIT $6.5-7.5 Bln")
    assert brief.facts.new == 6.5e9  # type: ignore[attr-defined]
    view = event(rules, "target_change", "Carco raises FY EBIT-adj view to $13B from $12B")
    assert view.facts.direction == "raise"  # type: ignore[attr-defined]


def test_notice_headlines_name_the_company_and_read_the_verb(rules: Rules) -> None:
    notice = event(
        rules, "recall", "Acme Foods Issues Voluntary Nationwide Recall of Peanut Butter"
    )
    assert notice.company == "Acme Foods"  # type: ignore[attr-defined]
    labelled = event(rules, "recall", "Recall alert: Bedco recalls 2,000 children's beds")
    assert labelled.facts.units == 2000  # type: ignore[attr-defined]


def test_a_product_pulled_after_illness_reports_is_a_recall(rules: Rules) -> None:
    assert kinds(rules, "Mealco pulls lentil crumbles after hundreds report illness") == {"recall"}
