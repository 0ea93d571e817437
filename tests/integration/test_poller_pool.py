"""The parse pool's workers leave with their poller, even when it is killed with SIGKILL,
and multiprocessing's resource tracker cleans up after it without a "leaked" warning."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLLER = """
import asyncio
from multiprocessing import resource_tracker
from services.poller.config import PollerSettings
from services.poller.parser import ParseJob
from services.poller.pool import ParserPool

FEED = b'<rss version="2.0"><channel><title>t</title></channel></rss>'

async def main() -> None:
    async with ParserPool(PollerSettings(), workers=2) as pool:
        await pool.parse(ParseJob(body=FEED, url="http://127.0.0.1/", feed_key="k", now=0.0))
        print(*pool.worker_pids(), flush=True)
        print(resource_tracker._resource_tracker._pid, flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_workers_exit_when_the_poller_is_killed(tmp_path: Path) -> None:
    stderr = (tmp_path / "stderr").open("w")  # the poller's, inherited by its helpers
    proc = subprocess.Popen(
        [sys.executable, "-c", POLLER], cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
    )
    stderr.close()
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    tracker = int(proc.stdout.readline())
    assert workers, "the pool should have started its workers"
    assert all(running(pid) for pid in workers)
    proc.kill()  # no clean-up runs in the poller
    proc.wait(10)
    proc.stdout.close()
    deadline = time.monotonic() + 15
    while any(running(pid) for pid in workers):
        assert time.monotonic() < deadline, [pid for pid in workers if running(pid)]
        time.sleep(0.2)
    while running(tracker):  # it leaves once the forkserver and workers have gone
        assert time.monotonic() < deadline, "the resource tracker outlived the pool"
        time.sleep(0.2)
    assert "leaked semaphore" not in (tmp_path / "stderr").read_text()
