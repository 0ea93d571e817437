"""Compound sentences that report one event for two companies, cut into their clauses.

"Toyota recalled 1.2 million cars and Honda recalled 900,000", or a headline joined by a
semicolon ("Goldman cuts Tesla target; Morgan Stanley raises Nvidia target"): read whole, the
sentence gives one event and the second company is lost. Each clause is read on its own only
where every clause reports the event by itself; "Toyota and Honda recall 2.1 million cars"
stays one sentence (its first clause, "Toyota", reports nothing).
"""

import re

from services.classifier.text import Sentence, lower

# "; ", or "and"/"while"/"whereas"/"but" before a capitalised word (a new subject)
_BOUNDARY = re.compile(r"\s*;\s+|,?\s+(?:and|while|whereas|but)\s+(?=[A-Z])")


def clauses(s: Sentence) -> list[Sentence]:
    """The sentence's clauses (Latin script), or just the sentence when it has one."""
    if s.cjk:
        return [s]
    parts = [p.strip() for p in _BOUNDARY.split(s.text) if p.strip()]
    if len(parts) < 2:
        return [s]
    return [Sentence(p, lower(p), s.zone, s.index, s.cjk, s.kinds) for p in parts]
