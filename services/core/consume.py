"""One consume step for every stage (faststream's ack/nack/reject, arq's bounded retry):
decode the record with its message model, run the handler, retry a failing handler a few
times, then dead-letter it with one reason format; the caller commits either way.

What is dead-lettered is the message's fault: it does not decode, or the handler keeps
raising on it (a bug that this input trips). What is not the message's fault is not
dead-lettered: a `BusError` (the bus could not take the output) propagates, the record stays
uncommitted and is read again, so nothing is lost while the broker is away. Without this
step a handler's exception escaped `run()`, and on Kafka the restarted stage read the same
record again, for ever.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from pydantic import BaseModel, ValidationError

from services.core.backoff import exponential
from services.core.bus import Bus, BusError, Record
from services.core.deadletter import dead_letter

log = structlog.get_logger(__name__)

MESSAGE_REJECTED = "message_rejected"
HANDLER_FAILED = "handler_failed"
ATTEMPTS = 3  # a handler that fails this often on one record will not succeed on it
RETRY_DELAY = 0.2  # seconds before the second attempt; doubled before each later one

M = TypeVar("M", bound=BaseModel)


def reason(stage: str, error: str, message: str, attempts: int) -> str:
    """The one dead-letter reason format: stage, error class, message, attempts."""
    tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
    return f"{stage}: {error}: {message} ({tries})"


async def consume(
    record: Record,
    model: type[M],
    handle: Callable[[M], Awaitable[None]],
    *,
    stage: str,
    bus: Bus,
    deadletter: str,
    attempts: int = ATTEMPTS,
    delay: float = RETRY_DELAY,
) -> bool:
    """Decode and handle `record`; True when handled, False when dead-lettered."""
    try:
        message = model.model_validate_json(record.value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        text = f"invalid {model.__name__}: {where + ': ' if where else ''}{first['msg']}"
        why = reason(stage, "ValidationError", text, 1)
        log.warning(MESSAGE_REJECTED, stage=stage, key=record.key, reason=why)
        await dead_letter(bus, deadletter, stage, record, why)
        return False
    for attempt in range(1, attempts + 1):
        try:
            await handle(message)
        except (BusError, asyncio.CancelledError):
            raise  # not the message's fault: uncommitted, read again
        except Exception as exc:  # a handler's bug must not stop the stream
            error, text = type(exc).__name__, str(exc) or "(no message)"
            log.warning(
                HANDLER_FAILED, stage=stage, key=record.key, attempt=attempt, error=error,
                message=text[:500],
            )  # fmt: skip
            if attempt < attempts:
                await asyncio.sleep(exponential(attempt, delay, cap=10 * delay))
        else:
            return True
    why = reason(stage, error, text[:2000], attempts)
    await dead_letter(bus, deadletter, stage, record, why)
    return False
