"""The figures of a target change: metric, old and new values, direction, period, currency.

Figures are read from the clause of the change ("raised its 2024 EPS guidance to $8.40-$8.80
from $7.50-$7.90"): the words right before a figure make it the new value ("to", "of", "至"),
the old one ("from", "up from", "由") or the size of the change ("by $700 million").
"""

import re
from decimal import Decimal
from functools import lru_cache

from services.classifier.evidence import Hit, covered, spans
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.numbers import Amount, find_amounts
from services.core.cjk import CLAUSE_BREAKS, ENUMERATION

_EN_END = lazy(
    r";|\s[-—\u2013]\s|\b(?:but|while|whereas|after|as|amid|although|thanks to|due to|following|"
    r"because|citing|on the back of)\b"
)
_ZH_END = lazy(f"[{CLAUSE_BREAKS}{ENUMERATION}]")
# A comma ends the clause unless a figure or its role word follows ("..., down from $2.1 billion").
_COMMA_END = lazy(
    r",\s+(?!(?:up|down|from|to|compared|versus|vs\.?|or|a|an|its|which|implying|with|now|"
    r"expecting|seeing)\b|[$€£¥\d])"
)
_LOSS = lazy(r"loss|亏损")
_GROWTH = lazy(r"growth|\b(?:grow|rise|increase|climb)\b|增速|增长")  # "expects sales to grow 5%"
_SINCE = lazy(r"(?:since|from|until|through|before|after)\s+$")
_FY = lazy(r"\bfy\s?'?((?:19|20)?\d\d)\b")
_BEFORE = 60
_METRIC_LEFT, _METRIC_RIGHT = 60, 40
_SCALE_INHERIT = 1000
_SALES, _REVENUE = "sales", "revenue"


def _year_ago(low: str, end: int, lex: Lexicon) -> bool:
    """Last year's actual follows the figure, within two words ("376,000 last year")."""
    return _after_figure(lex.target.year_ago.pattern).match(low, end) is not None


@lru_cache(maxsize=4)
def _after_figure(year_ago: str) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:\w+\s+){{0,2}}(?:{year_ago})")


def target_facts(hit: Hit, lex: Lexicon) -> None:
    """Fill `hit.facts` with the figures its sentence gives for the change."""
    s, t = hit.sentence, lex.target
    verb = hit.verb or hit.anchor
    start = min(verb[0], hit.anchor[0])
    end = _clause_end(hit, lex, max(verb[1], hit.anchor[1]))
    metric, loss = _metric(hit, lex, start, end)
    every = find_amounts(s.low, lex.numbers)
    amounts = [a for a in every if not a.year]
    in_clause = [a for a in amounts if start <= a.start < end]
    if metric == _SALES and in_clause and all(a.money for a in in_clause):
        metric = _REVENUE  # "sales outlook to €19.5B-€20.5B": sales in money are revenue
    # "cut 737 production target": a bare number naming the metric's model is no figure
    in_clause = [a for a in in_clause if not _names_metric(s.low, a, lex)]
    roles = {a: _role(s.low, a, lex) for a in in_clause}
    money = metric not in lex.target.unit_metrics and any(a.money for a in in_clause)
    new = _pick(in_clause, roles, "new", metric, lex, money=money)
    if new is None:
        new = _expected_figure(hit, lex, amounts, metric, end)
    old = _pick(in_clause, roles, "old", metric, lex, money=money)
    if old is not None and _year_ago(s.low, old.end, lex):
        old = None  # "up from 376,000 last year": last year's result, not a former target
    delta = next((a for a in in_clause if roles[a] == "delta" and not a.percent), None)
    if new is None and hit.role == "price_target":
        new, old = _later_move(s.low, amounts, roles, hit.anchor[1], lex)
    if new is None and hit.role == "price_target":  # "Citi sees Rivian at $12, cuts target"
        new = next((a for a in amounts if a.money and _role(s.low, a, lex) == "new"), None)
    direction = hit.facts.get("direction")
    by_figures = hit.facts.pop("by_figures", False)
    values = _values(new, old, delta, direction, loss)
    if (
        values[0] is not None
        and values[1] is not None
        and (by_figures or direction in {"neutral", "set", None})
    ):
        direction = (
            "raise" if values[0] > values[1] else "cut" if values[0] < values[1] else direction
        )
    if metric and new is not None and new.percent and metric != "margin" and _GROWTH.search(s.low):
        metric = f"{metric}_growth_pct"
    facts = hit.facts
    facts["direction"] = None if direction == "neutral" else direction
    facts["metric"] = metric
    facts["new"], facts["old"] = values
    facts["explicit"] = new is not None and roles.get(new) == "new"  # "to $160", not a bare figure
    years = [a for a in every if a.year]
    facts["period"] = _period(s.low, max(0, start - _BEFORE), end, lex, years)
    priced = (
        new if new is not None and new.money else old if old is not None and old.money else None
    )
    facts["currency"] = priced.currency if priced and metric not in t.unit_metrics else None


def _clause_end(hit: Hit, lex: Lexicon, pos: int) -> int:
    low = hit.sentence.low
    m = (_ZH_END if lex.cjk else _EN_END).search(low, pos)
    end = m.start() if m else len(low)
    comma = None if lex.cjk else _COMMA_END.search(low, pos)
    if comma and comma.start() < end:
        end = comma.start()
    if lex.cjk:
        return end
    blocked: list[tuple[int, int]] | None = None  # read only when a second verb is there
    for nxt in lex.target.verbs.finditer(low, pos + 1, end):
        if blocked is None:
            blocked = spans(lex.target.not_, low)
        if covered(nxt.span(), blocked):
            continue
        if re.search(r"\band\s+$|,\s*$", low[pos : nxt.start()]):  # "... and lifted EPS guidance"
            return nxt.start()
    return end


