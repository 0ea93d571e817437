"""parse_feed over the small fixtures in tests/fixtures/feeds: formats, traps and identity."""

import pickle
import time
from pathlib import Path

import pytest

from schemas.article import Article
from services.classifier.core import classify, load_rules
from services.poller.config import PollerSettings
from services.poller.errors import EmptyBody, FeedError, NotAFeed
from services.poller.normalise import Entry, article_id
from services.poller.parser import ParsedFeed, ParseJob, parse_feed
from services.poller.schedule import adaptive_interval

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
URL = "https://feeds.example.com/news.xml"
NOW = time.time()


def parse(name: str, **job: object) -> ParsedFeed:
    body = (FIXTURES / name).read_bytes()
    return parse_feed(ParseJob(body=body, url=URL, feed_key=URL, now=NOW, **job))  # type: ignore[arg-type]


def titles(feed: ParsedFeed) -> list[str]:
    return [e.title for e in feed.entries]


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("empty.xml", EmptyBody, "empty response body"),
        ("whitespace.xml", EmptyBody, "response body is only whitespace"),
        ("not-a-feed.html", NotAFeed,
         "not a feed: an HTML page; the page advertises a feed at "
         "https://feeds.example.com/news/rss.xml"),
        ("xhtml-404.xml", NotAFeed, "not a feed: an HTML page"),
        ("api-response.xml", NotAFeed, "not a feed: an XML document that is not RSS, RDF or Atom"),
        ("api-response.json", NotAFeed, "not a feed: a JSON document that is not a JSON Feed"),
    ],
)  # fmt: skip
def test_what_is_no_feed_is_an_error(name: str, error: type[FeedError], message: str) -> None:
    with pytest.raises(error) as caught:
        parse(name)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "version", "expected_titles"),
    [
        ("rss091.xml", "rss091n", ["Old item"]),
        ("rss10.rdf", "rss10", ["RDF item"]),
        ("atom10.xml", "atom10", ["Bold title"]),
        ("jsonfeed-1.1.json", "json11", ["First <b>bold</b> story", "", "External"]),
        ("jsonfeed-1.0.json", "json1", ["A"]),
        ("chinese.xml", "rss20", ["小米汽车召回116887辆SU7"]),
    ],
)
def test_formats(name: str, version: str, expected_titles: list[str]) -> None:
    feed = parse(name)
    assert feed.version == version
    assert titles(feed) == expected_titles


def test_atom_fields() -> None:
    feed = parse("atom10.xml")
    [entry] = feed.entries
    assert entry.summary == "x <b> y"  # type="text": markup-looking text is kept as text
    assert entry.content == "Para one\nPara two"
    assert entry.link == "https://example.com/a1"
    assert entry.lang == "fr"
    assert feed.hub == "https://hub.example.com/"
    assert feed.self_url == "https://example.com/atom.xml"


def test_json_feed_fields() -> None:
    feed = parse("jsonfeed-1.1.json")
    first, text_only, external = feed.entries
    assert first.content == "Hello world & all"
    assert first.published == 1709629200.0
    assert first.lang == "en-GB"
    assert text_only.content == "Only text, no title"
    assert text_only.published == 1709719200.0  # date_modified stands in
    assert external.link == "https://other.example.net/3"
    assert external.lang == "de"
    assert feed.hub == "https://hub.example.org/"


def test_rss_ttl_and_language() -> None:
    feed = parse("rss091.xml")
    assert feed.ttl == 90 * 60
    assert feed.lang == "en-US"
    assert feed.entries[0].summary == "Escaped & markup"


def test_xxe_is_never_expanded() -> None:
    [entry] = parse("xxe-file.xml").entries
    assert "root:" not in entry.title + entry.summary
    assert entry.title == "Leak &xxe;"


def test_quadratic_blowup_is_not_expanded() -> None:
    [entry] = parse("quadratic-blowup.xml").entries
    assert len(entry.summary) < 20_000
    assert "AAAA" not in entry.summary


def test_small_internal_entities_still_work() -> None:
    [entry] = parse("small-entities.xml").entries
    assert entry.title == "Acme Corp recalls widgets © ®"
    assert entry.summary == "From Acme Corp, &undefinedthing; stays literal"


