"""The word forms a lexicon regex can match, for the fast screen.

Python's regex engine walks a long alternation branch by branch at every position, so a whole
lexicon as one regex costs a millisecond per page. The screen instead tokenises the page once
and looks words up in sets; this module derives those sets from the same lexicon regexes, so
the YAML stays the one source. It understands the subset lexicons use (literals, escapes,
groups, `|`, `?`, small classes, lookarounds); anything open-ended (`\\w+`, `.*`) ends a form,
and what was read before it is kept as an open prefix. Any other construct (inline flags such
as `(?i)`, comments, conditionals) is rejected with ValueError rather than read as literals.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CAP = 100_000  # more forms than this: treat as open-ended
_RANGE = 26  # the widest character range spelled out ("a-z")
_ESCAPES = {"s": " ", "n": "\n", "t": "\t"}


class _Open(Exception):  # noqa: N818 - internal signal, not an error
    """The pattern is open-ended from here on."""


@dataclass(frozen=True, slots=True)
class Forms:
    """Strings a regex matches; `open_` holds those cut short at an open-ended part."""

    whole: frozenset[str]
    open_: frozenset[str]


def forms(pattern: str) -> Forms:
    """Every string `pattern` matches, or the prefixes before its open-ended part."""
    parser = _Parser(pattern)
    whole, open_ = parser.alternation()
    if parser.pos != len(pattern):
        raise ValueError(f"cannot read {pattern!r} at {parser.pos}")
    return Forms(frozenset(whole), frozenset(open_))


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p, self.pos = pattern, 0
        self.cut: set[str] = set()  # open-ended branches of the group just read

    def peek(self) -> str:
        return self.p[self.pos] if self.pos < len(self.p) else ""

    def alternation(self) -> tuple[set[str], set[str]]:
        whole, open_ = self.sequence()
        while self.peek() == "|":
            self.pos += 1
            w, o = self.sequence()
            whole |= w
            open_ |= o
        return whole, open_

    def sequence(self) -> tuple[set[str], set[str]]:
        done: set[str] = {""}
        open_: set[str] = set()
        while self.peek() not in {"", "|", ")"}:
            try:
                atom = self.atom()
                cut, self.cut = self.cut, set()
                atom = self.quantified(atom)
            except _Open:
                self.skip_rest()
                open_ |= done
                return set(), open_
            if cut:  # a group with open-ended branches: keep their prefixes, go on with the rest
                open_ |= {a + b for a in done for b in cut}
            if atom is None:
                continue
            done = {a + b for a in done for b in atom}
            if len(done) > _CAP:
                self.skip_rest()
                return set(), open_ | {""}
        return done, open_

    def skip_rest(self) -> None:
        """Skip to the end of the current alternative (balanced)."""
        depth = 0
        while self.pos < len(self.p):
            ch = self.p[self.pos]
            if ch == "\\":
                self.pos += 2
                continue
            if ch == "[":
                self.pos = self.p.index("]", self.pos + 1) + 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    return
                depth -= 1
            elif ch == "|" and depth == 0:
                return
            self.pos += 1

    def atom(self) -> set[str] | None:
        ch = self.peek()
        self.pos += 1
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.char_class()
        if ch == "\\":
            nxt = self.peek()
            self.pos += 1
            if nxt in _ESCAPES:
                return {_ESCAPES[nxt]}
            if nxt.isalnum():
                raise _Open  # \w, \d, \b ... classes or assertions
            return {nxt}
        if ch == ".":
            raise _Open
        if ch in {"^", "$"}:
            return None
        return {ch}

    def group(self) -> set[str] | None:
        lookaround = False
        if self.p.startswith("?:", self.pos):
            self.pos += 2
        elif self.p.startswith(("?<!", "?<="), self.pos):
            self.pos += 3
            lookaround = True
        elif self.p.startswith(("?!", "?="), self.pos):
            self.pos += 2
            lookaround = True
        elif self.p.startswith("?P<", self.pos):
            self.pos = self.p.index(">", self.pos) + 1
        elif self.peek() == "?":  # inline flags "(?i)", comments, backreferences, conditionals
            raise ValueError(
                f"unsupported construct {self.p[self.pos - 1 : self.pos + 3]!r}... in {self.p!r}: "
                "lexicon entries are lowercase regexes without inline flags"
            )
        if lookaround:  # an assertion matches no text: skip it whole
            self.skip_rest()
            while self.peek() == "|":
                self.pos += 1
                self.skip_rest()
            if self.peek() != ")":
                raise ValueError(f"unbalanced group in {self.p!r}")
            self.pos += 1
            return None
        whole, open_ = self.alternation()
        if self.peek() != ")":
            raise ValueError(f"unbalanced group in {self.p!r}")
        self.pos += 1
        self.cut = open_
        return whole

    def char_class(self) -> set[str]:
        end = self.p.index("]", self.pos + 1)
        body = self.p[self.pos : end]
        self.pos = end + 1
        if body.startswith("^") or "\\" in body:
            raise _Open
        chars: set[str] = set()
        i = 0
        while i < len(body):  # "0-9", "a-f": small ranges are spelled out
            if i + 2 < len(body) and body[i + 1] == "-":
                low, high = ord(body[i]), ord(body[i + 2])
                if high - low > _RANGE:
                    raise _Open
                chars.update(map(chr, range(low, high + 1)))
                i += 3
            else:
                chars.add(body[i])
                i += 1
        return chars

    def quantified(self, atom: set[str] | None) -> set[str] | None:
        ch = self.peek()
        if ch == "?":
            self.pos += 1
            self.lazy()
            return None if atom is None else atom | {""}
        if ch and ch in "*+":
            raise _Open
        if ch == "{":
            end = self.p.index("}", self.pos)
            low, _, high = self.p[self.pos + 1 : end].partition(",")
            self.pos = end + 1
            self.lazy()
            if atom is None:
                return None
            top = int(high) if high else int(low)
            if not high and "," in self.p[self.pos - 3 : self.pos]:
                raise _Open
            out: set[str] = set()
            for n in range(int(low or 0), top + 1):
                out |= self.power(atom, n)
            return out
        return atom

    def lazy(self) -> None:
        if self.peek() == "?":
            self.pos += 1

    @staticmethod
    def power(atom: set[str], n: int) -> set[str]:
        out = {""}
        for _ in range(n):
            out = {a + b for a in out for b in atom}
            if len(out) > _CAP:
                raise _Open
        return out


def trie_pattern(strings: Iterable[str]) -> str:
    """One regex for many literal strings, shared prefixes factored out ("crash(?:es|ed)?").

    The regex engine tries an alternation branch by branch at every position; a trie leaves
    it one or two branches to try, which makes a long word list several times faster.
    """
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for text in sorted(set(strings)):
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie(root)


def _trie(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [re.escape(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?" if len(branches) == 1 else body + "?"
    return body


_ASSERTIONS = ("(?<", "(?=", "(?!", "^", "$", "\\b")
# A phrase that spells out more strings than this stays as written: its trie would be larger
# than the phrase ("(?:flips|rolls|...) (?:onto|on) (?:its|their) (?:side|roof)") and cost
# more to compile than it saves to match.
_TRIE_CAP = 300


def fast_alternation(items: Iterable[str]) -> str:
    """The entries as one alternation: those that spell out a finite set of strings as one
    trie (fast), the others (open-ended, with assertions) as they stand."""
    literal: set[str] = set()
    kept: list[str] = []
    for item in filter(None, items):
        found = None if any(a in item for a in _ASSERTIONS) else forms(item)
        if found is None or found.open_ or not found.whole or len(found.whole) > _TRIE_CAP:
            kept.append(f"(?:{item})")
        else:
            literal.update(w for w in found.whole if w)
    parts = ([trie_pattern(literal)] if literal else []) + kept
    return "|".join(parts) or "(?!x)x"
