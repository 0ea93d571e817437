"""Write the classifier corpus (dev.jsonl, heldout*.jsonl) from `events.py` and the phrasings here.

    python benchmarks/corpus/make_corpus.py      # rewrites benchmarks/corpus/*.jsonl

Texts are our own words about real public events (`events.py` holds the facts and the public
record). Each event row gives an English item or two, a simplified and a traditional Chinese one
(traditional through OpenCC's s2hk/s2tw, as Hong Kong and Taiwan outlets write it). The held-out
split takes every fourth row AND its own set of phrasings (`*_B`), so a rule fitted to the dev
phrasings does not carry over by rote. Format: ../shared/dev-corpus/README.md.
"""

import json
import re
from collections.abc import Callable
from pathlib import Path

import opencc
from events import ANALYST, CRASHES, GUIDANCE, HELD_OUT, RECALLS
from extras import extra_items
from held3 import held3_items
from held4 import held4_items
from held5 import held5_items
from negatives import NEGATIVES
from numerals import en_count, zh_count
from round3 import round3_items
from round4en import round4en_items
from round4zh import round4zh_items
from round5 import round5_items
from round6 import round6_items
from round7en import round7en_items
from round7zh import round7zh_items
from round8en import round8en_items
from round8zh import round8zh_items
from round9en import round9en_items
from round9zh import round9zh_items
from wire import wire_items
from wire_held import wire_held_items

OUT = Path(__file__).parent
HK, TW = opencc.OpenCC("s2hk"), opencc.OpenCC("s2twp")

Item = dict[str, object]

# --- recalls ------------------------------------------------------------------------------
RECALL_EN_A = [
    (
        "{co} recalls {n} {product} over {reason}",
        "{co} is recalling {exact} {product} because of {reason}, according to a notice posted by {reg}.",
    ),
    (
        "{co} issues recall of {n} {product}",
        "The recall covers {exact} {product} built between {y0} and {year}; owners will be told by mail.",
    ),
    (
        "{reg}: {co} to recall {n} {product}",
        "{co} will recall {exact} {product} to fix {reason}, {reg} said on Tuesday.",
    ),
    (
        "{co} recalls {product} after reports of {reason}",
        "In all {exact} units are covered in the United States, the company said in its filing.",
    ),
    (
        "{co} Recalls {n} {product}, Citing {reason}",
        "Dealers will repair the {product} free of charge. The campaign covers {exact} units.",
    ),
]
RECALL_EN_B = [
    (
        "{co} calls back {n} {product} to fix {reason}",
        "The company told {reg} that {exact} units are affected and that it knows of no injuries.",
    ),
    (
        "{co} pulls {n} {product} from sale, offers refunds over {reason}",
        "{reg} said the recall of {exact} units followed dozens of complaints.",
    ),
    (
        "Regulator orders {co} to recall {n} {product}",
        "{reg} ordered the recall of {exact} {product} after finding {reason}.",
    ),
    (
        "{co} expands recall to {n} {product}",
        "The expanded campaign now covers {exact} units worldwide, up from an earlier filing.",
    ),
]
RECALL_ZH_A = [
    (
        "{zh}召回{n}{product_zh}",
        "近日，{zh}向市场监管总局备案了召回计划，因{reason_zh}，决定召回{exact}{product_zh}。",
    ),
    (
        "因{reason_zh} {zh}召回{n}{product_zh}",
        "{zh}表示，本次召回范围内共计{exact}{product_zh}，将免费为用户检修。",
    ),
]
RECALL_ZH_B = [
    (
        "{zh}宣布召回{n}{product_zh} 涉及{reason_zh}",
        "根据{zh}提交的报告，此次召回自下月起实施，共涉及{exact}{product_zh}。",
    ),
    ("{reg}：{zh}将召回部分产品", "{zh}将召回{exact}{product_zh}，原因是{reason_zh}。"),
]
RECALL_TW = ["{zh}回收{n}{product_zh}", "{zh}宣布召回{n}{product_zh}"]


