"""What an alert says, as plain strings, before any channel's markup: pure, no I/O.

Every piece of article text (title, company, source, tickers) is untrusted: `clean` strips
control characters and folds newlines so a title cannot forge extra lines of facts, and
`defuse_mentions` breaks `@everyone`/`@here`/`@channel` with a zero-width space so no
service turns them into a mass ping. Channel-specific escaping happens in `render`.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from schemas.alert import Alert, Facts
from services.notifier.domains import link_host, registered_domain
from services.notifier.routing import change_pct

ZWSP = "\u200b"
_MENTION = re.compile(r"@(everyone|here|channel|all)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_URL_SAFE = "/?#[]@!$&'()*+,;=%:~-._"

#: badge text and emoji per event (direction-specific for target changes)
BADGES: dict[str, tuple[str, str]] = {
    "recall": ("RECALL", "⚠️"),
    "crash": ("CRASH", "🚨"),
    "raise": ("TARGET ↑", "📈"),
    "cut": ("TARGET ↓", "📉"),
    "withdraw": ("TARGET WITHDRAWN", "🚫"),
    "set": ("TARGET SET", "🎯"),
    "target_change": ("TARGET", "🎯"),
}


def clean(text: str | None) -> str:
    """One line of printable text: control characters dropped, whitespace folded."""
    if not text:
        return ""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r ")
    return _SPACE.sub(" ", kept).strip()


def defuse_mentions(text: str) -> str:
    """'@everyone' -> '@\u200beveryone': reads the same, pings no one."""
    return _MENTION.sub(lambda m: "@" + ZWSP + m.group(1), text)


def safe_link(url: str | None) -> str | None:
    """An http(s) URL to a public host (the egress policy's host checks: no private or oddly
    spelt IP), with characters that break chat link syntax percent-encoded, else None."""
    if not url:
        return None
    url = url.strip()
    if link_host(url) is None:
        return None
    return quote(url, safe=_URL_SAFE)


def source_line(source: str, link: str | None) -> str:
    """'Reuters (example.com)': the source name and the registered domain of its link, so a
    source name cannot vouch for a link elsewhere (issue 11)."""
    domain = registered_domain(link)
    if domain is None or domain.casefold() in source.casefold():
        return source
    return f"{source} ({domain})" if source else domain


def number(value: float | None) -> str:
    """12000 -> '12,000'; 12.5 -> '12.5'; 3.10 -> '3.1'."""
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _money(value: float | None, currency: str | None) -> str:
    cur = clean(currency)
    cents = cur and value is not None and not float(value).is_integer()
    text = f"{value:,.2f}" if cents else number(value)  # USD 4.50, not USD 4.5
    return f"{cur} {text}" if cur and value is not None else text


def direction(facts: Facts) -> str | None:
    """The target's direction: as stated, else inferred from old -> new."""
    if facts.direction:
        return facts.direction
    if facts.old is not None and facts.new is not None and facts.old != facts.new:
        return "raise" if facts.new > facts.old else "cut"
    return None


@dataclass(frozen=True, slots=True)
class Fact:
    """One key figure: a label and its value, e.g. ('Units', '12,000')."""

    label: str
    value: str
    strong: bool = False


#: Severity as apprise names it (its `NotifyType`): what colours a message.
Level = Literal["info", "warning", "failure"]


