"""Numbers as news writes them: "116,887", "1.2 million", "2.5m", "40万辆", "HK$60", "$3.85-$4.00".

The grammar (hedges, scale words, currencies, number words) comes from each language's lexicon;
this module only turns it into one regex and the matches into exact `Decimal` values.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from services.classifier.lazyregex import lazy
from services.classifier.spelled import cjk_pattern, latin_pattern, respell
from services.classifier.wordforms import fast_alternation

_YEAR_MIN, _YEAR_MAX = 1900, 2099
# Between two amounts of a range: "30,000-32,000", "$3.85 to $4.00", "3-5" (any dash or tilde).
_RANGE_GAP = lazy(r"\s*(?:-|\u2013|—|~|\uff5e|to|至)\s*")
_YEAR_JOIN = ("-", "/", "\u2013")
_YEAR_END = re.compile(r"(?<![\d,.])(?:19|20)\d\d$")
_GLUED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")  # a number glued to these is a name
_LEAD_REACH = 30
_FROM_BEFORE = lazy(r"(?:from|by|由|从)\s*(?:a |an |the |its |their )?\S*\s*$")
# The high end of a range is at most this many times its low end ("$905 million-$915 million").
_RANGE_SPREAD = 5


@dataclass(frozen=True, slots=True)
class Amount:
    """One number in a text, with its span and what news wrote around it."""

    value: Decimal
    start: int
    end: int
    raw: str
    currency: str | None = None
    percent: bool = False
    approx: bool = False
    scaled: bool = False
    high: Decimal | None = None
    year: bool = False

    def number(self) -> int | float:
        """The value as JSON wants it: an int when written as a whole count, else a float."""
        if not self.scaled and not self.percent and "." not in self.raw:
            return int(self.value)
        return float(self.value)

    @property
    def money(self) -> bool:
        """A currency amount."""
        return self.currency is not None and not self.percent


@dataclass(frozen=True, slots=True)
class NumberGrammar:
    """A language's number grammar compiled into one regex."""

    pattern: re.Pattern[str]  # the number and what follows it
    lead: re.Pattern[str]  # what precedes it: a hedge, a currency symbol (matches at the end)
    scales: Mapping[str, Decimal]
    words: Mapping[str, int]
    currencies: tuple[tuple[str, re.Pattern[str]], ...]
    spelled: re.Pattern[str] | None = None  # spelled counts ("two million", "四十万")
    numeral_units: Mapping[str, int] | None = None  # 十, 百, 千: Chinese numerals' units
    fractions: Mapping[str, str] | None = None  # "half a" -> "0.5", before a scale word
    markets: Mapping[str, str] | None = None  # a ticker's exchange suffix -> its currency

    def currency_of(self, symbol: str) -> str | None:
        """The ISO code a currency symbol or word stands for."""
        text = symbol.strip()
        for code, pattern in self.currencies:
            if pattern.fullmatch(text):
                return code
        return None

    def word_number(self, word: str) -> int | None:
        """A small number written as a word ("five", "两"), else None."""
        if word.isdigit():
            return int(word)
        return self.words.get(word)


def build_grammar(spec: Mapping[str, object], *, cjk: bool) -> NumberGrammar:
    """Compile a lexicon's `numbers:` section."""
    hedges = str(spec["hedges"])
    scales = {str(k): Decimal(str(v)) for k, v in _mapping(spec["scales"]).items()}
    words = {str(k): int(str(v)) for k, v in _mapping(spec["words"]).items()}
    before: list[str] = []
    after: list[str] = []
    currencies: list[tuple[str, re.Pattern[str]]] = []
    for code, forms in _mapping(spec["currencies"]).items():
        forms_map = _mapping(forms)
        symbols = [*_strings(forms_map.get("before", [])), *_strings(forms_map.get("after", []))]
        before.extend(_strings(forms_map.get("before", [])))
        after.extend(_strings(forms_map.get("after", [])))
        currencies.append((str(code), re.compile("|".join(symbols))))
    scale_words = fast_alternation(map(re.escape, scales))
    before_alt = fast_alternation(before)
    after_alt = fast_alternation(after)
    hedges = fast_alternation([hedges])
    # The number first, so the regex engine can skip to digits; what stands before it (a hedge,
    # a currency symbol) is read from the text just before, with a second small regex.
    if cjk:
        number = (
            r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?![0-9])"
            rf"(?: ?(?P<scale>{scale_words}))?"  # "12.3 万辆": some outlets space the two
            r"(?:(?<=万)(?P<rest>\d{1,4})(?=\s*[辆台件个部套架艘列名人]))?"  # "10万6317辆"
            rf"(?P<hedge2>余|多)?(?P<pct>%|\uff05)?(?P<after>{after_alt})?"
        )
        lead = rf"(?P<hedge>{hedges})?(?P<cur>{before_alt})?\s?$"
    else:
        number = (
            r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"(?:\s?(?P<scale>{scale_words})(?![a-z]))?"
            r"(?P<pct>\s?(?:%|per ?cent(?![a-z])|pct(?![a-z])))?"
            rf"(?:\s?(?P<after>{after_alt})(?![a-z]))?(?![a-z0-9])"  # "5 yen", "900p"
        )
        lead = (
            rf"(?:(?<![a-z])(?P<hedge>{hedges})\s+)?(?:(?<![a-z0-9_.])(?P<cur>{before_alt}))?\s?$"
        )
    units = {str(k): int(str(v)) for k, v in _mapping(spec.get("numeral_units", {})).items()}
    one_char = "".join(h for h in str(spec["hedges"]).split("|") if len(h) == 1)  # 约, 近, 逾
    fractions = {str(k): str(v) for k, v in _mapping(spec.get("fractions", {})).items()}
    markets = {str(k): str(v) for k, v in _mapping(spec.get("markets", {})).items()}
    spelled = (
        cjk_pattern(words, units, one_char) if units else latin_pattern(words, scales, fractions)
    )
    return NumberGrammar(
        re.compile(number),
        re.compile(lead),
        scales,
        words,
        tuple(currencies),
        spelled,
        units,
        fractions,
        markets,
    )


