"""`redflag health` reads heartbeat files: fresh is healthy, stale or absent is not."""

import os
from pathlib import Path

from services.core.health import check, heartbeat_path


def test_no_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    assert check(tmp_path, max_age=60)[0].startswith("no heartbeat")


def test_fresh_and_stale_heartbeats(tmp_path: Path) -> None:
    path = heartbeat_path(tmp_path, "classifier")
    other = heartbeat_path(tmp_path, "classifier", host="another-replica")
    path.parent.mkdir(parents=True)
    path.touch()
    other.touch()
    now = path.stat().st_mtime
    os.utime(other, (now - 999, now - 999))  # a hung replica elsewhere is not our problem
    assert check(tmp_path, max_age=60, now=now + 10) == []
    os.utime(path, (now - 120, now - 120))
    assert check(tmp_path, max_age=60, now=now) == [
        f"{path.name}: last heartbeat 120s ago (limit 60s)"
    ]