@dataclass(frozen=True, slots=True)
class AlertView:
    """The parts of a message, as clean plain text."""

    badge: str
    emoji: str
    kind: str  # recall | crash | target_change
    company: str
    tickers: tuple[str, ...]
    headline: str
    link: str | None
    facts: tuple[Fact, ...]
    source: str
    when: str
    confidence: str
    on_watchlist: bool
    severe: bool  # deadly crash or very large recall: rendered in red
    delayed: str = ""  # 'delayed 14 min' when an outage held the delivery up, else ''

    @property
    def level(self) -> "Level":
        """The alert's severity, one rule for every renderer: red for severe alerts, amber
        for recalls and crashes, blue for target changes."""
        if self.severe:
            return "failure"
        return "info" if self.kind == "target_change" else "warning"

    @property
    def subject(self) -> str:
        """'CRASH · Acme Air (ACA)': badge, company and tickers on one line."""
        who = self.company or "Unknown company"
        if self.tickers:
            who += " (" + ", ".join(self.tickers) + ")"
        return f"{self.badge} · {who}"

    @property
    def delay_note(self) -> str:
        """'⏱ delayed 14 min', or '' when on time."""
        return f"⏱ {self.delayed}" if self.delayed else ""

    @property
    def byline(self) -> str:
        """'Reuters · 2025-03-04 14:05 UTC · confidence 92%' (+ '· watchlist'), led by
        '⏱ delayed 14 min' when the delivery was held up."""
        parts = [
            p
            for p in (self.delay_note, self.source, self.when, f"confidence {self.confidence}")
            if p
        ]
        if self.on_watchlist:
            parts.append("★ watchlist")
        return " · ".join(parts)


def _facts(alert: Alert) -> tuple[Fact, ...]:
    facts, kind = alert.event.facts, alert.event.type
    out: list[Fact] = []
    if kind == "recall" and facts.units is not None:
        out.append(Fact("Units", number(facts.units), strong=True))
    if kind == "crash":
        if facts.fatalities is not None:
            out.append(Fact("Fatalities", number(facts.fatalities), strong=True))
        if facts.injuries is not None:
            out.append(Fact("Injuries", number(facts.injuries)))
    if kind == "target_change":
        label = clean((facts.metric or "").replace("_", " ")).capitalize() or "Target"
        if facts.period:
            label += f" ({clean(facts.period)})"
        if facts.direction == "withdraw":  # what was withdrawn, when the article says
            was = f"{_money(facts.old, facts.currency)} → " if facts.old is not None else ""
            out.append(Fact(label, f"{was}withdrawn", strong=True))
        elif facts.old is not None or facts.new is not None:
            value = f"{_money(facts.old, facts.currency)} → {_money(facts.new, facts.currency)}"
            pct = change_pct(facts)
            if pct is not None:
                sign = "+" if pct > 0 else "\u2212" if pct < 0 else "\u00b1"  # minus sign
                value += f" ({sign}{abs(pct):.1f}%)"
            out.append(Fact(label, value, strong=True))
    return tuple(out)


def when(value: datetime | None) -> str:
    """'2025-03-04 14:05 UTC' (published time, in UTC), or ''."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def view(alert: Alert, *, critical: bool = False) -> AlertView:
    """Extract the display parts of `alert`; `critical` marks it for emphasis."""
    event = alert.event
    key: str = event.type
    if key == "target_change":
        key = direction(event.facts) or "target_change"
    badge, emoji = BADGES[key]
    return AlertView(
        badge=badge,
        emoji=emoji,
        kind=event.type,
        company=defuse_mentions(clean(event.company)),
        tickers=tuple(defuse_mentions(clean(t)).upper() for t in event.tickers if clean(t)),
        headline=defuse_mentions(clean(alert.title)) or "(no headline)",
        link=(link := safe_link(alert.link)),
        facts=_facts(alert),
        source=source_line(defuse_mentions(clean(alert.source or alert.feed)), link),
        when=when(alert.published),
        confidence=f"{round(event.confidence * 100)}%",
        on_watchlist=event.on_watchlist,
        severe=critical,
    )


def delayed(seconds: float) -> str:
    """How late, for a trader: 'delayed 40 s', 'delayed 14 min', 'delayed 2 h 05 min'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"delayed {whole} s"
    minutes = whole // 60
    if minutes < 60:
        return f"delayed {minutes} min"
    return f"delayed {minutes // 60} h {minutes % 60:02d} min"


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"
