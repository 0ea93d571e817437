"""Counters and gauges in Prometheus' text format, served on `/metrics` when configured.

A deliberately small registry: redflag needs a handful of series (polls, unhealthy feeds,
articles, alerts, deliveries, one latency histogram), and a scrape endpoint is all Prometheus
or Grafana ask for.
"""

import threading
from collections import defaultdict

from aiohttp import web

#: Help text per metric name, also the list of what redflag exports.
HELP = {
    "redflag_polls_total": ("counter", "Feed polls by result (ok, error)."),
    "redflag_feed_unhealthy": ("gauge", "1 while a feed has failed `unhealthy_after` times."),
    "redflag_articles_published_total": ("counter", "New articles published by the poller."),
    "redflag_articles_classified_total": ("counter", "Articles the classifier has read."),
    "redflag_alerts_total": ("counter", "Alerts emitted by the classifier, by event type."),
    "redflag_deliveries_total": (
        "counter",
        "Notifier sends by channel and outcome (delivered, failed, rate_limited, dead).",
    ),
    "redflag_event_reports_total": (
        "counter",
        "Alerts by what they were to their event (first, repeat, update, edit); "
        "reports per event = sum / first.",
    ),
    "redflag_event_updates_total": (
        "counter",
        "UPDATE alerts sent (material changes), by channel.",
    ),
    "redflag_event_repeats_suppressed_total": (
        "counter",
        "Later reports of an event not sent as a new alert (threaded or counted), by channel.",
    ),
    "redflag_alert_latency_seconds": (
        "histogram",
        "Seconds from the poller first seeing an article to its alert's delivery, by channel.",
    ),
}
#: Bucket upper bounds per histogram: "within seconds" is the promise, minutes are trouble.
BUCKETS = {"redflag_alert_latency_seconds": (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)}

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """Thread-safe (apprise sends from worker threads) name -> labels -> value."""

    def __init__(self) -> None:
        self._values: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._histograms: dict[str, dict[Labels, list[float]]] = defaultdict(dict)
        self._lock = threading.Lock()

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        """Add `value` to a counter."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._values[name]
            series[key] = series.get(key, 0.0) + value

    def set(self, name: str, value: float, **labels: str) -> None:
        """Set a gauge."""
        with self._lock:
            self._values[name][tuple(sorted(labels.items()))] = value

    def observe(self, name: str, value: float, **labels: str) -> None:
        """Record one observation in a histogram whose bounds are in BUCKETS."""
        bounds = BUCKETS[name]
        key = tuple(sorted(labels.items()))
        with self._lock:
            # per bucket (the last is +Inf), then sum and count
            counts = self._histograms[name].setdefault(key, [0.0] * (len(bounds) + 3))
            slot = next((i for i, bound in enumerate(bounds) if value <= bound), len(bounds))
            counts[slot] += 1
            counts[-2] += value
            counts[-1] += 1

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        lines: list[str] = []
        with self._lock:
            for name in sorted({*self._values, *self._histograms}):
                kind, text = HELP.get(name, ("untyped", name))
                lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
                for labels, value in sorted(self._values.get(name, {}).items()):
                    lines.append(_sample(name, labels, value))
                for labels, counts in sorted(self._histograms.get(name, {}).items()):
                    lines += _histogram(name, labels, BUCKETS[name], counts)
        return "\n".join(lines) + "\n"


def _sample(name: str, labels: Labels, value: float) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return f"{name}{{{inner}}} {value:g}" if inner else f"{name} {value:g}"


def _histogram(
    name: str, labels: Labels, bounds: tuple[float, ...], counts: list[float]
) -> list[str]:
    """`_bucket` lines (cumulative, `le` ascending, then +Inf), `_sum` and `_count`."""
    lines, running = [], 0.0
    for bound, count in zip((*(f"{b:g}" for b in bounds), "+Inf"), counts, strict=False):
        running += count
        lines.append(_sample(f"{name}_bucket", (*labels, ("le", bound)), running))
    lines.append(_sample(f"{name}_sum", labels, counts[-2]))
    lines.append(_sample(f"{name}_count", labels, counts[-1]))
    return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


#: The process's registry; like prometheus_client's REGISTRY, one per process by design.
METRICS = Metrics()


async def serve(listen: str, metrics: Metrics = METRICS) -> web.AppRunner:
    """Serve `GET /metrics` on `host:port`; the caller cleans the runner up."""
    host, _, port = listen.rpartition(":")

    async def handler(_request: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/metrics", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host or "0.0.0.0", int(port)).start()  # noqa: S104 - configured
    return runner
