"""The shape of a compiled lexicon: what each rule module reads (lexicon.py builds it)."""

import re
from dataclasses import dataclass

from services.classifier.numbers import NumberGrammar

Pattern = re.Pattern[str]


class LexiconError(ValueError):
    """A lexicon file is missing a key or holds a bad regex; the message names both."""


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
    # a weight or a count of people right after a figure: "131,300 pounds", "30 infant deaths"
    weights_after: Pattern
    sizes_after: Pattern  # right after a figure, a size: "2.0L engines", "65-inch"
    scope_before: Pattern  # ends right before a count of a recall's scope: "affects about "
    scope_after: Pattern  # right after such a count: " units are covered"
    scope_not: Pattern  # a sentence of what is not covered: "No other products are affected"


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
    outcome: Pattern  # a target met or missed: "meets its delivery goal of 1.8 million"
    warning: Pattern
    earlier: Pattern  # matches right before a verb (use with endpos)
    not_: Pattern
    context_not: Pattern
    metrics: Pattern  # one named group per metric, in the lexicon's order
    unit_metrics: frozenset[str]
    brokers: Pattern
    alongside: Pattern  # ends a gap "Tesla estimates, " between a verb and its target noun
    year_ago: Pattern  # last year's actual, not a former target: "up from 25,000 a year earlier"
    former: Pattern  # a former target told on its own, the figure next: "原目标为X"
    calls: Pattern  # a broker's call before the stock it rates: "喊进" in "高盛喊进鸿海"
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
    role_after: Pattern  # starts right after a descriptor of a name: " operator" in "X operator Y"
    infrastructure: Pattern  # ends right before "run by": what it runs is no craft ("network ")
    move_before: Pattern  # ends right before a rated stock: "upgrades ", "raises "
    clause_opening: Pattern  # (Chinese) words opening a clause before its subject: 近日, 据悉
    subject_end: Pattern  # (Chinese) words that end a subject: 向, 将, 宣布, 的
    generic: Pattern  # (Chinese) groups, not companies: 券商, 板块, 多家
    hides: tuple[str, ...]  # (Chinese) words holding a watched name across their parts: 航空客机
    not_in_name: frozenset[str]  # words a capitalised run of a name never goes past: PT, Raised
    ends_before: tuple[str, ...]  # phrases a name stops before: "Nvidia Price Target"
    name_joins: frozenset[str]  # lowercase words inside a name: "Bank of America"
    run: Pattern  # a capitalised run, joined by `name_joins`
    makers: frozenset[str]  # craft makers before a model, not part of its operator: Boeing
    craft_models: frozenset[str]  # craft named by model family after its operator: Dreamliner
    # Derived once from the words above (and the vehicle and unit nouns) for naming.
    operator_before: Pattern  # ends right before a name: "operated by "
    owner_follows: Pattern  # right after a name: ", owner of"
    vehicle_before: Pattern  # ends right before a craft's own name: "container ship "
    speaks_follows: Pattern  # right after a name: " said"
    relation_after: Pattern  # right after a name, what another company is to it: " supplier"
    joins: Pattern  # all that stands between two names of a joint subject: ", ", " and "
    to_verb: Pattern  # all that stands between a joint subject and its verb: " to ", " will "
    wire_tag: Pattern  # a wire's tag before a headline's first name: "brief-", "update 2-"
    place_preposition: Pattern  # ends right before a place: "in the "
    product_follows: Pattern  # a vehicle or unit noun: "rocket", "vehicles"
    vehicle_follows: Pattern  # right after a name: " train", " tour helicopter" (no plural between)
    name_suffix: Pattern  # dropped from a watched name for its short name: "Motor", "Group"
    short_name_not: Pattern  # plain words a short name must not be: "General"
    cjk_operator: Pattern  # "百度旗下"
    cjk_vehicle_operator: Pattern  # at a clause start: "诺福克南方铁路一列火车", "FlixBus大巴"
    cjk_org: Pattern  # "河南航空"
    cjk_owned_by: Pattern  # an operator named after its marker: "隶属马南航空"
    named_craft_kinds: Pattern  # after an operator's name: "运输船" in "商船三井运输船"
    cjk_org_after: Pattern  # "百度回应"
    cjk_operator_form: Pattern  # how news names an operator: "台铁自强号", "北京地铁昌平线"


@dataclass(frozen=True, slots=True)
class BackgroundLex:
    """Openers of a clause that tells the past ("distance" ones suffice), and past markers."""

    openers: Pattern  # one named group "distance": a clause opened by it is background by itself
    past: Pattern
    stale: Pattern  # a time that dates a clause's event in the past, wherever it stands
    hedged: Pattern  # before the event in its clause: a guess, a fear or a denial, not news


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
