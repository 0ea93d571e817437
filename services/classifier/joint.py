"""A joint subject: "Hyundai, Kia recall 91,000 vehicles", "现代和起亚召回9.1万辆" report the
event for each watched company of the subject. The naming rules pick one; the others get an
event of their own (as a crash's maker does), with the same facts and evidence, so a trader
watching either hears of it.

Only names that stand together right before the event's verb, joined by what the lexicon's
`companies.joins` lists (commas, "and", 和, 、), make a joint subject: "Toyota, which beat
Honda, recalls" does not.
"""

from collections.abc import Sequence

from schemas.alert import Event, EventType
from services.classifier.config import Company
from services.classifier.evidence import Hit
from services.classifier.lexmodel import Lexicon
from services.classifier.watchlist import Watchlist


def joint_companies(hit: Hit, watchlist: Watchlist, lex: Lexicon) -> list[Company]:
    """The watched companies of the hit's subject when it names two or more together."""
    text = hit.sentence.text
    verb = hit.verb[0] if hit.verb else hit.anchor[0]
    mentions = [(at, c) for at, c in watchlist.find(text) if at < verb]
    chain: list[Company] = []
    until = verb
    for at, company in reversed(mentions):
        end = watchlist.name_end(text, at)
        if end is None or end > until:
            continue
        gap = text[end:until]
        if not (lex.companies.joins if chain else lex.companies.to_verb).fullmatch(gap):
            break
        chain.insert(0, company)
        until = at
    return chain if len({c.company for c in chain}) > 1 else []


def joint_events(
    hits: dict[EventType, list[Hit]],
    events: Sequence[Event],
    watchlist: Watchlist,
    by_script: dict[bool, Lexicon],
) -> list[Event]:
    """One more event per other watched company of an event's joint subject."""
    out: list[Event] = []
    for event in events:
        ranked = sorted(hits[event.type], key=lambda h: -h.strength)
        if not ranked or event.company is None:
            continue
        top = ranked[0]
        companies = joint_companies(top, watchlist, by_script[top.sentence.cjk])
        if event.company not in {c.company for c in companies}:
            continue
        taken = {(e.type, e.company) for e in [*events, *out]}
        out.extend(
            event.model_copy(
                update={"company": c.company, "tickers": c.tickers, "on_watchlist": True}
            )
            for c in companies
            if (event.type, c.company) not in taken
        )
    return out
