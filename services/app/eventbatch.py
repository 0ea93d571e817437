"""`redflag classify --events`: a JSON Lines batch of articles grouped into events (backtests).

Each input line is classified as `redflag classify` does; the events found are then taken in
order of publication (`published`, else input order) and grouped by `match.decide`, as the
notifier would have grouped them live. Output: one line per event, oldest first, with its
reports (article id, what it was to the event, source, time, figures); a bad input line gives
the same `{"id": null, "line": N, "error": ...}` line as `redflag classify`, first.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from schemas.alert import Event, Facts
from services.classifier.core import Rules as ClassifierRules
from services.classifier.jsonl import classify_lines
from services.events.book import EventBook
from services.events.match import Report, company_key
from services.events.rules import Rules


def _when(raw: object, fallback: float) -> float:
    if isinstance(raw, str):
        try:
            when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return fallback
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    return fallback


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def group_lines(
    lines: Iterable[str | int], classifier: ClassifierRules, rules: Rules
) -> Iterator[tuple[str, bool]]:
    """Yield `(output_json_line, ok)`: bad input lines as they come, then one line per event."""
    found: list[tuple[float, int, Report, dict[str, object]]] = []
    for number, line in enumerate(lines, start=1):
        result_line = next(classify_lines([line], classifier), None)
        if result_line is None:
            continue  # a blank line
        out, ok = result_line
        if not ok or isinstance(line, int):
            yield out.replace('"line":1', f'"line":{number}', 1), False
            continue
        record, result = json.loads(line), json.loads(out)
        at = _when(record.get("published"), float(number))
        for k, contract in enumerate(result["events"]):
            event = Event(
                type=contract["type"],
                confidence=contract["confidence"],
                company=contract["company"],
                tickers=tuple(contract["tickers"]),
                facts=Facts(**contract["facts"]),
            )
            report = Report(
                alert_id=f"{result['id']}#{k}",
                article_id=result["id"],
                type=event.type,
                company=company_key(event, rules),
                facts=event.facts,
                at=at,
                text=f"{record.get('title') or ''}\n{contract['evidence']}",
            )
            meta: dict[str, object] = {
                "source": record.get("source") or "",
                "title": record.get("title") or "",
                "company": event.company,
                "tickers": list(event.tickers),
            }
            found.append((at, number, report, meta))
    book = EventBook(rules)
    shown: dict[str, dict[str, object]] = {}
    for at, _, report, meta in sorted(found, key=lambda f: (f[0], f[1])):
        decision = book.add(report)
        entry = {
            "id": report.article_id,
            "kind": decision.kind,
            "source": meta["source"],
            "title": meta["title"],
            "at": _iso(at) if at > 1e6 else None,
            "facts": report.facts.compact(),
        }
        key = decision.event_id or report.alert_id
        if key not in shown:
            shown[key] = {"company": meta["company"], "tickers": meta["tickers"], "reports": []}
        shown[key]["reports"].append(entry)  # type: ignore[attr-defined]
    for key, extra in shown.items():
        state = book.events[key].state
        grouped = {
            "event": key,
            "type": state.type,
            "company": extra["company"],
            "tickers": extra["tickers"],
            "facts": state.facts.compact(),
            "reports": extra["reports"],
        }
        yield json.dumps(grouped, ensure_ascii=False, separators=(",", ":")), True
