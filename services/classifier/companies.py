"""Which company an event is about: the watchlist first, else the subject the sentence names.

News names the company of a recall or a target change as the subject of its verb ("Toyota
recalls ...", "Honda raises ..."), an analyst's price target by its object ("lifts Target to
$160"), and the company in a crash as the operator or maker of the vehicle ("an Amtrak train",
"SpaceX's Starship", "operated by Smoky Mountain Helicopters").
"""

import re
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import CompanyLex

# A capitalised name: "Toyota", "Li Auto", "J&J's", "Metro-North", "3M", "Step2", "Müller",
# "Škoda", "Citroën" (Latin letters with accents too).
_UPPER, _LETTER = (
    "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f",
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f",
)
_NAME_WORD = rf"(?:[{_UPPER}][{_LETTER}0-9&'.-]*|[0-9]+[A-Za-z][A-Za-z0-9-]*)"
_RUN = lazy(rf"{_NAME_WORD}(?:\s(?:&\s)?{_NAME_WORD})*")


def name_run(joins: Sequence[str]) -> str:
    """A capitalised run whose words may be joined by `joins` ("Bank of America")."""
    joined = "".join(f"|{re.escape(j)}\\s" for j in joins)
    return rf"{_NAME_WORD}(?:\s(?:&\s{joined})?{_NAME_WORD})*"


# After a name, a model designation: "Tesla Model S", "Falcon 9", "Boeing 737-500", "SU7".
# ... and aircraft types written with a hyphen: "An-24", "Il-76", "Mi-8".
_MODEL_AFTER = lazy(r"\s+(?:Models?\s+\w+|\d[\w-]*|[A-Z]{1,4}\d[\w-]*|[A-Z][a-z]?-\d[\w-]*)")
_SERIES_AFTER = lazy(r"\s+[A-Z]{1,4}\s\d")  # "Mercedes GLK 220", "BMW X 5"
_LOCATED = lazy(r", [A-Z][a-z]+(?: [A-Z][a-z]+)?,")  # "..., Iowa," after "X of <town>"
_MODEL_TOKEN = lazy(r"^(?:Models?|[A-Z]{1,4}\d[\w-]*|[A-Z][a-z]?-\d[\w-]*)$")
_LOWER_WORD = lazy(r"(?<![A-Za-z'-])[a-z][a-z-]+")
_MAX_NAME = 6
_ADVERB = lazy(r"(?:ally|arily|ously|ively|edly|ently|antly|ingly|fully)$")  # "Voluntarily"
_HEADLINE = 200


@dataclass(frozen=True, slots=True)
class Named:
    """A company named for an event: its name, tickers and whether it is on the watchlist."""

    name: str
    tickers: tuple[str, ...] = ()
    on_watchlist: bool = False


class Names:
    """What one article tells about its capitalised words: which are places, which plain words."""

    def __init__(self, texts: Sequence[str], lex: CompanyLex, article: Sequence[str] = ()) -> None:
        self.texts, self.lex, self.article = texts, lex, article or texts

    @cached_property
    def lower_words(self) -> frozenset[str]:
        return frozenset(w for t in self.texts for w in _LOWER_WORD.findall(t))

    @cached_property
    def places(self) -> frozenset[str]:
        found: set[str] = set()
        for text in self.texts:
            for m in _RUN.finditer(text):  # words apart: "Smith Packing of Utica, Ohio"
                before = text[max(0, m.start() - 14) : m.start()].lower()
                preposition = self.lex.place_preposition.search(before)
                state = re.match(r", ([A-Z][a-z]+(?: [A-Z][a-z]+)?)", text[m.end() :])
                known = bool(state and self.lex.not_company.fullmatch(state.group(1).lower()))
                if known or (preposition and before.endswith("the ")):
                    found.add(_clean_run(m.group()))
        return frozenset(found)

    @property
    def more(self) -> bool:
        """The article has more than a headline to check a name against."""
        return any("\n" in t.strip() or len(t) > _HEADLINE for t in self.article)

    def named_elsewhere(self, name: str) -> bool:
        """The name also stands capitalised inside a sentence, not only opening one."""
        first = re.escape(name.split(" ", maxsplit=1)[0])
        inside = rf"(?:[a-z,;]|\b(?:[Aa]n?|[Tt]he))[ \t]+{first}\b"
        return any(re.search(inside, t) for t in self.article)

    def plain(self, name: str) -> bool:
        """A name made only of words this article also writes in lowercase ("Tour", "Charter")."""
        return all(w.lower() in self.lower_words for w in name.split())

    def place(self, name: str) -> bool:
        """A name this article uses as a place."""
        return bool(self.lex.place_words.search(name.lower())) or any(
            name == p or name in p.split(" ") or p.startswith(name + " ") for p in self.places
        )


