"""The classifier's consumer loop: decode, call the pure core, publish alerts, commit."""

from datetime import UTC, datetime

import structlog

from schemas import Alert, Article
from schemas.alert import alert_id
from services.classifier.config import Settings
from services.classifier.core import Rules, classify, load_rules
from services.classifier.metrics import ALERTS, ARTICLES_CLASSIFIED
from services.core.bus import Bus, batches
from services.core.consume import consume
from services.core.lifecycle import StopSignal
from services.core.logging import per_item
from services.events.match import company_key
from services.events.rules import load_rules as event_rules

log = structlog.get_logger(__name__)

ARTICLE_CLASSIFIED = "article_classified"
STAGE = "classifier"
per_item(ARTICLE_CLASSIFIED)
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

    async def handle(article: Article) -> None:
        await _publish(article, settings, bus, rules)

    try:
        async for records in batches(consumer, stop):
            for record in records:
                await consume(
                    record, Article, handle, stage=STAGE, bus=bus, deadletter=topics.deadletter
                )
            await consumer.commit(records)
    finally:
        await consumer.close()
        log.info(CLASSIFIER_STOPPED)


async def _publish(article: Article, settings: Settings, bus: Bus, rules: Rules) -> None:
    alerts = alerts_for(article, rules, settings.classifier.min_confidence, datetime.now(UTC))
    for alert in alerts:
        # keyed by company: every report of its events reaches the same notifier consumer,
        # which holds their event state
        key = company_key(alert.event, event_rules())
        await bus.send(settings.kafka.topics.alerts, key, alert.model_dump_json().encode())
        ALERTS.labels(type=alert.event.type).inc()
    ARTICLES_CLASSIFIED.inc()
    log.info(
        ARTICLE_CLASSIFIED,
        article_id=article.id,
        feed=article.feed,
        events=[a.event.type for a in alerts],
    )
