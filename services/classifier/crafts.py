"""A crash's crafts in a sentence: their loads, their own names and their owners, which are
not the operator a crash names (proposals.py asks these questions of each capitalised run)."""

from services.classifier.companies import Run
from services.classifier.evidence import Hit
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon

_CARGO_REACH = 25  # "laden with Mercedes and BMW cars": the names after it
_NEXT_TO = 3  # a name right before the accident word
_CRAFT_NAME = lazy(r"(?:\s+[A-Z][\w.-]*){1,4}\s*")  # "Ever Given", "Costa Concordia"
_NAME_BEFORE = lazy(r"[A-Z][\w&.-]* $")  # "Azerbaijan Airlines Embraer": a name right before


def cargo(low: str, at: int, lex: Lexicon) -> bool:
    """The name at `at` is a load ("laden with Mercedes and BMW cars", "载有丰田汽车的")."""
    return lex.crash.cargo.search(low, max(0, at - _CARGO_REACH), at) is not None


def craft_words(low: str, run: Run, lex: Lexicon) -> bool:
    """The run is a craft's own name ("container ship Ever Given") or the first word of a craft
    noun ("Container ship ..."), not a company."""
    if lex.companies.vehicle_before.search(low, max(0, run.start - 30), run.start):
        return True
    noun = lex.crash.vehicles.match(low, run.start)
    return noun is not None and noun.end() > run.end


def possessed(hit: Hit, run: Run, name: str, lex: Lexicon) -> bool:
    """A crash told of "X's <Name>" right before its accident word: X owns the named craft."""
    if run.possessive:  # "Evergreen's Ever Given runs aground", "Renfe's Alvia train"
        craft = _CRAFT_NAME.match(hit.sentence.text, run.end)
        return bool(
            craft
            and (
                craft.end() == hit.anchor[0]
                or lex.crash.vehicles.match(hit.sentence.low, craft.end()) is not None
            )
        )
    return "'s " in name and 0 <= hit.anchor[0] - name_end(run, name) <= _NEXT_TO


def name_end(run: Run, name: str) -> int:
    """Where the accepted name ends in the text ("Parked" of the run "Parked Chicago")."""
    at = run.name.find(name)
    return run.start + at + len(name) if at >= 0 else run.end


def vehicle_next(low: str, end: int, lex: Lexicon) -> bool:
    """A vehicle noun (or a craft maker) right after a name, or after one modifier: "Amtrak
    train", "FlixBus coach", "TransAsia ATR turboprop", "TOTE Maritime cargo ship"."""
    if low[:end].endswith("ed"):  # "Parked train ...": a participle, not a name
        return False
    rest = low[end : end + 40]
    gap = len(rest) - len(rest.lstrip(" "))
    word = rest.lstrip(" ").split(" ", 1)[0]
    if (
        gap
        and lex.crash.vehicles.match(low, end + gap) is None
        and lex.companies.modifiers.fullmatch(word)
        and word.replace("-", "").isalpha()
        and len(word) > 3
    ):
        gap += len(word) + 1  # "TOTE Maritime cargo ship", "Sewol passenger ferry"
        word = low[end + gap : end + gap + 40].split(" ", 1)[0]
    if word in lex.companies.name_joins:  # "Coastal Air de Havilland Otter"
        word = low[end + gap + len(word) + 1 : end + gap + 40].split(" ", 1)[0]
    maker = word in lex.companies.makers  # "TransAsia ATR turboprop"
    return gap > 0 and (maker or lex.crash.vehicles.match(low, end + gap) is not None)


def operated_by(low: str, run: Run, lex: Lexicon) -> bool:
    """The run follows "operated by": a company, whatever its words ("Grace Ocean"); not
    when what it runs is the track or network ("the network run by RFI")."""
    c = lex.companies
    m = c.operator_before.search(low, max(0, run.start - 40), run.start)
    return m is not None and c.infrastructure.search(low, max(0, m.start() - 25), m.start()) is None


def maker_after_name(text: str, at: int, lex: Lexicon) -> bool:
    """The craft maker at `at` follows its operator's name: "Azerbaijan Airlines Embraer goes
    down" is the airline's Embraer (the maker gets its own event, as with a model)."""
    word = text[at:].split(" ", 1)[0].lower()
    before = _NAME_BEFORE.search(text, max(0, at - 40), at)
    return word in lex.companies.makers and before is not None
