"""Durations in config: plain seconds or '90s', '5m', '1h', '1d'."""

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


def parse_seconds(value: object) -> object:
    """Turn '5m' into 300.0; leave numbers and anything else for pydantic to judge."""
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if not match:
            raise ValueError(f"not a duration: {value!r} (use seconds or e.g. '90s', '5m', '1h')")
        return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    return value


Seconds = Annotated[float, BeforeValidator(parse_seconds), Field(ge=0)]
PositiveSeconds = Annotated[float, BeforeValidator(parse_seconds), Field(gt=0)]
