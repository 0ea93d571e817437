"""The Compose file's wiring, run for real: each service's command and environment from
deploy/docker-compose.yml, started as a local process against the test broker, with the
host name `kafka` mapped to it, the mounted config file mapped to its source and the metrics
address to a loopback port; then each stage's /metrics is read as Prometheus would, for every
series the Grafana dashboard charts, with the labels it groups by."""

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.e2e.stories import BASIC, recall_stream, rss
from tests.support.broker import Broker, free_port
from tests.support.feedserver import FeedServer
from tests.support.procs import Stage, stage_env, stop_all

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
STAGES = ("poller", "classifier", "notifier")
DASHBOARD = DEPLOY / "monitoring" / "grafana" / "dashboards" / "redflag.json"
_GROUPED = re.compile(r"by \(([^)]*)\) \((?:rate|increase)\((redflag_[a-z_]+)")
_SERIES = re.compile(r"^(redflag_[a-z_]+)(?:\{([^}]*)\})? ", re.MULTILINE)
BACKLOG = recall_stream(1)  # a recall that alerts when it is news, published 30 days ago
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}` / `${VAR:-default}` interpolation."""
    return _INTERPOLATION.sub(lambda m: env.get(m.group(1)) or m.group(2) or "", value)


def service_process(
    name: str, service: dict[str, object], bootstrap: str, state: Path
) -> tuple[list[str], dict[str, str]]:
    """The command and environment Compose would give `name`, mapped onto this machine."""
    command = service["command"]
    assert isinstance(command, list)
    environment = service["environment"]
    assert isinstance(environment, dict)
    mounts: dict[str, Path] = {}
    for volume in service.get("volumes", []):  # type: ignore[attr-defined]
        source, target, *_ = str(volume).split(":")
        if source.startswith("."):
            mounts[target] = (DEPLOY / source).resolve()
    env: dict[str, str] = {}
    for key, raw in environment.items():
        value = interpolate(str(raw), dict(os.environ))
        value = str(mounts.get(value, value))  # a mounted file: its source on this host
        env[key] = value.replace("kafka:9092", bootstrap)  # the service name `kafka` -> broker
    if "REDFLAG_METRICS__LISTEN" in env:  # each container's :9464 -> a free loopback port
        env["REDFLAG_METRICS__LISTEN"] = f"127.0.0.1:{free_port()}"
    env["REDFLAG_STATE_DIR"] = str(state / name)  # the image's VOLUME, here a temp dir
    return [str(c) for c in command], env


async def test_compose_services_wired_as_written_produce_alerts(
    tmp_path: Path, broker: Broker
) -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    async with FeedServer() as feeds:
        # the example config's `poller.max_age: 7d`: today's stories alert, a month-old one not
        feeds.set("/wire.xml", rss(BASIC, backlog=BACKLOG))
        # test-only overrides: a loopback feed instead of the internet, and (on Tansu, which
        # has no InitProducerId) no idempotent producer
        overrides = {
            "REDFLAG_FEEDS": json.dumps(
                [{"name": "wire", "url": feeds.url("/wire.xml"), "allow_private": True}]
            ),
            "REDFLAG_LOG__FORMAT": "json",
        }
        if not broker.full_kafka:
            overrides["REDFLAG_KAFKA__ENABLE_IDEMPOTENCE"] = "false"
        stages = {}
        for name in STAGES:
            command, env = service_process(name, services[name], broker.bootstrap, tmp_path)
            assert command == [name]
            assert Path(env["REDFLAG_CONFIG"]).is_file(), env["REDFLAG_CONFIG"]
            stages[name] = Stage(
                command, stage_env({**env, **overrides}), tmp_path / f"{name}.log"
            ).start()
        try:
            events = [s for s in BASIC if s.type]
            deadline = asyncio.get_running_loop().time() + 120
            while not all(s.title in stages["notifier"].log for s in events):
                assert asyncio.get_running_loop().time() < deadline, stages["notifier"].log[-3000:]
                for stage in stages.values():
                    assert stage.proc is not None
                    assert stage.proc.poll() is None, stage.log[-3000:]
                await asyncio.sleep(0.3)
            scraped = {
                name: scrape(stage.env["REDFLAG_METRICS__LISTEN"]) for name, stage in stages.items()
            }
            for name, stage in stages.items():  # each service's health check, as Compose runs it
                check = services[name]["healthcheck"]["test"]
                assert check[0] == "CMD"
                probe = subprocess.run(
                    [str(Path(sys.executable).with_name(check[1])), *check[2:]],
                    env=stage.env, capture_output=True, text=True, timeout=30, check=False,
                )  # fmt: skip
                assert probe.returncode == 0, (name, probe.stdout, probe.stderr)
                assert "ready" in probe.stdout
        finally:
            codes = await stop_all(stages)
    notifier_log = stages["notifier"].log
    assert all(s.title not in notifier_log for s in BASIC if s.type is None)
    assert all(s.title not in notifier_log for s in BACKLOG)
    assert codes == dict.fromkeys(STAGES, 0)
    # every series the dashboard charts is served by some stage, with the labels it groups by
    series: dict[str, set[str]] = {}
    for text in scraped.values():
        for name, labels in _SERIES.findall(text):
            series.setdefault(name, set()).update(re.findall(r'(\w+)="', labels))
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    for target in (t for p in dashboard["panels"] for t in p["targets"]):
        for name in re.findall(r"redflag_[a-z_]+", target["expr"]):
            assert name in series, (name, sorted(series))
        for labels, name in _GROUPED.findall(target["expr"]):
            wanted = {label.strip() for label in labels.split(",")}
            assert wanted <= series[name], (name, wanted, series[name])


def scrape(listen: str) -> str:
    """GET /metrics from a stage, as Prometheus does."""
    with urllib.request.urlopen(f"http://{listen}/metrics", timeout=10) as response:
        return str(response.read().decode("utf-8"))
