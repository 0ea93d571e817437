"""`redflag channels` and `redflag test-channel NAME`: inspect and try channels by hand."""

import asyncio
from datetime import UTC, datetime

from schemas.alert import Alert, Event, Facts
from services.core.redact import redact_urls
from services.notifier.channels import Channel, ChannelError, build, close, deliver
from services.notifier.config import ChannelConfig, Settings
from services.notifier.console import format_alert
from services.notifier.render import Rendered, render
from services.notifier.view import view


class NotifyError(Exception):
    """A channel could not be used or a send failed; the message is safe to print."""


def _rules(cfg: ChannelConfig) -> str:
    parts = ["events=" + ",".join(cfg.events)]
    if cfg.watchlist_only:
        parts.append("watchlist only")
    if cfg.min_confidence:
        parts.append(f"confidence ≥ {cfg.min_confidence:g}")
    if cfg.companies:
        parts.append("companies=" + ",".join(cfg.companies))
    if cfg.tickers:
        parts.append("tickers=" + ",".join(cfg.tickers))
    if cfg.languages:
        parts.append("languages=" + ",".join(cfg.languages))
    facts = cfg.min_facts
    for label, value in (
        ("units", facts.units),
        ("fatalities", facts.fatalities),
        ("injuries", facts.injuries),
        ("change %", facts.change_pct),
    ):
        if value is not None:
            parts.append(f"{label} ≥ {value:,g}")
    if cfg.quiet_hours is not None:
        q = cfg.quiet_hours
        parts.append(f"quiet {q.start:%H:%M}-{q.end:%H:%M} {q.timezone}")
    if cfg.digest is not None:
        parts.append(f"digest every {cfg.digest.every / 60:g} min")
    if cfg.rate_limit is not None:
        parts.append(f"rate {cfg.rate_limit}")
    return " · ".join(parts)


def list_channels(settings: Settings) -> list[str]:
    """One line per channel: name, kind, redacted URL, rules."""
    lines = []
    for cfg in settings.channels:
        try:
            channel = build(cfg, settings.notifier)
            where = f"{channel.kind or 'console'} {channel.display_url}"
        except ChannelError as exc:
            where = f"MISCONFIGURED ({exc})"
        lines.append(redact_urls(f"{cfg.name}: {where} · {_rules(cfg)}"))
    return lines


def sample_alert(now: datetime | None = None) -> Alert:
    """The alert `test-channel` sends: clearly a test, with every part filled in."""
    now = now or datetime.now(UTC)
    return Alert(
        id="redflag-test",
        article_id="redflag-test",
        title="[redflag test] Acme Motors recalls 12,000 SUVs over a brake fault",
        link="https://example.com/redflag-test",
        source="redflag",
        feed="redflag",
        published=now,
        lang="en",
        detected_at=now,
        event=Event(
            type="recall",
            confidence=0.97,
            company="Acme Motors",
            tickers=("ACME",),
            facts=Facts(units=12_000),
            evidence="recalls 12,000 SUVs",
            on_watchlist=True,
        ),
    )


def _find(settings: Settings, name: str) -> ChannelConfig:
    for cfg in settings.channels:
        if cfg.name == name:
            return cfg
    known = ", ".join(c.name for c in settings.channels) or "none configured"
    raise NotifyError(f"no channel named {name!r} (channels: {known})")


async def test_channel(settings: Settings, name: str) -> str:
    """Send the sample alert once, unpaced and without retries; raise NotifyError on failure."""
    cfg = _find(settings, name)
    try:
        channel: Channel = build(cfg, settings.notifier)
    except ChannelError as exc:
        raise NotifyError(str(exc)) from exc
    v = view(sample_alert())
    if channel.kind is None:
        message = Rendered("", format_alert(v), "text", "info")
        return f"channel {name!r} is the console: nothing to send\n{message.body.rstrip()}"
    message = render(v, channel.kind, channel.max_length)
    try:
        outcome = await asyncio.to_thread(deliver, channel, message)
    finally:
        close([channel])
    if not outcome.ok:
        raise NotifyError(
            redact_urls(f"channel {name!r} ({channel.display_url}): {outcome.reason}")
        )
    return f"sent a test alert to {name!r} ({channel.kind}, {channel.display_url})"
