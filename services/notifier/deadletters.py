"""Dead-lettered deliveries: the ops channel's notice, `redflag deadletter list` and `replay`.

The delivery log (`state_dir/notifier.db`, and with the deliveries hop the sender's
`notifier-sender.db` beside it) is the record: a `dead` row per (alert id, channel)
with its reason, and the alert itself (`dead_alerts`) so it can be sent again. A replay takes
the row back from `dead` atomically (`DeliveryLog.reclaim`), so a pair that was delivered in
the meantime, or by an earlier replay, is never sent twice; a running notifier sharing the
file sees the replay's claim like another replica's.
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from schemas.alert import Alert
from services.core.durations import parse_seconds
from services.core.lifecycle import StopSignal
from services.core.redact import redact_urls
from services.notifier.channels import Channel, ChannelError, Tag, build, close, deliver
from services.notifier.config import Settings
from services.notifier.console import format_alert
from services.notifier.deadlog import Dead
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.pacing import Pacer
from services.notifier.render import Kind, Rendered, esc_html, esc_md, esc_slack, render
from services.notifier.routing import is_critical
from services.notifier.senderlog import SENDER_LOG
from services.notifier.view import clean, defuse_mentions, delayed, shorten, view

_ESCAPE = {"slack": esc_slack, "telegram": esc_html, "html": esc_html, "markdown": esc_md}


def notice(
    alert_id: str, channel: str, reason: str, alert: Alert | None, kind: Kind | None
) -> Rendered:
    """The ops channel's short message for one dead-letter: no URL, no token (the reason is
    already redacted), the headline cleaned like any article text."""
    esc = _ESCAPE.get(kind or "text", lambda s: s)
    lines = [f"Dead-lettered: alert {alert_id} for channel '{channel}'"]
    if alert is not None:
        lines.append(shorten(defuse_mentions(clean(alert.title)), 120))
    lines += [redact_urls(clean(reason)), f"Resend: redflag deadletter replay {alert_id}"]
    body = "\n".join(esc(line) for line in lines)
    if kind == "html":
        body = "<br>\n".join(esc(line) for line in lines)
    return Rendered(
        "" if kind == "telegram" else "redflag: delivery dead-lettered",
        body,
        "html" if kind in ("telegram", "html") else "text",
        "failure",
    )


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_dead(rows: Sequence[Dead]) -> list[str]:
    """One line per dead-lettered pair: when, alert id, channel, reason."""
    return [
        f"{_when(r.at)}  {r.alert_id}  {r.channel}  {r.reason}"
        + ("" if r.alert is not None else "  (not replayable: a digest or ops notice)")
        for r in rows
    ]


def window(since: str | None) -> float | None:
    """'2h' -> the epoch time two hours ago; None -> None. ValueError names a bad value."""
    return None if since is None else time.time() - float(parse_seconds(since))  # type: ignore[arg-type]


def log_paths(settings: Settings) -> list[Path]:
    """The delivery logs in `state_dir`: the notifier's, and its sender's where the
    deliveries hop has written one (sender.py)."""
    sender = settings.state_dir / SENDER_LOG
    return [settings.state_dir / "notifier.db", *([sender] if sender.is_file() else [])]


def list_dead(
    settings: Settings, channel: str | None, since: float | None, alert_ids: Sequence[str] = ()
) -> list[Dead]:
    """Dead-lettered pairs from the delivery logs, oldest first."""
    rows: list[Dead] = []
    for path in log_paths(settings):
        log = DeliveryLog(path)
        try:
            rows += log.dead(channel, since)
        finally:
            log.close()
    rows.sort(key=lambda r: r.at)
    return [r for r in rows if not alert_ids or r.alert_id in alert_ids]


@dataclass
class ReplayResult:
    """What a replay did, a line per pair; `failed` counts sends that failed again."""

    lines: list[str]
    failed: int = 0


def message_for(channel: Channel, alert: Alert, settings: Settings, late: float) -> Rendered:
    """A replayed alert's message: its own (never a thread reply), saying how late."""
    v = replace(view(alert, critical=is_critical(alert, settings.notifier)), delayed=delayed(late))
    if channel.kind is None:
        return Rendered("", format_alert(v), "text", "info")
    return render(v, channel.kind, channel.max_length)


