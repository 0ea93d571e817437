"""The `redflag classify` contract: JSON Lines of articles in, one JSON line of events out per line.

Input, one article per line: `id` (string, required), `title`, `summary`, `content`, `link`,
`published`, `lang` (optional). Output, in input order: `{"id": ..., "events": [...]}` with each
event as `Event.contract()`; a line that is not a JSON object with a string `id` gives
`{"id": null, "line": N, "error": "..."}` (N 1-based) in its place and the rest go on. Blank
lines are skipped. Fields and lines have the size limits in `schemas/limits.py`; past them
the line is an error, so the cost of a run stays linear in its input.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from schemas.limits import (
    MAX_CONTENT,
    MAX_INPUT_ID,
    MAX_LANG,
    MAX_LINE_BYTES,
    MAX_SUMMARY,
    MAX_TITLE,
)
from services.classifier.core import Rules, classify

_TEXT_FIELDS = {
    "title": MAX_TITLE,
    "summary": MAX_SUMMARY,
    "content": MAX_CONTENT,
    "lang": MAX_LANG,
}
_CHUNK = 65_536


def read_lines(stream: TextIO, limit: int = MAX_LINE_BYTES) -> Iterator[str | int]:
    """Lines of `stream` without their end; a line longer than `limit` characters is not
    kept in memory: its length comes instead. Only "\n" ends a line (open the stream with
    `newline="\n"`), so a stray carriage return inside a title does not split it."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith("\n"):
            yield line.rstrip("\n").removesuffix("\r")
            continue
        size = len(line)
        while not line.endswith("\n"):  # skip the rest of the oversized line, in chunks
            line = stream.readline(_CHUNK)
            if not line:
                break
            size += len(line)
        yield size - (1 if line.endswith("\n") else 0)


@dataclass(frozen=True, slots=True)
class _Item:
    """The text fields of one input line (a `core.Text`)."""

    title: str
    summary: str
    content: str
    lang: str | None


class _BadLineError(ValueError):
    """A line that breaks the input contract."""


def classify_lines(lines: Iterable[str | int], rules: Rules) -> Iterator[tuple[str, bool]]:
    """Yield `(output_json_line, ok)` per non-blank input line, streaming; `ok` is False for a
    bad line. An int in `lines` stands for a line of that many characters, over the limit."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, int):
            error = f"line of {line:,} characters is over the {MAX_LINE_BYTES:,} limit"
            yield _dumps({"id": None, "line": number, "error": error}), False
            continue
        if not line.strip():
            continue  # blank: nothing to classify, nothing to say
        try:
            article_id, item = _parse(line)
        except _BadLineError as exc:
            yield _dumps({"id": None, "line": number, "error": str(exc)}), False
            continue
        events = [event.contract() for event in classify(item, rules)]
        yield _dumps({"id": article_id, "events": events}), True


def _parse(line: str) -> tuple[str, _Item]:
    try:
        record = json.loads(line)
    except ValueError as exc:  # json.JSONDecodeError and bad surrogates alike
        raise _BadLineError(f"not JSON: {exc}") from None
    except RecursionError:
        raise _BadLineError("not JSON this stage reads: nested too deeply") from None
    if not isinstance(record, dict):
        raise _BadLineError(f"not a JSON object but {type(record).__name__}")
    article_id = record.get("id")
    if not isinstance(article_id, str) or not article_id:
        raise _BadLineError("missing id" if article_id is None else "id must be a non-empty string")
    if len(article_id) > MAX_INPUT_ID:
        raise _BadLineError(
            f"id is {len(article_id):,} characters, over the {MAX_INPUT_ID:,} limit"
        )
    fields: dict[str, str | None] = {}
    for key, limit in _TEXT_FIELDS.items():
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise _BadLineError(f"{key} must be a string")
        if value is not None and len(value) > limit:
            raise _BadLineError(f"{key} is {len(value):,} characters, over the {limit:,} limit")
        fields[key] = value
    return article_id, _Item(
        title=fields["title"] or "",
        summary=fields["summary"] or "",
        content=fields["content"] or "",
        lang=fields["lang"],
    )


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
