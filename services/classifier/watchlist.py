"""The watched companies, indexed for fast lookup by every name news uses for them.

A giant alternation of ~500 names, each in its own lookarounds, was searched per sentence and
dominated the run time with a real watchlist (issue 14). Here Latin names are found by their
first word: the text is split into words once, each word looked up in a dict, and only the
names starting with it are compared. Chinese names (no spaces) are one trie of literals,
which the regex engine skips through by its first characters. Lookup of a name is a dict hit.

Names indexed: the company, its aliases, their simplified-script forms, and the short name news
writes when it drops a suffix ("Great Wall" for "Great Wall Motor", "Lucid" for "Lucid Group"),
unless the short name is a plain word ("General") or starts another watched name ("Volvo").
"""

import re
from collections.abc import Sequence

from services.classifier.config import Company
from services.classifier.lazyregex import lazy
from services.classifier.script import simplified_names
from services.classifier.text import lower
from services.classifier.wordforms import trie_pattern

# Latin letters and digits: "Mercedes-Benz" is "Mercedes", "Benz"; "CSX铁路" is "CSX".
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_WORD = lazy(f"[{_LATIN}]+")
_LATIN_CHAR = lazy(f"[{_LATIN}]")
# A model designation right after a maker's name: " 737-800", " A350", " CRJ900", "737".
_MODEL = lazy(r"[\s-]?(?:[A-Z]{1,4}[\s-]?)?\d{2,4}(?![\d,])")


