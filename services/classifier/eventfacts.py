"""What an event says: its figures merged from the sentences that report it, and its evidence.

`core.py` builds events; this is how their `facts` and `evidence` are filled.
"""

from schemas.alert import EventType, Facts
from services.classifier.evidence import Hit

EVIDENCE_CHARS = 400
_APPROX_LOW, _APPROX_HIGH = 0.85, 1.3
_MOVES = frozenset({"raise", "cut"})  # a change a figureless sentence tells of a stated figure


def facts_of(kind: EventType, hits: list[Hit]) -> Facts:
    """The figures of one event from its sentences: counts, casualties, a target's change."""
    if kind == "recall":
        return Facts(units=_units(hits))
    if kind == "crash":
        found: dict[str, object] = {}
        for hit in sorted(hits, key=lambda h: h.sentence.index):
            for key in ("fatalities", "injuries"):
                found.setdefault(key, hit.facts.get(key))
                if found[key] is None:
                    found[key] = hit.facts.get(key)
        return Facts.model_validate({k: v for k, v in found.items() if v is not None})
    with_figure = [h for h in hits if h.facts.get("new") is not None]
    lead = hits[0].facts.get("metric") if hits else None  # the strongest sentence's metric
    if lead is not None:  # "预计交付9万至9.5万辆" + "收入为248亿元": the deliveries, not revenue
        same = [h for h in with_figure if h.facts.get("metric") in {lead, None}]
        with_figure = same or with_figure
    figures = next((h for h in with_figure if h.facts.get("explicit")), None)
    figures = figures or (with_figure[0] if with_figure else hits[0])
    merged = {k: v for k, v in figures.facts.items() if v is not None and k != "explicit"}
    if merged.get("direction") == "set":  # "boosts profit forecast" + "now sees 4.9 trillion"
        moved = (h.facts.get("direction") for h in hits if h.facts.get("new") is None)
        merged["direction"] = next((d for d in moved if d in _MOVES), "set")
    for hit in hits:
        if hit.facts.get("direction") in {merged.get("direction"), None}:
            keys = ["metric", "period", "direction"]
            if hit.facts.get("new") == merged.get("new"):  # the same change told again, in full
                keys += ["old", "currency"]
            for key in keys:
                if merged.get(key) is None and hit.facts.get(key) is not None:
                    merged[key] = hit.facts[key]
    if hits[0].facts.get("direction") == "withdraw":
        # "Ford withdraws its guidance of $7 billion to $8.5 billion": the figure told with a
        # withdrawal is the guidance withdrawn, not a new one
        withdrawn = merged.pop("new", None)
        merged.pop("old", None)
        merged["direction"] = "withdraw"
        if withdrawn is not None:
            merged["old"] = withdrawn
    return Facts.model_validate(merged)


def _units(hits: list[Hit]) -> int | None:
    """Units recalled: the strongest sentence's count; a rounded headline count gives way to
    a precise count near it ("over 110,000" -> "116,887")."""
    counted = [h for h in hits if isinstance(h.facts.get("units"), int)]
    if not counted:
        return None
    units = counted[0].facts["units"]
    assert isinstance(units, int)
    if counted[0].facts.get("approx"):
        for hit in sorted(counted, key=lambda h: h.sentence.index):
            precise = hit.facts["units"]
            assert isinstance(precise, int)
            if (
                not hit.facts.get("approx") or _digits(precise) > _digits(units)
            ) and _APPROX_LOW * units <= precise <= _APPROX_HIGH * units:
                return precise  # "half a million" -> "about 519,000" too
    return units


def _digits(count: int) -> int:
    """Significant digits: 519000 has three, 500000 one."""
    return len(str(count).rstrip("0"))


def evidence_of(hit: Hit) -> str:
    """The sentence quoted as evidence, cut around the trigger when long."""
    text = hit.sentence.text
    if len(text) <= EVIDENCE_CHARS:
        return text
    start = max(0, min(hit.anchor[0] - EVIDENCE_CHARS // 2, len(text) - EVIDENCE_CHARS))
    return ("…" if start else "") + text[start : start + EVIDENCE_CHARS].strip() + "…"
