"""Recall: a recall word in a product context, not another sense of it; and its unit count.

News writes a recall as a subject, a recall verb and a product ("Toyota recalls 1,398 Tundra
pickups", "召回5836辆"), or as a noun with a regulator or a product ("a Class I recall of 21,000
pads"). The other senses (remember, recall elections, recalling ambassadors) have no product.
"""

import re

from services.classifier.evidence import Hit, Span, covered, spans
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.numbers import Amount, find_amounts
from services.classifier.text import Sentence

ACTIVE, NOUN, WEAK, BARE = 0.85, 0.75, 0.35, 0.42
_UNITS_BONUS = 0.07
_PAST_FACTOR = 0.8
# Between a recall verb and its count: "recalls", "is recalling about", "recall of", "covering".
_EN_VERB_GAP = lazy(r"^(?:s|ed|ing)?(?: back)?\s+(?:[a-z-]+\s+){0,3}$")
_ZH_VERB_GAP = lazy(r"^.{0,24}?(?:共计?|合计|总计|涉及(?:车辆)?)?$")
_EN_NOUN_GAP = lazy(r"^\s+(?:[a-z0-9&'./-]+\s+){0,6}?$")
_EN_JOIN = lazy(r"\b(?:and|plus|as well as)\b(?:\s+(?:[a-z-]+\s+){0,2})?$")
_ZH_JOIN = lazy(r"(?:另有|以及|及|和|、)\s*$")
_PART_OF = lazy(r"includ|among|of which|such as|led by|其中|包括|包含")
# "Honda recalls Civic ...", "recalls 1,398 ...": a named product or a count as the object.
_NAMED_OBJECT = lazy(
    r"\s+(?:about |nearly |some |more than |over |its |the )?(?:[A-Z]|(?!(?:19|20)\d\d\b)\d)"
)
# "... and 10,000 treadmills": a second count of things, joined to the first.
_PLURAL = lazy(r"\s+(?:[a-z-]+\s+){0,2}[a-z-]{3,}s\b")
_NAME_BEFORE = lazy(r"\b([A-Z][A-Za-z-]*) $")  # "Model 3", "Tiggo 8": a model's name
_ZH_TOTAL = lazy(r"(?:共计?|合计|总计)\s*$")
# "... fans recalled over injury hazard": a participle, its product before it.
_PASSIVE = lazy(
    r"recalled(?:\s+(?:over|for|after|due|because|in|by|amid|on|as|following|across|at|from|"
    r"since|this|last|nationwide|worldwide)\b|\s*[,.;:]|\s*$)"
)


def recall_hit(s: Sentence, lex: Lexicon) -> Hit | None:
    """The recall this sentence reports, if any."""
    r = lex.recall
    anchors = [m.span() for m in r.anchors.finditer(s.low)]
    if not anchors:
        return None
    blocked = spans(r.not_, s.low)
    anchors = [a for a in anchors if not covered(a, blocked)]
    if not anchors:
        return None
    product = bool(r.product.search(s.low) or r.regulators.search(s.low))
    if r.context_not.search(s.low) and not (
        r.regulators.search(s.low) or recall_units(s, anchors[0], lex)
    ):
        return None  # elections, diplomats, memories: only a regulator or a count says product
    weak_all = spans(r.weak, s.low)
    weak = [w for w in weak_all if covered(w, anchors)]
    strong = [a for a in anchors if not covered(a, weak)]
    verbs = [m.span() for m in r.active.finditer(s.low)]
    # the verb over a label before it: "Recall alert: IKEA recalls 2,000 beds"
    anchor = next((a for a in strong if covered(a, verbs)), strong[0] if strong else anchors[0])
    active = [v for v in verbs if covered(v, [anchor])]
    strength = ACTIVE if active else NOUN
    if not product and not (active and _NAMED_OBJECT.match(s.text, anchor[1])):
        strength = BARE  # "recalls early days", "recalls how": no product, likely remembering
    if not strong:
        strength = WEAK
    elif any(not covered(w, anchors) for w in weak_all):
        strength *= _PAST_FACTOR  # "in 2014", "years ago": a recall told as history
    units = recall_units(s, anchor, lex)
    hit = Hit(
        "recall", strength, s, anchor, "recall", passive=bool(_PASSIVE.match(s.low, anchor[0]))
    )
    if units is not None:
        hit.strength = min(1.0, hit.strength + _UNITS_BONUS)
        hit.facts["units"] = units[0]
        hit.facts["approx"] = units[1]
    return hit


