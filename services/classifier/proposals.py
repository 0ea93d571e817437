"""What each sentence proposes as an event's company, with a score by the name's role.

The subject of the verb, the agent ("recalled by X"), the operator of what crashed ("an Amtrak
train", "SpaceX's Starship", "operated by X"), the stock a price target is on; naming.py picks
the best of them across an event's sentences.
"""

import re

from services.classifier.companies import (
    Names,
    Run,
    acceptable,
    runs,
    strip_leading,
)
from services.classifier.companies import (
    title_case as _title_case,
)
from services.classifier.crafts import (
    cargo,
    craft_words,
    name_end,
    operated_by,
    possessed,
    vehicle_next,
)
from services.classifier.evidence import Hit
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.zhnames import (
    zh_brand,
    zh_name,
    zh_operators,
    zh_stock,
    zh_subject,
    zh_unquantified,
)
from services.core.cjk import ENUMERATION

NOUN_NAME = 0.5  # a name that is also the target noun: "Lowers Target to $55"
OPERATOR, SUBJECT, POSSESSOR, VEHICLE_NAME, OBJECT, MODIFIER, MENTION = (
    3.5,
    3.0,
    2.5,
    2.0,
    1.5,
    1.5,
    1.0,
)
SUFFIX_BONUS, TITLE_BONUS, LATER_PENALTY = 1.5, 0.5, 0.25
REACH = 50
_EN_CLAUSE = lazy(r"[;:]|\s[-—\u2013]\s|\b(?:as|after|while|but|amid|when)\s")
# Between a subject and its verb: auxiliaries, adverbs, an appositive, "'s ... unit".
_APPOSITIVE = lazy(
    r",\s*(?:Inc|Corp|Co|Ltd|LLC|Plc|L\.P)\.?|,[^,]{0,80},|\bof [A-Z][\w.]*(?:,? [A-Z][\w.]*)*,?"
    r"|'s? (?:[a-z-]+ ){0,3}(?:unit|arm|division|"
    r"subsidiary|plant|affiliate|brand|business)\b"
)
_AUX = lazy(
    r"^(?:\s*(?:is|are|was|were|has|have|had|will|would|to|said|says|it|they|also|now|been|"
    r"again|agreed|agrees|plans|set|expects|began|begins|started|starts|could|may|must|"
    r"should|announced|announces|confirmed|[a-z]+ly)\b)*\s*$"
)
_HEADLINE_VERB = lazy(r"\s+[a-z]+(?:s|ed)\b")
_ACCIDENT_AFTER = lazy(r"\s+(?:crash|derailment|collision|accident|explosion|wreck|fire)\b")
_MODEL_CODE = lazy(r"^\d{2,}[A-Za-z]{0,2}$")  # "520d", "737": a model, not a company
_CRAFT_CODE = lazy(r"^[A-Z]{1,3}-?\d{1,4}[A-Za-z]?$")  # "H3 rocket", "SU7": a craft in a crash
_JOINT = lazy(r"^(?:(?:,|,? and| &)\s+[A-Z][\w&'.-]*(?:\s[A-Z][\w&'.-]*)*)+")
# Between a stock and its price-target noun: "Moderna Tgt", "Nike's PT", "Corp. (BAC) target".
_TICKER_GAP = lazy(r"(?:'s?|\.)?\s*(?:\([A-Z][A-Z.:]{0,9}\)\s*)?$")
_TICKER = lazy(r"\([A-Z][A-Z.:]{0,9}\)$")
_BY_BROKER = lazy(r"\d\)?\s+(?:at|by)\s+$")  # "... to $80 (from $125) at Leerink"
_ZH_SEVERAL = lazy(r"[两多](?:列|辆|艘|架|趟)")  # several craft: the place they met, no operator
_ZH_LIST = lazy(f"[{ENUMERATION},\uff0c]")  # "上调比亚迪、吉利目标价": the first
_LISTED = lazy(r"\s+(?:shares|stock)\b")  # "Orbital Sciences shares": a listed company


_TITLE_STOP = frozenset(
    {"over", "as", "to", "for", "in", "on", "after", "amid", "with", "from", "by", "of", "and"}
    | {"the", "a", "an", "at", "into", "its", "says", "said", "will", "could", "may", "new"}
)
_EVENT_WORDS: dict[str, frozenset[str]] = {}


