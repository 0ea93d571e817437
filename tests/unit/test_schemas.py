"""Committed JSON Schema files equal the models; messages are strict and round-trip."""

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from schemas import Alert, Article, Delivery, Event, Facts
from schemas.alert import alert_id
from schemas.delivery import MAX_BODY
from schemas.generate import JSON_DIR, MODELS, render


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_schema_file_equals_model(name: str) -> None:
    committed = (JSON_DIR / name).read_text(encoding="utf-8")
    assert committed == render(MODELS[name]), f"run `python -m schemas.generate` ({name} is stale)"


def test_article_rejects_unknown_fields_and_naive_dates() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Article.model_validate({"id": "a", "feed": "f", "colour": "red"})
    with pytest.raises(ValidationError, match="timezone"):
        Article(id="a", feed="f", published=datetime(2026, 1, 1))


def test_alert_round_trips_through_json() -> None:
    event = Event(
        type="target_change",
        confidence=0.9,
        company="BYD",
        tickers=("1211.HK",),
        facts=Facts(metric="sales", direction="raise", old=5_000_000, new=5_500_000),
    )
    alert = Alert(
        id=alert_id("art-1", event),
        event=event,
        article_id="art-1",
        published=datetime(2026, 11, 19, tzinfo=UTC),
    )
    assert Alert.model_validate_json(alert.model_dump_json()) == alert


def test_alert_id_is_stable_and_distinguishes_events() -> None:
    recall = Event(type="recall", confidence=0.9, company="Toyota")
    crash = Event(type="crash", confidence=0.9, company="Toyota")
    assert alert_id("a", recall) == alert_id("a", recall.model_copy(update={"confidence": 0.5}))
    assert alert_id("a", recall) != alert_id("a", crash)
    assert alert_id("a", recall) != alert_id("b", recall)
    # an article edited under the same guid: new figures are a new alert, none the same one
    grown = recall.model_copy(update={"facts": Facts(units=120_000)})
    assert alert_id("a", recall) != alert_id("a", grown)


def test_contract_omits_unset_facts_and_keeps_numbers_numeric() -> None:
    event = Event(type="recall", confidence=0.91234, facts=Facts(units=116887))
    assert event.contract() == {
        "type": "recall",
        "confidence": 0.912,
        "company": None,
        "tickers": [],
        "facts": {"units": 116887},
        "evidence": "",
    }


def test_delivery_round_trips_and_bounds_its_message() -> None:
    event = Event(type="recall", confidence=0.9, company="Ford")
    alert = Alert(id="a1", event=event, article_id="art-1")
    delivery = Delivery(
        channel="tg", alert=alert, body="<b>Ford</b>", body_format="html", level="warning"
    )
    assert Delivery.model_validate_json(delivery.model_dump_json()) == delivery
    with pytest.raises(ValidationError, match="body"):
        Delivery(
            channel="tg", alert=alert, body="x" * (MAX_BODY + 1), body_format="text", level="info"
        )
    with pytest.raises(ValidationError, match="channel"):
        Delivery(channel="c" * 201, alert=alert, body="x", body_format="text", level="info")


def test_a_delivery_from_before_shown_and_digests_still_parses() -> None:
    """Records already in the deliveries topic when the fields were added."""
    event = Event(type="recall", confidence=0.9, company="Ford")
    alert = Alert(id="a1", event=event, article_id="art-1")
    old = {
        "schema_version": 1,
        "channel": "tg",
        "alert": alert.model_dump(mode="json"),
        "title": "",
        "body": "x",
        "body_format": "text",
        "level": "info",
        "reply_to": None,
        "plain": True,
    }
    delivery = Delivery.model_validate_json(json.dumps(old))
    assert (delivery.log_key, delivery.shown, delivery.alerts) == ("a1", None, ())


def test_a_delivery_names_its_alert_or_a_digests_key_and_alerts() -> None:
    event = Event(type="recall", confidence=0.9, company="Ford")
    alert = Alert(id="a1", event=event, article_id="art-1")
    digest = Delivery(
        channel="tg", key="digest:b1", alerts=(alert,), body="x", body_format="text", level="info"
    )
    assert Delivery.model_validate_json(digest.model_dump_json()).log_key == "digest:b1"
    with pytest.raises(ValidationError, match="alert"):
        Delivery(channel="tg", key="digest:b1", body="x", body_format="text", level="info")