def recall_units(s: Sentence, anchor: Span, lex: Lexicon) -> tuple[int, bool] | None:
    """Units recalled in this sentence and whether the figure is rounded or hedged."""
    amounts = [a for a in find_amounts(s.low, lex.numbers) if _countable(a)]
    counted = [a for a in amounts if _is_units(s, a, anchor, lex)]
    if not counted:
        return _worded_units(s, anchor, lex)
    totals = [a for a in counted if _ZH_TOTAL.search(s.low[: a.start])]
    after = [a for a in counted if a.start >= anchor[1]]
    first = totals[0] if totals else (after[0] if after else counted[-1])
    total = first.value
    approx = first.approx or first.scaled
    later = [
        a for a in amounts if a.start >= first.end and (a in counted or _PLURAL.match(s.low, a.end))
    ]
    for nxt in later:
        gap = s.low[first.end : nxt.start]
        if not _additive(gap, lex) or _PART_OF.search(s.low[anchor[0] : nxt.start]) or totals:
            break
        total += nxt.value
        approx = approx or nxt.approx
        first = nxt
    return int(total), approx


def scope_units(s: Sentence, lex: Lexicon) -> int | None:
    """A recall's count in a sentence without the word recall: "In all 1,610,105 units are
    covered", "涉及车辆共计116887辆"."""
    r = lex.recall
    if r.scope_not.search(s.low):
        return None
    amounts = [a for a in find_amounts(s.low, lex.numbers) if _countable(a) and a.value >= 2]
    for i, a in enumerate(amounts):
        if r.weights_after.match(s.low, a.end):
            continue  # "pulling about 20,630 pounds of chicken salad": a weight, not units
        if r.scope_after.match(s.low, a.end) or r.scope_before.search(s.low, 0, a.start):
            total, last = a.value, a  # "covers 332,000 Wranglers and the other 147,000 Rams"
            for nxt in amounts[i + 1 :]:
                if not (
                    _additive(s.low[last.end : nxt.start], lex) and _PLURAL.match(s.low, nxt.end)
                ):
                    break
                total, last = total + nxt.value, nxt
            return int(total)
    return None


def _worded_units(s: Sentence, anchor: Span, lex: Lexicon) -> tuple[int, bool] | None:
    """A small count in words after the verb: "recall software on three test vehicles"."""
    for m in re.finditer(r"[a-z]+", s.low[anchor[1] : anchor[1] + 60]):
        n = lex.numbers.word_number(m.group())
        if n is None or n < 2:  # "a"/"one" are articles more often than counts
            continue
        tail = s.low[anchor[1] + m.end() : anchor[1] + m.end() + 40]
        noun = lex.recall.units.search(tail)
        gap = tail[: noun.start()] if noun else ""
        if noun and _EN_NOUN_GAP.match(gap + " ") and noun.start() < 25 and " of " not in gap:
            return n, False
    return None


def _countable(a: Amount) -> bool:
    """A count of things: whole ("2.0L engines" is a size, "1.2 million" a count), not money,
    a share or a year."""
    whole = a.scaled or "." not in a.raw
    return whole and not (a.percent or a.money or a.year) and a.value >= 1


def _model_number(s: Sentence, a: Amount, lex: Lexicon) -> bool:
    """A bare number right after a capitalised name is a model: "Model 3", "Tiggo 8",
    "PowerCore 10000" (news writes a count of thousands with a comma)."""
    if a.approx or a.scaled or "," in a.raw:
        return False
    before = _NAME_BEFORE.search(s.text, max(0, a.start - 20), a.start)
    return before is not None and before.group(1).lower() not in lex.screen.get("recall", ())


def _is_units(s: Sentence, a: Amount, anchor: Span, lex: Lexicon) -> bool:
    """The amount counts recalled things: a unit noun follows it, or it follows the verb."""
    if not lex.cjk and _model_number(s, a, lex):
        return False
    tail = s.low[a.end : a.end + 40]
    if lex.cjk:
        if lex.recall.weights_after.match(tail) or lex.recall.sizes_after.match(tail):
            return False
        if lex.recall.units.match(tail):
            return True
        return a.start >= anchor[1] and bool(_ZH_VERB_GAP.match(s.low[anchor[1] : a.start]))
    if lex.recall.weights_after.match(tail):
        return False  # "131,300 pounds", "30 infant deaths", "at 3 plants": not things recalled
    if lex.recall.sizes_after.match(tail):
        return False  # "2.0L engines", "65-inch TVs": a size
    noun = lex.recall.units.search(tail)
    if (
        noun
        and _EN_NOUN_GAP.match(tail[: noun.start()] + " ")
        and " of " not in tail[: noun.start()]
    ):
        return True  # "1,398 Tundra pickups", not "five lots of tablets"
    return 0 <= a.start - anchor[1] <= 30 and bool(_EN_VERB_GAP.match(s.low[anchor[1] : a.start]))


def _additive(gap: str, lex: Lexicon) -> bool:
    """Two counts joined as parts of one recall ("200,000 ... and more than 150,000 ...")."""
    if lex.recall.anchors.search(gap):
        return False
    if lex.cjk:
        return bool(_ZH_JOIN.search(gap)) and len(gap) <= 60
    return bool(_EN_JOIN.search(gap)) and len(gap) <= 80