def recall_items(row: tuple, i: int, held: bool) -> list[Item]:
    co, tickers, zh, units, product, product_zh, reason, reason_zh, year, reg, src = row
    base = {"published": f"{year}-06-01", "source_url": src, "tickers": tickers}
    ctx = {
        "co": co.replace(" Motor", "").replace(" Group", ""),
        "product": product,
        "reason": reason,
        "reg": reg,
        "year": year,
        "y0": year - 3,
        "zh": zh,
        "product_zh": product_zh,
        "reason_zh": reason_zh,
        "exact": f"{units:,}",
    }
    ctx["co"] = _short(co)
    en = RECALL_EN_B if held else RECALL_EN_A
    zhs = RECALL_ZH_B if held else RECALL_ZH_A
    out = []
    for k, (title, summary) in enumerate((en[i % len(en)], en[(i + 2) % len(en)])):
        c = ctx | {"n": en_count(units, (i + k) % 4)}
        out.append(
            _item(
                "en",
                title,
                summary,
                c,
                base,
                ["recall"],
                co,
                {"units": units},
                "Recall announced; headline count may be rounded, summary exact.",
            )
        )
    exact = zh_count(units, 2) if units % 10_000 == 0 else str(units)  # the filing's figure
    zctx = ctx | {"n": zh_count(units, i % 4), "exact": exact}
    title, summary = zhs[i % len(zhs)]
    out.append(
        _item(
            "zh", title, summary, zctx, base, ["recall"], co, {"units": units}, "召回公告（简体）。"
        )
    )
    conv = HK if i % 2 else TW
    trad_title = RECALL_TW[i % 2]
    t = _item(
        "zh",
        trad_title,
        summary,
        zctx,
        base,
        ["recall"],
        co,
        {"units": units},
        "Recall in traditional script.",
    )
    t["title"], t["summary"] = conv.convert(str(t["title"])), conv.convert(str(t["summary"]))
    t["script"] = "hant"
    out.append(t)
    bg = _background(ctx, units, i, held)
    out.append(
        _item(
            "en",
            bg[0],
            bg[1],
            ctx,
            base,
            [],
            co,
            {},
            "The recall is background in a clause; the news is something else.",
        )
    )
    return out


def _background(ctx: dict, units: int, i: int, held: bool) -> tuple[str, str]:
    a = [
        (
            "{co} says quarterly sales rose 6%",
            "{co}, which recalled {exact} {product} last year, said sales rose 6% in the quarter.",
        ),
        (
            "{co} names new chief financial officer",
            "The appointment comes a year after {co} recalled {exact} {product} over {reason}.",
        ),
        (
            "{co} opens new plant in Mexico",
            "{co}, whose recall of {exact} {product} in {year} cost it dearly, will hire 2,000 workers.",
        ),
    ]
    b = [
        (
            "{co} shares rise after upbeat earnings",
            "Profit beat estimates; {co}, which had recalled {exact} {product} in {year}, gained 4%.",
        ),
        (
            "{co} to build battery factory in Hungary",
            "The move follows a difficult {year}, when {co} recalled {exact} {product}.",
        ),
    ]
    return (b if held else a)[i % (2 if held else 3)]


