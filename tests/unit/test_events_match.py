"""Event matching rules (services/events): same event, update, new event, edit; table-driven."""

from typing import Any

import pytest

from schemas.alert import Event, Facts
from services.events.figures import numbers_in
from services.events.match import (
    EventState,
    Report,
    changes,
    company_key,
    decide,
    merged,
    start,
)
from services.events.products import products_in
from services.events.rules import load_rules

RULES = load_rules()
HOUR = 3600.0
T0 = 1_700_000_000.0


def report(
    kind: str = "recall", at: float = T0, article: str = "a2", text: str = "", **facts: Any
) -> Report:
    return Report("al-" + article, article, kind, "ford", Facts(**facts), at, text)


def event(
    kind: str = "recall", at: float = T0, articles: tuple[str, ...] = ("a1",), **facts: Any
) -> EventState:
    f = Facts(**facts)
    units = (f.units,) if f.units is not None else ()
    return EventState("ev1", kind, "ford", f, (at,), frozenset(articles), units)


@pytest.mark.parametrize(
    ("existing", "new", "expected"),
    [
        # recall: units within rounding are one recall, in any wording or language
        (event(units=1_206_803), report(units=1_200_000), "repeat"),
        (event(units=116_887), report(units=116_900), "repeat"),
        (event(units=141_960), report(units=142_000), "repeat"),  # 14.2万
        (event(units=1_210_000), report(units=1_206_803), "repeat"),  # "1.21 million"
        (event(units=20_000), report(units=23_524), "first"),  # 2.0万 is not 15,000-25,000
        (event(units=2_364), report(units=2_446), "first"),  # exact, 3 % apart: two recalls
        (event(units=448_976), report(units=449_000), "repeat"),
        (event(units=100_000), report(), "repeat"),  # no figure: the same recall
        (event(), report(units=5000), "repeat"),
        # grown with an expansion word: update; without: a different recall
        (event(units=100_000), report(units=1_200_000, text="Ford expands recall"), "update"),
        (event(units=100_000), report(units=1_200_000, text="福特扩大召回"), "update"),
        # the classifier took the old figure of a Chinese expansion: its largest figure counts
        (
            event(units=2_674),
            report(units=2_674, text="维福将召回范围从2674辆扩大至1.2万辆"),
            "update",
        ),
        (event(units=100_000), report(units=1_200_000, text="Ford recalls SUVs"), "first"),
        (event(units=100_000), report(units=40_000, text="Ford recalls trucks"), "first"),
        # out of the 7-day window: a new event
        (event(units=100_000), report(units=100_000, at=T0 + 8 * 24 * HOUR), "first"),
        (event(units=100_000), report(units=100_000, at=T0 + 6 * 24 * HOUR), "repeat"),
        # an earlier report arriving late still fits
        (event(units=100_000), report(units=100_000, at=T0 - 5 * HOUR), "repeat"),
        # crash: counts only grow; a rise is an update, a lower (older) figure a repeat
        (event("crash", fatalities=3), report("crash", fatalities=3), "repeat"),
        (event("crash", fatalities=3), report("crash", fatalities=5), "update"),
        (event("crash", fatalities=3, injuries=10), report("crash", injuries=12), "update"),
        (event("crash", fatalities=5), report("crash", fatalities=3), "repeat"),
        (event("crash"), report("crash", fatalities=0), "repeat"),
        (
            event("crash", fatalities=3),
            report("crash", fatalities=9, at=T0 + 4 * 24 * HOUR),
            "first",
        ),
        # target: same metric, period and new value; changed again from its last value: update
        (
            event("target_change", metric="deliveries", period="2025", old=2.0e6, new=1.8e6),
            report("target_change", metric="deliveries", period="2025", new=1.8e6),
            "repeat",
        ),
        (
            event("target_change", metric="deliveries", period="2025", old=2.0e6, new=1.8e6),
            report("target_change", metric="deliveries", period="2025", old=1.8e6, new=1.6e6),
            "update",
        ),
        (  # another broker's different target: another event
            event("target_change", metric="price target", old=300, new=280),
            report("target_change", metric="price target", old=310, new=250),
            "first",
        ),
        (
            event("target_change", metric="deliveries", period="2025", new=1.8e6),
            report("target_change", metric="revenue", period="2025", new=1.8e6),
            "first",
        ),
        (
            event("target_change", metric="deliveries", period="2025", new=1.8e6),
            report("target_change", metric="deliveries", period="2026", new=1.8e6),
            "first",
        ),
        # the same article again (edited): cosmetic -> edit, its figure grown -> update
        (event(units=100_000, articles=("a2",)), report(units=100_000), "edit"),
        (event(units=100_000, articles=("a2",)), report(units=1_200_000), "update"),
        (event("crash", fatalities=2, articles=("a2",)), report("crash", fatalities=4), "update"),
    ],
)
def test_decide(existing: EventState, new: Report, expected: str) -> None:
    decision = decide(new, [existing], RULES)
    assert decision.kind == expected
    assert decision.event_id == (None if expected == "first" else "ev1")


