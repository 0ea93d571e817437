"""The four seed pages the product was described with give exactly the events their README lists.

A seed page is a whole scraped page: its first line is the title, the rest the content.
Skipped when ../shared (beside the repository) is absent.
"""

from pathlib import Path

import pytest

from schemas.alert import Event
from services.classifier.core import classify, load_rules

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

pytestmark = pytest.mark.shared


class Page:
    def __init__(self, path: Path) -> None:
        self.title, _, self.content = path.read_text(encoding="utf-8").partition("\n")
        self.summary, self.lang = "", None


def events(name: str) -> list[Event]:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent")
    [path] = SEEDS.glob(f"{name}_*.txt")
    return classify(Page(path), load_rules())


def by_type(found: list[Event]) -> dict[str, Event]:
    return {e.type: e for e in found}


def test_000_xiaomi_recall_of_116887_su7() -> None:
    found = by_type(events("000"))
    assert set(found) - {"crash"} == {"recall"}  # the March crash is background: acceptable
    recall = found["recall"]
    assert recall.company == "Xiaomi"
    assert recall.facts.units == 116887


def test_001_xiaomi_raises_2025_delivery_target() -> None:
    found = by_type(events("001"))
    assert set(found) - {"crash"} == {"target_change"}
    target = found["target_change"]
    assert target.company == "Xiaomi"
    assert (target.facts.metric, target.facts.direction) == ("deliveries", "raise")
    assert (target.facts.old, target.facts.new, target.facts.period) == (350000, 400000, "FY2025")


def test_002_event_preview_gives_nothing() -> None:
    assert events("002") == []  # "front crash beam", "anti-collision beams", patents


def test_003_feature_with_raised_target_and_appended_stories() -> None:
    found = by_type(events("003"))
    assert set(found) - {"crash"} == {"target_change"}
    target = found["target_change"]
    assert target.company == "Xiaomi"
    assert (target.facts.metric, target.facts.direction) == ("deliveries", "raise")
    assert (target.facts.old, target.facts.new) == (300000, 350000)


def test_seeds_with_watchlist_carry_the_ticker() -> None:
    from services.classifier.config import Company  # noqa: PLC0415 - only this test needs it

    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent")
    rules = load_rules([Company(company="Xiaomi", tickers=("1810.HK",), aliases=("小米",))])
    [path] = SEEDS.glob("000_*.txt")
    recall = by_type(classify(Page(path), rules))["recall"]
    assert (recall.company, recall.tickers, recall.on_watchlist) == ("Xiaomi", ("1810.HK",), True)
