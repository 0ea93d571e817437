"""Crash: an accident word near a vehicle (or with casualties), not a test, market or app crash.

News reports an accident as an accident word next to what crashed ("a tour bus overturned",
"Starship explodes", "两车追尾") and usually with casualties. The other crashes (markets, apps,
crash tests, crash beams, "could crash") carry no vehicle, or are cancelled by the lexicon.
"""

import re

from services.classifier.evidence import Hit, Span, covered, near, spans
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.text import Sentence

STRONG, WEAK, NO_VEHICLE = 0.8, 0.62, 0.55
CASUALTY_BONUS = 0.1
CONTEXT_FACTOR, BACKGROUND_FACTOR = 0.7, 0.5
WINDOW = {False: 80, True: 30}  # characters between accident word and vehicle, Latin / CJK
# Every Latin-script casualty template holds one of its kind's stems (a unit test checks).
CASUALTY_STEMS = {
    "fatalities": ("kill", "lives", "dead", "die", "perish", "death", "fatalit"),
    "injuries": ("injur", "hurt", "wound", "hospital", "treated"),
}
_SPLIT = lazy(r",\s*(?:and\s+)?|\s+and\s+|\s+plus\s+|和|及|、")
_HEDGE = lazy(r"^(?:at least|all|more than|nearly|about|some|the other|another|up to)\s+")
_ARTICLE = r"(?:(?:an?|the|its|his|her|their)\s+(?:\d+-year-old\s+)?(?:[\w-]+\s+){0,3}?)"


def crash_hit(s: Sentence, lex: Lexicon) -> Hit | None:
    """The accident this sentence reports, if any."""
    c = lex.crash
    strong = [m.span() for m in c.strong.finditer(s.low)]
    weak = [m.span() for m in c.weak.finditer(s.low)]
    if not strong and not weak:
        return None
    vehicles = [m.start() for m in c.vehicles.finditer(s.low)]
    vehicles += [m.start() for m in c.scene.finditer(s.low)]
    casualty = bool(c.casualties.search(s.low))
    if not vehicles and not casualty:
        return None  # an accident word with nothing that crashed: markets, apps, courses
    blocked = spans(c.not_, s.low)
    strong = [a for a in strong if not covered(a, blocked)]
    weak = [a for a in weak if not covered(a, blocked)]
    window = WINDOW[s.cjk]
    best: tuple[float, Span] | None = None
    for span in strong:
        score = STRONG if near(span[0], vehicles, window) else NO_VEHICLE if casualty else 0.0
        if score and (best is None or score > best[0]):
            best = (score, span)
    if best is None:
        for span in weak:
            if near(span[0], vehicles, window):
                best = (WEAK, span)
                break
    if best is None:
        return None
    strength, anchor = best
    if c.context_not.search(s.low):
        if strength <= WEAK:
            return None
        strength *= CONTEXT_FACTOR
    if casualty:
        strength += CASUALTY_BONUS
    if c.background.search(s.low):
        strength *= BACKGROUND_FACTOR
    hit = Hit("crash", min(strength, 1.0), s, anchor, "crash")
    hit.facts.update(casualties(s, lex))
    return hit


def casualties(s: Sentence, lex: Lexicon) -> dict[str, object]:
    """Fatalities and injuries this sentence counts."""
    out: dict[str, object] = {}
    for key, patterns in (("fatalities", lex.crash.fatalities), ("injuries", lex.crash.injuries)):
        if not lex.cjk and not any(stem in s.low for stem in CASUALTY_STEMS[key]):
            continue  # the templates scan every position: skip a sentence none can match
        for pattern in patterns:
            counts = (_count(m, lex) for m in pattern.finditer(s.low))
            value = next((n for n in counts if n is not None), None)
            if value is not None:
                out[key] = value
                break
    return out


def _count(m: re.Match[str], lex: Lexicon) -> int | None:
    groups = m.groupdict()
    if groups.get("zero"):
        return 0
    if groups.get("n"):
        return _number(groups["n"], lex)
    if groups.get("list"):
        return count_people(groups["list"], lex)
    if groups.get("one"):  # a headline's "Uber driver dies", "pedestrian killed"
        return 1
    return None


def count_people(text: str, lex: Lexicon) -> int | None:
    """People a list counts: "the pilot and all four passengers" = 5; None when it counts none."""
    person = lex.crash.person.pattern
    total, counted = 0, False
    for raw in _SPLIT.split(text.strip()):
        part = _HEDGE.sub("", raw.strip())
        first = part.split(" ", 1)[0] if not lex.cjk else part
        n = _number(first.rstrip(","), lex)
        if n is not None:
            total += n
        elif re.match(person if lex.cjk else rf"{_ARTICLE}?(?:{person})", part):  # "killing driver"
            total += 1
        else:
            break
        counted = True
        if "includ" in part:
            break
    return total if counted else None


def _number(token: str, lex: Lexicon) -> int | None:
    token = token.replace(",", "")
    return int(token) if token.isdigit() else lex.numbers.word_number(token)