def plain_words(names: Names, lex: Lexicon) -> frozenset[str]:
    """Words that end a name in a Title Case headline: plain words of the article, function
    words and the words of events ("Xiaomi Recalls Over ..." -> "Xiaomi")."""
    if lex.language not in _EVENT_WORDS:
        words = {w for group in (lex.screen, lex.screen_more) for ws in group.values() for w in ws}
        _EVENT_WORDS[lex.language] = frozenset(words) | _TITLE_STOP
    return names.lower_words | _EVENT_WORDS[lex.language]


def candidates(hit: Hit, lex: Lexicon, names: Names) -> list[tuple[float, str]]:
    if hit.sentence.cjk:
        return _zhcandidates(hit, lex)
    found = []
    crash = hit.type == "crash"
    low = hit.sentence.low
    for run in runs(hit.sentence.text, lex.companies, plain_words(names, lex)):
        # "operated by Grace Ocean": a company, whatever its words ("Ocean") suggest
        operated = operated_by(low, run, lex)
        name = accepted_name(run, lex, names, crash=crash, operated=operated)
        if name is None and hit.role == "price_target" and _right_before_noun(hit, run, lex):
            name = _broker_as_stock(run, lex, names)  # "lifts JPMorgan Chase PT to $270"
        if crash and cargo(low, run.start, lex):
            continue  # "laden with Mercedes and BMW cars": the load
        if crash and craft_words(low, run, lex):
            continue  # "Container ship Ever Given runs aground": the craft, and its own name
        if (
            name
            and crash
            and run.initial
            and not names.named_elsewhere(name)
            and names.more
            and not vehicle_next(low, name_end(run, name), lex)  # "Amtrak train ..."
            and not lex.companies.org_suffix.fullmatch(name.lower().split()[-1])
            and not possessed(hit, run, name, lex)
        ):
            continue  # "Lithium battery blamed ...": an opening word is a name if named again
        if name:
            found.append((run, name))
    if hit.role == "price_target":
        return _object(hit, lex, found)
    if hit.type == "crash":
        return _operator(hit, lex, found)
    return _subject(hit, lex, found)


def _right_before_noun(hit: Hit, run: Run, lex: Lexicon) -> bool:
    """The run stands right before the price-target noun: "JPMorgan Chase PT", "Citi's PT"."""
    return _TICKER_GAP.match(hit.sentence.text, run.end, hit.anchor[0]) is not None and bool(
        lex.target.price_target.match(hit.sentence.low, hit.anchor[0])
    )


def _broker_as_stock(run: Run, lex: Lexicon, names: Names) -> str | None:
    """A bank named right before "PT": the stock, though its name is a broker's."""
    name = strip_leading(run, names, lex.companies)
    return name if lex.target.brokers.fullmatch(name.lower()) else None


def accepted_name(
    run: Run, lex: Lexicon, names: Names, *, crash: bool, operated: bool = False
) -> str | None:
    """The run as a company name, or None. In a crash a maker's name describes the craft
    ("a Piper Cheyenne"), and a headline's first word must be a name elsewhere too
    ("Lithium battery blamed ..."): there the operator is wanted."""
    name = strip_leading(run, names, lex.companies)
    words = name.split(" ")
    while len(words) > 1 and all(lex.numbers.word_number(w) for w in words[0].lower().split("-")):
        words.pop(0)  # "Twenty-seven BMW vehicles"
    name = " ".join(words)
    low = name.lower()
    if (
        len(name) < 2  # "vitamin D"
        or _MODEL_CODE.match(name)
        or ((crash or len(name) <= 3) and _CRAFT_CODE.match(name))  # "H3 rocket", "t:slim X2"
        or (
            not acceptable(name, run.initial, names, lex.companies, place_ok=operated)
            or lex.target.brokers.fullmatch(low)
            or (crash and lex.crash.vehicles.fullmatch(low.split()[0]))
            or lex.crash.scene.fullmatch(low)
            or lex.target.metrics.fullmatch(low)
            or lex.companies.modifiers.fullmatch(low)
        )
    ):
        return None
    return name


