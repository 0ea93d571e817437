"""Event state beside the delivery log: which event each alert reports, and the chat message
each event's first alert became (for thread replies).

Tables (created with the delivery log's, in `notifierdb.MIGRATIONS`):

* `events`: one row per event: company key, type, figures so far, unit counts seen, times;
* `event_reports`: one row per alert id: its event and what it was to it (first, repeat,
  update, edit). Written in one transaction with the event, *before* any send, and read
  back on a redelivery, so a replayed alert gets the same decision it got the first time;
* `event_messages`: the chat's id for each delivered message, per channel and target.

The decision is keyed by the alert id, so a crash between any two steps replays to the same
answer: a first report stays a first report (and its delivery row says whether it was sent),
a repeat stays a repeat. See docs/notifier.md, "Events".
"""

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemas.alert import Alert, Facts
from services.core.sqlite import transaction
from services.events.match import (
    Decision,
    EventState,
    Report,
    advance,
    company_key,
    decide,
    start,
)
from services.events.products import Products
from services.events.rules import Rules

#: Event state is kept this long after an event's last report (longest window, with margin).
EVENT_RETENTION = 14 * 86400.0

_PRUNE = (
    "DELETE FROM event_messages WHERE alert_id IN (SELECT alert_id FROM event_reports "
    "WHERE event_id IN (SELECT event_id FROM events WHERE updated_at < ?))",
    "DELETE FROM event_channels WHERE event_id IN "
    "(SELECT event_id FROM events WHERE updated_at < ?)",
    "DELETE FROM event_reports WHERE event_id IN "
    "(SELECT event_id FROM events WHERE updated_at < ?)",
    "DELETE FROM events WHERE updated_at < ?",
)


@dataclass(frozen=True, slots=True)
class Observed:
    """An alert's place in its event: the decision plus what the renderers show."""

    decision: Decision
    event_id: str
    first_alert: str
    reports: int
    sources: tuple[str, ...]
    fresh: bool  # decided now, not replayed from an earlier delivery of the same alert


def report_of(alert: Alert, rules: Rules, clock: Callable[[], float] = time.time) -> Report:
    """The alert as evidence of an event, timed by when it was published (else first seen)."""
    when = alert.published or alert.first_seen or alert.detected_at
    return Report(
        alert_id=alert.id,
        article_id=alert.article_id,
        type=alert.event.type,
        company=company_key(alert.event, rules),
        facts=alert.event.facts,
        at=when.timestamp() if when is not None else clock(),
        text=f"{alert.title}\n{alert.event.evidence}",
    )


def _facts(raw: str | None) -> Facts | None:
    return None if raw is None else Facts.model_validate_json(raw)