# --- crashes ------------------------------------------------------------------------------
CRASH_EN_A = {
    "air": [
        (
            "{op} {model} goes down near {place}, {n} dead",
            "A {maker} {model} operated by {op} went down shortly after take-off near {place}; "
            "{n} people on board were killed, officials said.",
        ),
        (
            "{op} jet with {n} aboard crashes near {place}",
            "The {maker} {model} crashed on approach; rescuers said {n} people died.",
        ),
        (
            "{op} plane skids off runway and bursts into flames at {place}",
            "The {maker} {model} overran the runway and caught fire; {n} people were killed.",
        ),
    ],
    "rail": [
        (
            "{op} {model} derails near {place}",
            "Dozens of cars of the {op} {model} left the tracks near {place}; {n} people died.",
        ),
        (
            "{op} train collides with freight train near {place}, killing {n}",
            "The collision near {place} killed {n} people, the rail operator said.",
        ),
    ],
    "ship": [
        (
            "{model} runs aground off {place}",
            "The vessel, operated by {op}, ran aground off {place}; {n} people died.",
        ),
        (
            "Ferry capsizes off {place}; {op} under scrutiny",
            "The {model} operated by {op} capsized off {place}, leaving {n} dead.",
        ),
    ],
    "car": [
        (
            "{op} {model} slams into barrier in {place}, {n} dead",
            "A {op} {model} hit a concrete barrier and caught fire in {place}; {n} people died.",
        ),
        (
            "{op} {model} hits pedestrian in {place}",
            "A {op} {model} struck a pedestrian in {place}; police said {n} people were killed.",
        ),
    ],
    "bus": [
        (
            "{op} coach overturns on {place}, killing {n}",
            "The {op} coach left the road and overturned on {place}, killing {n} passengers.",
        ),
        (
            "{op} bus leaves the road near {place}",
            "The {op} coach veered off the road and rolled down an embankment; {n} people died.",
        ),
    ],
}
CRASH_EN_B = {
    "air": [
        (
            "{n} killed as {op} {model} plunges into ground near {place}",
            "The {maker} jet flown by {op} lost contact minutes after departure and hit the "
            "ground near {place}.",
        ),
        (
            "{op} airliner crash-lands at {place}; {n} dead",
            "Investigators are examining the {maker} {model}'s landing gear.",
        ),
    ],
    "rail": [
        (
            "{n} dead after {op} train jumps the tracks near {place}",
            "Several carriages of the {op} {model} overturned near {place}.",
        )
    ],
    "ship": [
        (
            "{op} vessel sinks off {place}, {n} dead",
            "The {model} listed and sank off {place}; {op} said it was cooperating.",
        )
    ],
    "car": [
        (
            "{op} {model} collides with truck in {place}, {n} killed",
            "The {op} {model} struck a truck at speed in {place}, police said.",
        )
    ],
    "bus": [
        (
            "{op} coach flips on {place}; {n} passengers killed",
            "The double-decker {op} coach tipped onto its side on {place}.",
        )
    ],
}
CRASH_ZH = {
    "air": [
        "{op_zh}一架{maker_zh}{model}客机在{place_zh}坠毁 机上{n}人遇难",
        "{op_zh}{model}客机于{place_zh}坠机，{n}人罹难",
    ],
    "rail": [
        "{op_zh}一列火车在{place_zh}脱轨 造成{n}人死亡",
        "{place_zh}列车出轨事故 {op_zh}称{n}人遇难",
    ],
    "ship": ["{op_zh}运营的船只在{place_zh}附近触礁侧翻 {n}人死亡"],
    "car": [
        "一辆{op_zh}{model}在{place_zh}与货车相撞 {n}人死亡",
        "{op_zh}{model}在{place_zh}发生碰撞事故 致{n}人死亡",
    ],
    "bus": ["{op_zh}大巴在{place_zh}侧翻 {n}人死亡"],
}


