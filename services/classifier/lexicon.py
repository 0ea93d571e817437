"""Per-language lexicons: YAML files in `lexicons/` compiled into regexes once.

Each file holds the words and phrases of one language (see `lexicons/en.yaml` for the layout);
this module only validates and compiles them. An analyst extends a lexicon without code.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from services.classifier.numbers import NumberGrammar, build_grammar
from services.classifier.script import has_traditional, simplified
from services.classifier.wordforms import fast_alternation
from services.core.cjk import CLAUSE_BREAKS, IDEOGRAPHS

LEXICON_DIR = Path(__file__).parent / "lexicons"
DIRECTIONS = ("raise", "cut", "withdraw", "set", "neutral")


class LexiconError(ValueError):
    """A lexicon file is missing a key or holds a bad regex; the message names both."""


Pattern = re.Pattern[str]


@dataclass(frozen=True, slots=True)
class PageLex:
    """Lines of a scraped page that are not the article (each regex matches a whole line)."""

    footer: Pattern
    drop: Pattern


@dataclass(frozen=True, slots=True)
class RecallLex:
    """Recall words, their other senses and their context."""

    anchors: Pattern
    active: Pattern
    not_: Pattern
    context_not: Pattern
    product: Pattern
    regulators: Pattern
    weak: Pattern
    units: Pattern
    weights: Pattern
    weights_after: Pattern  # a weight word right after a figure: "131,300 pounds of beef"
    scope_before: Pattern  # ends right before a count of a recall's scope: "affects about "
    scope_after: Pattern  # right after such a count: " units are covered"


@dataclass(frozen=True, slots=True)
class CrashLex:
    """Accident words, vehicles, the contexts that cancel them and casualty words."""

    strong: Pattern
    weak: Pattern
    vehicles: Pattern
    scene: Pattern
    not_: Pattern
    context_not: Pattern
    background: Pattern
    casualties: Pattern
    person: Pattern
    people: Pattern
    fatalities: tuple[Pattern, ...]
    injuries: tuple[Pattern, ...]
    cargo: Pattern  # "carrying", "载有": what follows is the load, not the operator or maker


@dataclass(frozen=True, slots=True)
class TargetLex:
    """Target nouns, change verbs by direction, metrics and brokers."""

    nouns: Pattern
    anchors: Pattern
    price_target: Pattern
    verbs: Pattern  # one named group per direction in DIRECTIONS
    expect: Pattern
    hold: Pattern
    warning: Pattern
    earlier: Pattern  # matches right before a verb (use with endpos)
    not_: Pattern
    context_not: Pattern
    metrics: Pattern  # one named group per metric, in the lexicon's order
    unit_metrics: frozenset[str]
    brokers: Pattern
    alongside: Pattern  # ends a gap "Tesla estimates, " between a verb and its target noun
    year_ago: Pattern  # last year's actual, not a former target: "up from 25,000 a year earlier"
    roles: tuple[tuple[str, Pattern], ...]  # (old|new|delta, regex ending where a figure starts)
    quarters: tuple[tuple[int, Pattern], ...]
    fiscal_end: Pattern
    fiscal: Pattern


@dataclass(frozen=True, slots=True)
class CompanyLex:
    """What is and is not a company name in this language."""

    not_company: Pattern
    org_suffix: Pattern
    org_after: Pattern
    operator: Pattern
    owner_after: Pattern
    speaks_after: Pattern
    place_before: Pattern
    modifiers: Pattern
    place_words: Pattern  # a word that makes a name a place: "lake", "county", "airport"
    person_before: Pattern  # ends right before a person's name: "analyst ", "ceo "
    role_before: Pattern  # ends right before the company a brand belongs to: "Jif maker "
    move_before: Pattern  # ends right before a rated stock: "upgrades ", "raises "
    clause_opening: Pattern  # (Chinese) words opening a clause before its subject: 近日, 据悉
    subject_end: Pattern  # (Chinese) words that end a subject: 向, 将, 宣布, 的
    generic: Pattern  # (Chinese) groups, not companies: 券商, 板块, 多家
    # Derived once from the words above (and the vehicle and unit nouns) for naming.
    operator_before: Pattern  # ends right before a name: "operated by "
    owner_follows: Pattern  # right after a name: ", owner of"
    speaks_follows: Pattern  # right after a name: " said"
    place_preposition: Pattern  # ends right before a place: "in the "
    product_follows: Pattern  # a vehicle or unit noun: "rocket", "vehicles"
    vehicle_follows: Pattern  # right after a name: " train", " tour helicopter" (no plural between)
    name_suffix: Pattern  # dropped from a watched name for its short name: "Motor", "Group"
    short_name_not: Pattern  # plain words a short name must not be: "General"
    cjk_operator: Pattern  # "百度旗下"
    cjk_vehicle_operator: Pattern  # at a clause start: "诺福克南方铁路一列火车", "FlixBus大巴"
    cjk_org: Pattern  # "河南航空"
    cjk_org_after: Pattern  # "百度回应"


@dataclass(frozen=True, slots=True)
class BackgroundLex:
    """Openers of a clause that tells the past ("distance" ones suffice), and past markers."""

    openers: Pattern  # one named group "distance": a clause opened by it is background by itself
    past: Pattern


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's compiled lexicon."""

    language: str
    cjk: bool
    screen: dict[str, tuple[str, ...]]  # kind -> words (substrings in CJK) that start a detection
    screen_more: dict[str, tuple[str, ...]]  # kind -> more words for headline and lead sentences
    screen_phrases: dict[str, tuple[str, ...]]  # kind -> phrases looked for as they stand
    page: PageLex
    recall: RecallLex
    crash: CrashLex
    target: TargetLex
    companies: CompanyLex
    numbers: NumberGrammar
    background: BackgroundLex


