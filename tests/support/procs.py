"""Start `redflag` stages as real OS processes, as Compose would, and kill them hard."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.core.settings import KafkaSettings
from tests.support.chatserver import ChatServer

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stage:
    """One `redflag <command>` process with its own log file."""

    args: list[str]
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> "Stage":
        """Launch the process (again, after a kill)."""
        out = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", *self.args],
            env=self.env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        return self

    def kill9(self) -> None:
        """SIGKILL: no cleanup, no commit, no goodbye."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    async def stop_async(self) -> int | None:
        """`stop` in a thread: this event loop (a FeedServer on it) keeps answering, so a
        poll in flight ends rather than waiting out the stage's shutdown grace."""
        return await asyncio.to_thread(self.stop)

    @property
    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def stage_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without its `REDFLAG_` settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDFLAG_")}
    env.update(extra)
    return env


def kafka_section(kafka: KafkaSettings) -> dict[str, object]:
    """The test's Kafka settings as a config section."""
    return kafka.model_dump(mode="json")


def start_stages(
    tmp_path: Path, config: Path, kafka: KafkaSettings, chat: ChatServer
) -> dict[str, Stage]:
    """The three stages as `redflag` processes on `config`, posting to `chat`."""
    stages = {}
    for name in ("poller", "classifier", "notifier"):
        env = stage_env(
            {
                "REDFLAG_CONFIG": str(config),
                "REDFLAG_STATE_DIR": str(tmp_path / f"state-{name}"),
                "REDFLAG_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                "REDFLAG_LOG__FORMAT": "json",
                **chat.env(),
            }
        )
        stages[name] = Stage([name], env, tmp_path / f"{name}.log").start()
    return stages


async def stop_all(stages: Mapping[str, Stage]) -> dict[str, int | None]:
    """SIGTERM each stage in turn (`Stage.stop_async`); their exit statuses by name."""
    return {name: await stage.stop_async() for name, stage in stages.items()}