def test_other_type_or_company_never_matches() -> None:
    crash = event("crash", fatalities=1)
    other = EventState("ev2", "recall", "gm", Facts(units=10), (T0,), frozenset(), (10,))
    assert decide(report(units=10), [crash, other], RULES).kind == "first"


def test_the_matching_recall_is_chosen_among_several() -> None:
    small = EventState("small", "recall", "ford", Facts(units=5_000), (T0,), frozenset(), (5_000,))
    big = EventState("big", "recall", "ford", Facts(units=900_000), (T0,), frozenset(), (900_000,))
    assert decide(report(units=899_000), [small, big], RULES).event_id == "big"
    assert decide(report(units=5_010), [big, small], RULES).event_id == "small"


@pytest.mark.parametrize(
    "text",
    [
        "Ford expands Explorer recall to 1.2 million SUVs, up from 142,000",
        "福特将召回范围从14.2万辆扩大至120万辆",
        "Ford expands its Explorer recall to 1.2 million vehicles",  # no figure: the older
    ],
)
def test_an_expansion_grows_the_recall_it_names_else_the_older(text: str) -> None:
    explorer = EventState(
        "explorer", "recall", "ford", Facts(units=142_000), (T0,), frozenset(), (142_000,)
    )
    trucks = EventState(
        "trucks", "recall", "ford", Facts(units=38_000), (T0 + HOUR,), frozenset(), (38_000,)
    )
    grown = report(units=1_200_000, at=T0 + 2 * HOUR, text=text)
    for candidates in ([explorer, trucks], [trucks, explorer]):
        decision = decide(grown, candidates, RULES)
        assert (decision.kind, decision.event_id) == ("update", "explorer")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recalls 142,000 SUVs", [142_000.0]),
        ("to 1.2 million from 100,000", [1_200_000.0, 100_000.0]),
        ("召回14.2万辆", [142_000.0]),
    ],
)
def test_numbers_in(text: str, expected: list[float]) -> None:
    assert numbers_in(text) == pytest.approx(expected)


def test_a_units_figure_seen_before_the_expansion_still_matches() -> None:
    grown = EventState(
        "ev1", "recall", "ford", Facts(units=1_200_000), (T0,), frozenset(), (100_000, 1_200_000)
    )
    assert decide(report(units=100_000), [grown], RULES).kind == "repeat"


@pytest.mark.parametrize(
    ("kind", "old", "new", "expected"),
    [
        ("recall", Facts(units=100), Facts(units=1200), Facts(units=1200)),
        ("recall", Facts(units=1200), Facts(), Facts(units=1200)),
        (
            "crash",
            Facts(fatalities=3, injuries=9),
            Facts(fatalities=2, injuries=12),
            Facts(fatalities=3, injuries=12),
        ),
        (
            "target_change",
            Facts(metric="m", old=10, new=9),
            Facts(metric="m", old=9, new=8),
            Facts(metric="m", old=9, new=8),
        ),
    ],
)
def test_merged_counts_only_grow(kind: str, old: Facts, new: Facts, expected: Facts) -> None:
    assert merged(kind, old, new, grown=True) == expected


def test_a_repeat_keeps_the_recall_figure_first_told() -> None:
    assert merged("recall", Facts(units=1_200_000), Facts(units=1_206_803)) == Facts(
        units=1_200_000
    )
    assert merged("recall", Facts(), Facts(units=5)) == Facts(units=5)


def test_changes_name_old_and_new() -> None:
    assert changes("recall", Facts(units=100), Facts(units=1200)) == [("units", 100, 1200)]
    assert changes("crash", Facts(fatalities=1), Facts(fatalities=1, injuries=4)) == [
        ("injuries", None, 4)
    ]


