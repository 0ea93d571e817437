"""Numbers spelled in words, rewritten as digits in place: "two million", "四十万", "两千辆".

News spells counts: "recalls two million cars", "召回四十万辆", "一百二十万辆". The number regex
reads digits, so each spelled number is rewritten as digits of the same length (padded with
spaces on the left), which keeps every offset of the sentence valid. Only what is surely a
count is rewritten: an English number word right before a scale word ("two million"), a Chinese
numeral run before 万/亿, or one with 十/百/千 in it ("两千", "三十五"); never 三星 or 一汽.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

_SCALES = "万亿"  # after a numeral run, it stays as written: "四十万" -> " 40万"
_TEN, _HUNDRED, _THOUSAND = 10, 100, 1000
_TEN_THOUSAND = "万"  # inside a run: "一万二千" is 12,000


def latin_pattern(
    words: Mapping[str, int], scales: Mapping[str, object], fractions: Mapping[str, str]
) -> re.Pattern[str]:
    """Number words ("two", "twenty-five") or a fraction ("half a") right before a scale word
    ("million")."""
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    part = "".join(f"{re.escape(f)}|" for f in sorted(fractions, key=len, reverse=True))
    scale = "|".join(sorted(map(re.escape, scales), key=len, reverse=True))
    return re.compile(
        rf"(?<![a-z-])(?:{part}(?:{alt})(?:[- ](?:{alt}))?)(?=\s+(?:{scale})(?![a-z]))"
    )


def cjk_pattern(
    words: Mapping[str, int], units: Mapping[str, int], hedges: str = ""
) -> re.Pattern[str]:
    """Chinese numeral runs that are surely counts: before 万/亿, or holding 十/百/千; and a
    one-character hedge before a bare 千/万 or a unit before its scale ("逾千辆", "逾十万辆")."""
    digits = "".join(w for w, v in words.items() if len(w) == 1 and v < 10)
    unit = "".join(units)
    ten = "".join(u for u, v in units.items() if v == _TEN)
    big = "".join(u for u, v in units.items() if v > _TEN)
    bare = "".join(u for u, v in units.items() if v == _THOUSAND) + _TEN_THOUSAND
    # "逾千" -> "1千", "逾十万" -> "10万", "逾百万" -> "1百万": the hedge's width holds the digit.
    hedged = (
        rf"|(?<![\d{digits}{unit}])[{hedges}](?:(?=[{bare}](?![\d{digits}{unit}{_SCALES}]))"
        rf"|[{ten}](?![\d{digits}{unit}])|[{big}](?=[{_SCALES}]))"
        if hedges
        else ""
    )
    return re.compile(
        rf"[{digits}{unit}]+{_TEN_THOUSAND}[{digits}]*[{unit}][{digits}{unit}]*(?![{_SCALES}])"
        rf"|[{digits}{unit}]+(?=[{_SCALES}])|[{digits}]?[{unit}][{digits}{unit}]*{hedged}"
    )


def respell(
    text: str,
    pattern: re.Pattern[str] | None,
    words: Mapping[str, int],
    units: Mapping[str, int],
    fractions: Mapping[str, str] | None = None,
) -> str:
    """`text` with its spelled counts as digits, every offset unchanged."""
    if pattern is None or (units and text.isascii()):
        return text
    if units:
        return pattern.sub(lambda m: _cjk_sub(m.group(), words, units), text)
    return pattern.sub(lambda m: _latin_sub(m.group(), words, fractions or {}), text)


def _latin_sub(spelled: str, words: Mapping[str, int], fractions: Mapping[str, str]) -> str:
    fraction = fractions.get(spelled)  # "half a" -> "   0.5"
    if fraction is not None:
        return fraction.rjust(len(spelled)) if len(fraction) <= len(spelled) else spelled
    return _fit(_latin_value(spelled, words), spelled)


def _latin_value(spelled: str, words: Mapping[str, int]) -> int | None:
    parts = re.split(r"[- ]", spelled)
    values = [words.get(p) for p in parts]
    total = 0
    for value in values:
        if value is None:
            return None
        # "two hundred" multiplies, "twenty-five" adds
        total = total * value if value == _HUNDRED and total else total + value
    return total


def _cjk_sub(spelled: str, words: Mapping[str, int], units: Mapping[str, int]) -> str:
    """A spelled run as digits of its width; "一万二千" (12,000) as "1.2万", which fits."""
    if spelled[0] not in words and spelled[0] not in units:  # a hedge: "逾千", "逾十", "近"
        rest = spelled[1:]
        return "10" if rest and units[rest] == _TEN else "1" + rest
    high, sep, low = spelled.partition(_TEN_THOUSAND)
    if not sep:
        return _fit(_cjk_value(spelled, words, units), spelled)
    total = _cjk_value(high, words, units) * 10_000 + _cjk_value(low, words, units)
    digits = f"{Decimal(total) / 10_000:f}".rstrip("0").rstrip(".") + _TEN_THOUSAND
    return digits.rjust(len(spelled)) if len(digits) <= len(spelled) else spelled


def _cjk_value(spelled: str, words: Mapping[str, int], units: Mapping[str, int]) -> int:
    """ "一百二十" -> 120, "三十五" -> 35, "十四" -> 14."""
    total = digit = 0
    for ch in spelled:
        if ch in units:
            total += (digit or 1) * units[ch]
            digit = 0
        else:
            digit = words[ch]
    return total + digit


def _fit(value: int | None, spelled: str) -> str:
    """Digits in the width of the spelled form ("三十五" -> " 35"), or the form as it was."""
    if value is None:
        return spelled
    digits = str(value)
    for unit, sign in ((1000, "千"), (100, "百")):  # "两千" -> "2千", "两百万" -> "2百万"
        if len(digits) > len(spelled) and value % unit == 0 and value // unit < 10:
            digits = f"{value // unit}{sign}"
    return digits.rjust(len(spelled)) if len(digits) <= len(spelled) else spelled
