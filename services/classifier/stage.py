"""The classifier's consumer loop: decode, call the pure core, publish alerts, commit."""

from datetime import UTC, datetime

import structlog
from pydantic import ValidationError

from schemas import Alert, Article
from schemas.alert import alert_id
from services.classifier.core import Rules, classify, load_rules
from services.core.bus import Bus, Record, batches
from services.core.deadletter import dead_letter
from services.core.lifecycle import StopSignal
from services.core.metrics import METRICS
from services.core.settings import Settings
from services.events.match import company_key
from services.events.rules import load_rules as event_rules

log = structlog.get_logger(__name__)

ARTICLE_CLASSIFIED = "article_classified"
ARTICLE_REJECTED = "article_rejected"
CLASSIFIER_STARTED = "classifier_started"
CLASSIFIER_STOPPED = "classifier_stopped"


def alerts_for(article: Article, rules: Rules, min_confidence: float, now: datetime) -> list[Alert]:
    """Every alert one article yields: the pure step between decoding and publishing."""
    return [
        Alert(
            id=alert_id(article.id, event),
            event=event,
            article_id=article.id,
            title=article.title,
            link=article.link,
            source=article.source or article.feed,
            feed=article.feed,
            published=article.published,
            lang=article.lang,
            first_seen=article.first_seen,
            detected_at=now,
        )
        for event in classify(article, rules)
        if event.confidence >= min_confidence
    ]


async def run(settings: Settings, bus: Bus, stop: StopSignal) -> None:
    """Consume articles until stopped (or drained); an offset is committed after its alerts."""
    rules = load_rules(settings.watchlist)
    topics = settings.kafka.topics
    consumer = await bus.consumer([topics.articles], settings.kafka.groups.classifier)
    log.info(CLASSIFIER_STARTED, watchlist=len(settings.watchlist))
    try:
        async for records in batches(consumer, stop):
            for record in records:
                await _handle(record, settings, bus, rules)
            await consumer.commit(records)
    finally:
        await consumer.close()
        log.info(CLASSIFIER_STOPPED)


async def _handle(record: Record, settings: Settings, bus: Bus, rules: Rules) -> None:
    try:
        article = Article.model_validate_json(record.value)
    except ValidationError as exc:
        reason = f"invalid article: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
        log.warning(ARTICLE_REJECTED, key=record.key, reason=reason)
        await dead_letter(bus, settings.kafka.topics.deadletter, "classifier", record, reason)
        return
    alerts = alerts_for(article, rules, settings.classifier.min_confidence, datetime.now(UTC))
    for alert in alerts:
        # keyed by company: every report of its events reaches the same notifier consumer,
        # which holds their event state (issue #12)
        key = company_key(alert.event, event_rules())
        await bus.send(settings.kafka.topics.alerts, key, alert.model_dump_json().encode())
        METRICS.inc("redflag_alerts_total", type=alert.event.type)
    METRICS.inc("redflag_articles_classified_total")
    log.info(
        ARTICLE_CLASSIFIED,
        article_id=article.id,
        feed=article.feed,
        events=[a.event.type for a in alerts],
    )