@pytest.mark.parametrize(
    ("title", "published"),
    [
        ("epoch", 1709632800.0),
        ("epoch-ms", 1709632800.0),
        ("slashes", 1578666780.0),
        ("chinese", 1709632800.0),
        ("bad-offset", None),
        ("year-9999", None),
        ("feb-30", None),
        ("rfc822", 1709629200.0),
        ("garbage", None),
    ],
)
def test_dates(title: str, published: float | None) -> None:
    by_title = {e.title: e for e in parse("bad-dates.xml").entries}
    assert by_title[title].published == published


def test_dangerous_links_are_dropped() -> None:
    links = {e.title: e.link for e in parse("dangerous-links.xml").entries}
    assert links == {
        "js": None, "data": None, "file": None, "metadata": None, "loopback": None,
        "private": None, "vbscript": None,
        "tracking": "https://news.example.com/a/b?id=5",
        "relative": "https://feeds.example.com/relative/path",
    }  # fmt: skip


def test_control_characters_are_stripped() -> None:
    first, second = parse("control-chars.xml").entries
    # U+0085 is a windows-1252 ellipsis that was mis-decoded; feedparser "demoronizes" it
    assert first.title == "NUL SOH ESC here …end"
    assert first.summary == "fine text"
    assert second.title == "clean"


def test_duplicate_ids_keep_the_newest() -> None:
    feed = parse("duplicate-guids.atom.xml")
    assert titles(feed) == ["newest version", "other case"]  # ids are case-sensitive
    assert feed.duplicates == 2


def test_one_bad_byte_does_not_garble_clean_items() -> None:
    feed = parse("mostly-utf8-bad-byte.xml")
    assert titles(feed) == ["broken \ufffd byte", "clean café €"]
    assert feed.bozo == "1 invalid UTF-8 sequences replaced"


def test_windows_1252_mislabelled_as_utf8() -> None:
    assert titles(parse("windows-1252-declared-utf8.xml")) == ["“quoted” café €"]


def test_truncated_document_keeps_complete_items() -> None:
    feed = parse("truncated.xml")
    assert titles(feed) == ["one", "two"]
    assert feed.bozo is not None


def test_entries_without_guid_or_link_get_stable_ids() -> None:
    first = parse("no-guid-no-link.xml").entries
    again = parse("no-guid-no-link.xml").entries
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == 3
    assert all(len(e.id) == 32 for e in first)


def test_ids_are_namespaced_by_feed_for_guids() -> None:
    body = (FIXTURES / "rss091.xml").read_bytes()
    a = parse_feed(ParseJob(body=body, url=URL, feed_key="https://a.example/feed"))
    b = parse_feed(ParseJob(body=body, url=URL, feed_key="https://b.example/feed"))
    # an item without a guid: the id comes from the link, the same in both feeds
    assert a.entries[0].id == b.entries[0].id
    guid_a = parse_feed(ParseJob(body=(FIXTURES / "bad-dates.xml").read_bytes(), url=URL,
                                 feed_key="https://a.example/feed"))  # fmt: skip
    guid_b = parse_feed(ParseJob(body=(FIXTURES / "bad-dates.xml").read_bytes(), url=URL,
                                 feed_key="https://b.example/feed"))  # fmt: skip
    assert guid_a.entries[0].id != guid_b.entries[0].id


def test_entry_cap() -> None:
    feed = parse("bad-dates.xml", max_entries=3)
    assert len(feed.entries) == 3
    assert feed.bozo == "kept the first 3 of 9 entries"


def test_config_language_is_the_fallback() -> None:
    feed = parse("bad-dates.xml", lang="de")
    assert {e.lang for e in feed.entries} == {"de"}


def test_entries_cross_process_boundary() -> None:
    feed = parse("atom10.xml")
    assert pickle.loads(pickle.dumps(feed)) == feed
    assert isinstance(feed.entries[0], Entry)


def test_known_ids_come_back_as_stubs() -> None:
    full = parse("rss091.xml").entries + parse("bad-dates.xml").entries
    known = frozenset(e.id for e in parse("bad-dates.xml").entries[:3])
    again = parse("bad-dates.xml", known=known).entries
    assert [e.complete for e in again] == [False] * 3 + [True] * 6
    assert all(e.title == "" for e in again[:3])
    assert [e.id for e in again] == [e.id for e in full[1:]]