class Watchlist:
    """The configured companies, indexed by every name and alias."""

    def __init__(
        self,
        companies: Sequence[Company],
        suffix: re.Pattern[str] | None = None,
        plain: re.Pattern[str] | None = None,
        hides: Sequence[str] = (),
        org: re.Pattern[str] | None = None,
    ) -> None:
        self.by_name: dict[str, Company] = {}
        names = [name for company in companies for name in (company.company, *company.aliases)]
        simple = iter(simplified_names(names))
        for company in companies:
            for name in (company.company, *company.aliases):
                for form in (name, next(simple)):
                    self.by_name.setdefault(lower(form.strip()), company)
        for name, company in self._short_names(companies, suffix, plain).items():
            self.by_name.setdefault(name, company)
        self._bare = self._bare_names(org, suffix, plain)
        self._first: dict[str, list[str]] = {}  # first word -> names, longest first
        cjk: list[str] = []
        for name in sorted(self.by_name, key=len, reverse=True):
            first = _WORD.match(name)
            if first is None:  # Chinese, Japanese, Korean names: found as literals
                cjk.append(name)
            else:
                self._first.setdefault(first.group(), []).append(name)
        self._firsts = frozenset(self._first)
        # A trie of the literals: the longest name at a place wins, a fifth faster than a plain
        # alternation of the names longest first. Words that hide a name across their parts
        # ("航空客机" holds "空客") are in it too, so the scan steps over them; `find` drops them.
        hidden = [h for h in hides if h not in self.by_name and not h.isascii()]
        self._cjk = re.compile(trie_pattern([*cjk, *hidden])) if cjk else None

    def _short_names(
        self,
        companies: Sequence[Company],
        suffix: re.Pattern[str] | None,
        plain: re.Pattern[str] | None,
    ) -> dict[str, Company]:
        if suffix is None:
            return {}
        found: dict[str, Company | None] = {}
        for company in companies:
            words = company.company.split()
            while len(words) > 1 and suffix.fullmatch(words[-1].lower()):
                words.pop()
                short = lower(" ".join(words))
                if len(words) == 1 and plain is not None and plain.fullmatch(short):
                    break
                found[short] = company if short not in found else None  # two claim it: neither
        names = list(self.by_name)
        return {
            short: company
            for short, company in found.items()
            if company is not None
            and not any(n.startswith(short + " ") and self.by_name[n] != company for n in names)
        }

    def _bare_names(
        self,
        org: re.Pattern[str] | None,
        suffix: re.Pattern[str] | None,
        plain: re.Pattern[str] | None,
    ) -> dict[str, Company]:
        """Short names the index does not search for, for `lookup` only: a name a sentence
        already gives as a company ("a Delta jet", "Genesis recalls GV70"). The plain-word ones
        ("Delta" of "Delta Air Lines", "Southwest", "United"; in text they are words) when the
        words dropped are not a mere suffix ("Air Lines", not "Motors": "General" stays no
        name), and those of aliases ("Genesis" of "Genesis Motor", "Lincoln" of "Lincoln
        Motor"); never one that begins another company's name ("Volvo")."""
        if org is None or suffix is None or plain is None:
            return {}
        found: dict[str, Company | None] = {}
        for name, company in self.by_name.items():
            words = name.split(" ")
            while len(words) > 1 and org.fullmatch(words[-1]):
                words.pop()
                bare = " ".join(words)
                tail = name.split(" ")[len(words) :]
                mere = all(suffix.fullmatch(w) for w in tail)
                if plain.fullmatch(bare):
                    wanted = not mere  # "Delta" of "Delta Air Lines", not "General"
                else:  # "Genesis" of the alias "Genesis Motor" (a company's own: indexed)
                    wanted = mere and name != lower(company.company)
                if bare in self.by_name or org.fullmatch(bare) or not wanted:
                    continue
                found[bare] = company if found.get(bare, company) == company else None
        return {
            bare: company
            for bare, company in found.items()
            if company is not None
            and not any(n.startswith(bare + " ") and c != company for n, c in self.by_name.items())
        }

    def find(self, text: str) -> list[tuple[int, Company]]:
        """(position, company) of each mention, capitalised ("Target", not "target")."""
        if not self.by_name:
            return []
        low = lower(text)
        found: list[tuple[int, Company]] = []
        end = 0
        # Most sentences hold no watched first word: one findall and a set test say so.
        firsts = self._firsts.intersection(_WORD.findall(low))
        for start, word in sorted(at for first in firsts for at in _word_starts(low, first)):
            names = self._first[word]
            if start < end or text[start].islower():
                continue
            for name in names:
                stop = start + len(name)
                if low.startswith(name, start) and not _LATIN_CHAR.match(low, stop):
                    found.append((start, self.by_name[name]))
                    end = stop
                    break
        if self._cjk is not None and not text.isascii():
            for m in self._cjk.finditer(low):
                company = self.by_name.get(m.group())
                if company is not None:
                    found.append((m.start(), company))
            found.sort(key=lambda pc: pc[0])
        return found

    def makes(self, text: str, start: int) -> bool:
        """The watched name at `start` (as `find` found it) is followed by a model designation:
        it names the maker of a craft ("Boeing 737-800", "Airbus A350", "波音737")."""
        end = self.name_end(text, start)
        return end is not None and _MODEL.match(text, end) is not None

    def name_end(self, text: str, start: int) -> int | None:
        """Where the watched name `find` found at `start` ends (None: no watched name there)."""
        low = lower(text)
        m = _WORD.match(low, start)
        for name in self._first.get(m.group(), []) if m else []:
            if low.startswith(name, start):
                return start + len(name)
        c = self._cjk.match(low, start) if self._cjk is not None else None
        return c.end() if c is not None and c.group() in self.by_name else None

    def lookup(self, name: str) -> Company | None:
        """The watched company a name (or its first words) stands for."""
        key = lower(name.strip())
        if key in self.by_name:
            return self.by_name[key]
        words = key.split(" ")
        for n in range(len(words) - 1, 0, -1):
            company = self.by_name.get(" ".join(words[:n]))
            if company is not None:
                return company
        return self._bare.get(key)


def _word_starts(low: str, word: str) -> list[tuple[int, str]]:
    """Where `word` stands in `low` as a whole word (a run of `_WORD`), with the word."""
    out = []
    at = low.find(word)
    while at >= 0:
        after = at + len(word)
        if not (at and _LATIN_CHAR.match(low, at - 1)) and not _LATIN_CHAR.match(low, after):
            out.append((at, word))
        at = low.find(word, after)
    return out
