"""Reading one lexicon YAML file: each key as a regex source, a list or a mapping, every
error naming the file and the key path (lexicon.py assembles the results)."""

import re
from collections.abc import Mapping
from pathlib import Path

from services.classifier.lazyregex import Later, lazy
from services.classifier.lexmodel import LexiconError, Pattern
from services.classifier.sourcecache import SourceCache

_WORD_START = "(?<![a-z0-9])"
_ESCAPED = lazy(r"\\.|\(\?P<\w+>")  # escapes ("\\S") and group names may hold capitals
_UPPER = lazy(r"[A-Z]")


class Reader:
    """Reads one YAML file's keys, naming the file and key path in every error."""

    def __init__(
        self, path: Path, data: Mapping[str, object], cjk: bool, cache: SourceCache, later: Later
    ) -> None:
        self.path, self.data, self.cjk, self.cache, self.later = path, data, cjk, cache, later

    def get(self, dotted: str) -> object:
        node: object = self.data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise LexiconError(f"{self.path.name}: missing key {dotted!r}")
            node = node[part]
        return node

    def words(self, dotted: str, *, bare: bool = False) -> Pattern:
        """A list (or string) of regexes as one alternation; whole words in Latin scripts."""
        return self._compile(dotted, self.source(dotted, bare=bare))

    def source(self, dotted: str, *, bare: bool = False) -> str:
        """The source of `words(dotted)`, checked to compile unless it came from the cache."""
        value = self.get(dotted)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise LexiconError(f"{self.path.name}: {dotted} must be a string or list of strings")
        if not self.cjk:
            for item in items:  # "Recall" would never match the lowercased text
                if _UPPER.search(_ESCAPED.sub("", item)):
                    raise LexiconError(
                        f"{self.path.name}: {dotted}: {item!r} has capitals; entries match "
                        "lowercased text"
                    )
        try:
            alternation, cached = self.cache.alternation(items)
            source = (
                alternation if bare or self.cjk else rf"{_WORD_START}(?:{alternation})(?![a-z0-9])"
            )
            if not cached:  # a cached source is checked where it is compiled
                re.compile(source)
        except (re.error, ValueError) as exc:
            for item in items:
                self._check(dotted, item)  # the bad entry, reported by itself
            raise LexiconError(f"{self.path.name}: {dotted}: {exc}") from exc
        return source

    def templates(self, dotted: str, **fill: str) -> tuple[Pattern, ...]:
        """A list of regexes with {placeholders} filled in, each compiled on its own."""
        value = self.get(dotted)
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise LexiconError(f"{self.path.name}: {dotted} must be a list of strings")
        out = []
        for item in value:
            source = item
            for key, sub in fill.items():
                source = source.replace("{" + key + "}", f"(?:{sub})")
            out.append(self._compile(dotted, source))
        return tuple(out)

    def suffixes(self, dotted: str) -> tuple[tuple[str, Pattern], ...]:
        """A mapping name -> regex compiled to match at the end of the text before a figure."""
        mapping = self.get(dotted)
        if not isinstance(mapping, Mapping):
            raise LexiconError(f"{self.path.name}: {dotted} must be a mapping")
        return tuple(
            (str(name), self._compile(f"{dotted}.{name}", rf"(?:{value})$"))
            for name, value in mapping.items()
        )

    def numbered(self, dotted: str) -> tuple[tuple[int, Pattern], ...]:
        """A mapping number -> regex, each compiled as whole words."""
        mapping = self.get(dotted)
        if not isinstance(mapping, Mapping):
            raise LexiconError(f"{self.path.name}: {dotted} must be a mapping")
        out = []
        for key, value in mapping.items():
            source = str(value) if self.cjk else rf"(?<![a-z0-9])(?:{value})(?![a-z0-9])"
            out.append((int(str(key)), self._compile(f"{dotted}.{key}", source)))
        return tuple(out)

    def kinds(self, dotted: str) -> dict[str, tuple[str, ...]]:
        """A mapping recall/crash/target -> list of literal words, keyed by event type."""
        mapping = self.get(dotted)
        if not isinstance(mapping, Mapping):
            raise LexiconError(f"{self.path.name}: {dotted} must be a mapping")
        out = {}
        for key, kind in (("recall", "recall"), ("crash", "crash"), ("target", "target_change")):
            words = mapping.get(key, [])
            if not isinstance(words, list):
                raise LexiconError(f"{self.path.name}: {dotted}.{key} must be a list")
            out[kind] = tuple(str(w).lower() for w in words)
        return out

    def groups(self, dotted: str, names: list[str] | None = None) -> Pattern:
        """A mapping name -> regex as one alternation with one named group per name."""
        mapping = self.get(dotted)
        if not isinstance(mapping, Mapping):
            raise LexiconError(f"{self.path.name}: {dotted} must be a mapping")
        parts = []
        for name in names or list(mapping):
            if name not in mapping:
                raise LexiconError(f"{self.path.name}: missing key {dotted}.{name}")
            inner = self.source(f"{dotted}.{name}")
            if not self.cjk:  # the word start is tested once below, not once per group
                inner = inner.removeprefix(_WORD_START)
            parts.append(f"(?P<{name}>{inner})")
        source = "|".join(parts)
        if not self.cjk:  # mid-word positions, most of a text, fail at the first test
            source = f"{_WORD_START}(?:{source})"
        return self._compile(dotted, source)

    def _compile(self, dotted: str, source: str) -> Pattern:
        return self.later(source, f"{self.path.name}: {dotted}")

    def compile(self, source: str, dotted: str = "a regex built around its entries") -> Pattern:
        """A regex built in code around lexicon entries (compiled when first used)."""
        return self.later(source, f"{self.path.name}: {dotted}")

    def _check(self, dotted: str, source: str) -> None:
        try:
            re.compile(source)
        except re.error as exc:
            raise LexiconError(f"{self.path.name}: {dotted}: bad regex: {exc}") from exc