def acceptable(
    name: str, initial: bool, names: Names, lex: CompanyLex, *, place_ok: bool = False
) -> bool:
    """A name that can be a company: not a stop word, regulator, place or (opening) plain word
    (`place_ok`: the sentence says it is a company, "operated by Grace Ocean")."""
    low = name.lower()
    return bool(
        name
        and not lex.not_company.fullmatch(low)
        and not (initial and names.plain(name))
        and not (names.place(name) and not lex.org_suffix.search(low) and not place_ok)
    )


@dataclass(frozen=True, slots=True)
class Run:
    """A capitalised run of words: where it stands and what surrounds it."""

    start: int
    end: int
    name: str
    possessive: bool  # "SpaceX's", "Orbital Sciences'"
    model: bool  # a model designation follows ("Tesla Model S", "Falcon 9")
    initial: bool  # opens the sentence, where any word is capitalised


def runs(text: str, lex: CompanyLex, plain: Container[str] | None = None) -> list[Run]:
    """Capitalised runs; "X's Product" is cut to its possessor when a product noun follows.

    In a Title Case headline every word is capitalised: there a run also ends at a word the
    article writes in lowercase elsewhere ("Xiaomi Recalls Over ..." -> "Xiaomi"). Anywhere, it
    ends at a word no name holds ("Nvidia PT Raised" -> "Nvidia"), and a craft maker before a
    model is not part of its operator ("Jeju Air Boeing 737-800" -> "Jeju Air").
    """
    stop_words = plain if plain is not None and title_case(text) else None
    found = []
    for m in lex.run.finditer(text):
        for at, words, end in _segments(m.group(), m.start(), lex.not_in_name, lex.ends_before):
            run = _run(text, at, words, end, lex=lex, plain=stop_words)
            if run is not None:
                found.append(run)
    return found


def _run(
    text: str,
    at: int,
    words: list[str],
    end: int,
    *,
    lex: CompanyLex,
    plain: Container[str] | None,
) -> Run | None:
    """One part of a capitalised run as a Run, or None when nothing of a name is left."""
    joins = lex.name_joins
    # a Title Case headline: a word the article writes in lowercase elsewhere ends a run
    stop = None
    if plain is not None:
        ends = (
            i
            for i, t in enumerate(words)
            if i and t not in joins and (t.lower() in plain or _ADVERB.search(t))
        )
        stop = next(ends, None)
    tokens = words[:stop]
    if _LOCATED.match(text, end) and set(tokens) & joins:
        last = max(i for i, t in enumerate(tokens) if t in joins)
        tokens = tokens[:last]  # "Triple T Specialty Meats of Ackley, Iowa,": where it is
    tokens = _no_dangling(tokens, joins)  # "Bank of" cut before "America"
    if not tokens or tokens[0] in joins:
        return None
    model = bool(_MODEL_AFTER.match(text, end)) and stop is None
    cut = next((i for i, t in enumerate(tokens) if i and _MODEL_TOKEN.match(t)), None)
    if cut is not None:
        tokens, model = tokens[:cut], True
    while len(tokens) > 1 and (
        tokens[-1].lower() in lex.makers or tokens[-1].lower() in lex.craft_models
    ):
        # "Jeju Air Boeing 737-800", "Air India Dreamliner", "Promech Air de Havilland Otter"
        tokens = _no_dangling(tokens[:-1], joins)
    product = lex.product_follows
    for i, token in enumerate(tokens[:-1]):
        if token.endswith(("'s", "s'")):
            rest = text[at + len(" ".join(tokens[: i + 1])) :].lower()
            if product.match(rest.lstrip()) or product.match(
                rest[len(" ".join(tokens[i + 1 :])) + 1 :].lstrip()
            ):
                tokens = tokens[: i + 1]
                break
    start = at
    tag = lex.wire_tag.match(" ".join(tokens).lower())
    if tag:  # "BRIEF-Nio ...", "UPDATE 2-Ford ...": the wire's tag, not the name
        rest = " ".join(tokens)[tag.end() :]
        start += tag.end()
        tokens = rest.split(" ") if rest else []
        if not tokens:
            return None
    if len(tokens) > 1 and tokens[0] in {"A", "An", "The"}:  # "A SpaceX Falcon 9 ..."
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    raw = " ".join(tokens)
    name = _clean_run(raw)
    if name:
        initial = not text[:start].strip(" \"'")
        possessive = raw.endswith(("'s", "s'"))
        return Run(start, start + len(raw), name, possessive, model, initial)
    return None