def load_lexicons(directory: Path = LEXICON_DIR) -> tuple[Lexicon, ...]:
    """Every `*.yaml` lexicon in `directory`, compiled; Latin-script languages first."""
    lexicons = [_compile(path) for path in sorted(directory.glob("*.yaml"))]
    if not lexicons:
        raise LexiconError(f"{directory}: no lexicon files")
    return tuple(sorted(lexicons, key=lambda lex: lex.cjk))


_WORD_START = "(?<![a-z0-9])"
_ESCAPED = re.compile(r"\\.|\(\?P<\w+>")  # escapes ("\\S") and group names may hold capitals
_UPPER = re.compile(r"[A-Z]")


class _Reader:
    """Reads one YAML file's keys, naming the file and key path in every error."""

    def __init__(self, path: Path, data: Mapping[str, object], cjk: bool) -> None:
        self.path, self.data, self.cjk = path, data, cjk

    def get(self, dotted: str) -> object:
        node: object = self.data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise LexiconError(f"{self.path.name}: missing key {dotted!r}")
            node = node[part]
        return node

    def words(self, dotted: str, *, bare: bool = False) -> Pattern:
        """A list (or string) of regexes as one alternation; whole words in Latin scripts."""
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
            alternation = fast_alternation(items)
            source = (
                alternation if bare or self.cjk else rf"{_WORD_START}(?:{alternation})(?![a-z0-9])"
            )
            return re.compile(source)
        except (re.error, ValueError) as exc:
            for item in items:
                self._compile(dotted, item)  # the bad entry, reported by itself
            raise LexiconError(f"{self.path.name}: {dotted}: {exc}") from exc

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
            inner = self.words(f"{dotted}.{name}").pattern
            if not self.cjk:  # the word start is tested once below, not once per group
                inner = inner.removeprefix(_WORD_START)
            parts.append(f"(?P<{name}>{inner})")
        source = "|".join(parts)
        if not self.cjk:  # mid-word positions, most of a text, fail at the first test
            source = f"{_WORD_START}(?:{source})"
        return self._compile(dotted, source)

    def _compile(self, dotted: str, source: str) -> Pattern:
        try:
            return re.compile(source)
        except re.error as exc:
            raise LexiconError(f"{self.path.name}: {dotted}: bad regex: {exc}") from exc


