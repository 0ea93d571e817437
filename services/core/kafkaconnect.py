"""How every aiokafka client reaches the cluster: transport, start-up retries, bounded close.

One place builds the connection options (TLS, SASL) for the producer, the consumers and
the admin client, so no client can be left on PLAINTEXT by mistake; passwords are read
from `SecretStr` here and nowhere else.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, Self, TypeVar

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from services.core.backoff import exponential, spread
from services.core.settings import KafkaSettings

log = structlog.get_logger(__name__)

KAFKA_WAITING_FOR_BROKER = "kafka_waiting_for_broker"
KAFKA_CLOSE_TIMED_OUT = "kafka_close_timed_out"
FIRST_RETRY_S = 0.5


class StopRequested(Exception):  # noqa: N818 - a request, not an error
    """SIGTERM arrived while waiting for the broker: the stage ends without having run."""


class _Client(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


Client = TypeVar("Client", bound=_Client)


def client_options(settings: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for any aiokafka client: where the cluster is and how to talk to it."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "client_id": settings.client_id,
        "security_protocol": settings.security_protocol,
    }
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = settings.tls.context()
    if settings.sasl is not None:
        password = settings.sasl.password
        options["sasl_mechanism"] = settings.sasl.mechanism
        options["sasl_plain_username"] = settings.sasl.username  # aiokafka: SCRAM too
        options["sasl_plain_password"] = password.get_secret_value() if password else None
    return options


async def started(
    settings: KafkaSettings, make: Callable[[], Client], stop: asyncio.Event | None
) -> Client:
    """A started client; while the broker does not answer, retry with backoff.

    Each wait is one log line naming the bootstrap address (no traceback: a broker still
    starting is normal in Compose and Kubernetes). SIGTERM during the wait raises
    `StopRequested` at once.
    """
    attempt = 0
    while True:
        attempt += 1
        delay = round(
            spread(exponential(attempt, FIRST_RETRY_S, settings.connect_backoff_max_s), 0.0, 0.1), 2
        )
        client = make()
        try:
            with _BootstrapErrors() as errors:
                await client.start()
        except KafkaConnectionError as exc:
            with contextlib.suppress(Exception):  # a half-started client: best effort
                await client.stop()
            if stop is not None and stop.is_set():
                raise StopRequested from exc
            error = "; ".join(errors.seen) or str(exc)
            hint = {"hint": _NO_CLIENT_CERT} if _cert_wanted(settings, error) else {}
            log.warning(
                KAFKA_WAITING_FOR_BROKER,
                bootstrap=settings.bootstrap_servers,
                retry_in_s=delay,
                error=error,
                **hint,
            )
            if await _stopped_within(stop, delay):
                raise StopRequested from exc
        else:
            return client


_NO_CLIENT_CERT = (
    "the broker closed the TLS connection; if it requires client certificates, "
    "set kafka.tls.cert_file and kafka.tls.key_file"
)


def _cert_wanted(settings: KafkaSettings, error: str) -> bool:
    """A TLS broker that wants a client certificate closes the connection after the
    handshake (TLS 1.3): the client sees only "closed", so the wait line says what to check."""
    tls = settings.security_protocol in ("SSL", "SASL_SSL")
    return tls and settings.tls.cert_file is None and error.endswith("closed")


class _BootstrapErrors(logging.Filter):
    """Holds back aiokafka's own line per failed bootstrap ("Unable connect to ...") while
    a client starts, so each wait is one line, ours, that carries its reason (refused,
    timed out, authentication failed)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self._logger = logging.getLogger("aiokafka")  # aiokafka/client.py logs there

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Unable connect to"):
            self.seen.append(record.getMessage())
            return False
        return True

    def __enter__(self) -> Self:
        self._logger.addFilter(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeFilter(self)


async def _stopped_within(stop: asyncio.Event | None, seconds: float) -> bool:
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def bounded(close: Awaitable[None], seconds: float, what: str) -> None:
    """Await a client's stop, giving up after `seconds`.

    aiokafka's consumer waits for a JoinGroup in flight before leaving, and the broker
    holds that answer until every known member has rejoined or timed out (up to the
    session timeout of a member that was killed): without a bound, SIGTERM during a
    rebalance took 9.5-15.5 s. Giving up only skips the LeaveGroup; the group notices
    the missing member by its session timeout.
    """
    try:
        await asyncio.wait_for(close, seconds)
    except TimeoutError:
        log.warning(KAFKA_CLOSE_TIMED_OUT, client=what, after_s=seconds)


def group_consumer(settings: KafkaSettings, group: str, **options: object) -> AIOKafkaConsumer:
    """A manually committing group member with redflag's timeouts (aiokafka, consumer.rst),
    static (KIP-345) when `group_instance_id` is set."""
    return AIOKafkaConsumer(
        **client_options(settings),
        group_id=group,
        group_instance_id=settings.group_instance_id,
        enable_auto_commit=False,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        **options,
    )


async def admin_client(settings: KafkaSettings, stop: asyncio.Event | None) -> AIOKafkaAdminClient:
    """An admin client, started once the broker answers."""
    admin: AIOKafkaAdminClient = await started(
        settings, lambda: AIOKafkaAdminClient(**client_options(settings)), stop
    )
    return admin
