"""The screen: is a text worth reading closely? One tokenisation, set lookups, small windows.

A text passes when one of a kind's screen words (`screen:` in a lexicon) stands with that
kind's context within WINDOW words: a recall word with a product or a figure, an accident word
with a vehicle or casualties, a target word with a change verb or a metric. The contexts are
the word forms of the lexicon's own regexes (see `wordforms`). Chinese has no spaces: there
the screen words are found with one regex and the context with the lexicon regexes nearby.
Most news has no screen word, or none in context, and costs one pass.
"""

import hashlib
import json
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from services.classifier.lexmodel import Lexicon, LexiconError
from services.classifier.sourcecache import cache_key, cached_text
from services.classifier.wordforms import Forms, forms, trie_pattern

KINDS = ("recall", "crash", "target_change")
WINDOW = 30  # words each side of a screen word where its context may stand
CJK_REACH = 60  # characters each side, in Chinese
# A word is what `str.split` keeps of ASCII once punctuation is a space: letters, digits and
# the control characters that are not whitespace. Any other character separates words.
_SPLIT = str.maketrans(dict.fromkeys(string.punctuation, " "))
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


def tokens(low: str) -> list[str]:
    """Latin words of a lowercased text; punctuation (hyphens too) separates them.

    str.translate is fast on ASCII only, so other characters first become "?", a separator
    like them: three C passes, 3x faster than a regex `findall` of words on Chinese text.
    """
    if not low.isascii():
        low = low.encode("ascii", "replace").decode("ascii")
    return low.translate(_SPLIT).split()


@dataclass(frozen=True, slots=True)
class _Context:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    figure: bool

    def near(self, window: Sequence[str]) -> bool:
        if not self.words.isdisjoint(window):
            return True
        if self.figure and any(w[:1].isdigit() for w in window):
            return True
        return any(w.startswith(p) for p in self.prefixes for w in window)


