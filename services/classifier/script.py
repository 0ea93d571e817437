"""Traditional Chinese to simplified before matching, so one lexicon reads both scripts.

Hong Kong and Taiwan outlets write 召回/回收, 目標價, 調升, 出軌, 墜機; the lexicons are written
in simplified script. OpenCC's t2s conversion (phrase-aware, shipped in the `opencc` wheel,
nothing fetched at run time) maps an article, a lexicon entry or a watchlist alias to simplified.
Text without a traditional-only character is returned as it is, after one scan (none for ASCII).

OpenCC itself (about 20 ms to import and load) is loaded on the first text that needs it: the
characters it changes and the watchlist's converted names come from the on-disk cache, so a
start-up with that cache filled loads none of it.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from functools import lru_cache, partial
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from services.classifier.sourcecache import cached_text

if TYPE_CHECKING:
    import opencc

_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _t2s() -> "opencc.OpenCC":
    import opencc  # noqa: PLC0415 - loaded by the first text that needs converting

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _opencc_key() -> str:
    """What the conversions depend on, read without importing OpenCC: its version and place."""
    spec = find_spec("opencc")
    where = Path(spec.origin).parent if spec is not None and spec.origin else "?"
    try:
        installed = version("opencc")
    except PackageNotFoundError:
        installed = "?"
    return f"{installed}|{_RANGES}|{where}"


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """A class of the characters t2s changes.

    Finding those characters converts all 28,000 ideographs (about 35 ms, a tenth of start-up),
    so they are kept in the on-disk cache, keyed by the OpenCC version and these ranges.
    """
    key = hashlib.sha256(_opencc_key().encode()).hexdigest()
    changed = cached_text("t2s-chars", key, lambda: _changed(_t2s()))
    return re.compile(f"[{re.escape(changed)}]")


def _changed(t2s: "opencc.OpenCC") -> str:
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi)]
    simplified = t2s.convert("\n".join(chars)).split("\n")
    return "".join(a for a, b in zip(chars, simplified, strict=True) if a != b)


def simplified(text: str) -> str:
    """The text in simplified script (unchanged when it holds no traditional-only character)."""
    if text.isascii() or _traditional().search(text) is None:
        return text
    return str(_t2s().convert(text))


def has_traditional(text: str) -> bool:
    """The text holds a character that simplified script writes differently."""
    return not text.isascii() and _traditional().search(text) is not None


def simplified_names(names: Sequence[str]) -> list[str]:
    """`simplified` of each name; those that change are kept in the on-disk cache (keyed by
    the names and OpenCC), so loading a watchlist with traditional names loads no OpenCC."""
    todo = sorted({name for name in names if has_traditional(name)})
    if not todo:
        return list(names)
    key = hashlib.sha256("\0".join([_opencc_key(), *todo]).encode()).hexdigest()
    table = json.loads(cached_text("t2s-names", key, partial(_convert_all, todo)))
    return [table.get(name) or simplified(name) if name in todo else name for name in names]


def _convert_all(names: list[str]) -> str:
    return json.dumps({name: simplified(name) for name in names}, ensure_ascii=False)
