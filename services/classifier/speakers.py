"""The operator of a crash that its accident sentences do not name, from the lines around them.

Wire copy often names the railway, ferry line or airline only as who spoke or who operated the
craft, in a sentence without an accident word: "Night train derails ..." + "Pyrenean Railways
said 40 passengers were aboard", "... 出轨" + "德国铁路公司说 列车 ...", "The S-76 was operated
by Island Express Helicopters", "The RegioJet train was travelling ...". Only the headline,
summary and lead are read, and only a name that is surely an organisation counts (watched,
with an organisation's suffix, "operated by" it, or inside a sentence right before its craft),
so "Rescuers said", "the FDNY said", "港铁表示" or "副局长安路生表示" name nobody; and a
speaker only in a line about what crashed (a vehicle, a scene, a casualty or an accident word
in it), not one about results ("比亚迪...公司表示将继续加大研发投入" under a crash headline).
"""

from collections.abc import Sequence

from services.classifier.companies import Named, Names, runs
from services.classifier.config import Company
from services.classifier.crafts import cargo, operated_by, vehicle_next
from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.classifier.proposals import accepted_name
from services.classifier.text import Sentence, Zone
from services.classifier.watchlist import Watchlist
from services.classifier.zhnames import zh_operators, zh_subject

_ITS = lazy(r"\s+(?:that\s+)?(?:its|one of its)\b")  # "DSB said its service ...": the owner speaks


def crash_company(
    sentences: Sequence[Sentence], lexicons: dict[bool, Lexicon], watchlist: Watchlist
) -> Named | None:
    """The crash operator below as a company, watched when the watchlist knows the name."""
    operator = crash_operator(sentences, lexicons, watchlist)
    company = watchlist.lookup(operator) if operator else None
    if operator and company is None:  # "An American Eagle flight": the run lost a word the
        company = _watched_around(operator, sentences, watchlist)  # watched name holds
    if company:
        return Named(company.company, company.tickers, True)
    return Named(operator) if operator else None


def _watched_around(
    name: str, sentences: Sequence[Sentence], watchlist: Watchlist
) -> Company | None:
    """The watched company whose name, as a sentence writes it, holds `name`."""
    for s in sentences:
        if s.zone == Zone.BODY or name not in s.text:
            continue
        for at, company in watchlist.find(s.text):
            end = watchlist.name_end(s.text, at)
            if end is not None and name in s.text[at:end]:
                return company
    return None


def crash_operator(
    sentences: Sequence[Sentence], lexicons: dict[bool, Lexicon], watchlist: Watchlist
) -> str | None:
    """The first organisation a non-body sentence names as its speaker or as an operator."""
    for s in sentences:
        if s.zone == Zone.BODY:
            continue
        lex = lexicons[s.cjk]
        if s.cjk:
            name = _zh_speaker(s, lex, watchlist)
        else:  # most lines name no speaker: a look at the word before "said", not every name
            name = _en_speaker(s, lex, watchlist) if _capital_next(s, lex) else None
        if name:
            return name
    return None


def _about_accident(said: str, lex: Lexicon) -> bool:
    """What is said speaks of what crashed ("列车在暴雨后驶上..."), not of sales or results."""
    c = lex.crash
    if any(not c.vehicles.fullmatch(m.group()) for m in lex.target.metrics.finditer(said)):
        return False  # sales, output; not "ship", a vehicle as much as a verb
    return any(p.search(said) for p in (c.vehicles, c.scene, c.casualties, c.strong, c.weak))


def _capital_next(s: Sentence, lex: Lexicon) -> bool:
    """A capitalised word stands right before a speaking verb or right after "operated by"."""
    c = lex.companies
    for m in c.speaks_follows.finditer(s.low):
        word = s.text.rfind(" ", 0, m.start()) + 1
        if s.text[word : word + 1].isupper():
            return True
    for m in c.operator.finditer(s.low):
        if s.text[m.end() : m.end() + 2].strip()[:1].isupper():
            return True
    for m in lex.crash.vehicles.finditer(s.low):  # "The RegioJet train was travelling ..."
        word = s.text.rfind(" ", 0, m.start() - 1) + 1
        if word > 1 and c.modifiers.fullmatch(s.low[word : m.start() - 1]):
            word = s.text.rfind(" ", 0, word - 1) + 1  # "The TOTE Maritime cargo ship"
        if m.start() > 1 and s.text[word : word + 1].isupper():
            return True
    return False


def _en_speaker(s: Sentence, lex: Lexicon, watchlist: Watchlist) -> str | None:
    c = lex.companies
    names = Names([s.text], c)
    for run in runs(s.text, c):
        operated = operated_by(s.low, run, lex)
        # "the RegioJet train"; not the load, "laden with BMW cars"
        craft = not run.initial and vehicle_next(s.low, run.end, lex)
        craft = craft and not cargo(s.low, run.start, lex)
        # "Ever Given runs aground": a craft's own name before the accident, not its operator
        craft = craft and not lex.crash.strong.match(s.low, run.end + 1)
        spoke = c.speaks_follows.match(s.low, run.end)
        if not (operated or craft or spoke) or c.role_after.match(s.low, run.end):
            continue
        own = spoke is not None and _ITS.match(s.low, spoke.end()) is not None  # "said its"
        said = s.low[: run.start] + s.low[run.end :]  # not the name: "Volvo Cars said ..."
        if not (operated or _about_accident(said, lex)):
            continue
        if c.person_before.search(s.low[max(0, run.start - 20) : run.start]):
            continue
        name = accepted_name(run, lex, names, crash=True, operated=operated)
        if name is None:
            continue
        last = name.lower().split()[-1]
        if operated or craft or own or watchlist.lookup(name) or c.org_suffix.fullmatch(last):
            return name
    return None


def _zh_speaker(s: Sentence, lex: Lexicon, watchlist: Watchlist) -> str | None:
    for m in lex.companies.speaks_after.finditer(s.text):
        if not _about_accident(s.low[m.end() :], lex):
            continue
        name = zh_subject(s.text, m.start(), lex)
        if name and (watchlist.find(name) or lex.companies.cjk_org.fullmatch(name)):
            return name
    for name in zh_operators(s.text, lex):  # "星河航天研制的运载火箭……异常", "隶属马南航空"
        if _about_accident(s.low.replace(name, ""), lex):
            return name
    return None