def crash_items(row: tuple, i: int, held: bool) -> list[Item]:
    op, op_zh, maker, maker_zh, kind, model, n, place, place_zh, year, src = row
    label = f"{op}; {maker}" if maker else op
    model_zh = "无人驾驶出租车" if model == "robotaxi" else model
    ctx = {
        "op": op,
        "op_zh": op_zh,
        "maker": maker or "",
        "maker_zh": maker_zh,
        "model": model,
        "n": n if n else "no",
        "place": place,
        "place_zh": place_zh,
    }
    base = {"published": f"{year}-03-01", "source_url": src, "tickers": []}
    facts = {"fatalities": n}
    en = (CRASH_EN_B if held else CRASH_EN_A)[kind]
    out = []
    for k in range(2 if not held else 1):
        title, summary = en[(i + k) % len(en)]
        if not n:
            title = title.replace(", no dead", "").replace(", killing no", "")
            summary = summary.replace("no people died", "no one was killed")
        out.append(
            _item(
                "en",
                title,
                summary,
                ctx,
                base,
                ["crash"],
                label,
                facts,
                "Accident reported (the word crash is often absent).",
            )
        )
    zctx = ctx | {"n": n, "model": model_zh}
    if maker and model.startswith(maker):  # "ATR 72", not "ATR ATR 72"
        zctx["maker_zh"] = ""
    zh_titles = CRASH_ZH[kind]
    title = zh_titles[(i + (1 if held else 0)) % len(zh_titles)]
    if not n:  # nobody killed: say so, keep the operator
        title = re.sub(r"(?:机上|造成|致|称)?\{n\}人(?:遇难|死亡|罹难)", "无人员死亡", title)
    simp = _item("zh", title, "", zctx, base, ["crash"], label, facts, "事故报道。")
    out.append(simp)
    conv = HK if i % 2 else TW
    t = dict(simp)
    t["title"], t["script"], t["note"] = conv.convert(str(simp["title"])), "hant", "Traditional."
    out.append(t)
    return out


# --- guidance -----------------------------------------------------------------------------
def _money(v: float | None, unit: str) -> str:
    if v is None:
        return ""
    if unit == "%":
        return f"{v:g}%"
    if unit == "units":
        return f"{int(v):,}"
    if unit in {"yen", "won"}:
        return f"{v / 1e12:g} trillion {unit}" if v >= 1e12 else f"{v / 1e9:g} billion {unit}"
    if v >= 1e9:
        return f"{unit}{v / 1e9:g} billion"
    return f"{unit}{v:g}"


def _zh_money(v: float | None, unit: str) -> str:
    if v is None:
        return ""
    if unit == "%":
        return f"{v:g}%"
    if unit == "units":
        return zh_count(int(v), 2 if int(v) % 10000 == 0 else 0) + "辆"
    cur = {"$": "美元", "€": "欧元", "yen": "日元", "won": "韩元"}[unit]
    if v >= 1e12:
        return f"{v / 1e12:g}万亿{cur}"
    if v >= 1e8:
        return f"{v / 1e8:g}亿{cur}"
    return f"{v:g}{cur}"


GUIDE_EN_A = {
    "raise": [
        (
            "{co} raises {period} {metric_en} guidance to {new_r}",
            "{co} now sees {metric_en} of {new_r}, up from {old} previously.",
        ),
        (
            "{co} lifts {period} outlook, sees {metric_en} {new_r}",
            "The company raised its view after a strong quarter; it had guided to {old}.",
        ),
    ],
    "cut": [
        (
            "{co} cuts {period} {metric_en} outlook to {new_r}",
            "{co} lowered its forecast to {new_r} from {old}, citing weaker demand.",
        ),
        (
            "{co} slashes {period} guidance; now sees {metric_en} of {new_r} vs {old} prior",
            "Shares fell after the cut.",
        ),
    ],
    "set": [
        (
            "{co} sees {period} {metric_en} of {new_r}",
            "{co} guided {metric_en} to {new_r} for the coming quarter.",
        ),
        (
            "{co} guides {period} {metric_en} to {new_r}, above estimates",
            "The outlook topped what analysts had expected.",
        ),
    ],
    "withdraw": [
        (
            "{co} withdraws {period} guidance amid uncertainty",
            "{co} said it would no longer provide a full-year outlook.",
        )
    ],
}
GUIDE_EN_B = {
    "raise": [
        (
            "{co} now expects {period} results above its earlier outlook",
            "The company said full-year {metric_en} would come in above the {old} it forecast "
            "earlier, with a new range of {new_r}.",
        )
    ],
    "cut": [
        (
            "{co} trims {period} forecast as demand cools; {metric_en} seen at {new_r}",
            "The new view compares with {old} before.",
        )
    ],
    "set": [
        (
            "{co} Q-guide: {metric_en} {new_r} for {period}",
            "Management set the range on its earnings call.",
        )
    ],
    "withdraw": [
        (
            "{co} pulls full-year forecast",
            "{co} suspended its {period} outlook, saying it cannot predict demand.",
        )
    ],
}
GUIDE_ZH = {
    "raise": [
        "{zh}将{year}年{metric_zh}目标由{old_zh}上调至{new_zh}",
        "{zh}上调全年{metric_zh}指引至{new_zh}",
    ],
    "cut": ["{zh}下调{year}年{metric_zh}目标至{new_zh}", "{zh}将全年{metric_zh}预期下修至{new_zh}"],
    "set": [
        "{zh}预计{period}{metric_zh}为{new_zh}至{high_zh}",
        "{zh}指引{period}{metric_zh}{new_zh}-{high_zh}",
    ],
    "withdraw": ["{zh}撤回全年业绩指引", "{zh}撤回{year}年{metric_zh}目标"],
}
METRIC = {
    "sales_growth": ("net sales growth", "销售增长"),
    "eps": ("EPS", "每股收益"),
    "revenue": ("revenue", "营收"),
    "ebit": ("adjusted EBIT", "息税前利润"),
    "margin": ("operating margin", "利润率"),
    "deliveries": ("deliveries", "交付"),
    "sales": ("sales", "销量"),
    "operating_profit": ("operating profit", "营业利润"),
}


