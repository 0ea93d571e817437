"""The chaos scenario: the Kafka pipeline as three real processes under randomised faults.

Feeds publish a stream of distinct recall stories while faults are injected at random (seeded):
kill -9 and restart of each stage, broker pauses (SIGSTOP/SIGCONT) and restarts, and chat API
stretches of 500s and 429s. Then the faults stop, the pipeline drains, and every story must
have reached Slack and Telegram exactly once. Under `on_uncertain: skip` an alert whose send
was in flight at a notifier kill -9 may be skipped (docs/notifier.md, "Exactly once"); those
are counted apart, and only when the notifier logged them as `delivery_uncertain`.

`notifier_new_host` plays a notifier whose host is gone: it is killed -9 and a replica with a
new, empty state dir (another "host") takes over; it restores the partitions' state from the
changelog topic, so what the first one sent is not sent again (docs/notifier.md, "Exactly
once").

Used by `tests/chaos/test_chaos.py` (CI size) and `benchmarks/chaos.py` (longer).
"""

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from schemas.alert import Alert
from services.core.bus import Consumer
from services.core.kafkabus import KafkaBus
from services.core.settings import Groups, KafkaSettings, Topics
from services.notifier.deliverylog import ATTEMPTING, DeliveryLog
from services.notifier.senderlog import SENDER_LOG
from tests.chaos import tally
from tests.chaos.outcome import CHANNELS, Outcome, Plan
from tests.e2e.stories import SLACK_RECALLS, TELEGRAM_TOKEN, Story, recall_stream, rss, write_config
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, Reply, default_reply
from tests.support.drained import kafka_drained
from tests.support.feedserver import FeedServer
from tests.support.procs import Stage, start_stages, stop_all

CHAT_PATHS = {"slack": f"/services/{SLACK_RECALLS}", "telegram": f"/bot{TELEGRAM_TOKEN}/"}
BROKER_FAULTS = ("broker_pause", "broker_restart")
WEIGHTS = {
    "kill9_poller": 2,
    "kill9_classifier": 2,
    "kill9_notifier": 2,
    "kill9_notifier_mid_send": 2,
    "notifier_new_host": 2,
    "broker_pause": 2,
    "broker_restart": 1,
    "chat_500": 2,
    "chat_429": 2,
}


def kafka_for(broker: Broker) -> KafkaSettings:
    """Topics and groups of one run; static membership where the broker has it."""
    tag = f"chaos{uuid.uuid4().hex[:6]}"
    return KafkaSettings(
        bootstrap_servers=broker.bootstrap,
        topics=Topics(
            articles=f"{tag}.articles",
            alerts=f"{tag}.alerts",
            deadletter=f"{tag}.dl",
            notifier_state=f"{tag}.state",
            deliveries=f"{tag}.deliveries",
            sender_state=f"{tag}.sender-state",
        ),
        groups=Groups(
            classifier=f"{tag}.classifier",
            notifier=f"{tag}.notifier",
            sender=f"{tag}.notifier-sender",
        ),
        partitions=3,
        enable_idempotence=broker.full_kafka,
        # a restarted stage takes its partitions back at once (KIP-345), as in production
        group_instance_id=tag if broker.full_kafka else None,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )


def _slow_ok(path: str) -> Reply:
    """The chat's usual success, 2.5 s late (well under the notifier's request timeout)."""
    ok = default_reply(path)
    return Reply(ok.status, ok.body, ok.headers, delay=2.5)


