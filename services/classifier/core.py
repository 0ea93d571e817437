"""The pure detection core: `load_rules(watchlist)` once, then `classify(article, rules)`.

One precompiled regex of every anchor word runs over the lowercased article first: most
articles hold none and return at once. Only then is the page cleaned and cut into sentences,
and each sentence read by the recall, crash and target rules of its script's lexicon. The
sentences that report one event type become one `Event`: its confidence from the strongest
sentence (headline and lead weigh most), its figures and company from those sentences. A
headline or lead sentence with two or more clauses that report the event adds one more
`Event` per other watched company they name ("... and Honda recalled 900,000").
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import Protocol

from schemas.alert import Event, EventType
from services.classifier.background import background, hedged, stale
from services.classifier.clauses import clauses
from services.classifier.companies import Named
from services.classifier.config import Company
from services.classifier.crafts import cargo, maker_after_name
from services.classifier.crash import crash_hit
from services.classifier.currency import LOCAL, local_currency
from services.classifier.eventfacts import evidence_of, facts_of
from services.classifier.evidence import Hit
from services.classifier.former import former_target
from services.classifier.joint import joint_events
from services.classifier.lexicon import LEXICON_DIR, load_lexicons
from services.classifier.lexmodel import Lexicon, PageLex
from services.classifier.naming import maker_named, name_event
from services.classifier.nearby import scope, toll
from services.classifier.recall import recall_hit
from services.classifier.screen import Screen
from services.classifier.script import simplified
from services.classifier.speakers import crash_company
from services.classifier.target import target_hit
from services.classifier.text import Sentence, Zone, lower, sentences
from services.classifier.watchlist import Watchlist

#: Events below this confidence are not reported (the stage may ask for more).
MIN_CONFIDENCE = 0.5
ZONE_WEIGHT = {Zone.TITLE: 1.0, Zone.SUMMARY: 0.95, Zone.LEAD: 0.9, Zone.BODY: 0.6}
CORROBORATION, MAX_CONFIDENCE = 0.05, 0.99
RECALL_BACKGROUND = 0.5  # an accident told inside a recall sentence is its reason, not news
BACKGROUND_CLAUSE = 0.5  # "Toyota, which recalled ... last year, said ...": told in passing
MAKER_FACTOR = 0.95  # the maker of a crashed craft: as sure as the crash, a little less direct
TYPES: tuple[EventType, ...] = ("recall", "crash", "target_change")
_HIT: dict[EventType, Callable[[Sentence, Lexicon], Hit | None]] = {
    "recall": recall_hit,
    "crash": crash_hit,
    "target_change": target_hit,
}


class Text(Protocol):
    """What the classifier reads of an article (`schemas.Article` satisfies it)."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def lang(self) -> str | None: ...


@dataclass(frozen=True)
class Rules:
    """Compiled lexicons, the screen and the watchlist index; build once, reuse."""

    lexicons: tuple[Lexicon, ...]
    screen: Screen
    watchlist: Watchlist

    @cached_property
    def by_script(self) -> dict[bool, Lexicon]:
        """The lexicon for Latin (False) and CJK (True) sentences."""
        latin = next((lex for lex in self.lexicons if not lex.cjk), self.lexicons[0])
        cjk = next((lex for lex in self.lexicons if lex.cjk), latin)
        return {False: latin, True: cjk}

    @cached_property
    def pages(self) -> tuple[PageLex, ...]:
        """Every lexicon's page clutter and footer lines."""
        return tuple(lex.page for lex in self.lexicons)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Lexicon, ...], Screen]:
    lexicons = load_lexicons(LEXICON_DIR)
    return lexicons, Screen(lexicons)


def load_rules(watchlist: Sequence[Company] = ()) -> Rules:
    """Compile the lexicons and the screen (once per process) and index the watchlist."""
    lexicons, screen = _compiled()
    names = next(lex.companies for lex in lexicons if not lex.cjk)
    hides = [word for lex in lexicons for word in lex.companies.hides]
    index = Watchlist(watchlist, names.name_suffix, names.short_name_not, hides, names.org_suffix)
    return Rules(lexicons, screen, index)