async def _send(channel: Channel, log: DeliveryLog, row: Dead, message: Rendered) -> str | None:
    """Each target not yet accepted; None when all took it, else the failure's reason."""
    targets = channel.targets
    done = log.accepted(row.alert_id, channel.name) if len(targets) > 1 else set()
    for target in targets:
        if target in done:
            continue
        tag = Tag(row.alert_id, row.alert_id)  # a crash mid-replay is settled like a send
        outcome = await asyncio.to_thread(deliver, channel, message, target, None, tag)
        if not outcome.ok:
            return outcome.reason
        if len(targets) > 1:
            log.accept(row.alert_id, channel.name, target)
    return None


def not_dead(logs: Sequence[DeliveryLog], alert_id: str, names: Sequence[str]) -> str:
    """Why an alert id named on the command line has nothing to replay."""
    states = {n: next((s for log in logs if (s := log.state(alert_id, n))), None) for n in names}
    known = ", ".join(f"{n}: {s}" for n, s in states.items() if s is not None)
    return f"{alert_id}: nothing dead-lettered" + (f" ({known})" if known else "")


class _Replay:
    """One replay run: channels built once each, paced like the notifier."""

    def __init__(self, settings: Settings, log: DeliveryLog) -> None:
        self.settings = settings
        self.log = log
        self.configs = {c.name: c for c in settings.channels}
        self.channels: dict[str, Channel] = {}
        self.pacer, self.stop = Pacer(), StopSignal()
        self.result = ReplayResult([])

    def _channel(self, name: str) -> Channel:
        if name not in self.channels:
            self.channels[name] = build(self.configs[name], self.settings.notifier)
        return self.channels[name]

    async def one(self, row: Dead) -> str:
        """Replay one pair; the line saying what happened."""
        where = f"{row.alert_id} -> {row.channel}"
        if row.alert is None:
            return f"{where}: not replayable (a digest or ops notice; see the dead-letter topic)"
        if row.channel not in self.configs:
            return f"{where}: channel no longer configured, skipped"
        try:
            channel = self._channel(row.channel)
        except ChannelError as exc:
            self.result.failed += 1
            return f"{where}: {exc}"
        blocked = self.log.reclaim(row.alert_id, row.channel)
        if blocked is not None:
            return f"{where}: already {blocked}, not sent again"
        late = time.time() - row.first_at
        message = message_for(channel, Alert.model_validate_json(row.alert), self.settings, late)
        await self.pacer.acquire(list(channel.limits), self.stop)
        failure = await _send(channel, self.log, row, message)
        if failure is None:
            self.log.mark(row.alert_id, row.channel, DELIVERED)
            return f"{where}: sent ({delayed(late)})"
        reason = redact_urls(f"channel {row.channel!r}: replay failed: {failure}")
        self.log.bury(row.alert_id, row.channel, reason, row.alert)
        self.result.failed += 1
        return f"{where}: {reason}"


async def replay(
    settings: Settings,
    *,
    channel: str | None = None,
    since: float | None = None,
    alert_ids: Sequence[str] = (),
) -> ReplayResult:
    """Send dead-lettered alerts again, once each, paced; one that fails again stays dead.
    Each delivery log (`log_paths`) in turn; an id dead in none is said so once."""
    logs = [DeliveryLog(path) for path in log_paths(settings)]
    result = ReplayResult([])
    try:
        batches = [log.dead(channel, since) for log in logs]
        if alert_ids:
            batches = [[r for r in rows if r.alert_id in set(alert_ids)] for rows in batches]
            found = {r.alert_id for rows in batches for r in rows}
            names = [c.name for c in settings.channels if channel is None or c.name == channel]
            for missing in dict.fromkeys(a for a in alert_ids if a not in found):
                result.lines.append(not_dead(logs, missing, names))
        for log, rows in zip(logs, batches, strict=True):
            run = _Replay(settings, log)
            run.result = result
            try:
                for row in rows:
                    result.lines.append(await run.one(row))
            finally:
                close(run.channels.values())
    finally:
        for log in logs:
            log.close()
    return result
