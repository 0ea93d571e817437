"""structlog set up as its docs advise: console on a TTY, JSON otherwise, secrets masked.

Every value of every log line, ours and stdlib's (aiokafka, apprise), passes through
`redact`, so a chat URL that slips into an exception message still never reaches a log.
"""

import logging
import sys
from collections.abc import Callable, MutableMapping
from typing import Any, TextIO

import structlog

from services.core.logfilter import RepeatFilter
from services.core.redact import redact_urls
from services.core.settings import LogSettings

Redactor = Callable[[str], str]
#: Libraries whose warnings matter but whose chatter does not (and which repeat themselves).
NOISY = ("aiokafka", "apprise", "kafka")

#: Events logged once per article or alert. JSON logs keep them at info (the canonical line
#: per item per stage); a person at a terminal sees them only at debug, so alerts and the
#: poller's one line per round stand out. Stages register theirs with `per_item()`.
_PER_ITEM: set[str] = set()


def per_item(*events: str) -> None:
    """Mark `events` as per-item lines: shown on the console only at `log.level: debug`."""
    _PER_ITEM.update(events)


def _drop_per_item(
    _logger: Any, name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    if name == "info" and event_dict.get("event") in _PER_ITEM:
        raise structlog.DropEvent
    return event_dict


def _scrub(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, BaseException):
        return redact(f"{type(value).__name__}: {value}")
    if isinstance(value, dict):
        return {k: _scrub(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, redact) for v in value]
    return value


def make_redact_processor(redact: Redactor) -> structlog.types.Processor:
    """A processor that masks secrets in every field, including rendered tracebacks."""

    def processor(
        _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key, value in event_dict.items():
            event_dict[key] = _scrub(value, redact)
        return event_dict

    return processor


def configure_logging(settings: LogSettings, stream: TextIO | None = None) -> None:
    """Install structlog and route stdlib logging through the same processors."""
    stream = stream or sys.stderr
    console = settings.format == "console" or (settings.format == "auto" and stream.isatty())
    redact = make_redact_processor(redact_urls)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact,
    ]
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer(colors=stream.isatty())
        if console
        else structlog.processors.JSONRenderer()
    )
    quiet: list[structlog.types.Processor] = (
        [_drop_per_item] if console and settings.level != "debug" else []
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *quiet,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.addFilter(RepeatFilter(NOISY))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level.upper())
    # chatty libraries: their warnings matter, their debug chatter does not
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
