"""Pick the one company an event is about, from the sentences that reported it.

A watched company named in those sentences wins (the subject before the verb, the object of
an analyst's move). Else each sentence proposes names with a score by their role
(proposals.py), and the best score, helped by how often the page repeats a name, names it.
"""

from collections.abc import Sequence

from services.classifier.companies import (
    Named,
    Names,
    model_after,
    runs,
)
from services.classifier.config import Company
from services.classifier.crafts import cargo, maker_after_name
from services.classifier.evidence import Hit
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.proposals import (
    MODIFIER,
    REACH,
    SUBJECT,
    TITLE_BONUS,
    accepted_name,
    candidates,
    plain_words,
)
from services.classifier.text import Sentence, Zone
from services.classifier.watchlist import Watchlist

REPEAT_BONUS, MAX_REPEATS = 0.15, 4
_MODEL_NAME = lazy(r" [A-Z][a-z]+\b(?!\s+(?:[A-Z]|said|says))")  # "Ford Excursion,"
_OFTEN, _PAGE_CHARS = 3, 20_000


def name_event(
    hits: Sequence[Hit], watchlist: Watchlist, lexicons: dict[bool, Lexicon], article: str = ""
) -> Named | None:
    """The company of an event: a watched company its sentences name, else the best-named one.

    A name the article repeats is what it is about: each repeat adds a little to its score
    ("Xiaomi" over "Lei Jun" in a page about Xiaomi); not so for a crash, whose operator may be
    named once in a page about the aircraft.
    """
    for hit in hits:
        found = _watched(hit, watchlist, lexicons[hit.sentence.cjk])
        if found:
            return found
    named = _named(hits, watchlist, lexicons, article)
    if named and hits and hits[0].type == "crash" and _a_maker(named, lexicons):
        return None  # "Airbus goes down": the craft's maker; the operator may be named nearby
    return named


def _a_maker(named: Named, lexicons: dict[bool, Lexicon]) -> bool:
    makers = lexicons[False].companies.makers
    return named.name.lower() in makers or named.name.lower().split(" ")[0] in makers


def maker_named(
    hits: Sequence[Hit], watchlist: Watchlist, lexicons: dict[bool, Lexicon]
) -> Named | None:
    """A crash whose lines name no operator: the watched maker of what crashed, if named."""
    for hit in hits:
        found = _watched(hit, watchlist, lexicons[hit.sentence.cjk], makers=True)
        if found:
            return found
    return None


def _named(
    hits: Sequence[Hit], watchlist: Watchlist, lexicons: dict[bool, Lexicon], article: str
) -> Named | None:
    """The best-named company of the hits' sentences, watched or not."""
    texts = [h.sentence.text for h in hits]
    scored: list[tuple[float, int, str]] = []
    per_script = {cjk: Names(texts, lex.companies, [article]) for cjk, lex in lexicons.items()}
    for order, hit in enumerate(hits):
        lex = lexicons[hit.sentence.cjk]
        names = per_script[hit.sentence.cjk]
        bonus = TITLE_BONUS if hit.sentence.zone == Zone.TITLE else 0.0
        for score, name in candidates(hit, lex, names):
            repeats = min(article.count(name) - 1, MAX_REPEATS) if hit.type != "crash" else 0
            scored.append((score + bonus + REPEAT_BONUS * max(repeats, 0), -order, name))
    kind = hits[0].type if hits else "crash"
    if kind != "crash" and (not scored or max(scored)[0] < SUBJECT) and not hits[0].sentence.cjk:
        frequent = _most_named(article, lexicons[False], per_script[False])
        if frequent:
            scored.append((MODIFIER + REPEAT_BONUS * frequent[0], -len(hits), frequent[1]))
    if not scored:
        return None
    name = max(scored)[2]
    company = watchlist.lookup(name)
    if company:
        return Named(company.company, company.tickers, True)
    return Named(name)


