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
from services.classifier.lexmodel import CompanyLex, Lexicon
from services.core.cjk import CLAUSE_BREAKS, ENUMERATION, IDEOGRAPHS

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
_LEGAL = lazy(r"(?:\((?:中国|北京|上海)\))?(?:股份有限公司|有限责任公司|有限公司|[A-Za-z]股)$")
_ZH_NAME = lazy(f"(?:[{IDEOGRAPHS}A-Za-z0-9()\uff08\uff09·]|(?<=[A-Za-z]) (?=[A-Za-z])){{2,24}}")
# What no name holds: a possessive or owner before it, a verb after it, a parenthesised
# English name ("亚利安太空公司(Arianespace)", in either width of bracket).
_ZH_LEAD = lazy(
    r"(?<=[0-9岁年月日号])的|所属|旗下|由|在(?!线)|(?:研制|制造|运营|承运)方"
)  # not 美的
_ZH_TRAIL = lazy(
    r"(?:研制|研发|设计|生产|制造|运营)(?:和|及|与|并)$|(?:租用|承租|包租|营运|运营|经营|执飞)+的?$"
)
_ZH_PAREN = lazy(r"[\uff08(][^\uff08\uff09()]*[\uff09)]$")
_ZH_CLAUSE = lazy(f"[{CLAUSE_BREAKS}{ENUMERATION}\\s]")
_ZH_OBJECT = lazy(r"将|把|对|予以")  # "X将Y目标价上调": Y is the stock
_ZH_GIVEN = lazy(
    f"(?:给予|维持|重申|首予)([{IDEOGRAPHS}A-Za-z0-9]{{2,12}}?)(?:的)?"
    r"(?:买入|增持|中性|持有|减持|卖出|跑赢|优于|强烈推荐|推荐|评级|[,\uff0c])"
)
# A brand joined to a model code: "理想L9", "小米SU7", "蔚来ES8", "问界M7", "极氪X9".
_ZH_MODEL = lazy(f"([{IDEOGRAPHS}]{{2,6}})" r"(?=[A-Z]{1,3}\d{1,3}(?![\dA-Za-z]))")
_ZH_QUANTITY = lazy(
    r"^.*?[一两三四五六七八九十几数多这该那每][辆台部架艘款]|^[辆台部架艘款]"
    r"|[一两三四五六七八九十几数多\d]+[辆台部架艘列趟]$"  # "胶济铁路两列": the count after
)
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


def runs(
    text: str, lex: CompanyLex | None = None, plain: Container[str] | None = None
) -> list[Run]:
    """Capitalised runs; "X's Product" is cut to its possessor when a product noun follows.

    In a Title Case headline every word is capitalised: there a run also ends at a word the
    article writes in lowercase elsewhere ("Xiaomi Recalls Over ..." -> "Xiaomi"). Anywhere, it
    ends at a word no name holds ("Nvidia PT Raised" -> "Nvidia"), and a craft maker before a
    model is not part of its operator ("Jeju Air Boeing 737-800" -> "Jeju Air").
    """
    stop_words = plain if plain is not None and title_case(text) else None
    never = lex.not_in_name if lex is not None else frozenset()
    found = []
    ends = lex.ends_before if lex is not None else ()
    for m in (lex.run if lex is not None else _RUN).finditer(text):
        for at, words, end in _segments(m.group(), m.start(), never, ends):
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
    lex: CompanyLex | None,
    plain: Container[str] | None,
) -> Run | None:
    """One part of a capitalised run as a Run, or None when nothing of a name is left."""
    product = lex.product_follows if lex is not None else None
    # a Title Case headline: a word the article writes in lowercase elsewhere ends a run
    stop = None
    if plain is not None:
        joins = lex.name_joins if lex is not None else frozenset()
        ends = (
            i
            for i, t in enumerate(words)
            if i and t not in joins and (t.lower() in plain or _ADVERB.search(t))
        )
        stop = next(ends, None)
    tokens = words[:stop]
    if lex is not None and _LOCATED.match(text, end) and set(tokens) & lex.name_joins:
        last = max(i for i, t in enumerate(tokens) if t in lex.name_joins)
        tokens = tokens[:last]  # "Triple T Specialty Meats of Ackley, Iowa,": where it is
    while tokens and lex is not None and tokens[-1] in lex.name_joins:
        tokens = tokens[:-1]  # "Bank of" cut before "America": no dangling "of"
    if not tokens or (lex is not None and tokens[0] in lex.name_joins):
        return None
    model = bool(_MODEL_AFTER.match(text, end)) and stop is None
    cut = next((i for i, t in enumerate(tokens) if i and _MODEL_TOKEN.match(t)), None)
    if cut is not None:
        tokens, model = tokens[:cut], True
    while (
        lex is not None
        and len(tokens) > 1
        and (tokens[-1].lower() in lex.makers or tokens[-1].lower() in lex.craft_models)
    ):
        tokens = tokens[:-1]  # "Jeju Air Boeing 737-800", "Air India Dreamliner"
        while tokens and lex is not None and tokens[-1] in lex.name_joins:
            tokens = tokens[:-1]  # "Promech Air de Havilland Otter": no dangling "de"
    for i, token in enumerate(tokens[:-1]):
        if token.endswith(("'s", "s'")) and product is not None:
            rest = text[at + len(" ".join(tokens[: i + 1])) :].lower()
            if product.match(rest.lstrip()) or product.match(
                rest[len(" ".join(tokens[i + 1 :])) + 1 :].lstrip()
            ):
                tokens = tokens[: i + 1]
                break
    start = at
    tag = lex.wire_tag.match(" ".join(tokens).lower()) if lex is not None else None
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