def _no_dangling(tokens: list[str], joins: Container[str]) -> list[str]:
    """The words without the joining words left at their end ("Bank of", "Promech Air de")."""
    while tokens and tokens[-1] in joins:
        tokens = tokens[:-1]
    return tokens


def _segments(
    run: str, at: int, never: Container[str], ends: Sequence[str]
) -> Iterator[tuple[int, list[str], int]]:
    """A capitalised run cut before a phrase no name goes past ("Nvidia Price Target Raised"
    -> "Nvidia") and split at the words no name holds ("Morgan Stanley Raises United Airlines
    Tgt" -> "Morgan Stanley", "United Airlines"): (start, words, end) of each part."""
    low = run.lower() + " "
    cut = min((low.find(p) for p in ends if p in low), default=-1)
    if cut >= 0:
        run = run[:cut].rstrip()
    pos, start = 0, 0
    tokens: list[str] = []
    for token in run.split(" ") if run else []:
        if token.lower() in never:
            if tokens:
                yield at + start, tokens, at + pos - 1
            tokens = []
        else:
            if not tokens:
                start = pos
            tokens.append(token)
        pos += len(token) + 1
    if tokens:
        yield at + start, tokens, at + len(run)


def model_after(text: str, end: int) -> bool:
    """A model designation follows position `end`: "Mercedes GLK 220", "Ford F-150"."""
    return _MODEL_AFTER.match(text, end) is not None or _SERIES_AFTER.match(text, end) is not None


def title_case(text: str) -> bool:
    """A Title Case headline: most longer words capitalised."""
    words = re.findall(r"[A-Za-z]{4,}", text)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _clean_run(raw: str) -> str:
    raw = re.sub(r"'s$|'$", "", raw.strip()).rstrip(".,")
    tokens = [t for t in raw.split(" ") if t]
    out: list[str] = []
    for token in tokens:
        if token.lower().endswith(("-based", "-led", "-owned", "-backed")):
            out = []
            continue
        out.append(token)
    return " ".join(out[:_MAX_NAME])


def strip_leading(run: Run, names: Names, lex: CompanyLex) -> str:
    """Drop leading stop words (and plain words opening a sentence): "The FDA" -> "FDA"."""
    tokens = run.name.split()
    while (
        (
            len(tokens) > 1
            # "Taiwan Railway", "Alaska Air Group": a place before bare suffixes is part of the name
            and not all(lex.org_suffix.fullmatch(t.lower()) for t in tokens[1:])
        )
        and (
            lex.not_company.fullmatch(tokens[0].lower())
            or lex.modifiers.fullmatch(tokens[0].lower())
            or (run.initial and tokens[0].lower() in names.lower_words)
        )
    ):
        tokens.pop(0)
        while len(tokens) > 1 and tokens[0] in lex.name_joins:
            tokens.pop(0)  # "Wreckage of Maputo-Luanda flight": nothing before "of"
    return " ".join(tokens)
