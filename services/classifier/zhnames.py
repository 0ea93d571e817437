"""Chinese company names: the subject that opens a clause, the stock of a price target, a brand
joined to its model, and what a fragment keeps of a name (no owner before it, no verb after).

Chinese writes no spaces and no capitals, so a name is read from where it stands: before
the verb ("比亚迪召回"), after a broker's verb or call ("花旗降小米目标价",
"高盛喊进鸿海"), before a model code ("小米SU7"); companies.py does that for English
from capitalised runs.
"""

from collections.abc import Iterator

from services.classifier.lazyregex import lazy
from services.classifier.lexmodel import Lexicon
from services.core.cjk import CLAUSE_BREAKS, ENUMERATION, IDEOGRAPHS

_LEGAL = lazy(r"(?:\((?:中国|北京|上海)\))?(?:股份有限公司|有限责任公司|有限公司|[A-Za-z]股)$")
_ZH_NAME = lazy(f"(?:[{IDEOGRAPHS}A-Za-z0-9()\uff08\uff09·]|(?<=[A-Za-z]) (?=[A-Za-z])){{2,24}}")
# What no name holds: a possessive or owner before it, a verb after it, a parenthesised
# English name ("亚利安太空公司(Arianespace)", in either width of bracket).
_ZH_LEAD = lazy(
    r"(?<=[0-9岁年月日号])的|所属|旗下|由|在(?!线)|(?:研制|制造|运营|承运)方"
)  # not 美的
_ZH_TRAIL = lazy(
    r"(?:研制|研发|设计|生产|制造|运营)(?:和|及|与|并)$|(?:租用|承租|包租|营运|运营|经营|执飞)+的?$"
)
_ZH_PAREN = lazy(r"[\uff08(][^\uff08\uff09()]*[\uff09)]$")
_ZH_CLAUSE = lazy(f"[{CLAUSE_BREAKS}{ENUMERATION}\\s]")
_ZH_OBJECT = lazy(r"将|把|对|予以")  # "X将Y目标价上调": Y is the stock
_ZH_GIVEN = lazy(
    f"(?:给予|维持|重申|首予)([{IDEOGRAPHS}A-Za-z0-9]{{2,12}}?)(?:的)?"
    r"(?:买入|增持|中性|持有|减持|卖出|跑赢|优于|强烈推荐|推荐|评级|[,\uff0c])"
)
# A brand joined to a model code: "理想L9", "小米SU7", "蔚来ES8", "问界M7", "极氪X9".
_ZH_MODEL = lazy(f"([{IDEOGRAPHS}]{{2,6}})" r"(?=[A-Z]{1,3}\d{1,3}(?![\dA-Za-z]))")
_ZH_QUANTITY = lazy(
    r"^.*?[一两三四五六七八九十几数多这该那每][辆台部架艘款]|^[辆台部架艘款]"
    r"|[一两三四五六七八九十几数多\d]+[辆台部架艘列趟]$"  # "胶济铁路两列": the count after
)


def zh_subject(text: str, end: int, lex: Lexicon) -> str | None:
    """The Chinese subject before position `end`: the name that opens its clause."""
    clause = _ZH_CLAUSE.split(text[:end])[-1]
    clause = lex.companies.clause_opening.sub("", clause)
    clause = lex.companies.subject_end.split(clause, maxsplit=1)[0]
    broker = lex.target.brokers.match(clause)
    if broker and broker.end() < len(clause):  # "高盛上调..." but not "中信证券" standing alone
        clause = clause[broker.end() :]
        # "花旗降小米", "高盛喊进鸿海": the stock after the broker's verb or call
        verb = lex.target.verbs.match(clause) or lex.target.calls.match(clause)
        clause = clause[verb.end() :] if verb else clause
    return zh_name(clause, lex)


def zh_stock(text: str, end: int, lex: Lexicon) -> str | None:
    """The stock of a Chinese price target ending at `end` ("目标价"): the name right before
    it ("将比亚迪目标价上调", "比亚迪股份的目标价"), else the one a broker rates ("给予比亚迪
    买入评级...目标价"); never the broker ("摩根大通将...")."""
    parts = _ZH_CLAUSE.split(text[:end])
    clause = parts[-1].removesuffix("的")
    if not clause and len(parts) > 1 and lex.target.brokers.match(parts[-2]):
        text, end = parts[-2], len(parts[-2])  # "高盛喊进鸿海 目标价上调": the clause before
    markers = [m.end() for m in _ZH_OBJECT.finditer(clause)]
    if markers and markers[-1] < len(clause):
        return zh_name(_strip_broker(clause[markers[-1] :], lex), lex)
    verbs = [m.end() for m in lex.target.verbs.finditer(clause)]
    if verbs and verbs[-1] < len(clause):  # "美系外资调降台积电目标价": after the broker's verb
        return zh_name(clause[verbs[-1] :], lex)
    given = [m.group(1) for m in _ZH_GIVEN.finditer(text, 0, end)]
    if given:
        return zh_name(_strip_broker(given[-1], lex), lex)
    return zh_subject(text, end, lex)


def zh_brand(text: str, lex: Lexicon) -> list[str]:
    """Makers named by a brand joined to a model code ("一辆理想L9", "小米SU7", "问界M7")."""
    found = []
    for m in _ZH_MODEL.finditer(text):
        brand = _ZH_QUANTITY.sub("", lex.companies.subject_end.split(m.group(1))[-1])
        brand = brand if len(brand) <= 3 else brand[-2:]
        name = zh_name(brand, lex) if len(brand) >= 2 else None
        if name and not lex.target.brokers.fullmatch(name):
            found.append(name)
    return found


def zh_unquantified(fragment: str) -> str:
    """A fragment without its leading quantity: "一辆Waymo" -> "Waymo"."""
    return _ZH_QUANTITY.sub("", fragment)


def _strip_broker(fragment: str, lex: Lexicon) -> str:
    broker = lex.target.brokers.match(fragment)
    return fragment[broker.end() :] if broker and broker.end() < len(fragment) else fragment


def zh_name(raw: str, lex: Lexicon) -> str | None:
    """A Chinese company name from a fragment, or None for generic words ("两企业", "多家车企")."""
    m = _ZH_NAME.search(raw)
    if not m:
        return None
    parts = [p for p in _ZH_LEAD.split(_ZH_PAREN.sub("", m.group())) if len(p) >= 2]
    name = parts[-1] if parts else ""  # "集团所属上海航天" -> "上海航天"
    name = _ZH_TRAIL.sub("", name)  # "……有限公司研制和" -> "……有限公司"
    name = _LEGAL.sub("", name).strip("()\uff08\uff09")
    companies = lex.companies
    if (
        len(name) < 2
        or companies.generic.search(name)
        or companies.not_company.fullmatch(name)
        or companies.org_suffix.fullmatch(name)  # "客运" alone: a kind, no name
    ):
        return None
    return name


def zh_operators(text: str, lex: Lexicon) -> Iterator[str]:
    """Operators a line names by ownership or operation: "隶属马南航空", "由商船三井营运的",
    "星河航天研制的" (zh_name drops the 由 before a name and the verb after it)."""
    for pattern in (lex.companies.cjk_owned_by, lex.companies.cjk_operator):
        for m in pattern.finditer(text):
            name = zh_name(m.group(1), lex)
            if name:
                yield name