def _metric(hit: Hit, lex: Lexicon, start: int, end: int) -> tuple[str | None, bool]:
    """The metric nearest the target noun (left first), and whether it is a loss."""
    if hit.role == "price_target":
        return "price_target", False
    low, anchor = hit.sentence.low, hit.anchor
    best: tuple[int, str, str] | None = None
    lo, hi = max(0, start - _METRIC_LEFT), min(len(low), end + _METRIC_RIGHT)
    for m in lex.target.metrics.finditer(low, lo, hi):
        name = str(m.lastgroup)
        if name == "price_target":
            continue
        distance = anchor[0] - m.end() if m.end() <= anchor[0] else 2 * (m.start() - anchor[1])
        if anchor[0] <= m.start() and m.end() <= anchor[1]:
            distance = 0  # the metric named in the target noun itself: "ebit-adj guide"
        if best is None or abs(distance) < best[0]:
            best = (abs(distance), name, m.group())
    if best is None:
        return None, False
    return best[1], bool(_LOSS.search(best[2]))


def _names_metric(low: str, a: Amount, lex: Lexicon) -> bool:
    """A bare whole number right before a metric word: "737 production", "a 787 delivery"."""
    if a.scaled or a.money or a.percent or a.approx or not a.raw.isdigit():
        return False
    return lex.target.metrics.match(low, a.end + 1) is not None and low[a.end : a.end + 1] == " "


def _role(low: str, a: Amount, lex: Lexicon) -> str | None:
    before = low[max(0, a.start - _BEFORE) : a.start]
    roles = dict(lex.target.roles)
    for name in ("delta", "old", "new"):
        if name in roles and roles[name].search(before):
            return name
    return None


def _pick(
    amounts: list[Amount],
    roles: dict[Amount, str | None],
    want: str,
    metric: str | None,
    lex: Lexicon,
    *,
    money: bool,
) -> Amount | None:
    """The first figure in the wanted role; else, for the new value, the first figure with no
    role word, unless a percentage ("raises forecast 6%" is the size of the change)."""
    fits = [
        a
        for a in amounts
        if not (metric == "price_target" and a.percent)
        and not (money and want == "new" and not a.money and not a.percent)
        and not (metric in lex.target.unit_metrics and a.money)
    ]
    named = next((a for a in fits if roles[a] == want), None)
    if named is not None or want != "new":
        return named
    return next((a for a in fits if roles[a] is None and not a.percent), None)


def _later_move(
    low: str, amounts: list[Amount], roles: dict[Amount, str | None], after: int, lex: Lexicon
) -> tuple[Amount | None, Amount | None]:
    """A price target's figures later in the sentence ("...: Susquehanna went to $84 from $54")."""
    later = [a for a in amounts if a.start >= after and not a.percent]
    for i, a in enumerate(later):
        role = roles.get(a) or _role(low, a, lex)
        if role in {"new", None} and a.money:
            nxt = later[i + 1] if i + 1 < len(later) else None
            old = nxt if nxt is not None and _role(low, nxt, lex) == "old" else None
            return a, old
    return None, None


def _expected_figure(
    hit: Hit, lex: Lexicon, amounts: list[Amount], metric: str | None, end: int
) -> Amount | None:
    """A figure stated after the clause: "raised its outlook ..., now expecting $1.3 billion"."""
    m = lex.target.expect.search(hit.sentence.low, end)
    if m is None:
        return None
    after = [a for a in amounts if 0 <= a.start - m.end() <= _BEFORE]
    return next((a for a in after if not (metric == "price_target" and a.percent)), None)


def _values(
    new: Amount | None, old: Amount | None, delta: Amount | None, direction: object, loss: bool
) -> tuple[int | float | None, int | float | None]:
    if new is None:
        return None, None
    new_value = new.value
    old_value: Decimal | None = None
    if old is not None:
        old_value = old.value
        if new.scaled and not old.scaled and old.value < _SCALE_INHERIT:
            old_value = old.value * (new.value / Decimal(new.raw.replace(",", "")))
    elif delta is not None and direction in {"raise", "cut"} and delta.currency == new.currency:
        old_value = new.value - delta.value if direction == "raise" else new.value + delta.value
    sign = -1 if loss else 1
    new_number = _as_number(sign * new_value, new)
    old_number = None if old_value is None else _as_number(sign * old_value, old or new)
    return new_number, old_number


def _as_number(value: Decimal, like: Amount) -> int | float:
    """Keep the int/float shape of how the figure was written."""
    return (
        int(value)
        if isinstance(like.number(), int) and value == value.to_integral()
        else float(value)
    )


def _period(low: str, start: int, end: int, lex: Lexicon, years: list[Amount]) -> str | None:
    """ "FY2024", "Q1 FY2013", "Q3": the period the target is for."""
    region = low[start:end]
    year: int | None = None
    fiscal_end = lex.target.fiscal_end.search(low, start, end)
    for a in years:
        if start <= a.start < end and not _SINCE.search(low, max(start, a.start - 8), a.start):
            year = int(a.raw)
            if fiscal_end and fiscal_end.end() <= a.start <= fiscal_end.end() + 12:
                year -= 1  # "the year to March 2023" is fiscal 2022
            break
    fy = _FY.search(region)
    if year is None and fy:
        digits = fy.group(1)
        year = int(digits) if len(digits) == 4 else 2000 + int(digits)
    quarter = next((q for q, p in lex.target.quarters if p.search(region)), None)
    parts = [f"Q{quarter}"] if quarter else []
    if year:
        parts.append(f"FY{year}")
    return " ".join(parts) or None
