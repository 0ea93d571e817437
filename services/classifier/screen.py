"""The screen: is a text worth reading closely? One tokenisation, set lookups, small windows.

A text passes when one of a kind's screen words (`screen:` in a lexicon) stands with that
kind's context within WINDOW words: a recall word with a product or a figure, an accident word
with a vehicle or casualties, a target word with a change verb or a metric. The contexts are
the word forms of the lexicon's own regexes (see `wordforms`). Chinese has no spaces: there
the screen words are found with one regex and the context with the lexicon regexes nearby.
Most news has no screen word, or none in context, and costs one pass.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.classifier.lexmodel import Lexicon
from services.classifier.screenbuild import (
    Context,
    broker_words,
    cached_forms,
    context_patterns,
    merge,
)
from services.classifier.screenwords import word_bytes
from services.classifier.wordforms import trie_pattern

KINDS = ("recall", "crash", "target_change")
WINDOW = 30  # words each side of a screen word where its context may stand
CJK_REACH = 60  # characters each side, in Chinese


@dataclass(frozen=True, slots=True)
class _Near:
    """A `Context` in bytes, to test a window of `word_bytes`."""

    words: frozenset[bytes]
    prefixes: tuple[bytes, ...]
    figure: bool

    @classmethod
    def of(cls, context: Context) -> "_Near":
        return cls(
            frozenset(w.encode() for w in context.words),
            tuple(p.encode() for p in context.prefixes),
            context.figure,
        )

    def near(self, window: Sequence[bytes]) -> bool:
        if not self.words.isdisjoint(window):
            return True
        if self.figure and any(w[:1].isdigit() for w in window):
            return True
        prefixes = self.prefixes  # bytes.startswith takes them all at once, in C
        return bool(prefixes) and any(w.startswith(prefixes) for w in window)


class Screen:
    """Screen words and contexts of every lexicon, compiled once."""

    def __init__(self, lexicons: Sequence[Lexicon]) -> None:
        self.words: dict[str, list[str]] = {}  # word -> kinds it starts (Latin scripts)
        self.phrases: dict[str, list[str]] = {}  # phrase -> kinds, found as substrings
        self.more: dict[str, list[str]] = {}  # extra words for headline and lead sentences
        self.contexts: dict[str, Context] = {}
        cjk_words: dict[str, list[str]] = {}  # word -> kinds
        self.cjk_contexts: dict[str, re.Pattern[str]] = {}
        forms_of = cached_forms(lexicons)
        for lex in lexicons:
            contexts = context_patterns(lex)
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
                    for word in broker_words(lex, forms_of):
                        self.words.setdefault(word, []).append(kind)
                for phrase in lex.screen_phrases.get(kind, ()):
                    self.phrases.setdefault(phrase, []).append(kind)
                for word in lex.screen_more.get(kind, ()):
                    self.more.setdefault(word, []).append(kind)
                self.contexts[kind] = merge(self.contexts.get(kind), contexts[kind], kind, forms_of)
        # The literals as a trie: the engine skips to their first characters, then follows one
        # branch (the longest word at a place wins, as in an alternation longest first).
        self.cjk_words = cjk_words
        self.cjk = re.compile(trie_pattern(cjk_words)) if cjk_words else None
        self._keys = frozenset(self.words)
        self._phrase_words = frozenset(p.rsplit(" ", 1)[-1] for p in self.phrases)
        # The phrases by their last word: a page is looked for only the phrases it may hold.
        self._phrases_of: dict[str, list[tuple[str, list[str]]]] = {}
        for phrase, kinds in self.phrases.items():
            self._phrases_of.setdefault(phrase.rsplit(" ", 1)[-1], []).append((phrase, kinds))
        self._more_keys = frozenset(self.words) | frozenset(self.more)
        self._lookup = self._keys | self._phrase_words | self._more_keys
        self._phrase_any = re.compile(trie_pattern(self.phrases)) if self.phrases else None
        # The same sets and tables keyed by bytes, for the per-article split (`word_bytes`).
        self._near = {kind: _Near.of(context) for kind, context in self.contexts.items()}
        self._bwords = {w.encode(): kinds for w, kinds in self.words.items()}
        self._bmore = {w.encode(): kinds for w, kinds in self.more.items()}
        self._bkeys = frozenset(self._bwords)
        self._bphrases_of = {w.encode(): p for w, p in self._phrases_of.items()}
        self._bphrase_words = frozenset(self._bphrases_of)
        self._bmore_keys = frozenset(w.encode() for w in self._more_keys)
        self._blookup = frozenset(w.encode() for w in self._lookup)

    def __call__(self, low: str) -> frozenset[str]:
        """The screen words that stand with their context (empty: not worth reading closely)."""
        return self.read(low)[0]

    def read(self, low: str) -> tuple[frozenset[str], frozenset[str]]:
        """What `__call__` returns, and the Latin words of any kind the text holds (for
        `line_kinds`), from the same one split of the text; none when it does not pass."""
        passed: set[str] = set()
        words = word_bytes(low)
        found = self._blookup.intersection(words)  # one pass over the words for every use
        for word in self._bkeys.intersection(found):
            kinds = self._bwords[word]
            for i in _indices(words, word):
                window = words[max(0, i - WINDOW) : i + WINDOW + 1]
                if any(self._near[k].near(window) for k in kinds):
                    passed.add(word.decode())
                    break
        for last in self._bphrase_words.intersection(found):
            for phrase, kinds in self._bphrases_of[last]:
                at = low.find(phrase)
                if at < 0:
                    continue
                lo, hi = max(0, at - CJK_REACH * 3), at + len(phrase) + CJK_REACH * 3
                window = word_bytes(low[lo:hi])
                if any(self._near[k].near(window) for k in kinds):
                    passed.add(phrase)
        if self.cjk is not None and not low.isascii():
            for m in self.cjk.finditer(low):
                cjk_word = m.group()
                if cjk_word not in passed and any(
                    self.cjk_contexts[k].search(
                        low, max(0, m.start() - CJK_REACH), m.end() + CJK_REACH
                    )
                    for k in self.cjk_words[cjk_word]
                ):
                    passed.add(cjk_word)
        if not passed:  # most pages: nothing more is read of them
            return frozenset(), frozenset()
        held = frozenset(w.decode() for w in self._bmore_keys.intersection(found))
        return frozenset(passed), held

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
        for word in self._bmore_keys.intersection(word_bytes(low)):
            found.update(self._bwords.get(word, ()))
            found.update(self._bmore.get(word, ()))
        if self._phrase_any is not None and self._phrase_any.search(low):
            for phrase, kinds in self.phrases.items():
                if phrase in low:
                    found.update(kinds)
        if self.cjk is not None and not low.isascii():
            for m in self.cjk.finditer(low):
                found.update(self.cjk_words[m.group()])
        return found


def _indices(words: list[bytes], word: bytes) -> Iterable[int]:
    i = -1
    while True:
        try:
            i = words.index(word, i + 1)
        except ValueError:
            return
        yield i
