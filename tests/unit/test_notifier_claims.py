"""Replicas sharing one delivery log: a send is claimed atomically, never made twice."""

import subprocess
import sys
import time
from pathlib import Path

from services.notifier.deliverylog import (
    ATTEMPTING,
    DELIVERED,
    FAILED,
    UNCERTAIN,
    DeliveryLog,
)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_replica_mid_send_blocks_the_other(tmp_path: Path) -> None:
    a = DeliveryLog(tmp_path / "n.db", owner="host-1:100")
    b = DeliveryLog(tmp_path / "n.db", owner="host-2:200")
    assert a.claim("alert", "slack", lease=60) is None
    assert b.claim("alert", "slack", lease=60) == ATTEMPTING
    a.mark("alert", "slack", DELIVERED)
    assert b.claim("alert", "slack", lease=60) == DELIVERED


def test_a_failed_send_can_be_retried_by_anyone(tmp_path: Path) -> None:
    a = DeliveryLog(tmp_path / "n.db", owner="host-1:100")
    b = DeliveryLog(tmp_path / "n.db", owner="host-2:200")
    assert a.claim("alert", "slack", lease=60) is None
    a.mark("alert", "slack", FAILED, "HTTP 500")
    assert b.claim("alert", "slack", lease=60) is None
    assert b.attempts("alert", "slack") == 2


def test_an_expired_claim_is_taken_over(tmp_path: Path) -> None:
    a = DeliveryLog(tmp_path / "n.db", owner="host-1:100")
    b = DeliveryLog(tmp_path / "n.db", owner="host-2:200")
    assert a.claim("alert", "slack", lease=60) is None
    time.sleep(0.05)
    assert b.claim("alert", "slack", lease=0.01) is None


def test_start_up_settles_only_sends_whose_owner_is_gone(tmp_path: Path) -> None:
    me = DeliveryLog(tmp_path / "n.db")
    host = me.owner.rpartition(":")[0]
    DeliveryLog(tmp_path / "n.db", owner=f"{host}:{dead_pid()}").claim("dead", "slack", 60)
    DeliveryLog(tmp_path / "n.db", owner="other-host:1").claim("elsewhere", "slack", 60)
    me.claim("mine-before-restart", "slack", 60)

    settled = {u.alert_id for u in me.take_uncertain(lease=60)}

    assert settled == {"dead", "mine-before-restart"}
    assert me.state("dead", "slack") == UNCERTAIN
    assert me.state("elsewhere", "slack") == ATTEMPTING  # a live replica on another host
    assert {u.alert_id for u in me.take_uncertain(lease=0)} == {"elsewhere"}


def test_a_running_log_forgets_settled_rows_past_retention_as_it_claims(tmp_path: Path) -> None:
    log = DeliveryLog(tmp_path / "n.db", owner="host-1:100", retention=3600)
    log.mark("ancient", "slack", DELIVERED)
    log._conn.execute("UPDATE deliveries SET updated_at = 0 WHERE alert_id = 'ancient'")
    log.mark("recent", "slack", DELIVERED)
    assert log.claim("new", "slack", lease=60) is None  # first write of this run: sweep due
    assert log.state("ancient", "slack") is None
    assert log.state("recent", "slack") == DELIVERED
