"""`redflag events`: recent events with their reports, sources and deliveries, as text."""

from datetime import UTC, datetime
from typing import Any


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _facts(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in facts.items())


def format_events(events: list[dict[str, Any]]) -> list[str]:
    """One block per event: a head line, then one line per report with its deliveries."""
    lines: list[str] = []
    for ev in events:
        reports = ev["reports"]
        sources = sorted({r["source"] for r in reports if r["source"]})
        head = (
            f"{_when(ev['first_at'])}  {ev['type']:<13} {ev['company']}"
            f"  [{_facts(ev['facts'])}]  {len(reports)} report(s) from {len(sources)} source(s)"
        )
        lines.append(head)
        for r in reports:
            sent = ", ".join(f"{c}: {s}" for c, s in sorted(r["deliveries"].items())) or "-"
            lines.append(
                f"    {_when(r['at'])}  {r['kind']:<6} {r['source'] or '?'}: {r['title'][:80]}"
                f"  -> {sent}"
            )
    return lines
