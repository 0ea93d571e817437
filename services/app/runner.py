"""Runners: all stages in one process on the SQLite bus, or one stage on Kafka.

Both call the same stage `run()` functions; only the bus differs.

Shutdown (STYLE.md habit 8, docs/deploy.md): the first SIGTERM/SIGINT stops taking work and
drains for at most `poller.shutdown_grace` plus `DRAIN_MARGIN` seconds; past that bound, or
at a second signal, the process exits at once. Exiting at once is as safe as a kill -9,
which every stage is built to survive: nothing is lost, nothing is sent twice.
"""

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

import structlog

from services.app.settings import Settings
from services.classifier import stage as classifier
from services.core.bus import Bus
from services.core.health import READINESS, beat_forever, heartbeat_path
from services.core.kafkabus import KafkaBus
from services.core.kafkaconnect import StopRequested
from services.core.lifecycle import StopSignal
from services.core.metrics import total
from services.core.opsserver import serve as serve_ops
from services.core.sqlitebus import SqliteBus
from services.notifier import stage as notifier
from services.poller import stage as poller

log = structlog.get_logger(__name__)

STAGE_STARTED = "stage_started"
STAGE_STOPPED = "stage_stopped"
SHUTDOWN_REQUESTED = "shutdown_requested"
SHUTDOWN_FORCED = "shutdown_forced"
RUN_SUMMARY = "run_summary"
DRAIN_MARGIN = 5.0  # seconds, after the poller's grace, for the later stages to finish
EXIT_FORCED = 1

StageRun = Callable[[Settings, Bus, StopSignal], Awaitable[None]]
STAGES: dict[str, StageRun] = {
    "poller": poller.run,
    "classifier": classifier.run,
    "notifier": notifier.run,
}


@contextlib.contextmanager
def signal_handlers(stop: asyncio.Event, bound: float) -> Iterator[None]:
    """First SIGTERM/SIGINT: drain within `bound` seconds; a second one: exit now."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, _request_stop, stop, sig, bound)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _request_stop(stop: asyncio.Event, sig: signal.Signals, bound: float) -> None:
    if stop.is_set():
        _exit_now(f"second {sig.name}")
    log.info(SHUTDOWN_REQUESTED, signal=sig.name, drain_bound_seconds=bound)
    stop.set()
    asyncio.get_running_loop().call_later(bound, _exit_now, f"drain took over {bound:g}s")


def _exit_now(why: str) -> None:
    log.warning(SHUTDOWN_FORCED, reason=why)
    os._exit(EXIT_FORCED)  # skips cleanup on purpose: as safe as a kill -9, and prompt


def drain_bound(settings: Settings) -> float:
    """Seconds the first SIGTERM may take before the process exits anyway."""
    return settings.poller.shutdown_grace + DRAIN_MARGIN


@contextlib.asynccontextmanager
async def _running(settings: Settings, name: str) -> AsyncIterator[None]:
    """Heartbeat and liveness ticker while the stage runs, and the ops port when configured."""
    task = asyncio.create_task(beat_forever(settings.state_dir, name))
    listen = settings.metrics.listen
    ops = await serve_ops(listen, name) if listen else None
    try:
        yield
    finally:
        if ops is not None:
            await ops.cleanup()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        heartbeat_path(settings.state_dir, name).unlink(missing_ok=True)


async def run_stage(name: str, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """One stage on Kafka, until SIGTERM/SIGINT."""
    stop = stop or asyncio.Event()
    READINESS.block("bus", f"connecting to Kafka at {settings.kafka.bootstrap_servers}")
    with signal_handlers(stop, drain_bound(settings)):
        await _run_stage(name, settings, stop)


async def _run_stage(name: str, settings: Settings, stop: asyncio.Event) -> None:
    try:
        async with _running(settings, name), KafkaBus(settings.kafka, stop) as bus:
            READINESS.clear("bus")
            log.info(STAGE_STARTED, stage=name, bootstrap=settings.kafka.bootstrap_servers)
            await STAGES[name](settings, bus, StopSignal(stop=stop))
    except StopRequested:
        pass  # stopped while waiting for the broker: nothing ran, nothing to drain
    log.info(STAGE_STOPPED, stage=name)


@dataclass(frozen=True)
class RunSummary:
    """What one `redflag run --once` did, for its last line and its exit status."""

    feeds: int
    failed: int
    articles: int
    too_old: int
    alerts: int
    delivered: int
    dead_lettered: int

    def line(self) -> str:
        """One line a cron job's mail or a script's log can show."""
        old = f" ({self.too_old} older than poller.max_age, skipped)" if self.too_old else ""
        return (
            f"polled {self.feeds} feeds ({self.failed} failed), {self.articles} new "
            f"articles{old}, {self.alerts} alerts, {self.delivered} delivered, "
            f"{self.dead_lettered} dead-lettered"
        )

    @property
    def ok(self) -> bool:
        """False when every feed failed or a delivery was dead-lettered."""
        return not (self.feeds and self.failed == self.feeds) and not self.dead_lettered


def _counts() -> dict[str, float]:
    return {
        "ok": total("redflag_polls_total", result="ok"),
        "failed": total("redflag_polls_total", result="error"),
        "articles": total("redflag_articles_published_total"),
        "too_old": total("redflag_entries_too_old_total"),
        "alerts": total("redflag_alerts_total"),
        "delivered": total("redflag_deliveries_total", outcome="delivered"),
        "dead": total("redflag_deliveries_total", outcome="dead"),
    }


async def run_embedded(
    settings: Settings,
    *,
    once: bool = False,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
) -> RunSummary:
    """All stages in this process on the SQLite bus in `state_dir`.

    once=True polls each enabled feed now, whatever its schedule, and returns when every
    alert has been handled: each stage is told to drain when the stage before it returned.
    """
    stop = stop or asyncio.Event()
    before = _counts()
    with signal_handlers(stop, drain_bound(settings)):
        await _run_embedded(settings, once=once, stop=stop, out=out)
    after = _counts()
    d = {k: int(after[k] - before[k]) for k in after}
    summary = RunSummary(
        feeds=d["ok"] + d["failed"], failed=d["failed"], articles=d["articles"],
        too_old=d["too_old"], alerts=d["alerts"], delivered=d["delivered"],
        dead_lettered=d["dead"],
    )  # fmt: skip
    if once:
        log.info(RUN_SUMMARY, **summary.__dict__)
    return summary


async def _run_embedded(
    settings: Settings, *, once: bool, stop: asyncio.Event, out: TextIO | None
) -> None:
    signals = {name: StopSignal(stop=stop) for name in STAGES}
    bus = SqliteBus(settings.state_dir / "bus.db")
    READINESS.block("bus", f"opening the embedded bus in {settings.state_dir}")
    async with _running(settings, "run"), bus:
        READINESS.clear("bus")
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
