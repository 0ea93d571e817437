"""Background clauses: an event told in passing is not the news of the sentence.

"Toyota, which recalled 1.9M SUVs last year, said truck sales rose" reports truck sales; the
recall sits in a relative clause about the past. News tells background as a clause opened by a
relative pronoun or a time conjunction (", which", ", whose", "after", "when") that holds a past
time ("last year", "in 2023", "had ..."), or opened by a distance in time ("a year after",
"2023, when"). The openers and past markers are lexicon data (`background:`).
"""

from services.classifier.evidence import Span
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon

# Where a clause ends: a comma (not in "2,031"), semicolon, dash or bracket, full-width too.
_CLAUSE_END = lazy(r"[,;:](?!\d)|[()\u2014\uff0c\uff1b\uff1a]|\s[-\u2013]\s")
_REACH = 160  # characters before the anchor where the clause may open


def background(low: str, anchor: Span, lex: Lexicon) -> bool:
    """The anchor stands in a background clause of its sentence."""
    b = lex.background
    start = max(0, anchor[0] - _REACH)
    opener = None
    for opener in b.openers.finditer(low, start, anchor[0]):  # noqa: B007 - the last one counts
        pass
    if opener is None or _CLAUSE_END.search(low, opener.end(), anchor[0]):
        return False
    if opener.group("distance") is not None:
        return True
    end = _CLAUSE_END.search(low, anchor[1])
    clause = low[opener.start() : end.start() if end else len(low)]
    return b.past.search(clause) is not None


def stale(low: str, anchor: Span, lex: Lexicon) -> bool:
    """The anchor's clause dates its event in the past ("Nissan in 2023 recalled ...",
    "Stellantis last month recalled ..."): outside the headline, an old event retold. A time
    after "from" dates the former figure ("to 4.2 million from 4.1 million last month")."""
    after = _CLAUSE_END.search(low, anchor[1])
    lo, hi = _clause_start(low, anchor), (after.start() if after else len(low))
    return any(
        m.start() < anchor[0] or "from " not in low[anchor[1] : m.start()]
        for m in lex.background.stale.finditer(low, lo, hi)
    )


def hedged(low: str, anchor: Span, lex: Lexicon) -> bool:
    """Before the anchor in its clause stands a guess, a fear or a denial ("Honda may recall",
    "analysts expect Tesla to cut its forecast", "GM denies report it will recall"): not an
    event that happened."""
    found = lex.background.hedged.search(low, _clause_start(low, anchor), anchor[1])
    return found is not None and found.start() < anchor[0]  # its lookahead may read the anchor


def _clause_start(low: str, anchor: Span) -> int:
    """Where the anchor's clause opens: after the last clause end within reach before it."""
    start = max(0, anchor[0] - _REACH)
    last = None
    for last in _CLAUSE_END.finditer(low, start, anchor[0]):  # noqa: B007 - the last one counts
        pass
    return last.end() if last else start
