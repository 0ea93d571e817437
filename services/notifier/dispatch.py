"""What each channel gets for one routed alert: nothing (sent before, held, or its event's
plan says so), or a job: the alert, a thread reply under its event's first, or an UPDATE.

Apart from the consumer loop (stage.py): this is the notifier's product decision, one channel
at a time (rules, event plan, quiet hours and digests, rendering once per kind of message),
and the loop only hands the jobs on, to its own workers or to the deliveries hop.
"""

from datetime import datetime
from functools import partial

from schemas.alert import Alert
from services.notifier.channels import Channel
from services.notifier.config import Settings
from services.notifier.deliverylog import FINAL, DeliveryLog
from services.notifier.eventlog import Observed
from services.notifier.eventviews import event_view, plan, update_of
from services.notifier.hop import render_for
from services.notifier.jobs import Job, Ticket
from services.notifier.metrics import EVENT_REPEATS_SUPPRESSED, EVENT_UPDATES
from services.notifier.render import Rendered
from services.notifier.routing import held_back, is_critical, route
from services.notifier.view import AlertView, view


def dispatch(
    alert: Alert,
    seen: Observed,
    v: AlertView,
    ticket: Ticket,
    settings: Settings,
    *,
    channels: dict[str, Channel],
    deliveries: DeliveryLog,
    now: datetime,
) -> tuple[list[tuple[Channel, Job]], list[str]]:
    """The alert's jobs, one per channel that sends it now (`v`: its view), and the
    channels that hold it for a digest (held here, in `deliveries`)."""
    jobs: list[tuple[Channel, Job]] = []
    held: list[str] = []
    rendered: dict[tuple[str, str | None, int | None, str], Rendered] = {}
    for cfg in route(alert, settings.channels):
        channel = channels[cfg.name]
        if deliveries.state(alert.id, cfg.name) in FINAL:
            continue  # delivered (or settled) before: a redelivery, never sent twice
        if deliveries.is_held(cfg.name, alert.id):
            continue
        opener = deliveries.opener(seen.event_id, cfg.name, alert.id)
        what = plan(
            seen.decision.kind, cfg.reports, opener=opener == alert.id, threads=channel.threads
        )
        if what in ("reply", "none") and seen.fresh and seen.decision.kind == "repeat":
            EVENT_REPEATS_SUPPRESSED.labels(channel=cfg.name).inc()
        if what == "none":
            continue
        if held_back(alert, cfg, settings.notifier, now):
            if what == "reply":
                continue  # counted on the event; its first alert waits in the digest
            deliveries.hold(cfg.name, alert)
            held.append(cfg.name)
            continue
        if what == "update":
            EVENT_UPDATES.labels(channel=cfg.name).inc()
        reply_to = None if what == "alert" or opener == alert.id else opener
        # an UPDATE that cannot sit under its first alert names the alert it updates
        of = (
            _update_of(deliveries, seen)
            if what == "update" and not (reply_to and channel.threads)
            else ""
        )
        key = (what, channel.kind, channel.max_length, of)
        ev = event_view(v, what, seen, alert, of)
        if key not in rendered:
            rendered[key] = render_for(channel, ev)
        job = Job(key=alert.id, message=rendered[key], ticket=ticket, alert=alert, view=ev)
        job.remake = partial(render_for, channel)
        job.reply_to = reply_to
        jobs.append((channel, job))
    return jobs, held


def _update_of(deliveries: DeliveryLog, seen: Observed) -> str:
    first = deliveries.first_report(seen.event_id) if seen.event_id else None
    return update_of(*first) if first is not None else ""


def alert_view(alert: Alert, settings: Settings) -> AlertView:
    """The alert's display parts, marked critical per the notifier's thresholds."""
    return view(alert, critical=is_critical(alert, settings.notifier))