def zh_subject(text: str, end: int, lex: Lexicon) -> str | None:
    """The Chinese subject before position `end`: the name that opens its clause."""
    clause = _ZH_CLAUSE.split(text[:end])[-1]
    clause = lex.companies.clause_opening.sub("", clause)
    clause = lex.companies.subject_end.split(clause, maxsplit=1)[0]
    broker = lex.target.brokers.match(clause)
    if broker and broker.end() < len(clause):  # "高盛上调..." but not "中信证券" standing alone
        clause = clause[broker.end() :]
        # "花旗降小米", "高盛喊进鸿海": the stock after the broker's verb or call
        verb = lex.target.verbs.match(clause) or lex.target.calls.match(clause)
        clause = clause[verb.end() :] if verb else clause
    return zh_name(clause, lex)


def zh_stock(text: str, end: int, lex: Lexicon) -> str | None:
    """The stock of a Chinese price target ending at `end` ("目标价"): the name right before
    it ("将比亚迪目标价上调", "比亚迪股份的目标价"), else the one a broker rates ("给予比亚迪
    买入评级...目标价"); never the broker ("摩根大通将...")."""
    parts = _ZH_CLAUSE.split(text[:end])
    clause = parts[-1].removesuffix("的")
    if not clause and len(parts) > 1 and lex.target.brokers.match(parts[-2]):
        text, end = parts[-2], len(parts[-2])  # "高盛喊进鸿海 目标价上调": the clause before
    markers = [m.end() for m in _ZH_OBJECT.finditer(clause)]
    if markers and markers[-1] < len(clause):
        return zh_name(_strip_broker(clause[markers[-1] :], lex), lex)
    verbs = [m.end() for m in lex.target.verbs.finditer(clause)]
    if verbs and verbs[-1] < len(clause):  # "美系外资调降台积电目标价": after the broker's verb
        return zh_name(clause[verbs[-1] :], lex)
    given = [m.group(1) for m in _ZH_GIVEN.finditer(text, 0, end)]
    if given:
        return zh_name(_strip_broker(given[-1], lex), lex)
    return zh_subject(text, end, lex)


def zh_brand(text: str, lex: Lexicon) -> list[str]:
    """Makers named by a brand joined to a model code ("一辆理想L9", "小米SU7", "问界M7")."""
    found = []
    for m in _ZH_MODEL.finditer(text):
        brand = _ZH_QUANTITY.sub("", lex.companies.subject_end.split(m.group(1))[-1])
        brand = brand if len(brand) <= 3 else brand[-2:]
        name = zh_name(brand, lex) if len(brand) >= 2 else None
        if name and not lex.target.brokers.fullmatch(name):
            found.append(name)
    return found


def zh_unquantified(fragment: str) -> str:
    """A fragment without its leading quantity: "一辆Waymo" -> "Waymo"."""
    return _ZH_QUANTITY.sub("", fragment)


def _strip_broker(fragment: str, lex: Lexicon) -> str:
    broker = lex.target.brokers.match(fragment)
    return fragment[broker.end() :] if broker and broker.end() < len(fragment) else fragment


def zh_name(raw: str, lex: Lexicon) -> str | None:
    """A Chinese company name from a fragment, or None for generic words ("两企业", "多家车企")."""
    m = _ZH_NAME.search(raw)
    if not m:
        return None
    parts = [p for p in _ZH_LEAD.split(_ZH_PAREN.sub("", m.group())) if len(p) >= 2]
    name = parts[-1] if parts else ""  # "集团所属上海航天" -> "上海航天"
    name = _ZH_TRAIL.sub("", name)  # "……有限公司研制和" -> "……有限公司"
    name = _LEGAL.sub("", name).strip("()\uff08\uff09")
    companies = lex.companies
    if (
        len(name) < 2
        or companies.generic.search(name)
        or companies.not_company.fullmatch(name)
        or companies.org_suffix.fullmatch(name)  # "客运" alone: a kind, no name
    ):
        return None
    return name
