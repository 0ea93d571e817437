"""Figures as news tells them: the numbers a text states, the rounding a figure was told
with, and whether two unit counts are the same. Pure."""

import re

from services.events.rules import Rules

_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)\s*(million|mln|m\b|万|亿|billion)?", re.IGNORECASE)
_SCALE = {"million": 1e6, "mln": 1e6, "m": 1e6, "万": 1e4, "亿": 1e8, "billion": 1e9}


def has_expansion_cue(text: str, rules: Rules) -> bool:
    """True when the report says the recall grew ('expands', '扩大')."""
    low = text.casefold()
    return any(cue in low for cue in rules.expansion_cues)


def numbers_in(text: str) -> list[float]:
    """The figures a text states ('142,000', '1.2 million', '14.2万'), for 'up from N' cues."""
    out = []
    for digits, scale in _NUMBER.findall(text):
        try:
            value = float(digits.replace(",", ""))
        except ValueError:
            continue
        out.append(value * _SCALE.get(scale.casefold(), 1.0) if scale else value)
    return out


def _step(n: float) -> float:
    """The rounding a figure was told with: 1,200,000 -> 100,000; 1,206,803 -> 1."""
    value, step = round(n), 1
    while value and value % (step * 10) == 0:
        step *= 10
    return float(step)


def same_units(a: float, b: float, rules: Rules) -> bool:
    """Equal within the rounding either was told with ("1.2 million" = 1,206,803 = 120.7万),
    or within `units_tolerance` of the larger."""
    larger = max(abs(a), abs(b))
    rounding = min(max(_step(a), _step(b)) / 2, rules.rounding_cap * larger)
    return abs(a - b) <= max(rounding, rules.units_tolerance * larger)
