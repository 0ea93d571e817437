"""Liveness for Compose: a running stage touches a heartbeat file; `redflag health` reads it."""

import asyncio
import socket
import time
from pathlib import Path

HEALTH_DIR = "health"


def heartbeat_path(state_dir: Path, stage: str, host: str | None = None) -> Path:
    """Where `stage` on this host writes its heartbeat (replicas may share a volume)."""
    return state_dir / HEALTH_DIR / f"{stage}@{host or socket.gethostname()}"


async def beat_forever(state_dir: Path, stage: str, interval: float = 5.0) -> None:
    """Touch the heartbeat file every `interval` seconds; stops when cancelled.

    A blocked event loop stops beating too, which is what a health check should see.
    """
    path = heartbeat_path(state_dir, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        path.touch()
        await asyncio.sleep(interval)


def check(
    state_dir: Path, max_age: float, now: float | None = None, host: str | None = None
) -> list[str]:
    """Problems with this host's heartbeats under `state_dir` (empty list = healthy)."""
    now = time.time() if now is None else now
    files = sorted((state_dir / HEALTH_DIR).glob(f"*@{host or socket.gethostname()}"))
    if not files:
        return [f"no heartbeat under {state_dir / HEALTH_DIR}: no stage is running here"]
    return [
        f"{f.name}: last heartbeat {now - f.stat().st_mtime:.0f}s ago (limit {max_age:.0f}s)"
        for f in files
        if now - f.stat().st_mtime > max_age
    ]