def guidance_items(row: tuple, i: int, held: bool) -> list[Item]:
    co, tickers, zh, metric, direction, old, new, high, period, unit, src = row
    m_en, m_zh = METRIC[metric]
    new_r = _money(new, unit) + (f"-{_money(high, unit)}" if high else "")
    year = 2000 + int(period[2:]) if period.startswith("FY") else 2024
    ctx = {
        "co": _short(co),
        "zh": zh,
        "period": period,
        "metric_en": m_en,
        "metric_zh": m_zh,
        "new_r": new_r,
        "old": _money(old, unit) or "its earlier view",
        "year": year,
        "old_zh": _zh_money(old, unit),
        "new_zh": _zh_money(new, unit),
        "high_zh": _zh_money(high or new, unit),
    }
    facts: dict[str, object] = {"direction": direction, "metric": metric}
    if new is not None:
        facts["new"] = new
        if high:
            facts["high"] = high
    if old is not None:
        facts["old"] = old
    base = {"published": f"{year}-08-01", "source_url": src, "tickers": tickers}
    en = (GUIDE_EN_B if held else GUIDE_EN_A)[direction]
    title, summary = en[i % len(en)]
    out = [
        _item(
            "en",
            title,
            summary,
            ctx,
            base,
            ["target_change"],
            co,
            facts,
            "Company guidance changed or set.",
        )
    ]
    zt = GUIDE_ZH[direction][(i + held) % 2]
    simp = _item("zh", zt, "", ctx, base, ["target_change"], co, facts, "业绩指引变动。")
    out.append(simp)
    conv = HK if i % 2 else TW
    t = dict(simp)
    t["title"], t["script"], t["note"] = conv.convert(str(simp["title"])), "hant", "Traditional."
    out.append(t)
    return out


