"""Parsing off the event loop: a process pool sized to the cores, each parse bounded.

feedparser takes tens of milliseconds per feed and holds the GIL, so it runs in worker
processes and a slow parse never delays fetching. Inside a worker an interval timer stops a
parse that overruns `parse_timeout` and RLIMIT_AS caps its memory; should a worker still
not answer (stuck in C), the pool is killed and replaced. A worker whose poller is gone
(kill -9) exits by itself: it would otherwise wait on its task queue for ever, and keep the
forkserver alive with it.
"""

import asyncio
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from types import FrameType, TracebackType
from typing import Self

import structlog

from services.poller.config import PollerSettings
from services.poller.errors import ParseFailed
from services.poller.parser import ParsedFeed, ParseJob, parse_feed

log = structlog.get_logger(__name__)

POOL_REPLACED = "parser_pool_replaced"
_GRACE = 5.0  # seconds past parse_timeout before the pool itself is replaced
_TRACKER_QUIET = "ignore:resource_tracker:UserWarning:multiprocessing.resource_tracker"
_PARENT_CHECK = 1.0  # seconds between a worker's checks that its poller still runs


def _init_worker(memory_bytes: int, poller: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    watch = threading.Thread(target=_exit_without, args=(poller,), name="poller-watch")
    watch.daemon = True
    watch.start()  # before the memory cap: the thread's stack counts against it
    try:
        import resource  # noqa: PLC0415  (POSIX only)

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass


def _exit_without(poller: int) -> None:
    """Leave when the poller process is gone (its workers are the forkserver's children)."""
    while True:
        time.sleep(_PARENT_CHECK)
        try:
            os.kill(poller, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # a live process of another user: still there
            pass


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker without its "leaked semaphore" warning.

    The pool's queues hold five named POSIX semaphores, registered with the tracker so that
    it unlinks them should the poller die without doing so; a kill -9 is exactly that case,
    and the tracker then cleans up and warns. Here that is the design working, not a leak,
    so the tracker (a separate process, which takes its warning filters from
    `sys.warnoptions` when it is launched) is started with that one warning ignored.
    """
    from multiprocessing import resource_tracker  # noqa: PLC0415 - not needed otherwise

    sys.warnoptions.append(_TRACKER_QUIET)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions.remove(_TRACKER_QUIET)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError


def bounded_parse(job: ParseJob, timeout: float) -> ParsedFeed:
    """Run `parse_feed` under a wall-clock limit (in the worker's main thread)."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return parse_feed(job)
    except TimeoutError:
        raise ParseFailed(f"parse took longer than {timeout:g} s") from None
    except MemoryError:
        raise ParseFailed("parse ran out of memory") from None
    except RecursionError:
        raise ParseFailed("document nests too deeply") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class ParserPool:
    """`await pool.parse(job)`: ParsedFeed, or a FeedError naming why not."""

    def __init__(
        self, settings: PollerSettings, workers: int | None = None, grace: float = _GRACE
    ) -> None:
        self.workers = workers or settings.parse_workers or os.cpu_count() or 1
        self.timeout = settings.parse_timeout
        self.grace = grace
        self.memory = settings.parse_memory_mb * 1024 * 1024
        self._executor: ProcessPoolExecutor | None = None
        self.replaced = 0  # pools killed and replaced because a worker hung or died
        # At most one job per worker is handed over: a job's clock starts when a worker
        # can take it, so waiting behind a busy pool never counts against its timeout.
        self._slots: asyncio.Semaphore | None = None

    def _start(self) -> ProcessPoolExecutor:
        _quiet_resource_tracker()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["services.poller.parser"])
        return ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.memory, os.getpid()),
        )

    async def __aenter__(self) -> Self:
        self._executor = self._start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _replace(self, broken: ProcessPoolExecutor, reason: str) -> None:
        if self._executor is not broken:
            return  # another task already replaced it
        log.warning(POOL_REPLACED, reason=reason)
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start()
        self.replaced += 1

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        executor = self._executor
        return sorted(getattr(executor, "_processes", {}) or {}) if executor else []

    async def parse(self, job: ParseJob) -> ParsedFeed:
        """Parse in a worker; ParseFailed when it overran or the worker died."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:
            return await self._parse(job)

    async def _parse(self, job: ParseJob) -> ParsedFeed:
        executor = self._executor
        assert executor is not None, "use `async with ParserPool(...)`"
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(executor, bounded_parse, job, self.timeout)
        try:
            return await asyncio.wait_for(future, self.timeout + self.grace)
        except TimeoutError:
            self._replace(executor, "a worker did not answer")
            raise ParseFailed(
                f"parser worker did not answer in {self.timeout + self.grace:g} s"
            ) from None
        except BrokenExecutor:
            self._replace(executor, "a worker died")
            raise ParseFailed("parser worker died (out of memory?)") from None