def find_amounts(text: str, grammar: NumberGrammar) -> list[Amount]:
    """Every amount in lowercased `text`, ranges ("$3.85-$4.00") merged into one."""
    found: list[Amount] = []
    text = respell(
        text, grammar.spelled, grammar.words, grammar.numeral_units or {}, grammar.fractions or {}
    )
    for m in grammar.pattern.finditer(text):
        start = m.start()
        before = text[start - 1 : start] if start else ""
        if before and (
            before in _GLUED or (before == "-" and text[start - 2 : start - 1].isalpha())
        ):
            continue  # "RAV4", "F-150", "COVID-19": part of a name
        if before in _YEAR_JOIN and len(m["num"]) == 2 and _YEAR_END.search(text, 0, start - 1):
            continue  # "2025-26", "2024/25": the end of a span of years
        raw = m["num"]
        value = Decimal(raw.replace(",", ""))
        scale_word = m["scale"]
        if scale_word:
            value *= grammar.scales[scale_word]
        rest = m.groupdict().get("rest")
        if rest:
            value += Decimal(rest)
        lead = _lead(text, start, grammar.lead)
        cur = lead["cur"] if lead else None
        hedge = lead["hedge"] if lead else None
        symbol = cur or m["after"]
        whole = "," not in raw and "." not in raw
        found.append(
            Amount(
                value=value,
                start=lead.start() if lead and (cur or hedge) else start,
                end=m.end(),
                raw=raw,
                currency=grammar.currency_of(symbol) if symbol else None,
                percent=bool(m["pct"]),
                approx=bool(hedge or m.groupdict().get("hedge2")),
                scaled=bool(scale_word),
                year=whole
                and not scale_word
                and not symbol
                and not m["pct"]
                and len(raw) == 4
                and _YEAR_MIN <= int(raw) <= _YEAR_MAX,
            )
        )
    return _merge_ranges(text, found)


def _lead(text: str, start: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """What stands right before a number, tried from a few starts: the last words and the last
    few characters (symbols), never a scan over the whole stretch."""
    if start == 0:
        return None
    starts = set(range(max(0, start - 4), start))
    pos = start
    for _ in range(3):  # the last three words: "more than", "an estimated", "up to"
        pos = text.rfind(" ", 0, max(pos - 1, 0))
        if start - pos > _LEAD_REACH:
            break
        starts.add(pos + 1)
        if pos < 0:
            break
    best = None
    for p in sorted(starts):
        m = pattern.match(text, p, start)
        if m and (m["hedge"] or m["cur"]):
            best = m
            break
    return best


def _merge_ranges(text: str, amounts: Sequence[Amount]) -> list[Amount]:
    merged: list[Amount] = []
    i = 0
    while i < len(amounts):
        low = amounts[i]
        if i + 1 < len(amounts):
            high = amounts[i + 1]
            gap = text[low.end : high.start]
            if (
                _RANGE_GAP.fullmatch(gap)
                and low.percent == high.percent
                and not (gap.strip() in {"to", "至"} and _FROM_BEFORE.search(text[: low.start]))
                and _plausible_range(low, high)
            ):
                merged.append(_join(low, high))
                i += 2
                continue
        merged.append(low)
        i += 1
    return merged


def _plausible_range(low: Amount, high: Amount) -> bool:
    low_value = low.value
    if high.scaled and not low.scaled:
        low_value *= high.value / Decimal(high.raw.replace(",", ""))
    return low_value <= high.value <= low_value * _RANGE_SPREAD


def _join(low: Amount, high: Amount) -> Amount:
    """A range: the low end as the value, the scale and currency of either end."""
    value = low.value
    scaled = low.scaled
    if high.scaled and not low.scaled:
        factor = high.value / Decimal(high.raw.replace(",", ""))
        value = low.value * factor
        scaled = True
    return replace(
        low,
        value=value,
        end=high.end,
        currency=low.currency or high.currency,
        scaled=scaled,
        high=high.value,
        year=low.year and high.year,
    )


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping, got {type(value).__name__}")
    return value


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return [str(v) for v in value]
