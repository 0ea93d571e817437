"""Per-language lexicons: YAML files in `lexicons/` compiled into regexes once.

Each file holds the words and phrases of one language (see `lexicons/en.yaml` for the layout);
this module only validates and compiles them. An analyst extends a lexicon without code.
"""

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from services.classifier.companies import name_run
from services.classifier.lazyregex import Later, LazyRegexError, lazy
from services.classifier.lexmodel import (
    BackgroundLex,
    CompanyLex,
    CrashLex,
    Lexicon,
    LexiconError,
    PageLex,
    Pattern,
    RecallLex,
    TargetLex,
)
from services.classifier.lexreader import Reader
from services.classifier.numbers import build_grammar
from services.classifier.script import has_traditional, simplified
from services.classifier.sourcecache import SourceCache, cache_dir, cache_key
from services.core.cjk import CLAUSE_BREAKS, IDEOGRAPHS

LEXICON_DIR = Path(__file__).parent / "lexicons"
DIRECTIONS = ("raise", "cut", "withdraw", "set", "neutral")


def load_lexicons(directory: Path = LEXICON_DIR) -> tuple[Lexicon, ...]:
    """Every `*.yaml` lexicon in `directory`, compiled; Latin-script languages first.

    Expanded word lists come from the on-disk cache when it holds them (`sourcecache.py`); a
    cached source that does not compile throws the whole cache away and the lexicons are built
    again without it, so a bad cache costs time, never a wrong or failed start. Only the
    packaged lexicons are cached (another directory, as in tests, is built every time). With
    every source from the cache, each regex is compiled when first used (`lazyregex.py`).
    """
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise LexiconError(f"{directory}: no lexicon files")
    cache = SourceCache(cache_key(paths), cache_dir() if directory == LEXICON_DIR else None)
    later = Later()
    try:
        lexicons = [_compile(path, cache, later) for path in paths]
        if cache.misses:  # sources not from a checked cache: compile (and so check) them now
            later.compile_all()
    except (LexiconError, LazyRegexError, re.error) as exc:
        if not cache.hits:
            raise LexiconError(str(exc)) from exc
        cache.forget()
        later = Later()
        lexicons = [_compile(path, cache, later) for path in paths]
        later.compile_all()
    cache.save()
    return tuple(sorted(lexicons, key=lambda lex: lex.cjk))


_FUNCTION = r"(?:of|an?|the|to|in|on|with|for|from|by|and|at|as|that|which|who)\b"
# A character of a Chinese-text name; a space only between Latin words ("Sea World Helicopters").
_CJK_NAME = f"(?:[{IDEOGRAPHS}A-Za-z]|(?<=[A-Za-z]) (?=[A-Za-z]))"


_NEVER = lazy(r"(?!)")


def _never_if_empty(r: Reader, dotted: str) -> Pattern:
    """The list as one regex, or one that never matches when the language has none ("")."""
    source = r.source(dotted, bare=True)
    return r.words(dotted, bare=True) if source else _NEVER


def _ending(r: Reader, dotted: str, tail: str) -> Pattern:
    """The list as a regex that ends where the text does (after `tail`)."""
    return _around(r, dotted, "{}" + tail)


def _around(r: Reader, dotted: str, template: str) -> Pattern:
    """The list as one group put at `{}` of `template`, or never when the language has none."""
    source = r.source(dotted)
    return r.compile(template.replace("{}", f"(?:{source})")) if source else _NEVER


def _opening(r: Reader, dotted: str) -> Pattern:
    """The list as a regex of one or more of its words at the start of the text."""
    source = r.source(dotted, bare=True)
    return r.compile(rf"^(?:{source})+") if source else _NEVER


def _literals(r: Reader, dotted: str) -> tuple[str, ...]:
    """A list of plain words (not regexes)."""
    value = r.get(dotted)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{r.path.name}: {dotted} must be a list of words")
    return tuple(value)


