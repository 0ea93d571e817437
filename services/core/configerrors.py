"""Validation errors in plain words, each with its exact path, never with a secret.

pydantic says "Input should be a valid tuple"; a person needs "should be a list, got the text
'abc'". The offending value is quoted only where no secret can be: never inside `channels`
(URLs carry tokens, and a token pasted into the wrong field is still a token) nor in any field
whose name says it holds one.
"""

import re
from collections.abc import Iterable
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from services.core.redact import redact_urls

_SECRET_NAME = re.compile(r"(?i)secret|token|passw|credential|sasl|api_?key|private")
#: Sections whose every value may carry a secret: chat URLs, and endpoints (a proxy's
#: user:password, a local Bot API server's token in its path).
_SECRET_SECTIONS = frozenset({"channels", "endpoints"})
_SHOWN = 60  # characters of a value worth quoting

_KINDS = {
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a section (a mapping of fields)",
    "model_attributes_type": "a section (a mapping of fields)",
    "dict_type": "a mapping",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "time_type": "a time of day (HH:MM)",
    "time_parsing": "a time of day (HH:MM)",
}


def field_path(loc: Iterable[int | str]) -> str:
    """('channels', 1, 'url') -> 'channels[1].url'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def may_carry_secret(loc: Iterable[int | str]) -> bool:
    """True where a value must never be shown back."""
    parts = [p for p in loc if isinstance(p, str)]
    return any(p in _SECRET_SECTIONS or _SECRET_NAME.search(p) for p in parts)


def describe(err: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """One 'path: problem' line for a pydantic error."""
    loc = tuple(err["loc"])
    secret = may_carry_secret(loc)
    kind, msg, value = err["type"], str(err["msg"]), err.get("input")
    if kind == "missing":
        text = "required, but not set"
    elif kind == "extra_forbidden":
        text = "unknown field" + _suggest(model, loc)
    elif kind in _KINDS:
        text = f"should be {_KINDS[kind]}" + ("" if secret else f", got {_shown(value)}")
    elif kind in ("value_error", "assertion_error"):
        text = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if secret and isinstance(value, str) and value:
            text = text.replace(repr(value), "(value hidden)").replace(value, "(value hidden)")
    else:  # literal_error, greater_than, too_short ...: pydantic's words, made plainer
        text = msg.replace("Input should be", "should be").replace("String should", "should")
        text = text.replace("Value should", "should").replace("List should", "should")
        text = text.replace("Tuple should", "should")
        if not secret and kind != "too_short":
            text += f", got {_shown(value)}"
    if not loc:  # a check across sections names its own paths
        return redact_urls(text)
    return f"{field_path(loc)}: {redact_urls(text)}"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "..."
        return f"the text {shown!r}" if value else "an empty text"
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)[:_SHOWN]


def _suggest(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> str:
    """' (did you mean max_age?)' from the fields of the section holding `loc`."""
    fields = _fields_at(model, loc[:-1]) if model is not None else None
    if not fields or not isinstance(loc[-1], str):
        return ""
    hint = get_close_matches(loc[-1], fields, n=1)
    return f" (did you mean {hint[0]}?)" if hint else ""


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            args = getattr(current, "__args__", ())
            current = args[0] if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = field.annotation
        args = [a for a in getattr(current, "__args__", ()) if a is not type(None)]
        if args and not (isinstance(current, type) and issubclass(current, BaseModel)):
            current = args[0] if len(args) == 1 else current  # Optional[X] -> X
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None