UNDECLARED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>'
    "<item><title>{title}</title><description>{text}</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("encoding", "feed", "title", "text"),
    [
        ("gbk", "新能源汽车快讯", "小米汽车召回11.6万辆SU7 将通过OTA升级修复辅助驾驶缺陷",
         "据国家市场监督管理总局消息，小米汽车科技有限公司决定召回部分车辆。"),  # noqa: RUF001
        ("big5", "財經新聞", "鴻海下調全年營收目標 電動車交付量不如預期",
         "公司表示，受到市場需求疲弱影響，將調整今年的財務預測。"),  # noqa: RUF001
        ("shift_jis", "経済ニュース", "トヨタ、プリウス21万台をリコール 後部ドアの不具合で",
         "国土交通省に届け出た。対象は2023年から製造された車両。"),
        ("euc_kr", "경제 뉴스", "현대차, 아이오닉5 13만대 리콜",
         "국토교통부에 따르면 현대자동차가 리콜을 실시한다고 밝혔다."),
    ],
)  # fmt: skip
def test_an_undeclared_cjk_encoding_is_detected(
    encoding: str, feed: str, title: str, text: str
) -> None:
    body = UNDECLARED.format(feed=feed, title=title, text=text).encode(encoding)
    parsed = parse_feed(ParseJob(body=body, url=URL, feed_key=URL, now=NOW))
    assert titles(parsed) == [title]


def test_undeclared_latin_text_stays_windows_1252() -> None:
    title = "Café naïve – crème brûlée recall “quoted” €"  # noqa: RUF001
    body = UNDECLARED.format(feed="Wire", title=title, text="Déjà vu.").encode("windows-1252")
    parsed = parse_feed(ParseJob(body=body, url=URL, feed_key=URL, now=NOW))
    assert titles(parsed) == [title]


def test_stubs_of_published_entries_keep_their_dates_for_the_adaptive_interval() -> None:
    """A running poller parses its last ids as stubs; they must still count in the week's
    entry rate, or the adaptive interval falls to max_interval after the second change."""
    now = time.time()
    items = "".join(
        f"<item><guid>g{i}</guid><title>Story {i}</title>"
        f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(now - i * 3600))}"
        "</pubDate></item>"
        for i in range(12)
    )
    body = f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    full = parse_feed(ParseJob(body=body, url=URL, feed_key=URL, now=now))
    known = frozenset(e.id for e in full.entries[1:])
    again = parse_feed(ParseJob(body=body, url=URL, feed_key=URL, now=now, known=known))
    assert [e.complete for e in again.entries] == [True] + [False] * 11
    assert [e.published for e in again.entries] == [e.published for e in full.entries]
    settings = PollerSettings(min_interval=60, max_interval=86400)
    expected = adaptive_interval([e.published for e in full.entries], now, settings)
    assert expected == 7 * 86400 / 12
    assert adaptive_interval([e.published for e in again.entries], now, settings) == expected


LISTED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Charter train carrying lawmakers hits a rubbish lorry</title>
<description>&lt;ul&gt;&lt;li&gt;A man in the lorry was killed&lt;/li&gt;&lt;li&gt;Two crew
members and two passengers were taken to hospital&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;The train was
on its way to a retreat.&lt;/p&gt;</description></item>
</channel></rss>"""


def test_a_summarys_list_items_and_paragraphs_stay_apart() -> None:
    (entry,) = parse_feed(ParseJob(body=LISTED, url=URL, feed_key=URL, now=NOW)).entries
    assert entry.summary.splitlines() == [
        "A man in the lorry was killed",
        "Two crew members and two passengers were taken to hospital",
        "The train was on its way to a retreat.",
    ]
    # Ids from text (no guid, no link) are what they were when summaries were one line.
    flat = " ".join(entry.summary.split())
    assert entry.id == article_id(URL, None, None, entry.title or flat)
    untitled = parse_feed(
        ParseJob(body=LISTED.replace(b"<title>Charter", b"<x>").replace(b"lorry</title>", b"</x>"),
                 url=URL, feed_key=URL, now=NOW)
    ).entries[0]  # fmt: skip
    assert untitled.title == ""
    assert untitled.id == article_id(URL, None, None, flat)


def test_the_classifier_reads_a_summarys_list_items_as_separate_statements() -> None:
    (entry,) = parse_feed(ParseJob(body=LISTED, url=URL, feed_key=URL, now=NOW)).entries
    article = Article(id=entry.id, feed="news", title=entry.title, summary=entry.summary)
    (crash,) = [e for e in classify(article, load_rules()) if e.type == "crash"]
    assert crash.facts.fatalities == 1  # not "killed Two crew members and two passengers": 4
    assert crash.facts.injuries == 4
