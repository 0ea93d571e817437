"""Liveness and readiness of a running stage, for `/healthz`, `/readyz` and `redflag health`.

Liveness: the event loop still turns (a ticker notes each turn and touches a heartbeat file).
Readiness: nothing registered a reason to wait, e.g. the bus is not connected yet, a consumer
has no partitions yet, the state directory cannot be written. Parts of the stage block and
clear their own conditions on the process's `READINESS`, as metrics go to its registry.
"""

import asyncio
import socket
import threading
import time
from pathlib import Path

HEALTH_DIR = "health"
TICK = 5.0  # seconds between heartbeats
STALE_AFTER = 3 * TICK  # a loop that has not ticked for this long is not alive


class Readiness:
    """Reasons the stage is not ready yet, by condition; ready when there are none."""

    def __init__(self) -> None:
        self._waiting: dict[str, str] = {}
        self._lock = threading.Lock()
        self.last_tick: float | None = None  # monotonic time of the ticker's last turn

    def block(self, condition: str, reason: str) -> None:
        """Not ready while `condition` holds; `reason` says what the stage waits for."""
        with self._lock:
            self._waiting[condition] = reason

    def clear(self, condition: str) -> None:
        """`condition` no longer holds."""
        with self._lock:
            self._waiting.pop(condition, None)

    def reasons(self) -> list[str]:
        """What the stage waits for, sorted; empty when ready."""
        with self._lock:
            return [self._waiting[k] for k in sorted(self._waiting)]

    def alive(self, now: float | None = None) -> bool:
        """The ticker turned recently: the event loop is not blocked or dead."""
        now = time.monotonic() if now is None else now
        return self.last_tick is not None and now - self.last_tick <= STALE_AFTER


#: The process's readiness, like the metrics registry: one per process.
READINESS = Readiness()


def heartbeat_path(state_dir: Path, stage: str, host: str | None = None) -> Path:
    """Where `stage` on this host writes its heartbeat (replicas may share a volume)."""
    return state_dir / HEALTH_DIR / f"{stage}@{host or socket.gethostname()}"


async def beat_forever(
    state_dir: Path, stage: str, readiness: Readiness = READINESS, interval: float = TICK
) -> None:
    """Note each turn of the loop and touch the heartbeat file; stops when cancelled.

    The touch doubles as the state-dir check: a disk that cannot be written makes the
    stage not ready, with the reason, instead of failing later mid-delivery.
    """
    path = heartbeat_path(state_dir, stage)
    while True:
        readiness.last_tick = time.monotonic()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        except OSError as exc:
            readiness.block("state_dir", f"cannot write {path.parent}: {exc.strerror}")
        else:
            readiness.clear("state_dir")
        await asyncio.sleep(interval)


def check(
    state_dir: Path, max_age: float, now: float | None = None, host: str | None = None
) -> list[str]:
    """Problems with this host's heartbeats under `state_dir` (empty list = healthy); for a
    stage that serves no ops port (`metrics.listen` unset)."""
    now = time.time() if now is None else now
    files = sorted((state_dir / HEALTH_DIR).glob(f"*@{host or socket.gethostname()}"))
    if not files:
        return [f"no heartbeat under {state_dir / HEALTH_DIR}: no stage is running here"]
    return [
        f"{f.name}: last heartbeat {now - f.stat().st_mtime:.0f}s ago (limit {max_age:.0f}s)"
        for f in files
        if now - f.stat().st_mtime > max_age
    ]