# --- analyst price targets ----------------------------------------------------------------
ANALYST_EN_A = [
    (
        "{broker} Maintains {rating} on {co}, {Verb} Price Target to {cur}{new}",
        "{broker} analyst kept a {rating} rating on {co} and moved the price target from {cur}{old} to {cur}{new}.",
    ),
    ("{co} PT {verb_pp} to {cur}{new} from {cur}{old} at {broker}", ""),
    ("{broker} {verb_s} {co} Tgt to {cur}{new}; keeps {rating}", ""),
    (
        "{broker} {verb_s} {co} estimates, price target to {cur}{new}",
        "The broker {verb_pp} its earnings estimates and target after the quarter.",
    ),
    (
        "{co} price target {verb_pp} by several brokers after results",
        "{broker} moved its target to {cur}{new} from {cur}{old}; two other firms followed.",
    ),
]
ANALYST_EN_B = [
    ("{broker} {verb_s} {co} to {cur}{new} target, {rating}", ""),
    (
        "Analyst action: {broker} {verb_pp_lower} {co} price objective to {cur}{new}",
        "The previous objective was {cur}{old}; the {rating} rating is unchanged.",
    ),
    ("{co} target {verb_pp} at {broker} ({cur}{old} -> {cur}{new})", ""),
]
ANALYST_ZH = {
    "raise": [
        "{broker_zh}上调{co_zh}目标价至{new}{cur_zh}",
        "{broker_zh}将{co_zh}目标价由{old}{cur_zh}上调至{new}{cur_zh} 维持买入评级",
    ],
    "cut": [
        "{broker_zh}下调{co_zh}目标价至{new}{cur_zh}",
        "{broker_zh}将{co_zh}目标价由{old}{cur_zh}下调至{new}{cur_zh}",
    ],
}
ANALYST_TW = {
    "raise": [
        "{broker_zh}調升{co_zh}目標價至{new}{cur_zh}",
        "{broker_zh}上調{co_zh}目標價至{new}{cur_zh}",
    ],
    "cut": [
        "{broker_zh}下修{co_zh}目標價至{new}{cur_zh}",
        "{broker_zh}調降{co_zh}目標價至{new}{cur_zh}",
    ],
}
CUR_ZH = {"$": "美元", "HK$": "港元", "€": "欧元", "¥": "元"}


def analyst_items(row: tuple, i: int, held: bool) -> list[Item]:
    broker, broker_zh, co, tickers, co_zh, rating, direction, old, new, cur, src = row
    up = direction == "raise"
    ctx = {
        "broker": broker,
        "broker_zh": broker_zh,
        "co": _short(co),
        "co_zh": co_zh,
        "rating": rating,
        "cur": cur,
        "old": f"{old:g}",
        "new": f"{new:g}",
        "Verb": "Raises" if up else "Lowers",
        "verb_s": "raises" if up else "cuts",
        "verb_pp": "raised" if up else "cut",
        "verb_pp_lower": "lifts" if up else "trims",
        "cur_zh": CUR_ZH[cur],
    }
    if cur == "¥" and co == "Toyota Motor":
        ctx["cur_zh"] = "日元"
    facts = {"metric": "price_target", "direction": direction, "old": old, "new": new}
    base = {"published": "2025-05-01", "source_url": src, "tickers": tickers}
    en = ANALYST_EN_B if held else ANALYST_EN_A
    out = []
    for k in range(1 if held else 2):
        title, summary = en[(i + 2 * k) % len(en)]
        out.append(
            _item(
                "en",
                title,
                summary,
                ctx,
                base,
                ["target_change"],
                co,
                facts,
                "Broker moves a price target: the stock is the company.",
            )
        )
    zt = ANALYST_ZH[direction][(i + held) % 2]
    out.append(_item("zh", zt, "", ctx, base, ["target_change"], co, facts, "券商调整目标价。"))
    tw = _item(
        "zh",
        ANALYST_TW[direction][i % 2],
        "",
        ctx,
        base,
        ["target_change"],
        co,
        facts,
        "Traditional, written as HK/TW desks do.",
    )
    tw["script"] = "hant"
    out.append(tw)
    return out


# --- assembly -----------------------------------------------------------------------------
def _short(co: str) -> str:
    for suffix in (
        " Motor",
        " Group",
        " Automobile",
        " Corp",
        " Laboratories",
        " Electronics",
        " Smart Home",
        " Innovations",
        " Brands",
        " Foods",
        " Technology",
    ):
        if co.endswith(suffix) and co not in {"Mercedes-Benz Group"}:
            return co[: -len(suffix)]
    return co


def _item(
    lang: str,
    title: str,
    summary: str,
    ctx: dict,
    base: dict,
    labels: list[str],
    company: str,
    facts: dict,
    note: str,
) -> Item:
    if lang == "zh" and labels:  # a Chinese outlet names the company in Chinese: both are right
        names = [str(ctx[k]) for k in ("zh", "co_zh", "op_zh", "maker_zh") if ctx.get(k)]
        company = "; ".join(dict.fromkeys([company, *names]))
    return {
        "lang": lang,
        "title": title.format(**ctx),
        "summary": summary.format(**ctx),
        **base,
        "labels": labels,
        "optional": [],
        "company": company if labels or company else "",
        "facts": facts,
        "note": note,
    }


