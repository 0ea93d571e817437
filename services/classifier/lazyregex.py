"""Regexes compiled the first time they are used, for a start-up that compiles nothing.

Compiling the lexicons' ~200 regexes (90,000 characters) is most of the classifier's start-up
once their sources come from the cache (`sourcecache.py`), and many are used only by pages that
pass the screen in one script, or only by one kind of figure, so a process may never need them.
`LazyPattern` stands in for `re.Pattern`: the first use of any method compiles the source and
puts the compiled pattern's bound methods on the instance, so later calls cost what calls on
the real pattern cost. Sources not read from a checked cache are compiled at once by the loader
(`compile_all`), so a bad lexicon entry still fails at start-up, naming itself.
"""

import re
from typing import cast

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyRegexError(ValueError):
    """A deferred regex did not compile: its source is named, with where it came from."""


class LazyPattern:
    """A `re.Pattern` compiled on first use; `.pattern` is its source, without compiling."""

    def __init__(self, source: str, where: str, flags: int = 0) -> None:
        self.pattern, self.where, self._flags = source, where, flags

    def compiled(self) -> re.Pattern[str]:
        """Compile now (once) and answer every later call with the compiled pattern."""
        try:
            real = re.compile(self.pattern, self._flags)
        except re.error as exc:
            raise LazyRegexError(f"{self.where}: bad regex: {exc}") from exc
        for name in _METHODS:
            setattr(self, name, getattr(real, name))
        self.flags, self.groups, self.groupindex = real.flags, real.groups, real.groupindex
        return real

    def __getattr__(self, name: str) -> object:  # only for attributes not yet on the instance
        if name.startswith("__") or name not in (*_METHODS, "flags", "groups", "groupindex"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:60]!r})"


def lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    """A module's regex, compiled when first used (so importing the classifier compiles none)."""
    return cast("re.Pattern[str]", LazyPattern(source, "a classifier regex", flags))


class Later:
    """Makes lazy patterns and remembers them, so a loader can still compile all at once."""

    def __init__(self) -> None:
        self.made: list[LazyPattern] = []

    def __call__(self, source: str, where: str) -> re.Pattern[str]:
        lazy = LazyPattern(source, where)
        self.made.append(lazy)
        return cast("re.Pattern[str]", lazy)

    def compile_all(self) -> None:
        """Compile every pattern made so far (raises LazyRegexError naming the first bad one)."""
        for lazy in self.made:
            if "search" not in vars(lazy):
                lazy.compiled()
