"""Articles per second through `classify` on one core, beside two baselines.

    python benchmarks/bench_classify.py [--items 6000] [--repeat 3] [--seed 7]
                                        [--events E --distractors D] [--config F | --no-watchlist]
                                        [--cpu-time] [--startup-only] [--compiled]

Items are generated deterministically: title + summary + a ~2 KB body of news prose, a
quarter in Chinese. A share of them report a recall, crash or target change in their lead;
another share carry a paragraph with the words of one in another sense (market crashes, crash
tests, targeted ads, inflation targets, weather forecasts, wildfires). Two mixes run by
default, one after the other in the same process:
  feed-like: 3% events, 9% decoys, so that about 8% pass the screen, as 8% of the 976 real
             feed items in ../shared/feeds-corpus/real do (measured when the rules were built);
  stress:    10% events, 30% decoys, about 27% past the screen;
  event-heavy: 45% events, 40% decoys: two thirds of the items are events or near-misses.
`--events`/`--distractors` run one mix of your own instead. The rules load the watchlist of
the example config (deploy/config/redflag.example.yaml, 121 companies; `--config` another,
`--no-watchlist` none), and the items name its companies. Start-up is timed in a fresh
process: importing the classifier and `load_rules(watchlist)`.
Printed in the same run: the classify rate, the rate of merely `json.loads` + `json.dumps` of
the same items, their ratio, and the rate of a naive three-regex keyword filter, written the
two ways one writes it first: word regexes with re.IGNORECASE, and literals on lowercased text.
Start-up is printed twice: with the on-disk cache of expanded lexicons (filled first if empty)
and with an empty one, as a first start after an install or a lexicon edit.
`--cpu-time` times with `time.process_time` (this process's CPU time) instead of the wall
clock: steadier on a shared machine when comparing two versions of the code one after the other.
`--startup-only` prints the start-up lines and stops. `--compiled` times the classifier as wheels
and the Docker image run it, compiled by mypyc (it builds that wheel first, see
`benchmarks/compiled.py`); an editable checkout runs the sources. The first line says which ran.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.app.settings import load_settings
from services.classifier.core import Rules, classify, load_rules
from services.classifier.text import lower

SITE = Path(sys.modules["services"].__file__ or ".").resolve().parents[1]
COMPILED = not str(sys.modules["services.classifier.core"].__file__).endswith(".py")

BODY_CHARS = 2000
EVENT_SHARE = 0.1  # articles that report an event (--events)
DISTRACTOR_SHARE = 0.3  # articles with a paragraph of event words in another sense (--distractors)
MIXES = {
    "feed-like": (0.03, 0.09),
    "stress": (EVENT_SHARE, DISTRACTOR_SHARE),
    "event-heavy": (0.45, 0.40),
}
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = ROOT / "deploy" / "config" / "redflag.example.yaml"
ZH_SHARE = 0.25

COMPANIES = [
    "Toyota",
    "Honda",
    "Ford",
    "Tesla",
    "Nissan",
    "Rivian",
    "Lucid",
    "Polaris",
    "Medtronic",
]
ZH_COMPANIES = ["比亚迪", "吉利汽车", "长城汽车", "小鹏汽车", "蔚来", "理想汽车", "长安汽车"]
# Ordinary news prose: most of every page.
PLAIN = [
    (
        "{c} said on {day} that quarterly revenue rose {p}% to ${n} billion, helped by "
        "strong demand in North America and a weaker yen, while costs for materials eased."
    ),
    (
        "Shares of {c} closed {p}% higher after the company unveiled a redesigned model with "
        "a longer range and a lower price, analysts said in notes to clients."
    ),
    (
        "The company opened a new plant employing {n},000 workers in the south of the "
        "country and said it would hire more engineers for its software division next year."
    ),
    (
        "Executives told reporters that dealers had more cars in stock than a year ago and "
        "that discounts were likely to stay until the summer selling season."
    ),
    (
        "The chief executive, who took over in {day}'s reshuffle, has promised to simplify "
        "the model line-up and to spend less on marketing and more on batteries."
    ),
    (
        "Union leaders and management are due to meet next week to discuss wages, pensions "
        "and the pace of the shift to electric vehicles at the group's factories."
    ),
    (
        "Regulators in Brussels opened a consultation on charging standards, asking "
        "carmakers, utilities and consumer groups to send comments within ninety days."
    ),
    (
        "The startup raised ${n}00 million in a funding round led by a sovereign wealth "
        "fund, valuing it at about ${k} billion including the new money."
    ),
]
# Prose with the words of an event in another sense: a page holds one now and then.
DISTRACTORS = [
    (
        "Stocks fell sharply on {day} as investors weighed trade tensions; the index dropped "
        "{p}% in a market crash that erased gains for the year."
    ),
    (
        "The central bank kept interest rates unchanged and said inflation would return to "
        "its 2% target next year, as markets priced in two cuts by December."
    ),
    (
        "Lawmakers debated a bill on data privacy that would restrict targeted ads aimed at "
        "teenagers and give users more control over their information."
    ),
    (
        "The new model earned five stars in crash tests, with a reinforced crash structure "
        "and crumple zones that absorb energy in a frontal collision."
    ),
    (
        "Weather forecasters expect heavy rain along the coast this weekend, and officials "
        "warned residents to prepare for possible flooding."
    ),
    (
        "The app suffered an outage for several hours when its servers crashed under heavy "
        "load during a promotion, the company said."
    ),
    (
        "Fans recall the night the team won its first title; the coach said he remembers the "
        "crowd and the noise as if it were yesterday."
    ),
    (
        "{c} said it remains on track to meet its full-year outlook, which it reaffirmed, "
        "and kept its delivery goal for the year unchanged."
    ),
    (
        "Firefighters brought a wildfire under control after it burned {n},000 acres; no "
        "homes were lost and the cause is under investigation."
    ),
    (
        "The retailer's new campaign targets younger shoppers with a loyalty app, its "
        "marketing chief said in an interview."
    ),
]
EVENTS = [
    (
        "{c} is recalling {n},{m}00 vehicles because a fuel pump may fail and cause the "
        "engine to stall, according to a filing with regulators."
    ),
    (
        "{c} raised its full-year operating profit forecast to {n} billion dollars from {k} "
        "billion after a strong quarter."
    ),
    (
        "A bus carrying {n} passengers overturned on a highway near the border on {day}, "
        "killing {k} people and injuring dozens, police said."
    ),
    (
        "Analysts at a major bank cut their price target on {c} to ${n} from ${m}0, citing "
        "slower deliveries."
    ),
    "{c} cut its 2025 delivery target to {n}0,000 vehicles from {m}0,000, citing weaker demand.",
]
ZH_PLAIN = [
    "{c}{day}公布的数据显示,一季度营收同比增长{p}%,毛利率有所改善,公司表示将继续加大研发投入。",
    "{c}新工厂正式投产,年产能{n}0万辆,当地政府表示将配套建设充电设施和物流园区。",
    "多家车企近日下调部分车型售价,业内人士认为价格竞争仍将持续,经销商库存压力有所缓解。",
    "新能源汽车下乡活动在多个省份启动,参与车型超过{n}0款,消费者可享受补贴和免费充电等优惠。",
]
ZH_DISTRACTORS = [
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


def make_items(
    count: int, seed: int, events: float = EVENT_SHARE, distractors: float = DISTRACTOR_SHARE
) -> list[Item]:
    """Deterministic items: title + summary + ~2 KB body; `events` of them report one."""
    rng = random.Random(seed)
    return [_item(rng, events, distractors) for _ in range(count)]


def _fill(rng: random.Random, template: str, zh: bool) -> str:
    return template.format(
        c=rng.choice(ZH_COMPANIES if zh else COMPANIES),
        day=rng.choice(["周一", "周二", "周三"] if zh else DAYS),
        n=rng.randint(2, 9),
        m=rng.randint(1, 9),
        k=rng.randint(1, 9),
        p=rng.randint(1, 9),
    )


def _item(rng: random.Random, event_share: float, distractor_share: float) -> Item:
    zh = rng.random() < ZH_SHARE
    plain, distractors, events = (
        (ZH_PLAIN, ZH_DISTRACTORS, ZH_EVENTS) if zh else (PLAIN, DISTRACTORS, EVENTS)
    )
    lead = _fill(rng, rng.choice(events if rng.random() < event_share else plain), zh)
    title = lead.split(",")[0][:90]
    body: list[str] = [lead]
    while sum(len(p) for p in body) < BODY_CHARS:
        body.append(_fill(rng, rng.choice(plain), zh))
    if rng.random() < distractor_share:
        body.insert(rng.randrange(1, len(body) + 1), _fill(rng, rng.choice(distractors), zh))
    return Item(title, _fill(rng, rng.choice(plain), zh), "\n\n".join(body), "zh" if zh else "en")


CLOCK: list[Callable[[], float]] = [time.perf_counter]  # time.process_time with --cpu-time


def rate(func: Callable[[Item], object], items: Sequence[Item], repeat: int) -> float:
    """Best-of-`repeat` items per second."""
    clock = CLOCK[0]
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for item in items:
            func(item)
        best = min(best, clock() - start)
    return len(items) / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--events", type=float, help="share of event items")
    parser.add_argument("--distractors", type=float, help="share of decoy items")
    parser.add_argument("--config", type=Path, default=EXAMPLE_CONFIG, help="watchlist source")
    parser.add_argument("--no-watchlist", action="store_true", help="load no watchlist")
    parser.add_argument("--cpu-time", action="store_true", help="time CPU, not the wall clock")
    parser.add_argument("--startup-only", action="store_true", help="time start-up, no mixes")
    parser.add_argument(
        "--compiled", action="store_true", help="time the classifier compiled, as wheels ship it"
    )
    args = parser.parse_args(argv)
    if args.compiled and not COMPILED:  # the same run, through the compiled wheel's tree
        rest = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--compiled"]
        compiled = str(ROOT / "benchmarks" / "compiled.py")
        os.execv(sys.executable, [sys.executable, compiled, str(Path(__file__).resolve()), *rest])
    if args.cpu_time:
        CLOCK[0] = time.process_time
    watchlist = () if args.no_watchlist else load_settings(str(args.config)).watchlist
    build = "compiled (mypyc, as wheels ship it)" if COMPILED else "pure Python (the sources)"
    print(f"classifier: {build}")
    startup(args)  # fills the on-disk cache if it is empty or stale
    for label, cache in (("", None), (", empty cache", "cold")):
        total, imp, conf, load, first = startup(args, cache)
        print(
            f"start-up (fresh process, import + load_rules{label}): {total:.3f} s "
            f"(import {imp:.3f}, config {conf:.3f}, load_rules {load:.3f}; "
            f"then a first event {first:.3f})"
        )
    if args.startup_only:
        return 0
    rules = load_rules(watchlist)
    print(f"watchlist: {len(watchlist)} companies")
    if watchlist:  # items about the watched companies, named as the watchlist names them
        COMPANIES[:] = [c.company for c in watchlist if c.company.isascii()][:40]
        cjk = [a for c in watchlist for a in c.aliases if not a.isascii()][:40]
        ZH_COMPANIES[:] = cjk or ZH_COMPANIES
    if args.events is None and args.distractors is None:
        mixes = MIXES
    else:
        mixes = {
            "custom": (
                EVENT_SHARE if args.events is None else args.events,
                DISTRACTOR_SHARE if args.distractors is None else args.distractors,
            )
        }
    for name, (events, distractors) in mixes.items():
        print(f"== mix: {name} ({events:.0%} events, {distractors:.0%} decoys)")
        bench_mix(make_items(args.items, args.seed, events, distractors), rules, args.repeat)
    return 0


STARTUP = """
import sys, time
t0 = time.perf_counter()
from services.classifier.core import classify, load_rules
t1 = time.perf_counter()
from services.app.settings import load_settings
w = () if {no_watchlist!r} else load_settings({config!r}).watchlist
t2 = time.perf_counter()
rules = load_rules(w)
t3 = time.perf_counter()
from types import SimpleNamespace as A
item = A(title="Toyota recalls 40,000 cars over airbags", summary="", content="", lang=None)
classify(item, rules)
t4 = time.perf_counter()
print(t3 - t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def startup(args: argparse.Namespace, cache: str | None = None) -> list[float]:
    """Seconds a fresh interpreter takes to import the classifier and load its rules (best of
    3): the whole, then importing the classifier, loading the config, `load_rules`, and the
    first classification of an event (which compiles the regexes it uses). `cache`: the
    XDG_CACHE_HOME to use ("cold": an empty one per run; None: the user's own)."""
    code = STARTUP.format(no_watchlist=args.no_watchlist, config=str(args.config))
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ)
            if cache == "cold":
                env["XDG_CACHE_HOME"] = empty
            flags = []
            if SITE != ROOT:  # run from benchmarks/compiled.py: the child imports the wheel too
                env["PYTHONPATH"] = os.pathsep.join([str(SITE), env.get("PYTHONPATH", "")])
                flags = ["-P"]  # and not the sources of the working directory
            done = subprocess.run(
                [sys.executable, *flags, "-c", code],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
        runs.append([float(x) for x in done.stdout.split()])
    return min(runs)


def bench_mix(items: list[Item], rules: Rules, repeat: int) -> None:
    """Print the classify rate and its same-run baselines for one mix of items."""
    lines = {id(i): json.dumps(_as_dict(i, n), ensure_ascii=False) for n, i in enumerate(items)}
    # The keyword filter one writes first: three case-insensitive word regexes.
    naive = [re.compile(rf"\b{word}", re.IGNORECASE) for word in ("recall", "crash", "target")]

    def naive_filter(item: Item) -> object:
        text = f"{item.title}\n{item.summary}\n{item.content}"
        return [p.pattern for p in naive if p.search(text)]

    literal = [re.compile(word) for word in ("recall", "crash", "target")]

    def literal_filter(item: Item) -> object:
        text = f"{item.title}\n{item.summary}\n{item.content}".lower()
        return [p.pattern for p in literal if p.search(text)]

    def json_only(item: Item) -> object:
        return json.dumps(json.loads(lines[id(item)]), ensure_ascii=False)

    events = sum(bool(classify(i, rules)) for i in items)
    screened = sum(bool(rules.screen(lower(f"{i.title}\n{i.summary}\n{i.content}"))) for i in items)
    classify_rate = rate(lambda i: classify(i, rules), items, repeat)
    json_rate = rate(json_only, items, repeat)
    naive_rate = rate(naive_filter, items, repeat)
    literal_rate = rate(literal_filter, items, repeat)
    size = sum(len(i.title) + len(i.summary) + len(i.content) for i in items) / len(items)
    print(f"items: {len(items)}, mean {size:.0f} chars, {events} with events,")
    print(f"       {screened} past the screen; best of {repeat} runs, one core")
    print(f"classify:                     {classify_rate:10,.0f} articles/s")
    print(f"json.loads + json.dumps:      {json_rate:10,.0f} articles/s")
    print(f"ratio classify / json:        {classify_rate / json_rate:10.2f}")
    print(f"naive three-regex filter:     {naive_rate:10,.0f} articles/s  (\\bword, re.I)")
    print(f"  the same on lowercased text: {literal_rate:10,.0f} articles/s  (literals)")
    print(f"ratio classify / naive filter: {classify_rate / naive_rate:9.2f}")


def _as_dict(item: Item, n: int) -> dict[str, object]:
    return {
        "id": str(n),
        "title": item.title,
        "summary": item.summary,
        "content": item.content,
        "lang": item.lang,
    }


if __name__ == "__main__":
    sys.exit(main())
