"""deploy/monitoring: Prometheus finds every stage where Compose serves /metrics, and the
Grafana dashboard queries only series redflag exports, through the provisioned data source."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import services.classifier.metrics
import services.notifier.metrics
import services.poller.metrics  # noqa: F401 - each stage declares its metrics on import
from services.core.metrics import REGISTRY


def exported() -> set[str]:
    """redflag's series as Prometheus sees them (a counter `x` is exported as `x_total`)."""
    return {
        family.name + ("_total" if family.type == "counter" else "")
        for family in REGISTRY.collect()
        if family.name.startswith("redflag_")
    }


DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MONITORING = DEPLOY / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "redflag.json"
STAGES = ("poller", "classifier", "notifier")
_METRIC = re.compile(r"\b(redflag_[a-z_]+?)(?:_bucket|_sum|_count)?\b")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text("utf-8"))
    return data


def exprs(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Bind mounts of a service: container path -> source path on this host."""
    out = {}
    for volume in service.get("volumes", []):
        source, target, *_ = str(volume).split(":")
        if source.startswith("."):
            out[target] = (DEPLOY / source).resolve()
    return out


def test_the_dashboard_queries_exactly_what_redflag_exports(dashboard: dict[str, Any]) -> None:
    used = {m for e in exprs(dashboard) for m in _METRIC.findall(e)}
    assert used == exported()  # nothing queried that does not exist, nothing exported unseen


def test_every_panel_uses_the_provisioned_data_source(dashboard: dict[str, Any]) -> None:
    provisioned = yaml.safe_load(
        (MONITORING / "grafana/provisioning/datasources/prometheus.yml").read_text("utf-8")
    )
    [source] = provisioned["datasources"]
    assert source["url"] == "http://prometheus:9090"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        assert all(t["datasource"]["uid"] == source["uid"] for t in panel["targets"])


def test_panels_have_unique_ids_and_do_not_overlap(dashboard: dict[str, Any]) -> None:
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    cells = [
        (x, y)
        for p in panels
        for x in range(p["gridPos"]["x"], p["gridPos"]["x"] + p["gridPos"]["w"])
        for y in range(p["gridPos"]["y"], p["gridPos"]["y"] + p["gridPos"]["h"])
    ]
    assert len(cells) == len(set(cells))
    assert max(x for x, _ in cells) < 24  # Grafana's grid is 24 columns wide


@pytest.mark.parametrize("stage", STAGES)
def test_prometheus_scrapes_each_stage_where_it_serves_metrics(
    compose: dict[str, Any], stage: str
) -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text("utf-8"))
    [job] = config["scrape_configs"]
    [dns] = job["dns_sd_configs"]
    assert stage in dns["names"]
    listen = compose["services"][stage]["environment"]["REDFLAG_METRICS__LISTEN"]
    host, port = listen.rsplit(":", 1)
    assert host == "0.0.0.0"  # reachable from the prometheus container
    assert int(port) == dns["port"]
    assert "ports" not in compose["services"][stage]  # /metrics stays on the Compose network


def test_monitoring_is_an_opt_in_profile_wired_to_its_files(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
    prometheus = mounts(services["prometheus"])
    assert prometheus["/etc/prometheus/prometheus.yml"] == (MONITORING / "prometheus.yml")
    grafana = mounts(services["grafana"])
    provider = yaml.safe_load(
        (MONITORING / "grafana/provisioning/dashboards/redflag.yml").read_text("utf-8")
    )
    [source] = provider["providers"]
    folder = grafana[source["options"]["path"]]
    assert (folder / DASHBOARD.name).is_file()
    home = services["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{source['options']['path']}/{DASHBOARD.name}"
    assert grafana["/etc/grafana/provisioning"] == MONITORING / "grafana" / "provisioning"
    assert services["grafana"]["ports"] == ["127.0.0.1:3000:3000"]
