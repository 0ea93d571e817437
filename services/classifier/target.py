"""Target change: a target noun bound to a change verb, a new guidance figure, a broker's move.

News writes a target change as a change verb on a target noun ("raises its 2025 delivery
target", "目标价由78港元上调至80港元"), as a new figure against an old one ("now expects $2.08
billion, down from $2.10 billion"), as a broker moving a stock ("Truist raises Target to $160"),
or as a profit warning. A target kept ("reaffirms", "维持") or another "target" (audiences,
inflation, missiles, Target Corp) is not one.
"""

import re

from services.classifier.evidence import Hit, Span, covered, spans
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.target_facts import target_facts
from services.classifier.text import Sentence
from services.core.cjk import CLAUSE_BREAK, CLAUSE_BREAKS

PAIRED, EXPECT, EXPECT_SET, BROKER, WARNING = 0.85, 0.8, 0.72, 0.85, 0.68
FIGURE_BONUS = 0.07
SET_WITHOUT_FIGURE = (
    0.45  # "gave second-quarter guidance": issuing a target is news with its figure
)
EARLIER_FACTOR = 0.5
_EN_BREAK = lazy(r"[;:]|\s[-—\u2013]\s|\b(?:but|while|whereas|after|as|amid|although)\b")
_ZH_BREAK = lazy(f"[{CLAUSE_BREAKS}\\s]")
_PASSIVE = lazy(r"^\s*(?:was|were|is|are|has been|have been|had been|being|got|now)?\s*$")
# "Price target on Boeing cut to $150": the stock between the noun and its passive verb.
_PASSIVE_ON = lazy(
    r"^\s+(?:on|for)\s+(?:(?!(?:and|or|but|with|as|after|ahead|while)\s)[a-z0-9&.'-]+\s+){1,4}?"
    r"(?:was |were |is |are |has been |have been |had been |being |got |now )?$"
)
_TARGET_WORD = lazy(r"targets?")
# Before "target" in lowercase use: what makes a capitalised "Target" a noun, not Target Corp.
_NOUN_BEFORE = lazy(
    r"(?:price|delivery|deliveries|sales|production|output|revenue|earnings|profit|eps|margin|"
    r"growth|volume|its|the|their|a|an|new|annual|full-year|year|\d{4})\s+$"
)
_EN_GAP, _EN_AFTER, _ZH_GAP = 70, 30, 14
_METRIC_BEFORE = 25  # "Q4 Delivery Guidance ...": the metric in the words before the noun
_ZH_METRIC_BEFORE = 4
_EXPECT_REACH = 160
_DIGIT = lazy(r"\d")
# A figure right after a verb or a guidance noun, then what it counts: "targets 5.5 million
# vehicle sales", "aims to sell 5.5 million vehicles" (the verb names the metric), "Delivery
# Guidance 72,000-75,000 Vehicles", "revenue outlook: $7.9B".
_FIGURE_FIRST = lazy(
    r"\s*:?\s*(?:(?:to|of|at|is|was|seen at|now)\s+)?"
    r"(?:(?:about|around|roughly|nearly|some|up to|at least|over|more than)\s+)?"
    r"[$€£¥]?\d[\d,.]*(?:\s*(?:million|billion|trillion|mn|bn|m|b|k)\b)?"
    r"(?:\s*(?:-|to)\s*[$€£¥]?\d[\d,.]*\w*)?(?P<after>(?:\s+[a-z-]+){0,4})"
)
# "expects fiscal 2023 revenue of $2.08 billion", "guides 2024 output of 57,000", "aims to
# deliver 800,000 vehicles": a stated figure for a named metric.
_STATED = lazy(
    r"\s*(?:to\s+)?(?P<metric>(?:[a-z0-9$'.-]+\s+){0,5}?)(?:(?:of|at|to|around|about)\s+)?"
    r"(?:about\s+|up to\s+|roughly\s+|nearly\s+|some\s+)?[$€£¥\d]"
)


def target_hit(s: Sentence, lex: Lexicon) -> Hit | None:
    """The target change this sentence reports, if any."""
    t = lex.target
    nouns = _nouns(s, lex)
    if not nouns and not _worth_more(s, lex):
        return None  # no target noun, no stated figure, no broker, no warning: nothing here
    verbs = [(m.span(), str(m.lastgroup)) for m in t.verbs.finditer(s.low)]
    blocked = spans(t.not_, s.low)
    nouns = [n for n in nouns if not covered(n, blocked)]
    verbs = [(v, d) for v, d in verbs if not covered(v, blocked)]
    holds = spans(t.hold, s.low)
    found = [_paired(s, lex, nouns, verbs, holds), _expected(s, lex), _broker(s, lex, verbs)]
    if not verbs and not holds and not lex.cjk:
        found.append(_noun_figure(s, lex, nouns))
    hits = [h for h in found if h is not None]
    if not hits:
        warning = t.warning.search(s.low)
        if warning is None:
            return None
        hits = [Hit("target_change", WARNING, s, warning.span(), "target_change")]
        hits[0].facts["direction"] = "cut"
    if t.context_not.search(s.low) and hits[0].role != "price_target" and not _business(s, lex):
        return None
    # The first reading that gives the figures; a price target before an earnings forecast.
    hits.sort(key=lambda h: (h.role != "price_target", -h.strength))
    for hit in hits:
        target_facts(hit, lex)
        if hit.facts.get("new") is not None:
            hit.strength = min(1.0, hit.strength + FIGURE_BONUS)
            return hit
        if hit.facts.get("direction") == "set":
            hit.strength = min(hit.strength, SET_WITHOUT_FIGURE)
    return hits[0]


