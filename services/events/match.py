"""Same event or not: pure functions over a report and the open events of its company.

A report is one alert seen as evidence of an event. `decide` compares it with the events of
the same type and company whose reports lie within the type's window and answers:

* `first`: no event fits, a new one starts (the alert is sent as today);
* `repeat`: an event fits and the report adds nothing material (counted, threaded);
* `update`: an event fits and the report moves a figure materially (units grow with an
  expansion word, casualties rise, a target is changed again from its last value);
* `edit`: the same article was counted already and its figures did not move materially.

No clock, no I/O: times are the reports' own (published, else first seen), so a replayed
archive groups as the live stream did.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from schemas.alert import Event, Facts
from services.events.figures import has_expansion_cue, numbers_in, same_units
from services.events.products import NO_PRODUCTS, Products, distinct, products_in
from services.events.rules import Rules

Kind = Literal["first", "repeat", "update", "edit"]
Relation = Literal["same", "grown", "other"]
_PUNCT = re.compile(r"[^\w]+")


def company_key(event: Event, rules: Rules) -> str:
    """The company's canonical id: its watchlist name, else its name without legal suffixes.

    Also the bus key of its alerts, so every report of one company's events reaches the
    same notifier consumer (and its event state).
    """
    name = unicodedata.normalize("NFKC", event.company or "").casefold().strip()
    if event.on_watchlist or not name:
        return name or "?"
    words = [w for w in _PUNCT.split(name) if w]
    while len(words) > 1 and words[-1] in rules.company_suffixes:
        words.pop()
    joined = " ".join(words)
    for suffix in sorted(rules.company_suffixes, key=len, reverse=True):
        if not suffix.isascii() and joined.endswith(suffix) and len(joined) > len(suffix) + 1:
            joined = joined[: -len(suffix)]
            break
    return joined or name


@dataclass(frozen=True)
class Report:
    """One alert as evidence of an event."""

    alert_id: str
    article_id: str
    type: str
    company: str  # company_key
    facts: Facts
    at: float  # epoch seconds: published, else first seen
    text: str = ""  # headline and evidence, for expansion words


@dataclass(frozen=True)
class EventState:
    """An event as far as reported: its figures so far and the reports' times and articles."""

    id: str
    type: str
    company: str
    facts: Facts
    times: tuple[float, ...]
    articles: frozenset[str] = field(default_factory=frozenset)
    units_seen: tuple[int, ...] = ()
    products: Products = NO_PRODUCTS  # recalls: the models and components its reports name


@dataclass(frozen=True)
class Decision:
    """What a report is to its event; `old` and `facts` are the event's figures before/after."""

    kind: Kind
    event_id: str | None  # None for `first` (the event takes the report's alert id)
    old: Facts | None
    facts: Facts
    products: Products = NO_PRODUCTS  # the event's products after the report


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _in_window(report: Report, event: EventState, rules: Rules) -> bool:
    window = rules.windows[report.type]
    return any(abs(report.at - t) <= window for t in event.times)


def stated_units(report: Report, rules: Rules) -> Report:
    """An expansion report counts as its largest figure ("从14.2万辆扩大至120万辆" is 1.2m)."""
    units = report.facts.units
    if report.type != "recall" or units is None or not has_expansion_cue(report.text, rules):
        return report
    top = max((n for n in numbers_in(report.text) if n >= units), default=units)
    if top == units:
        return report
    return replace(report, facts=report.facts.model_copy(update={"units": int(top)}))


def _units(report: Report, event: EventState, rules: Rules, own: bool, expands: bool) -> Relation:
    units = report.facts.units
    seen = event.units_seen or ((event.facts.units,) if event.facts.units is not None else ())
    if units is None or not seen:
        return "same"
    if any(same_units(units, u, rules) for u in seen):
        return "same"
    if units > max(seen) and (own or expands):
        return "grown"
    return "same" if own else "other"


def _recall(
    report: Report, event: EventState, rules: Rules, same_article: bool, products: Products
) -> Relation:
    expands = has_expansion_cue(report.text, rules)
    rel = _units(report, event, rules, same_article, expands)
    if same_article or not distinct(products, event.products):
        return rel
    # two recalls that name different models or parts are two events, whatever their units;
    # only an expansion that grows this one's figure may name just the models it adds
    return "grown" if expands and rel == "grown" else "other"


def _crash(report: Report, event: EventState) -> Relation:
    new, old = report.facts, event.facts
    for key in ("fatalities", "injuries"):
        value, before = getattr(new, key), getattr(old, key)
        if value is not None and value > (before or 0):
            return "grown"
    return "same"


