"""Which channels want an alert, and which alerts are critical: pure functions, no I/O."""

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from schemas.alert import Alert, Facts
from services.notifier.config import ChannelConfig, FactThresholds, NotifierSettings, QuietHours


def change_pct(facts: Facts) -> float | None:
    """Relative change of a target, old -> new, in percent; None when not computable."""
    if facts.old is None or facts.new is None or facts.old == 0:
        return None
    return (facts.new - facts.old) / abs(facts.old) * 100.0


def _facts_pass(alert: Alert, rules: FactThresholds) -> bool:
    facts, kind = alert.event.facts, alert.event.type
    checks: list[tuple[float | None, float | None]] = []
    if kind == "recall":
        checks.append((rules.units, facts.units))
    elif kind == "crash":
        checks += [(rules.fatalities, facts.fatalities), (rules.injuries, facts.injuries)]
    else:
        pct = change_pct(facts)
        checks.append((rules.change_pct, None if pct is None else abs(pct)))
    return all(limit is None or (value is not None and value >= limit) for limit, value in checks)


def _lang_pass(lang: str | None, wanted: tuple[str, ...]) -> bool:
    if not wanted:
        return True
    if not lang:
        return False
    primary = lang.casefold().replace("_", "-")
    return any(primary == w.casefold() or primary.startswith(w.casefold() + "-") for w in wanted)


def matches(alert: Alert, channel: ChannelConfig) -> bool:
    """True when `channel`'s rules accept `alert`."""
    event = alert.event
    if event.type not in channel.events:
        return False
    if channel.watchlist_only and not event.on_watchlist:
        return False
    if event.confidence < channel.min_confidence:
        return False
    if channel.companies:
        wanted = {c.casefold() for c in channel.companies}
        if (event.company or "").casefold() not in wanted:
            return False
    if channel.tickers:
        wanted = {t.upper() for t in channel.tickers}
        if not wanted.intersection(t.upper() for t in event.tickers):
            return False
    if not _lang_pass(alert.lang, channel.languages):
        return False
    return _facts_pass(alert, channel.min_facts)


def route(alert: Alert, channels: Iterable[ChannelConfig]) -> list[ChannelConfig]:
    """Every channel that wants `alert`, in config order."""
    return [channel for channel in channels if matches(alert, channel)]


def is_critical(alert: Alert, settings: NotifierSettings) -> bool:
    """Critical alerts ignore quiet hours and digests: deadly crashes, very large recalls."""
    facts = alert.event.facts
    if alert.event.type == "crash":
        return facts.fatalities is not None and facts.fatalities >= max(
            1, settings.critical_fatalities
        )
    if alert.event.type == "recall":
        return facts.units is not None and facts.units >= settings.critical_units
    return False


def in_quiet_hours(quiet: QuietHours | None, now: datetime) -> bool:
    """True when `now` (aware) falls in the daily window; a window may wrap midnight."""
    if quiet is None:
        return False
    local: time = now.astimezone(ZoneInfo(quiet.timezone)).time().replace(tzinfo=None)
    if quiet.start == quiet.end:
        return False
    if quiet.start < quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def held_back(
    alert: Alert, channel: ChannelConfig, settings: NotifierSettings, now: datetime
) -> bool:
    """True when the alert waits for the channel's digest (digest mode or quiet hours)."""
    if is_critical(alert, settings):
        return False
    return channel.digest is not None or in_quiet_hours(channel.quiet_hours, now)