def _worth_more(s: Sentence, lex: Lexicon) -> bool:
    """A reading without a noun-and-verb pair may still apply: a figure stated by an expect
    verb, a broker's shorthand, a profit warning."""
    figure = _DIGIT.search(s.low) is not None
    t = lex.target
    return bool(
        (figure and (t.expect.search(s.low) or t.brokers.search(s.low, 0, 40)))
        or t.warning.search(s.low)
    )


def _nouns(s: Sentence, lex: Lexicon) -> list[Span]:
    """Target nouns; a capitalised "Target" names the retailer unless a noun-maker precedes it."""
    out = []
    for m in lex.target.nouns.finditer(s.low):
        if not lex.cjk and _TARGET_WORD.fullmatch(m.group()) and s.text[m.start()] == "T":
            before = s.low[: m.start()]
            at_start = not before.strip()
            if (at_start and not s.low.startswith("price", m.end() + 1)) or not (
                _NOUN_BEFORE.search(before)
            ):
                continue
        out.append(m.span())
    return out


def _paired(
    s: Sentence,
    lex: Lexicon,
    nouns: list[Span],
    verbs: list[tuple[Span, str]],
    holds: list[Span],
) -> Hit | None:
    """A change verb bound to a target noun, before it ("raises its target") or after it.

    The first such pair names the change, but an analyst's price target wins over the
    earnings forecast the same sentence says the analyst cut.
    """
    pairs: list[Hit] = []
    for verb, direction in verbs:
        for noun in nouns:
            if not _bound(s, lex, verb, noun) or _held(verb, noun, holds):
                continue
            hit = Hit("target_change", PAIRED, s, noun, "target_change", verb=verb)
            hit.facts["direction"] = direction
            if lex.target.price_target.fullmatch(s.low[noun[0] : noun[1]]) or _price_context(
                s, lex, noun
            ):
                hit.role = "price_target"
                before = verb[0] < noun[0]
                hit.object_hint = (verb[1], noun[0]) if before else (noun[1], noun[1] + 40)
            if lex.target.earlier.search(s.low, max(0, verb[0] - 12), verb[0]):
                hit.strength *= EARLIER_FACTOR  # "此前公布的目标", "had cut its target"
            pairs.append(hit)
    return next((h for h in pairs if h.role == "price_target"), pairs[0] if pairs else None)


def _bound(s: Sentence, lex: Lexicon, verb: Span, noun: Span) -> bool:
    """The verb governs the noun: close to it, in the same clause."""
    if lex.cjk:
        lo, hi = (verb[1], noun[0]) if verb[0] < noun[0] else (noun[1], verb[0])
        return 0 <= hi - lo <= _ZH_GAP and not _ZH_BREAK.search(s.low[lo:hi])
    if verb[0] < noun[0]:
        gap = s.low[verb[1] : noun[0]]
        if lex.target.alongside.match(gap):  # "raises Tesla estimates, price target to $345"
            return len(gap) <= _EN_GAP
        return len(gap) <= _EN_GAP and not _EN_BREAK.search(gap) and "," not in gap
    gap = s.low[noun[1] : verb[0]]
    return len(gap) <= _EN_AFTER and bool(_PASSIVE.match(gap) or _PASSIVE_ON.match(gap))


def _held(verb: Span, noun: Span, holds: list[Span]) -> bool:
    """A keep-verb stands between the change verb and the noun ("raised ... but kept")."""
    lo, hi = min(verb[0], noun[0]), max(verb[1], noun[1])
    return any(lo <= h[0] < hi for h in holds)


def _price_context(s: Sentence, lex: Lexicon, noun: Span) -> bool:
    """A bare "target" moved by a broker or an analyst is a price target."""
    word = s.low[noun[0] : noun[1]]
    if not _TARGET_WORD.fullmatch(word):
        return False
    before = s.low[max(0, noun[0] - 12) : noun[0]]
    price = lex.target.price_target.search(before + word)  # "Ford price target cut by ..."
    if price and price.end() == len(before) + len(word) and price.start() < len(before):
        return True
    return bool(lex.target.brokers.search(s.low[: noun[0]]))


