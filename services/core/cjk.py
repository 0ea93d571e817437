"""Chinese text, defined once: the CJK character ranges and the marks that end a clause.

Every stage that asks "is this Chinese?" or "where does this clause end?" uses these, so a range
added here (an extension block, a compatibility block) reaches the poller and the classifier alike.
"""

import re

#: CJK ideographs as a regex class body: Extension A, the Unified block, compatibility ideographs.
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Marks that end a Chinese clause: commas, semicolons, colons, full stops, ! and ?, ASCII and
#: full-width alike.
CLAUSE_BREAKS = ",\uff0c;\uff1b:\uff1a\u3002!\uff01?\uff1f"
#: The enumeration comma: it separates list items ("比亚迪、吉利"), not clauses.
ENUMERATION = "\u3001"

IDEOGRAPH = re.compile(f"[{IDEOGRAPHS}]")
CLAUSE_BREAK = re.compile(f"[{CLAUSE_BREAKS}]")


def has_ideograph(text: str) -> bool:
    """The text holds at least one CJK ideograph (ASCII text is answered without a scan)."""
    return not text.isascii() and IDEOGRAPH.search(text) is not None
