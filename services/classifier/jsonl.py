"""The `redflag classify` contract: JSON Lines of articles in, one JSON line of events out per line.

Input, one article per line: `id` (string, required), `title`, `summary`, `content`, `link`,
`published`, `lang` (optional). Output, in input order: `{"id": ..., "events": [...]}` with each
event as `Event.contract()`; a line that is not a JSON object with a string `id` gives
`{"id": null, "line": N, "error": "..."}` (N 1-based) in its place and the rest go on.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from services.classifier.core import Rules, classify

_TEXT_FIELDS = ("title", "summary", "content", "lang")


@dataclass(frozen=True, slots=True)
class _Item:
    """The text fields of one input line (a `core.Text`)."""

    title: str
    summary: str
    content: str
    lang: str | None


class _BadLineError(ValueError):
    """A line that breaks the input contract."""


def classify_lines(lines: Iterable[str], rules: Rules) -> Iterator[tuple[str, bool]]:
    """Yield `(output_json_line, ok)` per input line, streaming; `ok` is False for a bad line."""
    for number, line in enumerate(lines, start=1):
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
    if not isinstance(record, dict):
        raise _BadLineError(f"not a JSON object but {type(record).__name__}")
    article_id = record.get("id")
    if not isinstance(article_id, str) or not article_id:
        raise _BadLineError("missing id" if article_id is None else "id must be a non-empty string")
    fields: dict[str, str | None] = {}
    for key in _TEXT_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise _BadLineError(f"{key} must be a string")
        fields[key] = value
    return article_id, _Item(
        title=fields["title"] or "",
        summary=fields["summary"] or "",
        content=fields["content"] or "",
        lang=fields["lang"],
    )


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
