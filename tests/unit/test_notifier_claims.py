"""Replicas sharing one delivery log: a send is claimed atomically, never made twice."""

import subprocess
import sys
from pathlib import Path

from services.notifier.deliverylog import (
    ATTEMPTING,
    DELIVERED,
    FAILED,
    PRUNE_EVERY,
    UNCERTAIN,
    DeliveryLog,
)
from tests.support.clock import FakeClock


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
    clock = FakeClock()  # both replicas read one clock, as replicas on one host would
    a = DeliveryLog(tmp_path / "n.db", owner="host-1:100", clock=clock)
    b = DeliveryLog(tmp_path / "n.db", owner="host-2:200", clock=clock)
    assert a.claim("alert", "slack", lease=60) is None
    clock.advance(59)
    assert b.claim("alert", "slack", lease=60) == ATTEMPTING  # still within a's lease
    clock.advance(1)
    assert b.claim("alert", "slack", lease=60) is None  # a went silent for the whole lease
    assert b.attempts("alert", "slack") == 2


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
    clock = FakeClock()
    log = DeliveryLog(tmp_path / "n.db", owner="host-1:100", retention=3600, clock=clock)
    log.mark("ancient", "slack", DELIVERED)
    clock.advance(5400)
    log.mark("recent", "slack", DELIVERED)
    clock.advance(1800)
    assert log.claim("new", "slack", lease=60) is None  # first write of this run: sweep due
    assert log.state("ancient", "slack") is None
    assert log.state("recent", "slack") == DELIVERED
    log.mark("new", "slack", DELIVERED)
    clock.advance(PRUNE_EVERY - 1)  # "recent" is past retention now, but a sweep ran lately
    assert log.claim("newer", "slack", lease=60) is None
    assert log.state("recent", "slack") == DELIVERED
    clock.advance(1)  # an hour after the last sweep: the next claim sweeps again
    assert log.claim("newest", "slack", lease=60) is None
    assert log.state("recent", "slack") is None
    assert log.state("new", "slack") == DELIVERED  # not older than retention
