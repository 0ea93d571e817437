"""Counting a chaos run: what arrived where, what is missing, and what the notifier explained
as an uncertain send (pure functions of the chat server's record and the notifier's log)."""

import json

from services.notifier.slacklookup import DELIVERY_UNCERTAIN
from tests.chaos.outcome import CHANNELS, Outcome
from tests.e2e.checks import messages_for
from tests.e2e.stories import Story
from tests.support.chatserver import ChatServer


def uncertain_logged(log: str) -> list[tuple[str, str]]:
    """(alert id, channel) of every `delivery_uncertain` in the notifier's JSON log."""
    found = []
    for line in log.splitlines():
        if f'"{DELIVERY_UNCERTAIN}"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        found.append((str(entry.get("alert_id")), str(entry.get("channel"))))
    return found


def missing(chat: ChatServer, stories: list[Story]) -> dict[str, list[Story]]:
    """Per channel, the stories no message mentions."""
    out: dict[str, list[Story]] = {name: [] for name in CHANNELS}
    for story in stories:
        got = messages_for(chat, story)
        for name in CHANNELS:
            if not got[name]:
                out[name].append(story)
    return out


def explained(
    absent: dict[str, list[Story]], uncertain: list[tuple[str, str]], links: dict[str, str]
) -> dict[str, list[Story]]:
    """Of the missing, those the notifier logged as uncertain (named via the alerts' links)."""
    named = {(links.get(a), channel) for a, channel in uncertain}
    return {
        name: [s for s in stories if (s.link, CHANNELS[name]) in named]
        for name, stories in absent.items()
    }


def count(
    out: Outcome, chat: ChatServer, stories: list[Story], log: str, links: dict[str, str]
) -> None:
    """Fill `out`'s per-channel counts: delivered, duplicates, uncertain, lost."""
    uncertain = uncertain_logged(log)
    out.uncertain_logged = len(uncertain)
    absent = missing(chat, stories)
    known = explained(absent, uncertain, links)
    for name in CHANNELS:
        out.expected[name] = len(stories)
        counts = {s.guid: len(messages_for(chat, s)[name]) for s in stories}
        out.delivered[name] = sum(1 for c in counts.values() if c)
        out.duplicates[name] = [g for g, c in counts.items() if c > 1]
        out.uncertain[name] = [s.guid for s in known[name]]
        out.lost[name] = [s.guid for s in absent[name] if s not in known[name]]


def count_late(
    out: Outcome,
    chat: ChatServer,
    stories: list[Story],
    released: dict[str, float],
    outage: tuple[float, float],
) -> None:
    """Stories released in the outage, long enough before its end to be late (plus 30 s for
    the poll and the classifier), must say "delayed" wherever they arrived."""
    start, end = outage
    late = [
        s
        for s in stories
        if start <= released.get(s.guid, 0.0) <= end - out.plan.delayed_after - 30
    ]
    for name in CHANNELS:
        out.late[name] = len(late)
        out.unmarked[name] = [
            s.guid
            for s in late
            if any("delayed" not in text for text in messages_for(chat, s)[name])
        ]
