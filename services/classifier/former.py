"""A former target told beside the change, in the lead: "蔚来下调交付指引至4万辆" + "原指引为
4.5万至4.7万辆", "Ford raises profit outlook to $10 billion" + "It had previously forecast $9
billion". The change's own clause gives `old` when it can ("from $9 billion"); this reads it
when only a sentence of its own does, so the alert can say "old -> new".
"""

from collections.abc import Mapping, Sequence

from schemas.alert import Facts
from services.classifier.lexmodel import Lexicon
from services.classifier.numbers import Amount, find_amounts
from services.classifier.text import Sentence, Zone

_GAP = 12  # characters between the marker and its figure: "was about", "为约"
_RATIO = 3.0  # a former target within this factor of the new one: the same metric's scale


def former_target(
    facts: Facts, around: Sequence[Sentence], by_script: Mapping[bool, Lexicon]
) -> Facts:
    """`facts` with `old` filled from a lead sentence that tells the former target, when the
    change gave a new figure and no old one; the direction follows from the two figures when
    the change told none."""
    if facts.new is None or facts.old is not None or facts.direction == "withdraw":
        return facts
    for s in around:
        if s.zone == Zone.BODY:
            continue
        lex = by_script[s.cjk]
        marker = lex.target.former.search(s.low)
        if marker is None:
            continue
        amounts = find_amounts(s.low, lex.numbers)
        figure = _figure_after(amounts, marker.end())
        if figure is None or not _comparable(figure, facts) or _other_year(amounts, facts):
            continue
        old = figure.number()
        update: dict[str, object] = {"old": old}
        if facts.direction is None and old != facts.new:
            update["direction"] = "raise" if facts.new > old else "cut"
        return facts.model_copy(update=update)
    return facts


def _figure_after(amounts: list[Amount], end: int) -> Amount | None:
    for amount in amounts:
        if amount.year or amount.end <= end:
            continue
        return amount if amount.start - end <= _GAP else None
    return None


def _other_year(amounts: list[Amount], facts: Facts) -> bool:
    """The sentence dates its figure to a year the change is not about: "previously expected
    57,000 in 2024" beside a 2025 outlook is last year's plan."""
    period = facts.period or ""
    return any(a.year and str(int(a.value)) not in period for a in amounts) and bool(period)


def _comparable(figure: Amount, facts: Facts) -> bool:
    """The same kind of figure as the new one: money for money in its currency, a count for a
    count, a percentage for a percentage, within a factor of `_RATIO`."""
    new = float(facts.new or 0)
    percent = facts.metric == "margin" or (facts.metric or "").endswith("_pct")
    if figure.percent != percent or figure.money != (facts.currency is not None):
        return False
    if figure.money and figure.currency != facts.currency:
        return False
    value = float(figure.value)
    return new > 0 and value > 0 and 1 / _RATIO <= value / new <= _RATIO
