"""Start, restart and stop of the Kafka stages, run as the real `redflag <stage>` command.

A broker that is not up yet is waited for (one log line, no traceback); SIGTERM ends a
stage within 5 s whatever it is doing, including during a join the broker holds back; a
static member (`kafka.group_instance_id`) gets its partitions back at once after kill -9.
"""

import json
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.support.broker import Broker, free_port
from tests.support.procs import Stage, stage_env

STAGES = ["classifier", "notifier"]
SIGTERM_BOUND = 5.0


def start(tmp_path: Path, name: str, kafka: KafkaSettings, tag: str = "") -> Stage:
    """`redflag <name>` configured by environment alone, as in a container."""
    env = stage_env(
        {
            "REDFLAG_KAFKA": json.dumps(kafka.model_dump(mode="json")),
            "REDFLAG_STATE_DIR": str(tmp_path / f"state-{name}{tag}"),
            "REDFLAG_LOG__FORMAT": "json",
        }
    )
    return Stage([name], env, tmp_path / f"{name}{tag}.log").start()


def wait_for(stage: Stage, event: str, timeout: float, count: int = 1) -> float:
    """Seconds until `event` shows in the stage's log (`count` times); fails if the stage
    exits first."""
    began = time.monotonic()
    while stage.log.count(f'"{event}"') < count:
        assert stage.proc is not None
        assert stage.proc.poll() is None, stage.log[-3000:]
        assert time.monotonic() - began < timeout, (
            f"no {event} after {timeout}s: {stage.log[-3000:]}"
        )
        time.sleep(0.05)
    return time.monotonic() - began


def sigterm(stage: Stage) -> tuple[int | None, float]:
    """Send SIGTERM; the exit status and the seconds it took (killed after 30 s)."""
    assert stage.proc is not None
    began = time.monotonic()
    code = stage.stop()
    return code, time.monotonic() - began


def events(stage: Stage, event: str) -> list[dict[str, object]]:
    lines = (json.loads(line) for line in stage.log.splitlines() if line.startswith("{"))
    return [line for line in lines if line.get("event") == event]


@pytest.mark.parametrize("name", ["poller", *STAGES])
def test_a_broker_not_up_yet_is_waited_for_and_sigterm_still_stops(
    tmp_path: Path, name: str
) -> None:
    port = free_port()  # nothing listens here
    stage = start(tmp_path, name, KafkaSettings(bootstrap_servers=f"127.0.0.1:{port}"))
    wait_for(stage, "kafka_waiting_for_broker", 30, count=3)  # a few tries
    code, took = sigterm(stage)
    assert code == 0, stage.log[-3000:]
    assert took < SIGTERM_BOUND, stage.log[-3000:]
    assert "Traceback" not in stage.log
    waits = events(stage, "kafka_waiting_for_broker")
    assert len(waits) >= 3, stage.log  # retried, not given up
    assert {w["bootstrap"] for w in waits} == {f"127.0.0.1:{port}"}
    delays = [float(str(w["retry_in_s"])) for w in waits]
    assert delays == sorted(delays)
    assert delays[-1] > delays[0]  # backing off


class _Forward(socketserver.BaseRequestHandler):
    """Pipe one connection to the broker (bootstrap only: clients then use its address)."""

    target: tuple[str, int]

    def handle(self) -> None:
        with socket.create_connection(self.target) as upstream:
            pumps = [
                threading.Thread(target=_pump, args=(self.request, upstream), daemon=True),
                threading.Thread(target=_pump, args=(upstream, self.request), daemon=True),
            ]
            for pump in pumps:
                pump.start()
            for pump in pumps:
                pump.join()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def _forwarder(port: int, bootstrap: str) -> Iterator[None]:
    host, target_port = bootstrap.rsplit(":", 1)
    handler = type("Forward", (_Forward,), {"target": (host, int(target_port))})
    with _Server(("127.0.0.1", port), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()


@pytest.mark.kafka
@pytest.mark.parametrize("name", STAGES)
def test_the_stage_starts_once_the_broker_answers(
    tmp_path: Path, kafka_settings: KafkaSettings, name: str
) -> None:
    port = free_port()
    kafka = kafka_settings.model_copy(update={"bootstrap_servers": f"127.0.0.1:{port}"})
    stage = start(tmp_path, name, kafka)
    try:
        wait_for(stage, "kafka_waiting_for_broker", 30)
        # the broker "comes up" on the address the stage waits for
        with _forwarder(port, kafka_settings.bootstrap_servers):
            wait_for(stage, "kafka_partitions_assigned", 60)
    finally:
        code, took = sigterm(stage)
    assert (code, "Traceback" in stage.log) == (0, False), stage.log[-3000:]
    assert took < SIGTERM_BOUND


@pytest.mark.kafka
@pytest.mark.slow
@pytest.mark.parametrize("name", STAGES)
def test_sigterm_during_a_join_the_broker_holds_exits_within_5s(
    tmp_path: Path, kafka_settings: KafkaSettings, name: str
) -> None:
    """Slow (~6 s each): a real stage starts twice, and the second is held in a join for 2 s."""
    # the broker holds a JoinGroup until every known member rejoins or its session expires
    kafka = kafka_settings.model_copy(update={"session_timeout_ms": 30_000})
    first = start(tmp_path, name, kafka, "-1")
    wait_for(first, "kafka_partitions_assigned", 60)
    first.kill9()  # a member the group still counts on for 30 s
    second = start(tmp_path, name, kafka, "-2")
    try:
        wait_for(second, "stage_started", 60)
        time.sleep(2)  # joining: the broker waits for the dead member
    finally:
        code, took = sigterm(second)
    assert '"kafka_partitions_assigned"' not in second.log  # stopped before assignment
    assert code == 0, second.log[-3000:]
    assert took < SIGTERM_BOUND, second.log[-3000:]


@pytest.mark.kafka
@pytest.mark.slow
def test_a_static_member_restarted_after_kill_9_gets_its_partitions_at_once(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    kafka = kafka_settings.model_copy(
        update={"session_timeout_ms": 30_000, "group_instance_id": "classifier-a"}
    )
    first = start(tmp_path, "classifier", kafka, "-1")
    wait_for(first, "kafka_partitions_assigned", 60)
    first.kill9()
    again = start(tmp_path, "classifier", kafka, "-2")
    try:
        took = wait_for(again, "kafka_partitions_assigned", 60)
    finally:
        sigterm(again)
    # a dynamic member would wait for the killed one's 30 s session to expire
    assert took < 10, again.log[-3000:]
    assigned = events(again, "kafka_partitions_assigned")
    assert len(assigned[0]["partitions"]) == kafka.partitions  # type: ignore[arg-type]


@pytest.mark.kafka
@pytest.mark.slow
@pytest.mark.parametrize("name", STAGES)
def test_sigterm_while_the_broker_hangs_exits_within_5s(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, name: str
) -> None:
    if full_kafka.process is None:
        pytest.skip("only the suite's own broker can be paused")
    stage = start(tmp_path, name, kafka_settings)
    try:
        wait_for(stage, "kafka_partitions_assigned", 60)
        full_kafka.process.pause()  # SIGSTOP: connections open, nothing answers
        time.sleep(1)
        code, took = sigterm(stage)
    finally:
        full_kafka.process.resume()
    assert code == 0, stage.log[-3000:]
    assert took < SIGTERM_BOUND, stage.log[-3000:]
