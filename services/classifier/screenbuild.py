"""How the screen is built: its context words and broker words, read from the lexicon regexes.

Run once per process (`Screen.__init__`); the word forms of the large regexes come from the
on-disk cache (`sourcecache.py`). What the screen does per article is in `screen.py`.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from services.classifier.lexmodel import Lexicon, LexiconError
from services.classifier.screenwords import tokens
from services.classifier.sourcecache import cache_key, cached_text
from services.classifier.wordforms import Forms, forms

_GENERIC_BROKER = frozenset(
    {"analyst", "analysts", "broker", "brokers", "brokerage", "brokerages", "research"}
    | {"strategist", "strategists", "bank", "banks", "benchmark", "wells", "roth", "argus"}
    | {"america", "capital", "securities", "research", "global", "partners", "advisory"}
    | {"credit", "loop", "william", "craig", "riley", "davidson", "piper", "societe"}
)
# Words too common to stand for a phrase of a context ("treated for" is "treated").
_STOP = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is"}
    | {"it", "its", "of", "on", "or", "the", "to", "was", "were", "with"}
)


@dataclass(frozen=True, slots=True)
class Context:
    """A kind's context: its words, the prefixes of its open-ended forms, whether a figure is
    one ("a product or a figure" for a recall)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    figure: bool


def cached_forms(lexicons: Sequence[Lexicon]) -> Callable[[str], Forms]:
    """`forms` of the Latin lexicons' context and broker regexes, kept in the on-disk cache.

    Reading the word forms of ~10 large regexes is a tenth of start-up (15 ms); they depend
    only on those sources and on `wordforms.py`, which key the cache. A source missing from
    it (or one `forms` cannot read) is read here, raising as before.
    """
    sources = sorted(
        {
            p.pattern
            for lex in lexicons
            if not lex.cjk
            for group in (*context_patterns(lex).values(), [lex.target.brokers])
            for p in group
        }
    )
    key = hashlib.sha256("\0".join([cache_key([]), *sources]).encode()).hexdigest()
    table = json.loads(cached_text("screen-forms", key, lambda: _forms_table(sources)))

    def forms_of(source: str) -> Forms:
        found = table.get(source)
        if found is None:
            return forms(source)
        return Forms(frozenset(found[0]), frozenset(found[1]))

    return forms_of


def _forms_table(sources: Iterable[str]) -> str:
    table = {}
    for source in sources:
        try:
            found = forms(source)
        except ValueError:
            continue  # reported with its kind where it is used
        table[source] = [sorted(found.whole), sorted(found.open_)]
    return json.dumps(table, ensure_ascii=False)


def broker_words(lex: Lexicon, forms_of: Callable[[str], Forms] = forms) -> set[str]:
    """The distinctive word of each broker's name ("truist", "jefferies", "goldman")."""
    found = forms_of(lex.target.brokers.pattern)
    words = set()
    for text in found.whole:  # the first telling word: "goldman", "raymond", "jefferies"
        telling = [w for w in tokens(text) if len(w) > 3 and w not in _GENERIC_BROKER]
        words.update(telling[:1])
    return words


def context_patterns(lex: Lexicon) -> dict[str, list[re.Pattern[str]]]:
    return {
        "recall": [lex.recall.product, lex.recall.regulators, lex.recall.units],
        "crash": [lex.crash.vehicles, lex.crash.scene, lex.crash.casualties],
        "target_change": [lex.target.verbs, lex.target.expect, lex.target.metrics],
    }


def _key_word(words: list[str]) -> list[str]:
    """The word of a phrase that says most: its longest ("cars and trucks" -> "trucks")."""
    words = [w for w in words if len(w) > 1 and w not in _STOP]
    return [max(words, key=len)] if words else []


def merge(
    old: Context | None,
    patterns: list[re.Pattern[str]],
    kind: str,
    forms_of: Callable[[str], Forms] = forms,
) -> Context:
    words: set[str] = set(old.words) if old else set()
    prefixes: set[str] = set(old.prefixes) if old else set()
    for pattern in patterns:
        try:
            found = forms_of(pattern.pattern)
        except ValueError as exc:
            raise LexiconError(f"screen context of {kind}: {exc}") from exc
        for text in found.whole:
            words.update(_key_word(tokens(text)))
        for text in found.open_:
            parts = tokens(text)
            complete = parts if text.endswith(" ") else parts[:-1]
            words.update(_key_word(complete))
            if parts and not text.endswith(" ") and not complete and len(parts[-1]) > 2:
                prefixes.add(parts[-1])
    return Context(
        frozenset(words),
        tuple(sorted(prefixes)),
        figure=kind == "recall" or (old is not None and old.figure),
    )