@pytest.mark.parametrize(
    ("company", "watch", "expected"),
    [
        ("Xiaomi", True, "xiaomi"),
        ("Ford Motor Co.", False, "ford motor"),
        ("Ford Motor", False, "ford motor"),
        ("ACME Holdings Ltd", False, "acme"),
        ("比亚迪股份有限公司", False, "比亚迪"),
        (
            "\uff34\uff4f\uff59\uff4f\uff54\uff41",
            False,
            "toyota",
        ),  # full-width as some Chinese outlets write it
        (None, False, "?"),
    ],
)
def test_company_key(company: str | None, watch: bool, expected: str) -> None:
    ev = Event(type="recall", confidence=0.9, company=company, on_watchlist=watch)
    assert company_key(ev, RULES) == expected


# -- what a recall is of: different models or parts are different events (issue #12) --------
# Written for these tests after real public recalls (figures rounded or shifted so the pairs
# fall within rounding); each pair is one company on one day.


def opened(text: str, units: int, company: str = "ford") -> EventState:
    """The event a first report with `text` opens, as the notifier would store it."""
    first = Report("al-a1", "a1", "recall", company, Facts(units=units), T0, text)
    return start(first, decide(first, [], RULES).products)


def told(text: str, units: int | None, company: str = "ford") -> Report:
    return Report("al-a2", "a2", "recall", company, Facts(units=units), T0 + HOUR, text)


@pytest.mark.parametrize(
    ("company", "first", "first_units", "later", "later_units", "expected"),
    [
        # the same recall in English and Chinese: a shared model or part keeps them one
        (
            "tesla",
            "Tesla recalls 1.1 million Model 3 and Model Y cars: a closing window may not "
            "reverse when it meets a hand; an over-the-air software update fixes it",
            1_096_762,
            "特斯拉召回约110万辆Model 3和Model Y\uff0c车窗自动防夹功能可能失效\uff0c"
            "将通过OTA升级软件",
            1_100_000,
            "repeat",
        ),
        (
            "xiaomi",
            "Xiaomi recalls 116,887 SU7 sedans because its highway driver-assist software "
            "may misjudge some hazards",
            116_887,
            "小米汽车召回116887辆SU7标准版\uff0c高速领航辅助驾驶功能存在隐患\uff0c"
            "将通过OTA升级软件",
            116_887,
            "repeat",
        ),
        (
            "byd",
            "BYD recalls 96,714 Dolphin and Yuan Plus EVs as a steering tie rod may crack",
            96_714,
            "比亚迪召回96714辆海豚和元PLUS电动汽车\uff0c转向横拉杆可能断裂",
            96_700,
            "repeat",
        ),
        (
            "ford",
            "Ford recalls 1.9 million Explorer SUVs because an exterior trim piece can fly off",
            1_900_000,
            "福特召回约190万辆探险者SUV\uff0c车外饰条可能脱落",
            1_900_000,
            "repeat",
        ),
        (
            "hyundai",
            "Hyundai recalls 1.64 million vehicles and asks owners to park outdoors: the ABS "
            "module can catch fire",
            1_640_000,
            "现代汽车召回164万辆汽车\uff0c防抱死制动系统模块存在起火风险",
            1_642_551,
            "repeat",
        ),
        # one names the model, the other the part: nothing to compare, the units decide
        (
            "ford",
            "Ford recalls 142,000 Explorers",
            142_000,
            "Ford to recall 142,000 SUVs over seat belt anchors",
            142_000,
            "repeat",
        ),
        # one names nothing: the units decide
        (
            "ford",
            "Ford recalls 100,000 vehicles",
            100_000,
            "Ford recalls 100,000 F-150 pickups over rear axle bolts",
            100_000,
            "repeat",
        ),
        (
            "ford",
            "Ford Recalls 142,000 Explorer SUVs Over Seat Belt Anchor Fault",
            142_000,
            "Ford to recall about 142,000 Explorers on seat belt risk",
            142_000,
            "repeat",
        ),
        # two recalls, units within rounding: different models and parts are two events
        (
            "ford",
            "Ford recalls 100,000 F-150 pickups over a rear axle bolt",
            100_000,
            "Ford recalls 100,000 Explorer SUVs over seat belt anchors",
            100_400,
            "first",
        ),
        (
            "honda",
            "Honda recalls 750,000 vehicles over a passenger airbag sensor",
            750_000,
            "Honda recalls 750,000 vehicles over fuel pump failures",
            750_000,
            "first",
        ),
        (
            "tesla",
            "特斯拉召回1.2万辆Model S\uff0c安全气囊可能无法正常展开",
            12_000,
            "Tesla recalls 12,000 Cybertruck pickups over a windshield wiper motor",
            11_688,
            "first",
        ),
        (
            "toyota",
            "Toyota recalls 50,000 Corolla cars over airbag inflators",
            50_000,
            "Toyota recalls 50,000 RAV4 SUVs over a fuel pump defect",
            50_000,
            "first",
        ),
        (  # no figure in the second: the products alone tell them apart
            "ford",
            "Ford recalls 100,000 F-150 pickups over a rear axle bolt",
            100_000,
            "Ford recalls Explorer SUVs over seat belt anchors",
            None,
            "first",
        ),
        # an expansion may name only the models it adds: the units decide, as before
        (
            "ford",
            "Ford recalls 142,000 Explorer SUVs over seat belt anchors",
            142_000,
            "Ford expands the recall to 1.2 million vehicles, adding Aviator SUVs",
            1_200_000,
            "update",
        ),
    ],
)
def test_recalls_of_different_products_are_different_events(
    company: str,
    first: str,
    first_units: int,
    later: str,
    later_units: int | None,
    expected: str,
) -> None:
    event = opened(first, first_units, company)
    assert decide(told(later, later_units, company), [event], RULES).kind == expected


