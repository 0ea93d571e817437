"""Compound sentences that report one event for two companies, cut into their clauses.

"Toyota recalled 1.2 million cars and Honda recalled 900,000", a headline joined by a
semicolon ("Goldman cuts Tesla target; Morgan Stanley raises Nvidia target"), or two Chinese
clauses joined by a full-width comma: read whole, the sentence gives one event and the second
company is lost. The clauses are read on their own only where at least two of them report
the event; "Toyota and Honda recall 2.1 million cars" stays one sentence (its clause "Toyota"
reports nothing), and `joint.py` gives Honda its event.
"""

from services.classifier.lazyregex import lazy
from services.classifier.text import Sentence, lower

# "; ", or "and"/"while"/"whereas"/"but" before a capitalised word (a new subject)
_BOUNDARY = lazy(r"\s*;\s+|,?\s+(?:and|while|whereas|but)\s+(?=[A-Z])")
# Chinese joins clauses with a comma or semicolon (full or half width)
_ZH_BOUNDARY = lazy(r"[\uff1b;\uff0c,]\s*")


def clauses(s: Sentence) -> list[Sentence]:
    """The sentence's clauses, or just the sentence when it has one."""
    parts = [p.strip() for p in (_ZH_BOUNDARY if s.cjk else _BOUNDARY).split(s.text) if p.strip()]
    if len(parts) < 2:
        return [s]
    return [Sentence(p, lower(p), s.zone, s.index, s.cjk, s.kinds) for p in parts]
