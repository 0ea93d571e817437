"""What each channel gets for a report of an event, and the reply / UPDATE views (#12)."""

from datetime import UTC, datetime

import pytest

from schemas.alert import Alert, Event, Facts
from services.events.match import Decision
from services.notifier.eventviews import plan, reply_view, update_of, update_view
from services.notifier.render import render
from services.notifier.view import view


@pytest.mark.parametrize(
    ("kind", "mode", "opener", "threads", "expected"),
    [
        ("first", "thread", True, True, "alert"),
        ("first", "update_only", True, False, "alert"),
        ("repeat", "thread", False, True, "reply"),
        ("repeat", "thread", False, False, "none"),  # a webhook: counted only
        ("repeat", "update_only", False, True, "none"),
        ("repeat", "every_report", False, True, "alert"),
        ("repeat", "thread", True, True, "alert"),  # the first of its event on this channel
        ("update", "thread", False, True, "update"),
        ("update", "thread", False, False, "update"),  # top-level where it cannot thread
        ("update", "update_only", False, True, "update"),
        ("update", "every_report", False, True, "alert"),
        ("edit", "thread", False, True, "none"),
        ("edit", "every_report", False, True, "none"),
    ],
)
def test_plan(kind: str, mode: str, opener: bool, threads: bool, expected: str) -> None:
    assert plan(kind, mode, opener=opener, threads=threads) == expected  # type: ignore[arg-type]


def _alert(kind: str, facts: Facts) -> Alert:
    event = Event(type=kind, confidence=0.9, company="Ford Motor", tickers=("F",), facts=facts)  # type: ignore[arg-type]
    return Alert(id="a", article_id="x", title="Ford expands recall", source="Reuters", event=event)


def test_update_shows_old_to_new() -> None:
    alert = _alert("recall", Facts(units=1_200_000))
    decision = Decision("update", "ev", Facts(units=100_000), Facts(units=1_200_000))
    text = render(update_view(view(alert), "recall", decision), "text").body
    assert "Units: 100,000 → 1,200,000" in text
    crash = _alert("crash", Facts(fatalities=5, injuries=9))
    decision = Decision(
        "update", "ev", Facts(fatalities=3, injuries=9), Facts(fatalities=5, injuries=9)
    )
    v = update_view(view(crash), "crash", decision)
    assert v.badge == "UPDATE · CRASH" and [f.value for f in v.facts] == ["3 → 5"]


def test_an_update_outside_its_thread_names_the_alert_it_updates() -> None:
    # in a digest: 'Update of <first headline> (<its time>)', the headline cleaned and cut
    at = datetime(2026, 3, 4, 14, 5, tzinfo=UTC).timestamp()
    of = update_of("Ford recalls 142,000\nExplorer SUVs " + "x" * 100, at)
    assert of.startswith("Ford recalls 142,000 Explorer SUVs x")
    assert of.endswith("… (2026-03-04 14:05 UTC)") and len(of) == 80 + len(
        " (2026-03-04 14:05 UTC)"
    )
    alert = _alert("recall", Facts(units=1_200_000))
    decision = Decision("update", "ev", Facts(units=100_000), Facts(units=1_200_000))
    v = update_view(view(alert), "recall", decision, of)
    assert [(f.label, f.value) for f in v.facts] == [
        ("Units", "100,000 → 1,200,000"),
        ("Update of", of),
    ]


def test_reply_counts_reports_and_names_sources() -> None:
    v = reply_view(view(_alert("recall", Facts(units=5))), 3, ("Reuters", "财联社", "CNBC"))
    assert v.badge == "REPORT 3"
    assert [f.value for f in v.facts] == ["Reuters, 财联社, CNBC"]
    many = reply_view(view(_alert("recall", Facts())), 12, tuple(f"S{i}" for i in range(12)))
    assert many.facts[0].value.startswith("+4 more, S4")
