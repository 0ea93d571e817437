"""The process's Prometheus registry (prometheus-client), with process metrics.

Each stage declares its own metrics as objects in its `metrics.py` against `REGISTRY`, so a
misspelt name fails at import rather than exporting a stray series. `/metrics` is served by
the stage's ops server (services/core/opsserver.py) beside `/healthz` and `/readyz`.
"""

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

__all__ = ["REGISTRY", "Counter", "Gauge", "Histogram", "render", "total"]

#: One registry per process, like prometheus_client's default, but ours alone: importing a
#: library that registers metrics of its own does not add them to redflag's page.
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)  # CPU, memory, open fds, start time
PlatformCollector(registry=REGISTRY)  # python_info
GCCollector(registry=REGISTRY)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def render() -> bytes:
    """The Prometheus text exposition format of everything registered."""
    return generate_latest(REGISTRY)


def total(name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (e.g. for a run summary)."""
    value = 0.0
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                value += sample.value
    return value