def _most_named(article: str, lex: Lexicon, names: Names) -> tuple[int, str] | None:
    """The name a page repeats most (three times at least): what the page is about."""
    counts: dict[str, int] = {}
    for run in runs(article[:_PAGE_CHARS], lex.companies, plain_words(names, lex)):
        name = accepted_name(run, lex, names, crash=False)
        if name and not run.initial:
            counts[name] = counts.get(name, 0) + 1
    best = max(counts.items(), key=lambda kv: kv[1], default=None)
    return (min(best[1], MAX_REPEATS), best[0]) if best and best[1] >= _OFTEN else None


def _watched(hit: Hit, watchlist: Watchlist, lex: Lexicon, *, makers: bool = False) -> Named | None:
    mentions = watchlist.find(hit.sentence.text)
    if not mentions:
        return None
    low = hit.sentence.low
    if hit.role == "price_target":
        lo, hi = hit.object_hint or (hit.anchor[1], hit.anchor[1] + REACH)
        inside = [c for p, c in mentions if lo <= p <= hi]
        others = [c for p, c in mentions if not lex.target.brokers.match(low, p)]
        pick = (inside or others or [mentions[0][1]])[0]
    else:
        if hit.type == "crash":  # the load of what crashed is no party to it
            mentions = [(p, c) for p, c in mentions if not cargo(low, p, lex)]
        if hit.type == "crash" and not makers:  # a craft's maker is a second event
            text = hit.sentence.text
            mentions = [
                (p, c)
                for p, c in mentions
                if not (
                    watchlist.makes(text, p)
                    or maker_after_name(text, p, lex)
                    or c.company.lower() in lex.companies.makers  # "Airbus goes down"
                )
            ]
        if hit.type == "crash" and not makers and lex.companies.operator.search(low):
            text = hit.sentence.text  # "2001 Ford Excursion, operated by Prestige Limousine"
            mentions = [(p, c) for p, c in mentions if not _maker_of_model(text, p, watchlist)]
        # "Apple supplier Foxconn raises ...": the watched name describes the subject
        mentions = [(p, c) for p, c in mentions if not _relation(hit.sentence, watchlist, p, lex)]
        if not mentions:
            return None
        verb = hit.verb[0] if hit.verb else hit.anchor[0]
        before = [c for p, c in mentions if p < verb]
        if not before and hit.type == "recall" and _other_name(hit, lex, watchlist, mentions):
            return None  # "WanaBana Issues Recall of Apple Cinnamon Pouches": the product's name
        pick = before[0] if before else mentions[0][1]
    return Named(pick.company, pick.tickers, True)


def _maker_of_model(text: str, at: int, watchlist: Watchlist) -> bool:
    """The watched name at `at` is a model's maker: "Ford Excursion", "Tesla Model 3"."""
    end = watchlist.name_end(text, at)
    return end is not None and (model_after(text, end) or _MODEL_NAME.match(text, end) is not None)


def _other_name(
    hit: Hit, lex: Lexicon, watchlist: Watchlist, mentions: list[tuple[int, Company]]
) -> bool:
    """The recall's sentence proposes an unwatched company of its own: a watched name only
    after the verb is then what was recalled ("Apple Cinnamon pouches"), not who recalled it;
    but a maker before its model is the maker of what was recalled ("Mercedes GLK 220")."""
    text = hit.sentence.text
    if hit.sentence.cjk or any(
        model_after(text, watchlist.name_end(text, p) or p) for p, _ in mentions
    ):
        return False
    found = candidates(hit, lex, Names([text], lex.companies))
    return any(score >= MODIFIER and watchlist.lookup(name) is None for score, name in found)


def _relation(s: Sentence, watchlist: Watchlist, at: int, lex: Lexicon) -> bool:
    """The watched name at `at` is followed by what another company is to it: "Apple
    supplier", "Tesla rival", "特斯拉供应商"; that other company is the subject."""
    end = watchlist.name_end(s.text, at)
    return end is not None and lex.companies.relation_after.match(s.low, end) is not None
