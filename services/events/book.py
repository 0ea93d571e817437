"""Events in memory: group a batch of alerts (an archive, a backtest) as the notifier would.

The notifier keeps the same state in SQLite (`services/notifier/eventlog.py`); this is the
in-memory twin for `redflag classify --events` and the benchmark's ground truth checks.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from services.events.match import Decision, EventState, Report, advance, decide, start
from services.events.rules import Rules


@dataclass
class Grouped:
    """One event and its reports in the order they were added."""

    state: EventState
    reports: list[tuple[Report, Decision]] = field(default_factory=list)


class EventBook:
    """Events by (company, type); `add` decides a report and records it."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.events: dict[str, Grouped] = {}
        self._open: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, report: Report) -> Decision:
        """The report's decision, as `match.decide` gives it against the events so far."""
        ids = self._open[(report.company, report.type)]
        decision = decide(report, (self.events[i].state for i in ids), self.rules)
        if decision.event_id is None:
            self.events[report.alert_id] = Grouped(
                start(report, decision.products), [(report, decision)]
            )
            ids.append(report.alert_id)
            return decision
        grouped = self.events[decision.event_id]
        grouped.state = advance(grouped.state, report, decision)
        grouped.reports.append((report, decision))
        return decision
