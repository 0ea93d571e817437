"""Giving up on a message: why (refused, past `max_delay`, past `max_attempts`) and the dead
letter that says so.

Apart from the worker's send loop (delivery.py), which only decides *when* to give up: the
reason's wording and the dead letter's shape (the record itself, or a digest's alerts) are
what ops and `redflag deadletter` read, and change for their own reasons.
"""

from datetime import UTC, datetime

from schemas import DeadLetter
from services.core.backoff import exponential
from services.core.bus import Bus
from services.core.deadletter import dead_letter
from services.core.redact import redact_urls
from services.core.settings import Topics
from services.notifier.answers import Outcome
from services.notifier.config import NotifierSettings
from services.notifier.jobs import STAGE, Job
from services.notifier.view import delayed


def why_dead(channel: str, last: Outcome, attempts: int, *, capped: bool, within: float) -> str:
    """The dead letter's reason (URLs redacted): the channel, why it gave up, the last answer.
    `capped`: `max_attempts` ran out; else, unless refused, `within` seconds passed."""
    if last.permanent:
        why = "refused, not retried"
    elif capped:
        why = f"not delivered after {attempts} attempts"
    else:
        span = delayed(within).removeprefix("delayed ")
        why = f"not delivered within {span} ({attempts} attempts)"
    return redact_urls(f"channel {channel!r}: {why}: {last.reason}")


async def letter(bus: Bus, topics: Topics, job: Job, reason: str) -> None:
    """The job's alert (or digest) on the dead-letter topic, with the reason."""
    if job.ticket is not None and job.ticket.record is not None:
        await dead_letter(bus, topics.deadletter, STAGE, job.ticket.record, reason)
        return
    payload = "[" + ",".join(a.model_dump_json() for a in job.alerts) + "]"
    letter = DeadLetter(
        stage=STAGE,
        reason=reason,
        topic=topics.alerts,
        key=job.key,
        payload=payload,
        at=datetime.now(UTC),
    )
    await bus.send(topics.deadletter, job.key, letter.model_dump_json().encode())


def attempts_budget(cfg: NotifierSettings) -> float | None:
    """About how long `max_attempts` tries last (the back-off between them, unjittered), or
    None when no attempt cap is set."""
    if cfg.max_attempts is None:
        return None
    return sum(
        exponential(n, cfg.backoff_base, cfg.backoff_max) for n in range(1, cfg.max_attempts)
    )
