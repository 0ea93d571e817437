"""Runners: all stages in one process on the SQLite bus, or one stage on Kafka.

Both call the same stage `run()` functions; only the bus differs.
"""

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from typing import TextIO

import structlog

from services.classifier import stage as classifier
from services.core.bus import Bus
from services.core.health import beat_forever, heartbeat_path
from services.core.kafkabus import KafkaBus
from services.core.kafkaconnect import StopRequested
from services.core.lifecycle import StopSignal
from services.core.metrics import serve as serve_metrics
from services.core.settings import Settings
from services.core.sqlitebus import SqliteBus
from services.notifier import stage as notifier
from services.poller import stage as poller

log = structlog.get_logger(__name__)

STAGE_STARTED = "stage_started"
STAGE_STOPPED = "stage_stopped"
SHUTDOWN_REQUESTED = "shutdown_requested"

StageRun = Callable[[Settings, Bus, StopSignal], Awaitable[None]]
STAGES: dict[str, StageRun] = {
    "poller": poller.run,
    "classifier": classifier.run,
    "notifier": notifier.run,
}


def install_signal_handlers(stop: asyncio.Event) -> None:
    """SIGTERM/SIGINT: stop taking work, drain, commit, close (STYLE.md habit 8)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, _request_stop, stop, sig)


def _request_stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info(SHUTDOWN_REQUESTED, signal=sig.name)
    stop.set()


@contextlib.asynccontextmanager
async def _running(settings: Settings, name: str):  # type: ignore[no-untyped-def]
    """Liveness file while the stage runs, and `/metrics` when configured."""
    task = asyncio.create_task(beat_forever(settings.state_dir, name))
    exporter = await serve_metrics(settings.metrics.listen) if settings.metrics.listen else None
    try:
        yield
    finally:
        if exporter is not None:
            await exporter.cleanup()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        heartbeat_path(settings.state_dir, name).unlink(missing_ok=True)


async def run_stage(name: str, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """One stage on Kafka, until SIGTERM/SIGINT."""
    stop = stop or asyncio.Event()
    install_signal_handlers(stop)
    try:
        async with KafkaBus(settings.kafka, stop) as bus, _running(settings, name):
            log.info(STAGE_STARTED, stage=name, bootstrap=settings.kafka.bootstrap_servers)
            await STAGES[name](settings, bus, StopSignal(stop=stop))
    except StopRequested:
        pass  # stopped while waiting for the broker: nothing ran, nothing to drain
    log.info(STAGE_STOPPED, stage=name)


async def run_embedded(
    settings: Settings,
    *,
    once: bool = False,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
) -> None:
    """All stages in this process on the SQLite bus in `state_dir`.

    once=True polls each feed once and returns when every alert has been handled: each
    stage is told to drain when the stage before it has returned.
    """
    stop = stop or asyncio.Event()
    if not once:
        install_signal_handlers(stop)
    signals = {name: StopSignal(stop=stop) for name in STAGES}
    bus = SqliteBus(settings.state_dir / "bus.db")
    async with bus, _running(settings, "run"):
        log.info(STAGE_STARTED, stage="embedded", feeds=len(settings.feeds))

        async def chain(name: str, run: Awaitable[None], nxt: str | None) -> None:
            try:
                await run
            finally:
                if nxt is not None:
                    signals[nxt].drain.set()

        runs = {
            "poller": poller.run(settings, bus, signals["poller"], once=once),
            "classifier": classifier.run(settings, bus, signals["classifier"]),
            "notifier": notifier.run(settings, bus, signals["notifier"], out=out),
        }
        order = list(runs)
        async with asyncio.TaskGroup() as group:
            for i, name in enumerate(order):
                nxt = order[i + 1] if i + 1 < len(order) else None
                group.create_task(chain(name, runs[name], nxt))
        log.info(STAGE_STOPPED, stage="embedded")