@pytest.mark.parametrize(
    ("text", "models", "components"),
    [
        ("Ford recalls 142,000 Explorer SUVs over seat belt anchors", {"explorer"}, {"seat_belt"}),
        ("Ford recalls 38,000 F-150 trucks over loose wheel nuts", {"f150"}, {"wheel"}),
        ("Explorer owners: Ford recall covers 142,000 SUVs", {"explorer"}, set()),
        ("福特召回14.2万辆探险者SUV\uff0c后排安全带可能脱落", set(), {"seat_belt"}),
        ("小米召回3万辆SU7\uff0c将通过OTA升级软件", {"su7"}, set()),  # the fix is no part
        ("Tesla recalls 2,000 Model Y over a software error", {"model y"}, {"software"}),
        ("VW recalls 20,000 ID.4 EVs; batteries may overheat", {"id4"}, {"battery"}),
        # a Title Case headline capitalises every word: only codes are read from it
        ("Ford Recalls 142,000 Explorer SUVs Over Rear Seat Belts", set(), {"seat_belt"}),
        ("Ford Recalls 38,000 F-150 Trucks", {"f150"}, set()),
        # places, days and the company's own name are not models
        ("Ford Motor recalls 100,000 Ford vehicles in Canada on Monday", set(), set()),
        # a model before "recall" counts; a brand before the verb "recalls" does not
        ("Ford expands Explorer recall to 1.2 million vehicles", {"explorer"}, set()),
        ("Lincoln recalls 10,000 vehicles; a huge recall for the brand", set(), set()),
    ],
)
def test_products_in(text: str, models: set[str], components: set[str]) -> None:
    found = products_in(text, RULES.products, "ford motor")
    assert (set(found.models), set(found.components)) == (models, components)


def test_an_expansion_naming_its_model_grows_that_recall_not_one_without_a_figure() -> None:
    # a recall told without a figure would take any report as "the same" by units alone;
    # the expansion names the model of the other recall, so it grows that one
    def first(aid: str, text: str, units: int | None) -> EventState:
        told = Report(aid, aid, "recall", "ford", Facts(units=units), T0, text)
        return start(told, decide(told, [], RULES).products)

    explorer = first("explorer", "Ford recalls 142,000 Explorer SUVs", 142_000)
    ember = first("ember", "福特召回2088辆Ember汽车", None)  # its figure missed
    grown = report(units=1_200_000, text="Ford expands Explorer recall to 1.2 million vehicles")
    for candidates in ([explorer, ember], [ember, explorer]):
        decision = decide(grown, candidates, RULES)
        assert (decision.kind, decision.event_id) == ("update", "explorer")