def _subject(hit: Hit, lex: Lexicon, found: list[tuple[Run, str]]) -> list[tuple[float, str]]:
    """Recall and target: the subject of the verb, else an agent, a possessor or an object."""
    text, low = hit.sentence.text, hit.sentence.low
    verb = hit.verb[0] if hit.verb else hit.anchor[0]
    clauses = [m.end() for m in _EN_CLAUSE.finditer(text, 0, verb)]
    clause = clauses[-1] if clauses else 0
    operator, speaks = lex.companies.operator_before, lex.companies.speaks_follows
    title_case = _title_case(text)
    out: list[tuple[float, str]] = []
    subjects = 0
    for run, name in found:
        if operator.search(low[max(0, run.start - 30) : run.start]):
            out.append((OPERATOR, name))
        elif run.start < verb and lex.companies.role_before.search(low, 0, run.start):
            out.append((SUBJECT + TITLE_BONUS, name))  # "Jif maker J.M. Smucker pulls ..."
        elif run.start < verb and speaks.match(low, run.end):
            out.append((SUBJECT, name))
        elif run.start < verb:
            # "Hyundai and Kia are recalling": the first of joint subjects is a subject too
            gap = _APPOSITIVE.sub(" ", _JOINT.sub("", text[run.end : verb], count=1))
            score = SUBJECT if _AUX.match(gap) and not hit.passive else MODIFIER
            score -= 0.5 if run.start < clause else 0.0
            if run.initial and not hit.passive and _HEADLINE_VERB.match(text, run.end):
                score = max(score, SUBJECT - 0.5)  # "Daimler cuts ... after Germany orders recall"
            out.append((score - LATER_PENALTY * subjects, name))
            subjects += 1
        elif run.possessive and run.start - verb < REACH and not title_case:
            out.append((POSSESSOR - 1, name))
        elif run.start - verb < REACH and not title_case:
            out.append(
                (OBJECT, name)
            )  # "recall of 21,000 Megadyne pads"; not "Recalls Cooked Meat"
    return out


def _object(hit: Hit, lex: Lexicon, found: list[tuple[Run, str]]) -> list[tuple[float, str]]:
    """Price target: the stock it is on, never the broker or the analyst."""
    text = hit.sentence.text
    lo, hi = hit.object_hint or (hit.anchor[1], hit.anchor[1] + REACH)
    out: list[tuple[float, str]] = []
    for run, name in found:
        before = text[max(0, run.start - 20) : run.start].lower()
        if lex.companies.person_before.search(before) or text.startswith(" said", run.end):
            continue
        if lex.target.nouns.fullmatch(name.lower()) and not lex.target.price_target.match(
            hit.sentence.low, run.end + 1
        ):  # "GM ..., Lowers Target to $55": the noun, unless no other name is there
            out.append((NOUN_NAME, name))  # ("Truist raises Target to $160": Target Corp)
            continue
        if _TICKER.match(text, max(0, run.start - 1), run.end + 1) and name.isupper():
            continue  # "Bank of America Corp. (BAC) target": the ticker of the name before
        if run.start > hit.anchor[1] and _BY_BROKER.search(before):
            continue  # "Moderna Tgt cut to $80 at Leerink": the broker that moved it
        on = re.search(r"\b(?:on|for)\s+$", before)
        low = hit.sentence.low
        if (
            _TICKER_GAP.match(text, run.end, hit.anchor[0]) is not None
            and not lex.companies.move_before.match(name.lower())
            and not lex.target.price_target.match(low, run.start)
        ):
            # "Moderna Tgt cut", "Nike's PT raised"; not "..., Raises Price Target"
            out.append((SUBJECT, name))
        elif lo <= run.start <= hi or (on and 0 <= run.start - hit.anchor[1] <= REACH):
            out.append((SUBJECT, name))
        elif lex.companies.move_before.search(before):
            out.append((VEHICLE_NAME, name))
        else:
            out.append((MENTION, name))
    return out


def _operator(hit: Hit, lex: Lexicon, found: list[tuple[Run, str]]) -> list[tuple[float, str]]:
    """Crash: who operates or makes what crashed ("an Amtrak train", "SpaceX's Starship")."""
    low = hit.sentence.low
    vehicle_after = lex.companies.vehicle_follows
    owner = lex.companies.owner_follows
    out: list[tuple[float, str]] = []
    for run, name in found:
        if lex.companies.role_after.match(low, run.end):
            continue  # "Budapest operator Panorama Deck": a descriptor of the operator
        suffix = (
            SUFFIX_BONUS if lex.companies.org_suffix.fullmatch(name.lower().split()[-1]) else 0.0
        )
        if operated_by(low, run, lex) or owner.match(low, run.end):
            out.append((OPERATOR + suffix, name))
        elif suffix and lex.companies.speaks_follows.match(low, run.end):
            out.append((OPERATOR + suffix, name))  # "..., Indian Railways said"
        elif run.possessive and vehicle_after.match(low, run.end):
            out.append((OPERATOR, name))
        elif vehicle_after.match(low, run.end) or _ACCIDENT_AFTER.match(low, run.end):
            out.append((VEHICLE_NAME + suffix, name))
        elif run.model:
            out.append((MODIFIER, name))
        elif _LISTED.match(low, run.end):
            out.append((VEHICLE_NAME, name))
        elif suffix:  # "Taiwan Railway express ...": a name with an organisation's suffix
            out.append((MENTION + suffix, name))
        elif possessed(hit, run, name, lex):  # "Evergreen's Ever Given runs aground"
            out.append((OPERATOR, name.split("'s ")[0]))
    return out