def _expected(s: Sentence, lex: Lexicon) -> Hit | None:
    """A stated figure against a former one: "now expects ... of $X, down from $Y"."""
    for m in lex.target.expect.finditer(s.low):
        if lex.cjk:
            return _zh_expected(s, lex, m.span())
        reach = s.low[m.end() : m.end() + _EXPECT_REACH]
        if reach.startswith(":"):  # "Q4 guide: revenue about $7.5B"
            reach = " " + reach[1:]
        cut = _EN_BREAK.search(reach)
        reach = reach[: cut.start()] if cut else reach
        if lex.target.brokers.search(s.low[: m.start()]) or lex.target.earlier.search(
            s.low, max(0, m.start() - 12), m.start()
        ):
            continue  # analysts' expectations, or guidance given before
        old = re.search(r"\b(up|down) from\b[^,;]*", reach)
        if old and not lex.target.year_ago.search(old.group()):
            hit = Hit("target_change", EXPECT, s, m.span(), "target_change", verb=m.span())
            hit.facts["direction"] = "raise" if old.group(1) == "up" else "cut"
            hit.facts["by_figures"] = True  # "up from" a smaller loss is a cut
            return hit
        stated = _STATED.match(reach)
        figure = _FIGURE_FIRST.match(reach)  # "targets 5.5 million vehicle sales", "aims to sell"
        metrics = lex.target.metrics
        if (stated and metrics.search(stated.group("metric"))) or (
            figure and (metrics.search(figure.group("after")) or metrics.search(m.group()))
        ):
            hit = Hit("target_change", EXPECT_SET, s, m.span(), "target_change", verb=m.span())
            hit.facts["direction"] = "set"
            return hit
    return None


def _noun_figure(s: Sentence, lex: Lexicon, nouns: list[Span]) -> Hit | None:
    """A wire brief's guidance with its figure and no verb: "Nio Q4 Delivery Guidance
    72,000-75,000 Vehicles", "FY25 revenue outlook: $7.9B". The metric is named before the noun
    or after the figure ("outlook: gross bookings $40.25B-$41.75B" after a colon); no verb, no
    keep-word, no broker or earlier guidance in the sentence."""
    if lex.target.brokers.search(s.low) or lex.target.outcome.search(s.low):
        return None
    for noun in nouns:
        reach = s.low[noun[1] : noun[1] + _EXPECT_REACH]
        figure = _FIGURE_FIRST.match(reach)
        before = s.low[max(0, noun[0] - _METRIC_BEFORE) : noun[0]]
        if lex.target.earlier.search(before):
            continue
        if figure is None:  # "Q3 outlook: gross bookings $40.25B-$41.75B": the metric first
            stated = _STATED.match(reach, 1) if reach.startswith(":") else None
            metric = stated.group("metric") if stated else ""
            if lex.target.metrics.search(metric):
                hit = Hit("target_change", EXPECT_SET, s, noun, "target_change")
                hit.facts["direction"] = "set"
                return hit
            continue
        if lex.target.metrics.search(before) or lex.target.metrics.search(figure.group("after")):
            hit = Hit("target_change", EXPECT_SET, s, noun, "target_change")
            hit.facts["direction"] = "set"
            return hit
    return None


def _zh_expected(s: Sentence, lex: Lexicon, verb: Span) -> Hit | None:
    """A company's own figure for a metric ("理想汽车预计Q3交付为14.5万辆至15.5万辆"): guidance set.

    Only in the clause of the verb, with a metric and a figure there, and not a broker's view.
    """
    end = CLAUSE_BREAK.search(s.low, verb[1])
    clause = s.low[verb[1] : end.start() if end else len(s.low)]
    metric = lex.target.metrics.search(clause) or lex.target.metrics.search(
        s.low, max(0, verb[0] - _ZH_METRIC_BEFORE), verb[0]
    )  # "二季度交付指引7.2万至7.5万辆": the metric before the verb
    if not (metric and _DIGIT.search(clause)):
        return None
    if lex.target.brokers.search(s.low[: verb[0]]) or lex.target.earlier.search(
        s.low, max(0, verb[0] - 4), verb[0]
    ):
        return None
    hit = Hit("target_change", EXPECT_SET, s, verb, "target_change", verb=verb)
    hit.facts["direction"] = "set"
    return hit


def _broker(s: Sentence, lex: Lexicon, verbs: list[tuple[Span, str]]) -> Hit | None:
    """A broker moving a stock's target in shorthand: "Truist raises Target to $160"."""
    if lex.cjk:
        return None
    head = lex.target.brokers.search(s.low[:40])
    if head is None:
        return None
    for verb, direction in verbs:
        if direction not in {"raise", "cut"} or verb[0] < head.end():
            continue
        m = re.match(r"\s+(?:[A-Z][\w&.'-]*\s+){1,4}(?:shares\s+)?to\s+[$€£¥]", s.text[verb[1] :])
        if m:
            hit = Hit("target_change", BROKER, s, verb, "price_target")
            hit.facts["direction"] = direction
            hit.verb = verb
            hit.object_hint = (verb[1], verb[1] + m.end())
            return hit
    return None


def _business(s: Sentence, lex: Lexicon) -> bool:
    """A company metric is named: the sentence is about business, not policy or war."""
    return bool(lex.target.metrics.search(s.low))
