"""Near-misses: items that look like an event and are not one (labels empty), in our own words.

Credit-rating outlooks, policy and climate targets, brokers' market forecasts, guidance met or
reaffirmed; product fire-risk features, safety awards, output hit by shortages; "recall" as
remembering and news about recall rules. Each row is (lang, title, summary, company, note); a
Chinese row is also written in traditional script.
"""

from collections.abc import Callable

import opencc

_HK = opencc.OpenCC("s2hk")

ROWS = [
    (
        "en",
        "Moody's revises Ford outlook to negative, affirms Ba1 rating",
        "The agency cited weaker margins in the company's electric vehicle unit.",
        "Ford Motor",
        "Credit-rating outlook, not a target.",
    ),
    (
        "en",
        "S&P raises Boeing outlook to stable on delivery recovery",
        "S&P Global Ratings kept the BBB- rating and lifted the outlook.",
        "Boeing",
        "Rating outlook.",
    ),
    (
        "en",
        "Fitch cuts Nissan outlook to negative as profit slumps",
        "Fitch affirmed Nissan at BBB- and lowered its outlook.",
        "Nissan Motor",
        "Rating outlook.",
    ),
    (
        "en",
        "Moody's lifts Tesla outlook to positive",
        "The rating agency said Tesla's cash position supports an upgrade.",
        "Tesla",
        "Rating outlook.",
    ),
    (
        "en",
        "China sets 2025 growth target at around 5%",
        "The government work report kept the GDP goal unchanged and raised the deficit target to 4%.",
        "",
        "National target.",
    ),
    (
        "en",
        "EU proposes 90% emissions cut target for 2040",
        "The Commission set out a climate target that member states must now debate.",
        "",
        "Climate target.",
    ),
    (
        "en",
        "Bank of Japan keeps 2% inflation target, holds rates",
        "Policy makers left the target and the rate unchanged.",
        "",
        "Policy target.",
    ),
    (
        "en",
        "UK raises zero-emission vehicle target for carmakers to 28%",
        "Carmakers must sell a rising share of electric cars under the mandate.",
        "",
        "Policy target for an industry.",
    ),
    (
        "en",
        "Goldman raises S&P 500 year-end target to 6,300",
        "The bank's strategists now see the index ending the year higher on earnings growth.",
        "",
        "Broker forecast for a market index.",
    ),
    (
        "en",
        "Morgan Stanley cuts Brent forecast to $70 a barrel",
        "The bank lowered its oil price forecast for the second half.",
        "",
        "Macro forecast.",
    ),
    (
        "en",
        "UBS lifts gold price forecast to $3,500",
        "The bank's commodity team expects central bank buying to continue.",
        "",
        "Commodity forecast.",
    ),
    (
        "en",
        "JPMorgan economists cut US GDP growth forecast to 1.3%",
        "The bank sees slower growth after new tariffs.",
        "",
        "Macro forecast.",
    ),
    (
        "en",
        "Apple reaffirms quarterly outlook despite tariff costs",
        "Apple said it still expects revenue growth in the low to mid single digits.",
        "Apple",
        "Guidance reaffirmed.",
    ),
    (
        "en",
        "General Motors results in line with full-year guidance",
        "GM kept its 2024 EBIT-adjusted outlook unchanged.",
        "General Motors",
        "Guidance met.",
    ),
    (
        "en",
        "Toyota maintains annual sales target of 10 million vehicles",
        "The carmaker left its forecast unchanged despite weaker yen.",
        "Toyota Motor",
        "Target maintained.",
    ),
    (
        "en",
        "Airbus sticks to 2025 delivery goal of around 820 jets",
        "Chief executive said the target is still reachable.",
        "Airbus",
        "Target reaffirmed.",
    ),
    (
        "en",
        "Are e-bike batteries a fire risk? What owners should know",
        "Lithium batteries can overheat when charged with the wrong charger, experts say.",
        "",
        "Feature on fire risks, not an accident.",
    ),
    (
        "en",
        "Volvo EX90 wins top safety award from IIHS",
        "The SUV earned a Top Safety Pick+ rating after crash tests.",
        "Volvo Cars",
        "Safety award.",
    ),
    (
        "en",
        "Honda output hit by chip shortage, plants idled",
        "Production at two plants was cut because of a shortage of semiconductors.",
        "Honda Motor",
        "Output hit, no accident.",
    ),
    (
        "en",
        "Nio shares crash 15% after weak delivery outlook",
        "The stock plunged in New York trading.",
        "NIO",
        "Market crash; the weak outlook is the outlook's level, not a change of a target.",
    ),
    (
        "en",
        "Recall the 2008 crisis? Carmakers were bailed out then",
        "A look back at how the industry survived the financial crisis.",
        "",
        "Recall meaning remember.",
    ),
    (
        "en",
        "NHTSA proposes new rules for recall notices sent to owners",
        "The agency wants recall letters to be sent by text message and email as well as by post.",
        "",
        "News about recall rules.",
    ),
    (
        "en",
        "EU product safety regulation tightens recall requirements",
        "From December, online marketplaces must help notify buyers of recalled products.",
        "",
        "Recall regulation.",
    ),
    (
        "en",
        "Investors recall Tesla's 2019 slump as shares slide again",
        "Shares fell 8% on Tuesday.",
        "Tesla",
        "Recall meaning remember.",
    ),
    (
        "en",
        "Boeing engineers recall the pressure to ship the 737 MAX",
        "Former employees described the schedule pressure in interviews.",
        "Boeing",
        "Remembering.",
    ),
    (
        "en",
        "Crash course: how the battery supply chain works",
        "A primer on cathodes, anodes and cell makers.",
        "",
        "Crash course.",
    ),
    (
        "en",
        "Ford to cut 4,000 jobs in Europe",
        "The carmaker will reduce its workforce in Germany and Britain over three years.",
        "Ford Motor",
        "Job cuts, not a target.",
    ),
    (
        "en",
        "Stellantis targets 20 new models by 2026",
        "The plan lays out new launches without changing any financial guidance.",
        "Stellantis",
        "A product plan, not a guidance change.",
    ),
    (
        "zh",
        "穆迪将福特评级展望下调至负面",
        "穆迪维持福特评级不变，但将展望由稳定调至负面。",
        "Ford Motor",
        "信用评级展望。",
    ),
    (
        "zh",
        "政府工作报告：今年经济增长目标为5%左右",
        "报告同时提出赤字率目标为4%。",
        "",
        "国家目标。",
    ),
    (
        "zh",
        "高盛上调沪深300指数目标至4600点",
        "高盛策略师认为A股盈利将改善。",
        "",
        "券商对指数的预测。",
    ),
    ("zh", "摩根士丹利下调恒生指数年底目标", "该行认为港股估值仍受压。", "", "指数目标。"),
    (
        "zh",
        "比亚迪维持全年销量目标不变",
        "比亚迪表示，全年销量目标仍为550万辆。",
        "BYD",
        "目标维持。",
    ),
    (
        "zh",
        "理想汽车第三季度交付量符合此前指引",
        "理想汽车第三季度交付15.3万辆，处于指引区间内。",
        "Li Auto",
        "符合指引。",
    ),
    (
        "zh",
        "电动自行车电池起火风险有多大",
        "专家提醒，使用非原装充电器可能导致电池过热。",
        "",
        "科普文章，不是事故。",
    ),
    ("zh", "小鹏G6获中保研安全大奖", "该车型在碰撞测试中获得优秀评价。", "XPeng", "安全奖项。"),
    (
        "zh",
        "芯片短缺冲击本田产量 两家工厂停产",
        "本田表示，半导体供应不足导致减产。",
        "Honda Motor",
        "产量受冲击。",
    ),
    (
        "zh",
        "市场监管总局修订缺陷汽车产品召回管理条例",
        "新规将软件在线升级纳入召回管理。",
        "",
        "召回制度新闻。",
    ),
    (
        "zh",
        "中国设定2030年碳达峰目标",
        "国务院发布行动方案，明确新能源汽车占比目标。",
        "",
        "政策目标。",
    ),
    ("zh", "蔚来股价暴跌12% 市场担忧现金流", "蔚来美股盘中大跌。", "NIO", "股价暴跌。"),
]


def _maker(
    lang: str, title: str, summary: str, company: str, note: str
) -> Callable[[bool], list[dict[str, object]]]:
    def make(held: bool) -> list[dict[str, object]]:
        del held
        base = {
            "lang": lang,
            "title": title,
            "summary": summary,
            "published": "2025-01-01",
            "source_url": "",
            "labels": [],
            "optional": [],
            "company": company,
            "tickers": [],
            "facts": {},
            "note": note,
        }
        out = [base]
        if lang == "zh":
            out.append(
                base
                | {
                    "title": _HK.convert(title),
                    "summary": _HK.convert(summary),
                    "script": "hant",
                    "note": note + " Traditional.",
                }
            )
        return out

    return make


NEGATIVES = [_maker(*row) for row in ROWS]
