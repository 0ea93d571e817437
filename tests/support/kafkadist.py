"""Apache Kafka's jars for the test broker, fetched by Maven from tests/kafka/pom.xml.

The jars land in `.cache/kafka/<version>/` (git-ignored); the broker fixture fills it
when missing and `.ci/run` fills it up front with `python -m tests.support.kafkadist`.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POM = ROOT / "tests" / "kafka" / "pom.xml"
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
LIBS_ENV = "KAFKA_TEST_LIBS"  # another cache directory, e.g. one shared by several clones


def kafka_version() -> str:
    """The `kafka.version` the pom pins (the Compose image's tag: a test keeps them equal)."""
    found = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM.read_text("utf-8"))
    if found is None:
        raise RuntimeError(f"{POM}: no <kafka.version>")
    return found.group(1).strip()


def libs_dir() -> Path:
    """Where the jars of `kafka_version()` live (present or not)."""
    base = Path(os.environ.get(LIBS_ENV) or ROOT / ".cache" / "kafka")
    return base / kafka_version()


def missing_tools() -> list[str]:
    """The programs among java and mvn that are not on PATH."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def ensure_libs() -> Path:
    """The jar directory, fetched with `mvn dependency:copy-dependencies` when missing.

    Maven writes into a temporary sibling that is renamed into place at the end, so an
    interrupted fetch never leaves a half-filled cache that looks complete.
    """
    target = libs_dir()
    if any(target.glob("kafka_2.13-*.jar")):
        return target
    if shutil.which("mvn") is None:
        raise RuntimeError("Maven (mvn) is needed to fetch Apache Kafka for the tests")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
    try:
        fetched = subprocess.run(
            [
                "mvn",
                "-q",
                "-B",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-Dkafka.libs={staging}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if fetched.returncode != 0:
            raise RuntimeError(f"mvn could not fetch Apache Kafka:\n{fetched.stdout[-3000:]}")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


if __name__ == "__main__":
    print(ensure_libs())