def _companies(r: Reader) -> CompanyLex:
    def pattern(key: str) -> str:
        return r.source(f"companies.{key}")

    vehicles = r.source("crash.vehicles")
    units = r.source("recall.units")
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
        role_after=r.compile(rf"\s+(?:{r.source('companies.role_after', bare=True) or '(?!)'})\b"),
        infrastructure=_ending(r, "companies.infrastructure", r"\s+$"),
        move_before=_ending(r, "companies.move_before", r"\w*\s+$"),
        clause_opening=_opening(r, "companies.clause_opening"),
        subject_end=_never_if_empty(r, "companies.subject_end"),
        generic=_never_if_empty(r, "companies.generic"),
        hides=_literals(r, "companies.hides"),
        not_in_name=frozenset(w.lower() for w in _literals(r, "companies.not_in_name")),
        ends_before=tuple(w.lower() + " " for w in _literals(r, "companies.ends_before")),
        name_joins=frozenset(_literals(r, "companies.name_joins")),
        run=r.compile(name_run(_literals(r, "companies.name_joins"))),
        makers=frozenset(w.lower() for w in _literals(r, "companies.makers")),
        craft_models=frozenset(w.lower() for w in _literals(r, "companies.craft_models")),
        operator_before=r.compile(rf"(?:{pattern('operator')})\s*$"),
        owner_follows=r.compile(
            rf",?\s+(?:the\s+|its\s+)?(?:[\w'-]+\s+){{0,5}}?(?:{pattern('owner_after')})"
        ),
        speaks_follows=r.compile(rf"\s+(?:{pattern('speaks_after')})"),
        wire_tag=_around(r, "companies.wire_tags", r"{}(?: \d+)?-"),
        relation_after=_around(r, "companies.relation_after", r"(?:'s)?[\s-]*{}(?![a-z])"),
        joins=r.compile(rf"\s*(?:{pattern('joins')})\s*"),
        to_verb=r.compile(rf"\s*(?:(?:{pattern('to_verb')})\s*)*"),
        place_preposition=r.compile(rf"(?:{pattern('place_before')})\s+(?:the\s+)?$"),
        product_follows=r.compile(rf"(?:{vehicles}|{units})"),
        vehicle_before=_around(r, "companies.named_craft", r"(?<![a-z]){}\s+(?:the\s+)?$"),
        vehicle_follows=r.compile(
            rf"(?:'s?)?\s+(?:(?!{_FUNCTION})(?:[a-z0-9-]*[a-rt-z0-9-]|[a-z-]+less)\s+)?(?:{vehicles})"
        ),
        name_suffix=r.compile(pattern("name_suffix")),
        short_name_not=r.compile(pattern("short_name_not")),
        cjk_operator=r.compile(rf"({_CJK_NAME}{{2,24}}?)(?:{pattern('operator')})"),
        named_craft_kinds=_never_if_empty(r, "companies.named_craft_kinds"),
        cjk_owned_by=r.compile(
            rf"(?:{pattern('owned_by') or '(?!)'})({_CJK_NAME}{{2,16}}?)(?=[{CLAUSE_BREAKS}\s]|$)"
        ),
        cjk_org=r.compile(rf"{_CJK_NAME}{{2,10}}?(?:{pattern('org_suffix')})"),
        cjk_vehicle_operator=r.compile(
            rf"(?:^|[{CLAUSE_BREAKS}\s])({_CJK_NAME}{{2,12}}?)(?=({pattern('operated_vehicles')}))"
        ),
        cjk_org_after=r.compile(rf"({_CJK_NAME}{{2,8}})(?:{pattern('org_after')})"),
        cjk_operator_form=_optional(r, "companies.operator_forms"),
    )


def _optional(r: Reader, dotted: str) -> Pattern:
    """A key only some languages have (Chinese short forms): absent or "" never matches."""
    section, _, key = dotted.rpartition(".")
    node = r.get(section)
    return _never_if_empty(r, dotted) if isinstance(node, Mapping) and key in node else _NEVER


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


def _compile(path: Path, cache: SourceCache, later: Later) -> Lexicon:
    text = path.read_text(encoding="utf-8")
    data = _load_yaml(path, text)
    script = data.get("script")
    if script == "cjk" and has_traditional(text):  # entries in either script match both
        data = _load_yaml(path, simplified(text))
    if script not in {"latin", "cjk"}:
        raise LexiconError(f"{path.name}: script must be 'latin' or 'cjk'")
    r = Reader(path, data, cjk=script == "cjk", cache=cache, later=later)
    target_verbs = {d: r.get(f"target_change.{d}") for d in DIRECTIONS}
    unit_metrics = r.get("target_change.unit_metrics")
    numbers = r.get("numbers")
    if not isinstance(unit_metrics, list) or not isinstance(numbers, Mapping):
        raise LexiconError(f"{path.name}: bad target_change.unit_metrics or numbers")
    person = r.source("crash.person", bare=True)
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
            weights_after=r.compile(
                rf"\s*(?:[a-z-]+\s+)?(?:{r.source('recall.weights')}|{r.source('recall.not_units')})"
                + ("" if r.cjk else r"(?![\w'\u2019])")
            ),
            sizes_after=r.compile(rf"(?:\.\d+)?[\s-]?(?:{r.source('recall.sizes', bare=True)})"),
            scope_before=r.compile(rf"(?:{r.source('recall.scope_before')})\s*$"),
            scope_after=r.compile(rf"\s*(?:{r.source('recall.scope_after')})"),
            scope_not=r.words("recall.scope_not"),
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
            outcome=r.words("target_change.outcome"),
            warning=r.words("target_change.warning"),
            earlier=r.compile(r.source("target_change.earlier") + r"\s*(?:been\s+)?$"),
            not_=r.words("target_change.not"),
            context_not=r.words("target_change.context_not"),
            metrics=r.groups("target_change.metrics"),
            unit_metrics=frozenset(str(m) for m in unit_metrics),
            brokers=r.words("target_change.brokers"),
            year_ago=_never_if_empty(r, "target_change.year_ago"),
            former=_never_if_empty(r, "target_change.former"),
            calls=_never_if_empty(r, "target_change.calls"),
            alongside=r.compile(
                rf"[^,;]*{r.source('target_change.alongside')}\s*(?:,|and|&|及|和|、)\s*$"
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
            stale=r.words("background.stale"),
            hedged=r.words("background.hedged"),
        ),
    )