class Chaos:
    """One run: servers, stages, the fault loop and the final count."""

    def __init__(
        self, plan: Plan, work: Path, broker: Broker, say: Callable[[str], None] = print
    ) -> None:
        self.plan, self.work, self.broker, self.say = plan, work, broker, say
        self.rng = random.Random(plan.seed)
        self.kafka = kafka_for(broker)
        self.stories = recall_stream(plan.stories)
        self.outcome = Outcome(plan)
        self.stages: dict[str, Stage] = {}
        self.links: dict[str, str] = {}  # alert id -> story link
        self.hosts = 0  # notifier hosts used so far beyond the first (notifier_new_host)
        self.released: dict[str, float] = {}  # story guid -> when its feed first showed it
        self.outage: tuple[float, float] | None = None  # (start, end), time.monotonic()

    async def run(self) -> Outcome:
        """Play the scenario; always leaves no process running and the broker serving."""
        with ChatServer() as chat:
            async with FeedServer() as feeds:
                paths = [f"/wire{i}.xml" for i in range(self.plan.feeds)]
                for path in paths:
                    feeds.set(path, rss([]))
                config = write_config(
                    self.work / "redflag.yaml",
                    feeds=[{"name": p[1:-4], "url": feeds.url(p), "interval": 1} for p in paths],
                    poller={"min_interval": 1, "default_interval": 1, "allow_private_feeds": True},
                    notifier=self._notifier(),
                    kafka=self.kafka.model_dump(mode="json"),
                )
                self.stages = start_stages(self.work, config, self.kafka, chat)
                try:
                    started = time.monotonic()
                    await asyncio.gather(
                        self._publish(feeds, paths), self._faults(chat), self._outage(chat)
                    )
                    self.outcome.chaos_seconds = time.monotonic() - started
                    self._restart_exited()
                    await self._settle(chat)
                finally:
                    for stage in self.stages.values():
                        stage.stop()
                    self.broker_up()
        return self.outcome

    def _notifier(self) -> dict[str, object]:
        """Retries outlast every chat stretch played here: a dead letter is a loss. With an
        outage, `max_delay` (not an attempt count) carries the alerts through it."""
        if self.plan.outage_seconds:
            return {
                "max_delay": self.plan.outage_seconds + 900,
                "delayed_after": self.plan.delayed_after,
                "on_uncertain": "skip",
            }
        return {"max_attempts": 40, "backoff_max": 4, "on_uncertain": "skip"}

    async def _outage(self, chat: ChatServer) -> None:
        """Every chat answers 500 for `outage_seconds`, from `outage_start` into the phase."""
        if not self.plan.outage_seconds:
            return
        await asyncio.sleep(self.plan.outage_start)
        start = time.monotonic()
        for path in CHAT_PATHS.values():
            end = chat.hold_until(path, self.plan.outage_seconds, status=500)
        self.outage = (start, end)
        self.say(f"chat outage: all chats answer 500 for {self.plan.outage_seconds:.0f}s")

    def _in_outage(self) -> bool:
        return self.outage is not None and time.monotonic() < self.outage[1]

    async def _settle(self, chat: ChatServer) -> None:
        """Drain, stop the stages, count; the alerts topic names the uncertain sends."""
        async with KafkaBus(self.kafka) as bus:
            consumer = await bus.consumer([self.kafka.topics.alerts], f"{uuid.uuid4().hex}.read")
            try:
                started = time.monotonic()
                await self._drain(chat, consumer)
                self.outcome.drain_seconds = time.monotonic() - started
                await stop_all(self.stages)  # the feed server answers meanwhile: no grace waited
                await self._read_links(consumer)
            finally:
                await consumer.close()
        self._count(chat)

    def broker_up(self) -> None:
        """Resume a paused broker, start a stopped one."""
        proc = self.broker.process
        if proc is not None:
            if proc.proc is None:
                proc.start()
            else:
                proc.resume()

    # -- the stream and the faults -------------------------------------------------------

    async def _publish(self, feeds: FeedServer, paths: list[str]) -> None:
        """Release the stories one by one over the chaos phase, round robin over the feeds."""
        released: dict[str, list[Story]] = {p: [] for p in paths}
        gap = self.plan.chaos_seconds / max(1, len(self.stories))
        for i, story in enumerate(self.stories):
            path = paths[i % len(paths)]
            released[path].insert(0, story)  # newest first, as feeds are
            feeds.set(path, rss(released[path], path))
            self.released[story.guid] = time.monotonic()
            await asyncio.sleep(gap)

    def _kinds(self) -> tuple[list[str], list[int]]:
        kinds = [
            k
            for k in WEIGHTS
            if (self.broker.process is not None or k not in BROKER_FAULTS)
            and (k != "broker_restart" or self.outcome.faults[k] < self.plan.broker_restarts)
            # a 429 hold would replace the outage's, and a 500 stretch changes nothing in it
            and not (k.startswith("chat_") and self._in_outage())
            and not (
                k.endswith("_mid_send") and self._in_outage() and not self.plan.outage_mid_send
            )
        ]
        return kinds, [WEIGHTS[k] for k in kinds]

    async def _faults(self, chat: ChatServer) -> None:
        gap = self.plan.chaos_seconds / self.plan.faults
        start = time.monotonic()
        for n in range(self.plan.faults):
            await asyncio.sleep(max(0.0, start + n * gap - time.monotonic()))
            kinds, weights = self._kinds()
            kind = self.rng.choices(kinds, weights)[0]
            await self._inject(kind, chat)
            self.outcome.faults[kind] += 1

    async def _inject(self, kind: str, chat: ChatServer) -> None:
        rng, proc = self.rng, self.broker.process
        if kind == "kill9_notifier_mid_send":
            # chat answers slowly, so the kill likely lands inside a send: the uncertain window
            for path in CHAT_PATHS.values():
                chat.script(path, _slow_ok(path))
            await self._until_attempting(timeout=6.0)
            await self._inject("kill9_notifier", chat)
        elif kind == "notifier_new_host":
            old = self.stages["notifier"]
            old.kill9()
            self.hosts += 1
            env = {**old.env, "REDFLAG_STATE_DIR": str(self.work / f"state-notifier-{self.hosts}")}
            self.stages["notifier"] = Stage(old.args, env, old.log_path).start()  # one log
        elif kind.startswith("kill9_"):
            stage = self.stages[kind.removeprefix("kill9_")]
            stage.kill9()
            await asyncio.sleep(rng.uniform(0.0, 1.0))
            stage.start()
        elif kind == "broker_pause" and proc is not None:
            proc.pause()
            try:
                await asyncio.sleep(rng.uniform(0.5, self.plan.pause_max))
            finally:
                proc.resume()
        elif kind == "broker_restart" and proc is not None:
            # SIGTERM, then the same broker on the same ports and data; the event loop (and
            # the feed server on it) waits meanwhile, which the poller sees as a slow feed
            proc.stop()
            proc.start()
        elif kind == "chat_500":
            path = CHAT_PATHS[rng.choice(sorted(CHAT_PATHS))]
            chat.script(
                path, *[Reply(500, {"ok": False, "error": "internal_error"})] * rng.randint(1, 4)
            )
        elif kind == "chat_429":
            chat.hold_until(CHAT_PATHS[rng.choice(sorted(CHAT_PATHS))], rng.uniform(1.0, 5.0))

    async def _until_attempting(self, timeout: float) -> None:
        """Wait (bounded) until the notifier's delivery log shows a send in flight."""
        state = Path(self.stages["notifier"].env["REDFLAG_STATE_DIR"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in (state / "notifier.db", state / SENDER_LOG):  # one hop, or the hop's
                if not path.exists():
                    continue
                log = DeliveryLog(path, owner="chaos-observer")
                try:
                    if log.counts().get(ATTEMPTING):
                        self.outcome.kills_mid_send += 1
                        return
                finally:
                    log.close()
            await asyncio.sleep(0.05)

    def _restart_exited(self) -> None:
        """A stage that exited by itself (not a fault of ours) is counted and restarted."""
        for name, stage in self.stages.items():
            if stage.proc is not None and stage.proc.poll() is not None:
                self.outcome.self_exits[name] += 1
                stage.start()

    # -- the end -------------------------------------------------------------------------

    async def _read_links(self, consumer: Consumer) -> None:
        """Alert id -> story link for every alert published so far."""
        quiet = 0
        while quiet < 2:
            records = await consumer.poll(timeout=0.5)
            quiet = 0 if records else quiet + 1
            for record in records:
                alert = Alert.model_validate_json(record.value)
                self.links[alert.id] = alert.link or ""

    async def _drain(self, chat: ChatServer, consumer: Consumer) -> None:
        """Wait until every story arrived or is explained by a logged uncertain send."""
        deadline = time.monotonic() + self.plan.drain_seconds
        while time.monotonic() < deadline:
            missing = tally.missing(chat, self.stories)
            uncertain = tally.uncertain_logged(self.stages["notifier"].log)
            if any(missing.values()) and uncertain:
                await self._read_links(consumer)
            explained = tally.explained(missing, uncertain, self.links)
            if all(len(missing[n]) == len(explained[n]) for n in CHANNELS):
                # every record committed: a late redelivery would have shown up as a duplicate
                await kafka_drained(self.kafka)
                return
            await asyncio.sleep(1)

    def _count(self, chat: ChatServer) -> None:
        log = self.stages["notifier"].log
        tally.count(self.outcome, chat, self.stories, log, self.links)
        if self.outage is not None:
            tally.count_late(self.outcome, chat, self.stories, self.released, self.outage)