_FUNCTION = r"(?:of|an?|the|to|in|on|with|for|from|by|and|at|as|that|which|who)\b"
_CJK_NAME = f"[{IDEOGRAPHS}A-Za-z]"


_NEVER = re.compile(r"(?!)")


def _never_if_empty(r: _Reader, dotted: str) -> Pattern:
    """The list as one regex, or one that never matches when the language has none ("")."""
    pattern = r.words(dotted, bare=True)
    return pattern if pattern.pattern else _NEVER


def _ending(r: _Reader, dotted: str, tail: str) -> Pattern:
    """The list as a regex that ends where the text does (after `tail`)."""
    pattern = r.words(dotted)
    return re.compile(pattern.pattern + tail) if pattern.pattern else _NEVER


def _opening(r: _Reader, dotted: str) -> Pattern:
    """The list as a regex of one or more of its words at the start of the text."""
    pattern = r.words(dotted, bare=True)
    return re.compile(rf"^(?:{pattern.pattern})+") if pattern.pattern else _NEVER


def _companies(r: _Reader) -> CompanyLex:
    def pattern(key: str) -> str:
        return r.words(f"companies.{key}").pattern

    vehicles = r.words("crash.vehicles").pattern
    units = r.words("recall.units").pattern
    return CompanyLex(
        not_company=r.words("companies.not_company"),
        org_suffix=r.words("companies.org_suffix"),
        org_after=r.words("companies.org_after"),
        operator=r.words("companies.operator"),
        owner_after=r.words("companies.owner_after"),
        speaks_after=r.words("companies.speaks_after"),
        place_before=r.words("companies.place_before"),
        modifiers=r.words("companies.modifiers"),
        place_words=r.words("companies.place_words"),
        person_before=_ending(r, "companies.person_before", r"\s+$"),
        role_before=_ending(r, "companies.role_before", r"\s+$"),
        move_before=_ending(r, "companies.move_before", r"\w*\s+$"),
        clause_opening=_opening(r, "companies.clause_opening"),
        subject_end=_never_if_empty(r, "companies.subject_end"),
        generic=_never_if_empty(r, "companies.generic"),
        operator_before=re.compile(rf"(?:{pattern('operator')})\s*$"),
        owner_follows=re.compile(
            rf",?\s+(?:the\s+|its\s+)?(?:[\w'-]+\s+){{0,5}}?(?:{pattern('owner_after')})"
        ),
        speaks_follows=re.compile(rf"\s+(?:{pattern('speaks_after')})"),
        place_preposition=re.compile(rf"(?:{pattern('place_before')})\s+(?:the\s+)?$"),
        product_follows=re.compile(rf"(?:{vehicles}|{units})"),
        vehicle_follows=re.compile(
            rf"(?:'s?)?\s+(?:(?!{_FUNCTION})[a-z0-9-]*[a-rt-z0-9-]\s+)?(?:{vehicles})"
        ),
        name_suffix=re.compile(pattern("name_suffix")),
        short_name_not=re.compile(pattern("short_name_not")),
        cjk_operator=re.compile(rf"({_CJK_NAME}{{2,10}}?)(?:{pattern('operator')})"),
        cjk_org=re.compile(rf"{_CJK_NAME}{{2,10}}?(?:{pattern('org_suffix')})"),
        cjk_vehicle_operator=re.compile(
            rf"(?:^|[{CLAUSE_BREAKS}\s])({_CJK_NAME}{{2,12}}?)(?=({pattern('operated_vehicles')}))"
        ),
        cjk_org_after=re.compile(rf"({_CJK_NAME}{{2,8}})(?:{pattern('org_after')})"),
    )


def _number_words(numbers: Mapping[str, object]) -> str:
    words = numbers.get("words")
    names = sorted(words, key=len, reverse=True) if isinstance(words, Mapping) else []
    return "|".join([r"\d[\d,]*", *(re.escape(str(n)) for n in names)])