def _hant_labels(items: list[Item]) -> None:
    """A Taiwan or Hong Kong outlet may name the company its own way (大众 -> 福斯): both right."""
    for item in items:
        if item.get("script") == "hant" and item["labels"]:
            names = str(item["company"]).split("; ")
            local = [TW.convert(n) for n in names] + [HK.convert(n) for n in names]
            item["company"] = "; ".join(dict.fromkeys(names + local))


def build() -> tuple[list[Item], list[Item]]:
    dev: list[Item] = []
    held: list[Item] = []
    makers: list[tuple[list, Callable[[tuple, int, bool], list[Item]]]] = [
        (RECALLS, recall_items),
        (CRASHES, crash_items),
        (GUIDANCE, guidance_items),
        (ANALYST, analyst_items),
        (NEGATIVES, None),  # type: ignore[list-item]
    ]
    for rows, make in makers:
        for i, row in enumerate(rows):
            is_held = i % HELD_OUT == HELD_OUT - 1
            items = make(row, i, is_held) if make else row(is_held)
            (held if is_held else dev).extend(items)
    dev.extend(extra_items())  # dev-only kinds: growth guidance, totals, non-count figures
    dev.extend(wire_items())  # dev-only kinds, round two: wire shorthand, near-misses
    held.extend(wire_held_items())  # held-out, round two: scored, never tuned on
    dev.extend(round3_items())  # dev, round three: fresh events, the held-out batch's mix
    dev.extend(round4en_items())  # dev, round four (English): fresh events, the weak kinds
    dev.extend(round4zh_items())  # dev, round four: fresh Chinese events, both scripts
    dev.extend(round5_items())  # dev, round five: crashes in many styles, HK/TW targets
    dev.extend(round6_items())  # dev, round six: recalls in both scripts and English, HK/TW targets
    dev.extend(round7en_items())  # dev, round seven (English): crashes, recalls, rating feeds
    dev.extend(round7zh_items())  # dev, round seven (Chinese): food-safety removals, HK/TW brokers
    dev.extend(round8en_items())  # dev, round eight (English): who an event is about
    dev.extend(round8zh_items())  # dev, round eight (Chinese): names, abbreviations, brokers
    dev.extend(round9en_items())  # dev, round nine (English): crash operators, recall senses
    dev.extend(round9zh_items())  # dev, round nine (Chinese): crash operators, recall senses
    _hant_labels(dev)
    _hant_labels(held)
    for prefix, items in (("cd", dev), ("ch", held)):
        for n, item in enumerate(items, 1):
            item["id"] = f"{prefix}{n:04d}"
    return dev, held


def _write(name: str, items: list[Item], prefix: str | None = None) -> None:
    """One jsonl file, each item's id first (numbered here when `prefix` is given)."""
    with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as f:
        for n, item in enumerate(items, 1):
            item_id = f"{prefix}{n:04d}" if prefix else item.pop("id")
            item.pop("id", None)
            f.write(json.dumps({"id": item_id, **item}, ensure_ascii=False) + "\n")


def main() -> None:
    dev, held = build()
    _write("dev", dev)
    _write("heldout", held)
    held3 = held3_items()  # held-out, round three: scored once before its rules, never tuned on
    _write("heldout3", held3, "c3h")
    held4 = held4_items()  # held-out, round four: written blind, scored once, never tuned on
    _write("heldout4", held4, "c4h")
    held5 = held5_items()  # held-out, round seven: written blind, scored twice, never tuned on
    _write("heldout5", held5, "c5h")
    print(
        f"dev {len(dev)} items, held-out {len(held)} items, held-out round three {len(held3)},"
        f" round four {len(held4)}, round seven {len(held5)}"
    )


if __name__ == "__main__":
    main()