def _target(report: Report, event: EventState, rules: Rules, same_article: bool) -> Relation:
    new, cur = report.facts, event.facts
    if (new.metric or "") != (cur.metric or ""):
        return "other"
    if new.period and cur.period and new.period != cur.period:
        return "other"
    if new.new is None or cur.new is None or _close(new.new, cur.new, rules.value_tolerance):
        return "same"
    chained = new.old is not None and _close(new.old, cur.new, rules.value_tolerance)
    return "grown" if chained or same_article else "other"


def recall_products(report: Report, rules: Rules) -> Products:
    """The models and components a recall report names (none for other types)."""
    if report.type != "recall":
        return NO_PRODUCTS
    return products_in(report.text, rules.products, report.company)


def relation(
    report: Report, event: EventState, rules: Rules, products: Products | None = None
) -> Relation:
    """How a report stands to one event of its company and type (window not checked);
    `products`: the report's, when the caller has them already."""
    same_article = report.article_id in event.articles
    if report.type == "recall":
        own = recall_products(report, rules) if products is None else products
        return _recall(report, event, rules, same_article, own)
    if report.type == "crash":
        return _crash(report, event)
    return _target(report, event, rules, same_article)


def merged(kind: str, old: Facts, new: Facts, grown: bool = False) -> Facts:
    """The event's figures after a report: counts only grow, a target takes its latest value.

    A recall keeps the count it was first told with until it grows (an UPDATE), so "1.2
    million" then 1,206,803 does not move the figure the next UPDATE is measured from.
    """
    if kind == "recall":
        units = new.units if (grown and new.units is not None) or old.units is None else old.units
        return old.model_copy(update={"units": units})
    if kind == "crash":
        top = {
            k: max((v for v in (getattr(old, k), getattr(new, k)) if v is not None), default=None)
            for k in ("fatalities", "injuries")
        }
        return old.model_copy(update=top)
    if new.new is None:
        return old
    start = old.new if old.new is not None else new.old
    return new.model_copy(update={"old": start if start != new.new else new.old})


def decide(report: Report, candidates: Iterable[EventState], rules: Rules) -> Decision:
    """First, repeat, update or edit: the report against its company's open events."""
    report = stated_units(report, rules)
    products = recall_products(report, rules)
    fitting: list[tuple[int, float, EventState, Relation]] = []
    for event in candidates:
        if event.type != report.type or event.company != report.company:
            continue
        if not _in_window(report, event, rules):
            continue
        rel = relation(report, event, rules, products)
        if rel == "other":
            continue
        own = report.article_id in event.articles
        if rel == "grown" and not own:
            # which recall grew: the one whose figure the report names ("up from 142,000"),
            # else one naming the same model or part, else the oldest (a recall told
            # minutes ago is rarely the one expanded)
            named = any(
                same_units(n, u, rules) for n in numbers_in(report.text) for u in event.units_seen
            )
            shares = bool(products.models & event.products.models) or bool(
                products.components & event.products.components
            )
            rank, order = (2 if named else 3 if shares else 4), min(event.times)
        else:
            rank, order = (0 if own else 1), min(abs(report.at - t) for t in event.times)
        fitting.append((rank, order, event, rel))
    if not fitting:
        return Decision("first", None, None, report.facts, products)
    _, _, event, rel = min(fitting, key=lambda f: (f[0], f[1]))
    facts = merged(report.type, event.facts, report.facts, grown=rel == "grown")
    together = event.products | products
    if rel == "grown":
        return Decision("update", event.id, event.facts, facts, together)
    own = report.article_id in event.articles
    return Decision("edit" if own else "repeat", event.id, event.facts, facts, together)


def start(report: Report, products: Products = NO_PRODUCTS) -> EventState:
    """The event a `first` report opens (its id is the report's alert id); `products`: the
    decision's."""
    units = (report.facts.units,) if report.facts.units is not None else ()
    return EventState(
        report.alert_id,
        report.type,
        report.company,
        report.facts,
        (report.at,),
        frozenset({report.article_id}),
        units,
        products,
    )


def advance(event: EventState, report: Report, decision: Decision) -> EventState:
    """The event after a report it took: figures merged, its time, article and count added."""
    units = event.units_seen
    for told in (report.facts.units, decision.facts.units if report.type == "recall" else None):
        if told is not None and told not in units:
            units = (*units, told)
    return replace(
        event,
        facts=decision.facts,
        times=tuple(sorted({*event.times, report.at})),
        articles=event.articles | {report.article_id},
        units_seen=units,
        products=event.products | decision.products,
    )


def changes(kind: str, old: Facts, new: Facts) -> list[tuple[str, object, object]]:
    """(fact, old, new) for each figure an update moved, for its 'old -> new' lines."""
    keys: Sequence[str] = {
        "recall": ("units",),
        "crash": ("fatalities", "injuries"),
        "target_change": ("new",),
    }.get(kind, ())
    out: list[tuple[str, object, object]] = []
    for key in keys:
        before, after = getattr(old, key), getattr(new, key)
        if after is not None and before != after:
            out.append((key, before, after))
    return out
