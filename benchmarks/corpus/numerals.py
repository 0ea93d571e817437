"""Figures as outlets write them, for the corpus: "1.9 million", "two million", "四十万", "1.2万"."""

_EN_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
_EN_WORDS |= {8: "eight", 9: "nine", 10: "ten"}
_CN_DIGITS = "零一二三四五六七八九"


def en_count(n: int, style: int) -> str:
    """0: "1,900,000", 1: "1.9 million", 2: "two million" (when round), 3: "about 1.9 million"."""
    if style == 0 or n < 100_000:
        return f"{n:,}"
    if style == 2 and n % 1_000_000 == 0 and n // 1_000_000 in _EN_WORDS:
        return f"{_EN_WORDS[n // 1_000_000]} million"
    if n >= 1_000_000:
        text = f"{n / 1e6:.1f}".rstrip("0").rstrip(".") + " million"
    else:
        text = f"{round(n, -3):,}"
    return ("about " if style == 3 else "") + text


def cn_small(k: int) -> str:
    """1..9999 in Chinese numerals: 两千, 四十, 三千五百, 十二."""
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = k // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        word = "两" if digit == 2 and unit in "千百" and not out else _CN_DIGITS[digit]
        if unit == "十" and digit == 1 and not out:
            word = ""
        out.append(word + unit)
    return "".join(out)


def zh_count(n: int, style: int) -> str:
    """0: "116887", 1: "11.7万" (rounded), 2: Chinese numerals when round ("四十万"), 3: "1.2万"."""
    if style == 0 or n < 1000:
        return str(n)
    if style == 2 and n % 10_000 == 0 and n // 10_000 < 10_000:
        return cn_small(n // 10_000) + "万"
    if style == 2 and n < 10_000 and n % 100 == 0:
        return cn_small(n)
    if n >= 10_000:
        return f"{n / 1e4:.1f}".rstrip("0").rstrip(".") + "万"
    return str(n)
