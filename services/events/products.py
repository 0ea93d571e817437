"""What a recall is of: the models and components a report names. Pure.

Two recalls by one company on one day can have unit counts equal within rounding; the
classifier gives recalls only `units`, so the words are read here: components from a list
in `rules.yaml` (English and Chinese words under one key, so both languages of one recall
share it) and model names from the Latin text (codes such as "F-150", "Model Y", and
capitalised words beside a unit count or a noun such as "SUVs"). Precision matters more than
recall: a wrong "different" splits one event into two alerts, a missed one only falls back to
the unit rule, so capitalised words in a Title Case headline are not read as models.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_CODE = re.compile(r"(?<![A-Za-z0-9.\-])([A-Z][A-Za-z]*[-.]?\d+[A-Za-z]?)(?![A-Za-z0-9\-])")
_MODEL = re.compile(r"(?<![A-Za-z])Model ([A-Z0-9])(?![A-Za-z0-9])")
_CAP = r"[A-Z][a-z]{2,}"
_AFTER_COUNT = re.compile(
    rf"\d[\d,.]*\s*(?:(?i:million|thousand)|万|千)?\s*[辆台]?\s*((?:{_CAP}[ -])?{_CAP})"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_NOT_A_MODEL = re.compile(r"^(?:fy\d+|covid\d*)$")


@dataclass(frozen=True)
class ProductRules:
    """The compiled words of `rules.yaml`'s recall sections."""

    components: re.Pattern[str]
    component_of: Mapping[str, str]
    remedies: tuple[str, ...]
    before_noun: re.Pattern[str]
    nouns: frozenset[str]
    stopwords: frozenset[str]


def _word(w: str) -> str:
    """A component word as a pattern: English words whole and also plural, Chinese as is."""
    if not w.isascii():
        return re.escape(w)
    return rf"(?<![a-z0-9]){re.escape(w)}(?:s|es)?(?![a-z0-9])"


def product_rules(
    components: Mapping[str, Iterable[str]],
    remedies: Iterable[str],
    nouns: Iterable[str],
    stopwords: Iterable[str],
    singular: Iterable[str] = (),
) -> ProductRules:
    """Compile the recall sections of `rules.yaml` once."""
    of: dict[str, str] = {}
    for key, words in components.items():
        for raw in words:
            w = str(raw).casefold()
            of[w] = str(key)
            if w.isascii() and w.endswith("y"):
                of[w[:-1] + "ies"] = str(key)  # battery -> batteries
    alternatives = "|".join(_word(w) for w in sorted(of, key=len, reverse=True))
    noun_set = frozenset(str(n).casefold() for n in nouns)
    only_one = frozenset(str(n).casefold() for n in singular)
    noun_alt = "|".join(
        [rf"{re.escape(n)}(?:s|es)?" for n in sorted(noun_set, key=len, reverse=True)]
        + [re.escape(n) for n in sorted(only_one, key=len, reverse=True)]
    )
    before = re.compile(rf"((?:{_CAP}[ -])?{_CAP})[ -](?i:{noun_alt})(?![A-Za-z])")
    return ProductRules(
        components=re.compile(alternatives),
        component_of=of,
        remedies=tuple(sorted((str(r).casefold() for r in remedies), key=len, reverse=True)),
        before_noun=before,
        nouns=noun_set | only_one,
        stopwords=frozenset(str(s).casefold() for s in stopwords),
    )


@dataclass(frozen=True)
class Products:
    """The models and components one report, or one event's reports, name."""

    models: frozenset[str] = frozenset()
    components: frozenset[str] = frozenset()

    def __or__(self, other: "Products") -> "Products":
        return Products(self.models | other.models, self.components | other.components)

    def as_dict(self) -> dict[str, list[str]]:
        """For the notifier's event state (JSON)."""
        return {"models": sorted(self.models), "components": sorted(self.components)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Iterable[str]]) -> "Products":
        """The inverse of `as_dict`; an empty mapping is an event stored before products."""
        return cls(frozenset(raw.get("models", ())), frozenset(raw.get("components", ())))


#: A report or event that names nothing (and an event stored before products were kept).
NO_PRODUCTS = Products()


def _components(text: str, rules: ProductRules) -> frozenset[str]:
    low = text.casefold()
    for remedy in rules.remedies:
        low = low.replace(remedy, " ")
    found = set()
    for m in rules.components.finditer(low):
        word = m.group(0)
        key = rules.component_of.get(word)
        key = key or rules.component_of.get(word[:-1]) or rules.component_of.get(word[:-2])
        if key:
            found.add(key)
    return frozenset(found)


def _title_case(line: str) -> bool:
    """A Title Case headline capitalises every word, so a capital says nothing there."""
    words = _WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and word[-2] not in "su" else word


def _models(text: str, rules: ProductRules, company: str) -> frozenset[str]:
    own = set(re.split(r"[^\w]+", company.casefold()))
    found = {re.sub(r"[-.]", "", m.casefold()) for m in _CODE.findall(text)}
    found = {m for m in found if not _NOT_A_MODEL.match(m)}
    found |= {f"model {m.casefold()}" for m in _MODEL.findall(text)}
    for line in text.splitlines():
        if _title_case(line):
            continue
        for phrase in (*_AFTER_COUNT.findall(line), *rules.before_noun.findall(line)):
            for told in re.split(r"[ -]", phrase.casefold()):
                word = _singular(told)
                if word in rules.stopwords or word in rules.nouns or word in own:
                    continue
                found.add(word)
    return frozenset(found)


def products_in(text: str, rules: ProductRules, company: str = "") -> Products:
    """The models and components a report's headline and evidence name (`company`: its
    company key, whose own words are not models)."""
    return Products(_models(text, rules, company), _components(text, rules))


def distinct(a: Products, b: Products) -> bool:
    """True when both name what they recall and share none of it: two different recalls.

    Compared kind by kind: a shared model or a shared component keeps them comparable (one
    outlet may name the model, another the part), and a report naming nothing decides nothing.
    """
    pairs = ((a.models, b.models), (a.components, b.components))
    named = [(x, y) for x, y in pairs if x and y]
    return bool(named) and all(not (x & y) for x, y in named)
