"""Traditional Chinese to simplified before matching, so one lexicon reads both scripts.

Hong Kong and Taiwan outlets write 召回/回收, 目標價, 調升, 出軌, 墜機; the lexicons are written
in simplified script. OpenCC's t2s conversion (phrase-aware, shipped in the `opencc` wheel,
nothing fetched at run time) maps an article, a lexicon entry or a watchlist alias to simplified.
Text without a traditional-only character is returned as it is, after one scan (none for ASCII).
"""

import hashlib
import re
from functools import lru_cache, partial
from pathlib import Path

import opencc

from services.classifier.sourcecache import cached_text

_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _converter() -> tuple["opencc.OpenCC", re.Pattern[str]]:
    """The t2s converter and a class of the characters it changes.

    Finding those characters converts all 28,000 ideographs (about 35 ms, a tenth of start-up),
    so they are kept in the on-disk cache, keyed by the OpenCC version and these ranges.
    """
    t2s = opencc.OpenCC("t2s")
    version = getattr(opencc, "__version__", "?")
    key = hashlib.sha256(f"{version}|{_RANGES}|{Path(opencc.__file__).parent}".encode())
    changed = cached_text("t2s-chars", key.hexdigest(), partial(_changed, t2s))
    return t2s, re.compile(f"[{re.escape(changed)}]")


def _changed(t2s: "opencc.OpenCC") -> str:
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi)]
    simplified = t2s.convert("\n".join(chars)).split("\n")
    return "".join(a for a, b in zip(chars, simplified, strict=True) if a != b)


def simplified(text: str) -> str:
    """The text in simplified script (unchanged when it holds no traditional-only character)."""
    if text.isascii():
        return text
    t2s, traditional = _converter()
    if traditional.search(text) is None:
        return text
    return str(t2s.convert(text))


def has_traditional(text: str) -> bool:
    """The text holds a character that simplified script writes differently."""
    return not text.isascii() and _converter()[1].search(text) is not None