def _load_yaml(path: Path, text: str) -> Mapping[str, object]:
    """YAML with libyaml's C loader when PyYAML has it (5x faster start-up), else pure Python."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python
    if not isinstance(data, Mapping):
        raise LexiconError(f"{path.name}: not a mapping")
    return data


def _compile(path: Path) -> Lexicon:
    text = path.read_text(encoding="utf-8")
    data = _load_yaml(path, text)
    script = data.get("script")
    if script == "cjk" and has_traditional(text):  # entries in either script match both
        data = _load_yaml(path, simplified(text))
    if script not in {"latin", "cjk"}:
        raise LexiconError(f"{path.name}: script must be 'latin' or 'cjk'")
    r = _Reader(path, data, cjk=script == "cjk")
    target_verbs = {d: r.get(f"target_change.{d}") for d in DIRECTIONS}
    unit_metrics = r.get("target_change.unit_metrics")
    numbers = r.get("numbers")
    if not isinstance(unit_metrics, list) or not isinstance(numbers, Mapping):
        raise LexiconError(f"{path.name}: bad target_change.unit_metrics or numbers")
    person = r.words("crash.person", bare=True).pattern
    num = _number_words(numbers)
    return Lexicon(
        language=str(r.get("language")),
        cjk=r.cjk,
        screen=r.kinds("screen"),
        screen_more=r.kinds("screen_more"),
        screen_phrases=r.kinds("screen_phrases"),
        page=PageLex(
            footer=r.words("page.footer", bare=True), drop=r.words("page.drop", bare=True)
        ),
        recall=RecallLex(
            anchors=r.words("recall.anchors"),
            active=r.words("recall.active"),
            not_=r.words("recall.not"),
            context_not=r.words("recall.context_not"),
            product=r.words("recall.product"),
            regulators=r.words("recall.regulators"),
            weak=r.words("recall.weak"),
            units=r.words("recall.units"),
            weights=r.words("recall.weights"),
            weights_after=re.compile(rf"\s+(?:[a-z-]+\s+)?(?:{r.words('recall.weights').pattern})"),
            scope_before=re.compile(rf"(?:{r.words('recall.scope_before').pattern})\s*$"),
            scope_after=re.compile(rf"\s*(?:{r.words('recall.scope_after').pattern})"),
        ),
        crash=CrashLex(
            strong=r.words("crash.anchors.strong"),
            weak=r.words("crash.anchors.weak"),
            vehicles=r.words("crash.vehicles"),
            scene=r.words("crash.scene"),
            not_=r.words("crash.not"),
            context_not=r.words("crash.context_not"),
            background=r.words("crash.background"),
            casualties=r.words("crash.casualties"),
            person=r.words("crash.person"),
            people=r.words("crash.people"),
            fatalities=r.templates("crash.fatalities", num=num, person=person),
            injuries=r.templates("crash.injuries", num=num, person=person),
            cargo=r.words("crash.cargo"),
        ),
        target=TargetLex(
            nouns=r.words("target_change.nouns"),
            anchors=r.words("target_change.anchors"),
            price_target=r.words("target_change.price_target"),
            verbs=r.groups("target_change", [d for d in DIRECTIONS if target_verbs[d]]),
            expect=r.words("target_change.expect"),
            hold=r.words("target_change.hold"),
            warning=r.words("target_change.warning"),
            earlier=re.compile(r.words("target_change.earlier").pattern + r"\s*(?:been\s+)?$"),
            not_=r.words("target_change.not"),
            context_not=r.words("target_change.context_not"),
            metrics=r.groups("target_change.metrics"),
            unit_metrics=frozenset(str(m) for m in unit_metrics),
            brokers=r.words("target_change.brokers"),
            year_ago=_never_if_empty(r, "target_change.year_ago"),
            alongside=re.compile(
                rf"[^,;]*{r.words('target_change.alongside').pattern}\s*(?:,|and|&|及|和|、)\s*$"
            ),
            roles=r.suffixes("target_change.roles"),
            quarters=r.numbered("target_change.quarters"),
            fiscal_end=r.words("target_change.fiscal_end"),
            fiscal=r.words("target_change.fiscal"),
        ),
        companies=_companies(r),
        numbers=build_grammar(numbers, cjk=r.cjk),
        background=BackgroundLex(
            openers=r.groups("background", ["distance", "relative"]),
            past=r.words("background.past"),
        ),
    )