def screened(article: Text, rules: Rules) -> tuple[str, list[Sentence]]:
    """The article's text (script simplified) and the sentences worth reading: none when it
    does not pass the screen."""
    title, summary, content = (
        simplified(article.title or ""),
        simplified(article.summary or ""),
        simplified(article.content or ""),
    )
    whole = f"{title}\n{summary}\n{content}"
    full = whole.lower()
    low = full if len(full) == len(whole) else lower(whole)  # `lower`, without a second pass
    passed, held = rules.screen.read(low)
    if not passed:
        return whole, []
    lead_words = rules.screen.kinds
    if low is full:  # a line's lowercase is then part of `low`: so are its words
        lead_words = partial(rules.screen.line_kinds, held=held)
    return whole, sentences(
        title, summary, content, pages=rules.pages, keep=passed, lead_words=lead_words
    )


def classify(article: Text, rules: Rules) -> list[Event]:
    """The events an article reports, strongest evidence first within each type."""
    whole, read = screened(article, rules)
    if not read:
        return []
    by_script = rules.by_script
    hits: dict[EventType, list[Hit]] = {t: [] for t in TYPES}
    compound: list[tuple[Sentence, Lexicon, EventType]] = []
    for s in read:
        lex = by_script[s.cjk]
        kinds = s.kinds if s.kinds is not None else rules.screen.kinds(s.low)
        recall = recall_hit(s, lex) if "recall" in kinds else None
        crash = crash_hit(s, lex) if "crash" in kinds else None
        target = target_hit(s, lex) if "target_change" in kinds else None
        if recall and crash:
            crash.strength *= RECALL_BACKGROUND
        for hit in (recall, crash, target):
            if hit is not None:
                hit.strength *= ZONE_WEIGHT[s.zone]
                if background(s.low, hit.anchor, lex) or (
                    hit.type != "crash"  # crash has its own (crash.background, crash.not)
                    and (
                        hedged(s.low, hit.anchor, lex)
                        or (s.zone != Zone.TITLE and stale(s.low, hit.anchor, lex))
                    )
                ):
                    hit.strength *= BACKGROUND_CLAUSE
                hits[hit.type].append(hit)
                if s.zone != Zone.BODY and hit.strength >= MIN_CONFIDENCE:
                    compound.append((s, lex, hit.type))
    scope(hits["recall"], read, by_script)
    toll(hits["crash"], read, by_script)
    events = []
    headline = next((s for s in read if s.zone == Zone.TITLE), None)
    for kind in TYPES:
        event = _event(kind, hits[kind], rules, by_script, whole, headline=headline, around=read)
        if event is not None:
            events.append(event)
    if events:
        events += _clause_events(compound, events, rules, by_script)
        events += joint_events(hits, events, rules.watchlist, by_script)
        events += _maker_events(hits["crash"], events, rules)
    if any(e.facts.currency == LOCAL for e in events):  # "1500元": whose currency?
        source = f"{article.title or ''}\n{article.summary or ''}\n{article.content or ''}"
        markets = by_script[True].numbers.markets or {}
        events = local_currency(events, hant=source != whole, markets=markets)
    return events


def _maker_events(crashes: list[Hit], events: list[Event], rules: Rules) -> list[Event]:
    """A crash also concerns the watched maker of what crashed, when the article names it with
    its model ("a Boeing 737-800 operated by Jeju Air", "波音737"): one more event for it."""
    crash = next((e for e in events if e.type == "crash"), None)
    if crash is None:
        return []
    for hit in sorted(crashes, key=lambda h: -h.strength):
        if hit.strength < MIN_CONFIDENCE * 0.8:
            break
        text = hit.sentence.text
        lex = rules.by_script[hit.sentence.cjk]
        for at, company in rules.watchlist.find(text):
            taken = {e.company for e in events if e.type == "crash"}
            maker = rules.watchlist.makes(text, at) or maker_after_name(text, at, lex)
            if company.company in taken or not maker:
                continue
            if cargo(hit.sentence.low, at, lex):
                continue
            return [
                crash.model_copy(
                    update={
                        "company": company.company,
                        "tickers": company.tickers,
                        "confidence": round(crash.confidence * MAKER_FACTOR, 3),
                        "evidence": evidence_of(hit),
                        "on_watchlist": True,
                    }
                )
            ]
    return []


