"""Figures an event's own sentences leave out, taken from the sentences around them.

A headline often tells the event and the next lines its figures: "Honda recalls cars ..." +
"In all 1,700,000 units are covered"; "Train hits truck in Virginia" + "One person ... was
killed". Only the headline, summary and lead are read (core.py builds the event after this).
"""

from services.classifier.crash import casualties
from services.classifier.evidence import Hit
from services.classifier.lexmodel import Lexicon
from services.classifier.recall import scope_units
from services.classifier.text import Sentence, Zone

TOLL = ("fatalities", "injuries")
ROUNDED_LOW, ROUNDED_HIGH = 0.85, 1.3  # a precise count near a rounded one (eventfacts.py)


def scope(recalls: list[Hit], read: list[Sentence], by_script: dict[bool, Lexicon]) -> None:
    """A recall told without its count gets the count a nearby sentence gives its scope
    ("Honda recalls cars ..." + "In all 1,700,000 units are covered"); a rounded count gives
    way to the precise scope near it ("recalls 30,000" + "The recall covers 30,107 SUVs")."""
    counted = [h for h in recalls if isinstance(h.facts.get("units"), int)]
    if not recalls or (counted and not any(_rounded(h) for h in counted)):
        return
    for s in read:
        units = scope_units(s, by_script[s.cjk]) if s.zone != Zone.BODY else None
        if units is None:
            continue
        if not counted:
            best = max(recalls, key=lambda h: h.strength)
            best.facts["units"], best.facts["approx"] = units, False
            return
        for hit in counted:
            if _rounded(hit) and _refines(units, hit.facts["units"]):
                hit.facts["units"], hit.facts["approx"] = units, False
        return


def _rounded(hit: Hit) -> bool:
    units = hit.facts["units"]
    return bool(hit.facts.get("approx")) or (isinstance(units, int) and units % 1000 == 0)


def _refines(precise: int, rounded: object) -> bool:
    """`precise` tells `rounded` more exactly: near it, with more significant digits."""
    if (
        not isinstance(rounded, int)
        or not ROUNDED_LOW * rounded <= precise <= ROUNDED_HIGH * rounded
    ):
        return False
    return len(str(precise).rstrip("0")) > len(str(rounded).rstrip("0"))


def toll(crashes: list[Hit], read: list[Sentence], by_script: dict[bool, Lexicon]) -> None:
    """A crash told without its casualties gets those the summary or lead counts in a sentence
    of their own ("Train hits truck in Virginia" + "One person ... was killed"), unless that
    sentence tells of another time ("... died in a similar crash last year")."""
    if not crashes or any(h.facts.get(k) is not None for h in crashes for k in TOLL):
        return
    best = max(crashes, key=lambda h: h.strength)
    for s in read:
        lex = by_script[s.cjk]
        if s.zone in (Zone.TITLE, Zone.BODY) or lex.crash.background.search(s.low):
            continue
        for key, value in casualties(s, lex).items():
            if value is not None and best.facts.get(key) is None:
                best.facts[key] = value
