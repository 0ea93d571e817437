"""Articles per second through `classify` on one core, beside two baselines.

    python benchmarks/bench_classify.py [--items 6000] [--repeat 3] [--seed 7]

Items are generated deterministically: title + summary + a ~2 KB body of news prose in
English and Chinese; about a fifth report a recall, crash or target change, many others carry
the words that look like one (market crashes, crash tests, targeted ads, forecasts, fires).
Printed in the same run: the classify rate, the rate of merely `json.loads` + `json.dumps` of
the same items, their ratio, and a naive three-regex keyword filter's rate.
"""

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.classifier.core import classify, load_rules  # noqa: E402

BODY_CHARS = 2000
EVENT_SHARE = 0.2
ZH_SHARE = 0.25

COMPANIES = ["Toyota", "Honda", "Ford", "Tesla", "Nissan", "Rivian", "Lucid", "Polaris", "Medtronic"]
ZH_COMPANIES = ["比亚迪", "吉利汽车", "长城汽车", "小鹏汽车", "蔚来", "理想汽车", "长安汽车"]
PLAIN = [
    "{c} said on {day} that quarterly revenue rose {p}% to ${n} billion, helped by strong demand in North America and a weaker yen, while costs for materials eased.",
    "Shares of {c} closed {p}% higher after the company unveiled a redesigned model with a longer range and a lower price, analysts said in notes to clients.",
    "The central bank kept interest rates unchanged and said inflation would return to its 2% target next year, as markets priced in two cuts by December.",
    "Stocks fell sharply on {day} as investors weighed trade tensions; the index dropped {p}% in a market crash that erased gains for the year.",
    "Lawmakers debated a bill on data privacy that would restrict targeted ads aimed at teenagers and give users more control over their information.",
    "The new model earned five stars in crash tests, with a reinforced crash structure and crumple zones that absorb energy in a frontal collision.",
    "Weather forecasters expect heavy rain along the coast this weekend, and officials warned residents to prepare for possible flooding.",
    "The app suffered an outage for several hours when its servers crashed under heavy load during a promotion, the company said.",
    "Fans recall the night the team won its first title; the coach said he remembers the crowd and the noise as if it were yesterday.",
    "{c} opened a new plant employing {n},000 workers and said it remains on track to meet its full-year outlook, which it reaffirmed.",
    "Firefighters brought a wildfire under control after it burned {n},000 acres; no homes were lost and the cause is under investigation.",
    "The retailer's new campaign targets younger shoppers with lower prices and a loyalty app, its marketing chief said in an interview.",
]
EVENTS = [
    "{c} is recalling {n},{m}00 vehicles because a fuel pump may fail and cause the engine to stall, according to a filing with regulators.",
    "{c} raised its full-year operating profit forecast to {n} billion dollars from {k} billion after a strong quarter.",
    "A bus carrying {n} passengers overturned on a highway near the border on {day}, killing {k} people and injuring dozens, police said.",
    "Analysts at a major bank cut their price target on {c} to ${n} from ${m}0, citing slower deliveries.",
    "{c} cut its 2025 delivery target to {n}0,000 vehicles from {m}0,000, citing weaker demand.",
]
ZH_PLAIN = [
    "{c}{day}公布的数据显示,一季度营收同比增长{p}%,毛利率有所改善,公司表示将继续加大研发投入。",
    "受海外市场波动影响,A股三大股指{day}集体下跌,沪指跌{p}%,两市成交额较上一交易日有所放大。",
    "中保研公布最新一批测评结果,多款车型在碰撞测试中获得优秀评价,车身结构和防撞梁表现突出。",
    "{c}表示,公司此前公布的年度销量目标维持不变,将通过新车型和海外市场拓展实现增长。",
    "气象部门预计,本周末南方地区将出现强降雨天气,提醒市民注意出行安全。",
]
ZH_EVENTS = [
    "{c}向国家市场监督管理总局备案召回计划,召回部分车型共{n}{m}00辆,将通过OTA免费升级修复。",
    "{day}凌晨,一辆货车在高速公路上追尾前方客车,事故造成{k}人死亡、{n}人受伤。",
    "{c}将2025年销量目标由{m}0万辆下调至{n}0万辆。",
    "高盛发表报告,上调{c}目标价至{n}港元,维持买入评级。",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True, slots=True)
class Item:
    """A generated article (a `core.Text`)."""

    title: str
    summary: str
    content: str
    lang: str | None


def make_items(count: int, seed: int) -> list[Item]:
    """Deterministic items: title + summary + ~2 KB body, a fifth of them events."""
    rng = random.Random(seed)
    return [_item(rng) for _ in range(count)]


def _fill(rng: random.Random, template: str, zh: bool) -> str:
    return template.format(
        c=rng.choice(ZH_COMPANIES if zh else COMPANIES),
        day=rng.choice(["周一", "周二", "周三"] if zh else DAYS),
        n=rng.randint(2, 9),
        m=rng.randint(1, 9),
        k=rng.randint(1, 9),
        p=rng.randint(1, 9),
    )


def _item(rng: random.Random) -> Item:
    zh = rng.random() < ZH_SHARE
    plain, events = (ZH_PLAIN, ZH_EVENTS) if zh else (PLAIN, EVENTS)
    lead = _fill(rng, rng.choice(events if rng.random() < EVENT_SHARE else plain), zh)
    title = lead.split("," if not zh else ",")[0][:90]
    body: list[str] = [lead]
    while sum(len(p) for p in body) < BODY_CHARS:
        body.append(_fill(rng, rng.choice(plain), zh))
    return Item(title, _fill(rng, rng.choice(plain), zh), "\n\n".join(body), "zh" if zh else "en")


def rate(func: Callable[[Item], object], items: Sequence[Item], repeat: int) -> float:
    """Best-of-`repeat` items per second."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    items = make_items(args.items, args.seed)
    rules = load_rules()
    lines = {id(i): json.dumps(_as_dict(i, n), ensure_ascii=False) for n, i in enumerate(items)}
    naive = [re.compile(r"recall"), re.compile(r"crash"), re.compile(r"target")]

    def naive_filter(item: Item) -> object:
        text = f"{item.title}\n{item.summary}\n{item.content}".lower()
        return [p.pattern for p in naive if p.search(text)]

    def json_only(item: Item) -> object:
        return json.dumps(json.loads(lines[id(item)]), ensure_ascii=False)

    events = sum(bool(classify(i, rules)) for i in items)
    classify_rate = rate(lambda i: classify(i, rules), items, args.repeat)
    json_rate = rate(json_only, items, args.repeat)
    naive_rate = rate(naive_filter, items, args.repeat)
    size = sum(len(i.title) + len(i.summary) + len(i.content) for i in items) / len(items)
    print(f"items: {len(items)} (mean {size:.0f} chars, {events} with events), best of {args.repeat}, one core")
    print(f"classify:               {classify_rate:10,.0f} articles/s")
    print(f"json.loads+json.dumps:  {json_rate:10,.0f} articles/s")
    print(f"ratio classify/json:    {classify_rate / json_rate:10.2f}")
    print(f"naive three-regex:      {naive_rate:10,.0f} articles/s")
    return 0


def _as_dict(item: Item, n: int) -> dict[str, object]:
    return {"id": str(n), "title": item.title, "summary": item.summary, "content": item.content, "lang": item.lang}


if __name__ == "__main__":
    sys.exit(main())
