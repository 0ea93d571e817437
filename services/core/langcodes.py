"""Language tags in config (`lang: en`, `zh-Hant`, `en-GB`): checked against ISO 639-1."""

import re
from functools import cache
from pathlib import Path

_TAG = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]{2,8})*$")


@cache
def iso639_1() -> frozenset[str]:
    """The two-letter codes, from the data file beside this module."""
    text = (Path(__file__).with_name("iso639-1.txt")).read_text(encoding="utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


def check_lang(value: str) -> str:
    """`value` if it is a language tag with a known primary code; ValueError naming it if not."""
    match = _TAG.match(value.strip())
    if not match or match.group(1).lower() not in iso639_1():
        raise ValueError(
            f"unknown language code {value!r} (use an ISO 639-1 code such as en, zh, ja, de; "
            "a region or script may follow: en-GB, zh-Hant)"
        )
    return value.strip()