def _zhcandidates(hit: Hit, lex: Lexicon) -> list[tuple[float, str]]:
    text, low = hit.sentence.text, hit.sentence.low
    a = hit.anchor[0]
    out: list[tuple[float, str]] = []
    if hit.role == "price_target":
        for verb in lex.target.verbs.finditer(low):
            for noun in lex.target.nouns.finditer(low, verb.end()):
                if noun.start() - verb.end() > 14:
                    break
                name = zh_name(
                    re.split(f"[{ENUMERATION},\uff0c]", text[verb.end() : noun.start()])[0], lex
                )
                if name:
                    out.append((SUBJECT, name))
        for noun in lex.target.price_target.finditer(low):
            stock = zh_stock(text, noun.start(), lex)
            if stock:
                out.append((SUBJECT, stock))
        return out
    if hit.type == "recall":
        subjects = (zh_subject(text, m.start(), lex) for m in lex.recall.anchors.finditer(low))
        named = [(SUBJECT, name) for name in subjects if name][:1]
        # "光明乳业杭州工厂……公司紧急召回": a generic subject; an organisation named before it
        orgs = (zh_name(m.group(), lex) for m in lex.companies.cjk_org.finditer(text, 0, a))
        named = named or [(VEHICLE_NAME, name) for name in orgs if name][:1]
        return named or [(MODIFIER, name) for name in zh_brand(text, lex)][:1]
    if hit.type != "crash":
        subject = zh_subject(text, min(a, hit.verb[0] if hit.verb else a), lex)
        return [(SUBJECT, subject)] if subject else []
    out.extend((OPERATOR, name) for name in zh_operators(text, lex))
    shorts = [m.group() for m in lex.companies.cjk_operator_form.finditer(text)]
    out.extend((OPERATOR, short) for short in shorts)  # "台铁自强号", "港铁观塘线一列列车"
    for m in lex.companies.cjk_vehicle_operator.finditer(text):
        if _ZH_SEVERAL.search(m.group(1) + m.group(2)[:2]):  # "胶济铁路两列客车相撞": where
            continue
        name = zh_name(zh_unquantified(m.group(1)), lex)  # "一辆Waymo" -> "Waymo"
        if name and any(name.startswith(short) for short in shorts):
            continue  # "港铁观塘线": the operator, not its line
        suffix = lex.companies.org_suffix.search(name or "", 1)  # after a name, not opening it
        if suffix and name:
            name = name[: suffix.end()]  # "北方航空麦道客机": the airline, not its maker
        # "X一列火车" names its train; before a car or a bare vehicle noun only an org. name
        # counts ("FlixBus大巴", "美国国铁"), never "日凌晨" or "胶济铁路两列".
        if name and (
            m.group(2)[:2] in {"一列", "一架", "一艘", "一趟"}
            or name.isascii()
            or suffix
            or lex.companies.named_craft_kinds.fullmatch(m.group(2))  # "商船三井运输船"
        ):
            out.append((OPERATOR, name))
    for m in lex.companies.cjk_org.finditer(text):
        name = zh_name(m.group(), lex)
        if name and not _ZH_SEVERAL.match(text, m.end()):
            out.append((VEHICLE_NAME, name))
    for m in lex.companies.cjk_org_after.finditer(text):
        name = zh_name(re.split(r"\s", m.group(1))[-1], lex)
        if name:
            out.append((MENTION, name))
    out.extend((MODIFIER, name) for name in zh_brand(text, lex))  # "一辆理想L9 ... 相撞"
    loads = "".join(
        text[m.start() : text.find("的", m.end())] for m in lex.crash.cargo.finditer(text)
    )
    return [(score, name) for score, name in out if name not in loads]  # "载有丰田汽车的货轮"