def _clause_events(
    compound: list[tuple[Sentence, Lexicon, EventType]],
    events: list[Event],
    rules: Rules,
    by_script: dict[bool, Lexicon],
) -> list[Event]:
    """One more event per watched company that a clause of its own reports (see `clauses`)."""
    taken = {(e.type, e.company) for e in events}
    out = []
    for s, lex, kind in compound:
        parts = clauses(s)
        found = [_HIT[kind](part, lex) for part in parts] if len(parts) > 1 else []
        reporting = [h for h in found if h is not None]
        if len(reporting) < 2:  # one clause reports it: one event, read whole
            continue
        for hit in reporting:
            hit.strength *= ZONE_WEIGHT[s.zone]
            named = name_event([hit], rules.watchlist, by_script)
            if hit.strength < MIN_CONFIDENCE or named is None or not named.on_watchlist:
                continue
            if (kind, named.name) in taken:
                continue
            taken.add((kind, named.name))
            out.append(
                Event(
                    type=kind,
                    confidence=round(min(MAX_CONFIDENCE, hit.strength), 3),
                    company=named.name,
                    tickers=named.tickers,
                    facts=facts_of(kind, [hit]),
                    evidence=evidence_of(hit),
                    on_watchlist=True,
                )
            )
    return out


def _event(
    kind: EventType,
    hits: list[Hit],
    rules: Rules,
    by_script: dict[bool, Lexicon],
    article: str,
    *,
    headline: Sentence | None = None,
    around: Sequence[Sentence] = (),
) -> Event | None:
    ranked = sorted(hits, key=lambda h: (-h.strength, h.sentence.index))
    if not ranked or ranked[0].strength < MIN_CONFIDENCE:
        return None
    strong = [h for h in ranked if h.strength >= MIN_CONFIDENCE * 0.8]
    confidence = min(MAX_CONFIDENCE, ranked[0].strength + CORROBORATION * min(2, len(strong) - 1))
    best = ranked[0]
    if best.role == "price_target":
        strong = [h for h in strong if h.role == "price_target"] or strong
    named = name_event(strong, rules.watchlist, by_script, article)
    if kind != "crash" and not (named and named.on_watchlist):
        named = _headline_company(kind, headline, strong, rules, by_script, named=named)
    if kind == "target_change" and named is None:
        return None  # a target no company sets: a nation's, a policy's ("China plans to build")
    if kind == "crash" and named is None:  # "... derails" + "Pyrenean Railways said ..."
        named = crash_company(around, by_script, rules.watchlist)
        named = named or maker_named(strong, rules.watchlist, by_script)  # only a maker: it
    return Event(
        type=kind,
        confidence=round(confidence, 3),
        company=named.name if named else None,
        tickers=named.tickers if named else (),
        facts=former_target(facts_of(kind, strong), around, by_script),
        evidence=evidence_of(best),
        on_watchlist=bool(named and named.on_watchlist),
    )


def _headline_company(
    kind: EventType,
    headline: Sentence | None,
    hits: list[Hit],
    rules: Rules,
    by_script: dict[bool, Lexicon],
    *,
    named: Named | None,
) -> Named | None:
    """The company the headline names, when the event is told below it without a watched one:
    "Ford halts Mach-E deliveries" + "The recall covers about 49,000 of the SUVs". A watched
    company there wins; else, when the event named none, the headline's subject."""
    if headline is None or any(h.sentence.zone == Zone.TITLE for h in hits):
        return named
    found = rules.watchlist.find(headline.text)
    if found:
        company = found[0][1]
        return Named(company.company, company.tickers, True)
    if named is not None:
        return named
    end = (len(headline.text), len(headline.text))  # every name stands before this "verb"
    return name_event([Hit(kind, 0.0, headline, end, kind)], rules.watchlist, by_script)