class EventLog:
    """The `events`, `event_reports` and `event_messages` tables; mixed into `DeliveryLog`."""

    _conn: sqlite3.Connection
    _clock: Callable[[], float]  # epoch seconds; the log's clock

    def observe(self, alert: Alert, rules: Rules) -> Observed:
        """The alert's decision: recorded before anything is sent, the same on every replay."""
        with transaction(self._conn):  # one decision at a time across replicas
            decision = self.recorded(alert.id)
            fresh = decision is None
            if decision is None:
                decision = self._decide(alert, rules)
        event_id = decision.event_id or alert.id
        return self._observed(decision, event_id, fresh)

    def recorded(self, alert_id: str) -> Decision | None:
        """The decision taken for an alert, if it was observed (a held UPDATE keeps it)."""
        row = self._conn.execute(
            "SELECT kind, event_id, old, facts FROM event_reports WHERE alert_id = ?", (alert_id,)
        ).fetchone()
        if row is None:
            return None
        kind, event_id, old, facts = row
        after = _facts(facts) or Facts()
        return Decision(kind, None if kind == "first" else str(event_id), _facts(old), after)

    def _candidates(self, report: Report, window: float) -> list[EventState]:
        rows = self._conn.execute(
            "SELECT event_id, facts, units_seen, times, products FROM events "
            "WHERE company = ? AND type = ? AND last_at >= ? AND first_at <= ?",
            (report.company, report.type, report.at - window, report.at + window),
        ).fetchall()
        out = []
        for event_id, facts, units, times, products in rows:
            articles = {
                str(r[0])
                for r in self._conn.execute(
                    "SELECT article_id FROM event_reports WHERE event_id = ?", (event_id,)
                )
            }
            out.append(
                EventState(
                    str(event_id),
                    report.type,
                    report.company,
                    Facts.model_validate_json(facts),
                    tuple(json.loads(times)),
                    frozenset(articles),
                    tuple(json.loads(units)),
                    Products.from_dict(json.loads(products)),
                )
            )
        return out

    def _decide(self, alert: Alert, rules: Rules) -> Decision:
        report = report_of(alert, rules, self._clock)
        candidates = self._candidates(report, rules.windows[report.type])
        decision = decide(report, candidates, rules)
        if decision.event_id is None:
            state = start(report, decision.products)
            self._conn.execute(
                "INSERT INTO events (event_id, company, type, company_name, facts, units_seen, "
                "times, first_alert, first_at, last_at, updated_at) "
                "VALUES (?, ?, ?, ?, '', '', '', ?, 0, 0, 0)",
                (state.id, state.company, state.type, alert.event.company or "", alert.id),
            )
        else:
            state = advance(
                next(c for c in candidates if c.id == decision.event_id), report, decision
            )
        self._conn.execute(
            "UPDATE events SET facts = ?, units_seen = ?, times = ?, first_at = ?, "
            "last_at = ?, updated_at = ?, products = ? WHERE event_id = ?",
            (
                state.facts.model_dump_json(exclude_none=True),
                json.dumps(state.units_seen),
                json.dumps(state.times),
                state.times[0],
                state.times[-1],
                self._clock(),
                json.dumps(state.products.as_dict(), ensure_ascii=False),
                state.id,
            ),
        )
        self._conn.execute(
            "INSERT INTO event_reports (alert_id, event_id, kind, article_id, source, title, "
            "link, old, facts, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                alert.id,
                state.id,
                decision.kind,
                alert.article_id,
                alert.source or alert.feed,
                alert.title,
                alert.link,
                None if decision.old is None else decision.old.model_dump_json(exclude_none=True),
                decision.facts.model_dump_json(exclude_none=True),
                report.at,
            ),
        )
        return decision

    def _observed(self, decision: Decision, event_id: str, fresh: bool) -> Observed:
        first = self._conn.execute(
            "SELECT first_alert FROM events WHERE event_id = ?", (event_id,)
        ).fetchone()
        reports, sources = self._counted(event_id)
        first_alert = str(first[0]) if first else event_id
        return Observed(decision, event_id, first_alert, reports, sources, fresh)

    def _counted(self, event_id: str) -> tuple[int, tuple[str, ...]]:
        rows = self._conn.execute(
            "SELECT source FROM event_reports WHERE event_id = ? AND kind != 'edit' "
            "ORDER BY at, rowid",
            (event_id,),
        ).fetchall()
        return len(rows), tuple(dict.fromkeys(str(r[0]) for r in rows if r[0]))

    def reports_of(self, alert_id: str) -> tuple[int, tuple[str, ...]]:
        """How many reports the alert's event has had so far, and their sources (a digest
        shows them: a channel that cannot thread gets the count there)."""
        row = self._conn.execute(
            "SELECT event_id FROM event_reports WHERE alert_id = ?", (alert_id,)
        ).fetchone()
        return (1, ()) if row is None else self._counted(str(row[0]))

    def first_report(self, event_id: str) -> tuple[str, float] | None:
        """The headline and time of an event's first report (what an UPDATE updates)."""
        row = self._conn.execute(
            "SELECT title, at FROM event_reports WHERE event_id = ? AND kind = 'first'",
            (event_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), float(row[1]))

    def opener(self, event_id: str, channel: str, alert_id: str) -> str:
        """The alert that first showed an event on a channel; `alert_id` if none did yet.

        Written at routing time, before the send, so a report routed while the first is still
        queued threads under it, and a replayed first report is still the opener.
        """
        self._conn.execute(
            "INSERT OR IGNORE INTO event_channels (event_id, channel, alert_id) VALUES (?, ?, ?)",
            (event_id, channel, alert_id),
        )
        row = self._conn.execute(
            "SELECT alert_id FROM event_channels WHERE event_id = ? AND channel = ?",
            (event_id, channel),
        ).fetchone()
        return str(row[0])

    def opened_by(self, alert_id: str, channel: str) -> str | None:
        """The alert that opened `alert_id`'s event on `channel` (itself, if it did), or None
        when unknown; read only, unlike `opener`."""
        row = self._conn.execute(
            "SELECT c.alert_id FROM event_reports r JOIN event_channels c "
            "ON c.event_id = r.event_id AND c.channel = ? WHERE r.alert_id = ?",
            (channel, alert_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def remember_message(self, alert_id: str, channel: str, target: str, ref: str) -> None:
        """Keep the chat's id of a delivered message (a thread's parent for later reports)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO event_messages (alert_id, channel, target, ref, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (alert_id, channel, target, ref, self._clock()),
        )

    def message_ref(self, alert_id: str, channel: str, target: str) -> str | None:
        """The chat's id of the message an alert became on one channel target, if known."""
        row = self._conn.execute(
            "SELECT ref FROM event_messages WHERE alert_id = ? AND channel = ? AND target = ?",
            (alert_id, channel, target),
        ).fetchone()
        return None if row is None else str(row[0])

    def prune_events(self, older_than: float) -> None:
        """Forget events whose last report is older than `older_than` seconds."""
        cutoff = self._clock() - older_than
        for sql in _PRUNE:
            self._conn.execute(sql, (cutoff,))

    def recent_events(
        self, since: float, company: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Events with a report since `since` (epoch), newest first, with their reports."""
        sql = (
            "SELECT event_id, company, company_name, type, facts, first_at, last_at "
            "FROM events WHERE last_at >= ?"
        )
        args: list[Any] = [since]
        if company:
            sql += " AND (company = ? OR lower(company_name) = ?)"
            args += [company.casefold(), company.casefold()]
        if kind:
            sql += " AND type = ?"
            args.append(kind)
        out = []
        for event_id, key, name, type_, facts, first_at, last_at in self._conn.execute(
            sql + " ORDER BY last_at DESC", args
        ).fetchall():
            reports = [
                {
                    "alert_id": a,
                    "kind": k,
                    "source": s,
                    "title": t,
                    "link": lnk,
                    "at": at,
                    "deliveries": self.deliveries_of(str(a)),
                }
                for a, k, s, t, lnk, at in self._conn.execute(
                    "SELECT alert_id, kind, source, title, link, at FROM event_reports "
                    "WHERE event_id = ? ORDER BY at, rowid",
                    (event_id,),
                ).fetchall()
            ]
            out.append(
                {
                    "event_id": event_id,
                    "company": name or key,
                    "type": type_,
                    "facts": json.loads(facts),
                    "first_at": first_at,
                    "last_at": last_at,
                    "reports": reports,
                }
            )
        return out

    def deliveries_of(self, alert_id: str) -> dict[str, str]:
        """Each channel's delivery state of one alert."""
        rows = self._conn.execute(
            "SELECT channel, state FROM deliveries WHERE alert_id = ?", (alert_id,)
        )
        return {str(c): str(s) for c, s in rows}
