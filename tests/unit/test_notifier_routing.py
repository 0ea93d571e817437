"""Routing rules, critical alerts and quiet hours: pure functions, table-driven."""

from datetime import UTC, datetime, time
from typing import Any

import pytest

from schemas.alert import Alert, Event, Facts
from services.notifier.config import ChannelConfig, NotifierSettings, QuietHours
from services.notifier.routing import (
    change_pct,
    held_back,
    in_quiet_hours,
    is_critical,
    matches,
    route,
)

SETTINGS = NotifierSettings()


def alert(kind: str = "recall", lang: str | None = "en", **event: Any) -> Alert:
    fields: dict[str, Any] = {"type": kind, "confidence": 0.8, "company": "Acme Motors"}
    fields.update(event)
    return Alert(id="a", article_id="x", title="t", lang=lang, event=Event(**fields))


def channel(**rules: Any) -> ChannelConfig:
    return ChannelConfig(name="c", url="slack://T1/B1/XYZ", **rules)


RECALL_BIG = alert(facts=Facts(units=50_000), tickers=("ACME",), on_watchlist=True)
RECALL_SMALL = alert(facts=Facts(units=500))
RECALL_UNKNOWN = alert()
CRASH_DEADLY = alert("crash", facts=Facts(fatalities=2, injuries=5))
CRASH_MINOR = alert("crash", facts=Facts(fatalities=0, injuries=1))
TARGET_CUT = alert("target_change", facts=Facts(old=100, new=80), company="Beta", lang="de-DE")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({}, {"big", "small", "unknown", "deadly", "minor", "cut"}),
        ({"events": ["recall"]}, {"big", "small", "unknown"}),
        ({"events": ["crash", "target_change"]}, {"deadly", "minor", "cut"}),
        ({"watchlist_only": True}, {"big"}),
        ({"min_confidence": 0.81}, set()),
        ({"companies": ["ACME motors"]}, {"big", "small", "unknown", "deadly", "minor"}),
        ({"tickers": ["acme"]}, {"big"}),
        ({"languages": ["de"]}, {"cut"}),
        ({"languages": ["en", "de"]}, {"big", "small", "unknown", "deadly", "minor", "cut"}),
        ({"min_facts": {"units": 10_000}}, {"big", "deadly", "minor", "cut"}),
        ({"events": ["recall"], "min_facts": {"units": 10_000}}, {"big"}),
        ({"events": ["crash"], "min_facts": {"fatalities": 1}}, {"deadly"}),
        ({"min_facts": {"change_pct": 25}}, {"big", "small", "unknown", "deadly", "minor"}),
        ({"min_facts": {"change_pct": 20}}, {"big", "small", "unknown", "deadly", "minor", "cut"}),
    ],
)
def test_routing_matrix(rules: dict[str, Any], expected: set[str]) -> None:
    alerts = {
        "big": RECALL_BIG,
        "small": RECALL_SMALL,
        "unknown": RECALL_UNKNOWN,
        "deadly": CRASH_DEADLY,
        "minor": CRASH_MINOR,
        "cut": TARGET_CUT,
    }
    assert {name for name, a in alerts.items() if matches(a, channel(**rules))} == expected


def test_one_alert_can_go_to_several_channels_in_config_order() -> None:
    channels = [
        ChannelConfig(name="all", url="slack://T1/B1/XYZ"),
        ChannelConfig(name="crashes", url="slack://T1/B1/XYZ", events=("crash",)),
        ChannelConfig(name="deadly", url="tgram://1:A/2", min_facts={"fatalities": 1}),
    ]
    assert [c.name for c in route(CRASH_DEADLY, channels)] == ["all", "crashes", "deadly"]
    assert [c.name for c in route(CRASH_MINOR, channels)] == ["all", "crashes"]
    assert [c.name for c in route(RECALL_SMALL, channels)] == ["all", "deadly"]


def test_an_alert_without_a_language_fails_a_language_rule() -> None:
    assert not matches(alert(lang=None), channel(languages=["en"]))


@pytest.mark.parametrize(
    ("facts", "kind", "critical"),
    [
        (Facts(units=100_000), "recall", True),
        (Facts(units=99_999), "recall", False),
        (Facts(), "recall", False),
        (Facts(fatalities=1), "crash", True),
        (Facts(fatalities=0, injuries=40), "crash", False),
        (Facts(old=100, new=1), "target_change", False),
    ],
)
def test_critical(facts: Facts, kind: str, critical: bool) -> None:
    assert is_critical(alert(kind, facts=facts), SETTINGS) is critical


@pytest.mark.parametrize(
    ("old", "new", "pct"), [(100, 80, -20.0), (80, 100, 25.0), (0, 5, None), (None, 5, None)]
)
def test_change_pct(old: float | None, new: float | None, pct: float | None) -> None:
    assert change_pct(Facts(old=old, new=new)) == pct


BERLIN_NIGHT = QuietHours(start=time(22), end=time(7), timezone="Europe/Berlin")
UTC_LUNCH = QuietHours(start=time(12), end=time(13))


@pytest.mark.parametrize(
    ("quiet", "now", "inside"),
    [
        (BERLIN_NIGHT, datetime(2025, 1, 10, 21, 30, tzinfo=UTC), True),  # 22:30 in Berlin
        (BERLIN_NIGHT, datetime(2025, 1, 10, 5, 59, tzinfo=UTC), True),  # 06:59
        (BERLIN_NIGHT, datetime(2025, 1, 10, 6, 0, tzinfo=UTC), False),  # 07:00
        (BERLIN_NIGHT, datetime(2025, 7, 10, 20, 30, tzinfo=UTC), True),  # summer time: 22:30
        (UTC_LUNCH, datetime(2025, 1, 10, 12, 0, tzinfo=UTC), True),
        (UTC_LUNCH, datetime(2025, 1, 10, 13, 0, tzinfo=UTC), False),
        (None, datetime(2025, 1, 10, 12, 0, tzinfo=UTC), False),
    ],
)
def test_quiet_hours(quiet: QuietHours | None, now: datetime, inside: bool) -> None:
    assert in_quiet_hours(quiet, now) is inside


@pytest.mark.parametrize(
    ("rules", "a", "held"),
    [
        ({"digest": {"every": "10m"}}, RECALL_SMALL, True),
        ({"digest": {"every": "10m"}}, CRASH_DEADLY, False),  # critical: straight through
        ({"quiet_hours": {"start": "12:00", "end": "13:00"}}, RECALL_SMALL, True),
        ({"quiet_hours": {"start": "12:00", "end": "13:00"}}, CRASH_DEADLY, False),
        ({}, RECALL_SMALL, False),
    ],
)
def test_held_back(rules: dict[str, Any], a: Alert, held: bool) -> None:
    noon = datetime(2025, 1, 10, 12, 30, tzinfo=UTC)
    assert held_back(a, channel(**rules), SETTINGS, noon) is held


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "slak://x", "unknown apprise scheme 'slak'"),
        ("rate_limit", "fast", "not a rate"),
        ("quiet_hours", {"start": "22:00", "end": "07:00", "timezone": "Mars/Base"}, "time zone"),
    ],
)
def test_bad_channel_config_names_the_problem(field: str, value: Any, message: str) -> None:
    raw: dict[str, Any] = {"name": "c", "url": "slack://T1/B1/XYZ", field: value}
    with pytest.raises(ValueError, match=message):
        ChannelConfig(**raw)
