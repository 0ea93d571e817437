"""What each channel gets for a report of an event: a full alert, a thread reply, an UPDATE or
nothing (pure), and the views of the reply and the UPDATE, drawn by the usual renderers.
"""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Literal

from schemas.alert import Alert, Facts
from services.events.match import Decision, changes
from services.notifier.config import ReportsMode as Mode
from services.notifier.eventlog import Observed
from services.notifier.view import AlertView, Fact, clean, number, shorten, when

Plan = Literal["alert", "reply", "update", "none"]
_LABELS = {"units": "Units", "fatalities": "Fatalities", "injuries": "Injuries"}


def plan(kind: str, mode: Mode, *, opener: bool, threads: bool) -> Plan:
    """The message one channel gets for a report (`kind` from `match.decide`).

    `opener`: this report is the first of its event routed to this channel; `threads`: the
    channel can reply under an earlier message (Slack bot token, Telegram).
    """
    if kind == "edit":
        return "none"  # the article was counted already and no figure moved materially
    if mode == "every_report":
        return "alert"
    if kind == "update":
        return "update"
    if opener:
        return "alert"
    return "reply" if mode == "thread" and threads else "none"


def reply_view(v: AlertView, reports: int, sources: tuple[str, ...]) -> AlertView:
    """A later report: its headline and link, the event's report count and sources so far."""
    shown = ", ".join(clean(s) for s in sources[-8:])
    more = len(sources) - 8
    if more > 0:
        shown = f"+{more} more, {shown}"
    return replace(
        v,
        badge=f"REPORT {reports}",
        emoji="↪️",
        facts=(Fact("Sources", shown),) if shown else (),
        severe=False,
    )


def update_view(v: AlertView, kind: str, decision: Decision, of: str = "") -> AlertView:
    """A material update: 'UPDATE · RECALL', each moved figure as old -> new.

    `of` names the alert it updates ('Ford recalls 142,000 Explorers · 2026-03-04 14:05 UTC')
    where it is not threaded under it: in a digest.
    """
    old = decision.old or Facts()
    facts: tuple[Fact, ...]
    if kind == "target_change":
        facts = v.facts  # the alert's own old -> new is the target's last value -> this one
    else:
        facts = tuple(
            Fact(_LABELS[key], f"{number(before)} → {number(after)}", strong=True)  # type: ignore[arg-type]
            for key, before, after in changes(kind, old, decision.facts)
        )
    facts = facts or v.facts
    if of:
        facts = (*facts, Fact("Update of", of))
    return replace(v, badge=f"UPDATE · {v.badge}", emoji="🔺", facts=facts)


def update_of(title: str, at: float) -> str:
    """'Ford recalls 142,000 Explorers (2026-03-04 14:05 UTC)': the alert an UPDATE updates."""
    return f"{shorten(clean(title), 80)} ({when(datetime.fromtimestamp(at, UTC))})"


def with_reports(v: AlertView, reports: int, sources: tuple[str, ...]) -> AlertView:
    """An alert in a digest, with its event's later reports counted: 'Reports: 4 (AP, ...)'."""
    if reports <= 1:
        return v
    shown = ", ".join(clean(s) for s in sources[:8]) + (", …" if len(sources) > 8 else "")
    return replace(v, facts=(*v.facts, Fact("Reports", f"{reports} ({shown})")))


def event_view(v: AlertView, what: str, seen: Observed, alert: Alert, of: str) -> AlertView:
    """The alert's view as this channel shows it: itself, a thread reply or an UPDATE (`of`
    names the alert it updates where it is not threaded under it)."""
    if what == "reply":
        return reply_view(v, seen.reports, seen.sources)
    if what == "update":
        return update_view(v, alert.event.type, seen.decision, of)
    return v