class Screen:
    """Screen words and contexts of every lexicon, compiled once."""

    def __init__(self, lexicons: Sequence[Lexicon]) -> None:
        self.words: dict[str, list[str]] = {}  # word -> kinds it starts (Latin scripts)
        self.phrases: dict[str, list[str]] = {}  # phrase -> kinds, found as substrings
        self.more: dict[str, list[str]] = {}  # extra words for headline and lead sentences
        self.contexts: dict[str, _Context] = {}
        cjk_words: dict[str, list[str]] = {}  # word -> kinds
        self.cjk_contexts: dict[str, re.Pattern[str]] = {}
        forms_of = _cached_forms(lexicons)
        for lex in lexicons:
            contexts = _context_patterns(lex)
            for kind in KINDS:
                words = lex.screen.get(kind, ())
                if lex.cjk:
                    for word in words:
                        cjk_words.setdefault(word, []).append(kind)
                    self.cjk_contexts[kind] = re.compile(
                        "|".join(p.pattern for p in contexts[kind])
                    )
                    continue
                for word in words:
                    self.words.setdefault(word, []).append(kind)
                if kind == "target_change":  # "Truist raises Apple to $250": a broker's name
                    for word in _broker_words(lex, forms_of):
                        self.words.setdefault(word, []).append(kind)
                for phrase in lex.screen_phrases.get(kind, ()):
                    self.phrases.setdefault(phrase, []).append(kind)
                for word in lex.screen_more.get(kind, ()):
                    self.more.setdefault(word, []).append(kind)
                self.contexts[kind] = _merge(
                    self.contexts.get(kind), contexts[kind], kind, forms_of
                )
        # A plain alternation of literals: the engine skips to their first characters.
        self.cjk_words = cjk_words
        ordered = sorted(cjk_words, key=len, reverse=True)
        self.cjk = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._keys = frozenset(self.words)
        self._phrase_words = frozenset(p.rsplit(" ", 1)[-1] for p in self.phrases)
        # The phrases by their last word: a page is looked for only the phrases it may hold.
        self._phrases_of: dict[str, list[tuple[str, list[str]]]] = {}
        for phrase, kinds in self.phrases.items():
            self._phrases_of.setdefault(phrase.rsplit(" ", 1)[-1], []).append((phrase, kinds))
        self._more_keys = frozenset(self.words) | frozenset(self.more)
        self._lookup = self._keys | self._phrase_words | self._more_keys
        self._phrase_any = re.compile(trie_pattern(self.phrases)) if self.phrases else None

    def __call__(self, low: str) -> frozenset[str]:
        """The screen words that stand with their context (empty: not worth reading closely)."""
        return self.read(low)[0]

    def read(self, low: str) -> tuple[frozenset[str], frozenset[str]]:
        """What `__call__` returns, and the Latin words of any kind the text holds (for
        `line_kinds`), from the same one split of the text."""
        passed: set[str] = set()
        words = tokens(low)
        found = self._lookup.intersection(words)  # one pass over the words for every use
        for word in self._keys.intersection(found):
            kinds = self.words[word]
            for i in _indices(words, word):
                window = words[max(0, i - WINDOW) : i + WINDOW + 1]
                if any(self.contexts[k].near(window) for k in kinds):
                    passed.add(word)
                    break
        for last in self._phrase_words.intersection(found):
            for phrase, kinds in self._phrases_of[last]:
                at = low.find(phrase)
                if at < 0:
                    continue
                window = tokens(low[max(0, at - CJK_REACH * 3) : at + len(phrase) + CJK_REACH * 3])
                if any(self.contexts[k].near(window) for k in kinds):
                    passed.add(phrase)
        if self.cjk is not None and not low.isascii():
            for m in self.cjk.finditer(low):
                word = m.group()
                if word not in passed and any(
                    self.cjk_contexts[k].search(
                        low, max(0, m.start() - CJK_REACH), m.end() + CJK_REACH
                    )
                    for k in self.cjk_words[word]
                ):
                    passed.add(word)
        return frozenset(passed), self._more_keys.intersection(found)

    def line_kinds(self, low: str, held: frozenset[str]) -> set[str]:
        """`kinds(low)` of a whole line of a text whose words of any kind are `held` (from
        `read`): a line holding none of them, no phrase and no Chinese word has no kind, which
        three substring tests say faster than splitting the line."""
        if (
            not any(word in low for word in held)
            and not (self._phrase_any is not None and self._phrase_any.search(low))
            and not (self.cjk is not None and not low.isascii() and self.cjk.search(low))
        ):
            return set()
        return self.kinds(low)

    def kinds(self, low: str) -> set[str]:
        """The kinds whose words (or extra words) a sentence holds, context or not."""
        found: set[str] = set()
        for word in self._more_keys.intersection(tokens(low)):
            found.update(self.words.get(word, ()))
            found.update(self.more.get(word, ()))
        if self._phrase_any is not None and self._phrase_any.search(low):
            for phrase, kinds in self.phrases.items():
                if phrase in low:
                    found.update(kinds)
        if self.cjk is not None and not low.isascii():
            for m in self.cjk.finditer(low):
                found.update(self.cjk_words[m.group()])
        return found


def _cached_forms(lexicons: Sequence[Lexicon]) -> Callable[[str], Forms]:
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
            for group in (*_context_patterns(lex).values(), [lex.target.brokers])
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


def _broker_words(lex: Lexicon, forms_of: Callable[[str], Forms] = forms) -> set[str]:
    """The distinctive word of each broker's name ("truist", "jefferies", "goldman")."""
    found = forms_of(lex.target.brokers.pattern)
    words = set()
    for text in found.whole:  # the first telling word: "goldman", "raymond", "jefferies"
        telling = [w for w in tokens(text) if len(w) > 3 and w not in _GENERIC_BROKER]
        words.update(telling[:1])
    return words


def _indices(words: list[str], word: str) -> Iterable[int]:
    i = -1
    while True:
        try:
            i = words.index(word, i + 1)
        except ValueError:
            return
        yield i


def _context_patterns(lex: Lexicon) -> dict[str, list[re.Pattern[str]]]:
    return {
        "recall": [lex.recall.product, lex.recall.regulators, lex.recall.units],
        "crash": [lex.crash.vehicles, lex.crash.scene, lex.crash.casualties],
        "target_change": [lex.target.verbs, lex.target.expect, lex.target.metrics],
    }


def _key_word(words: list[str]) -> list[str]:
    """The word of a phrase that says most: its longest ("cars and trucks" -> "trucks")."""
    words = [w for w in words if len(w) > 1 and w not in _STOP]
    return [max(words, key=len)] if words else []


def _merge(
    old: _Context | None,
    patterns: list[re.Pattern[str]],
    kind: str,
    forms_of: Callable[[str], Forms] = forms,
) -> _Context:
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
    return _Context(
        frozenset(words),
        tuple(sorted(prefixes)),
        figure=kind == "recall" or (old is not None and old.figure),
    )
