"""Web pages saved from a browser (`.html`, `.htm`): read through trafilatura (extract/webpage.py).

The six saved pages of tests/data/layouts/ (`*_html_01.html`) go through `pipeline.inspect`
like any page file; their title, date and first paragraph are checked against
tests/data/layouts/gold.yml. What is not reached yet is marked xfail (strict, so that a fix
shows up). The rest: how read_corpus picks web pages, what it reports when a page has no
article text, and that the same file always gives the same text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build_archive import pipeline
from build_archive.extract import corpus, webpage
from build_archive.extract.page import process_page

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"
GOLD = yaml.safe_load((LAYOUTS / "gold.yml").read_text("utf-8"))["pages"]
PAGES = sorted(name for name in GOLD if name.endswith(".html"))
# Not reached yet, and why (the segmenter's part of issue #21):
NOT_YET: dict[tuple[str, str], str] = {}  # (page, field): why it is not right yet


ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}_开化新闻网</title></head>
<body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/xzdt/">乡镇动态</a></li></ul>
<div class="main"><article>
<h1>{title}</h1>
<div class="info"><span class="time">2022-07-02 09:16:08</span> <span class="author">作者:程立平</span></div>
<div class="content">
<p>7月1日晚,开化县华埠镇老街夜市正式开市,小吃、文创、非遗手作等80余个摊位沿街排开,吸引了大批市民游客。</p>
<p>华埠镇历史上是钱塘江上游的重要商埠,老街保存有明清建筑数十幢。今年以来,镇里对老街进行了风貌整治,并引入夜间经济业态。</p>
<p>“夜市开起来,老街又热闹了,我家的清水鱼一晚上能卖几十份。”摊主余根水说。</p>
</div></article></div>
<div class="footer">Copyright &copy; 2022 开化新闻网 版权所有</div>
</body></html>
"""
TITLE = "华埠镇老街夜市开市 千年古埠再添烟火气"
NO_ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>登录_开化新闻网</title></head>
<body><form action="/login"><input name="user"><input type="password" name="pw"><button>登录</button></form></body></html>
"""


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def inspected():
    articles, report = pipeline.inspect([LAYOUTS / name for name in PAGES])
    by_page: dict[str, list] = {}
    for article in articles:
        by_page.setdefault(Path(article.source).name, []).append(article)
    return by_page, report


def check(page: str, field: str, ok: bool, message: str) -> None:
    if (page, field) in NOT_YET:
        if ok:
            pytest.fail(f"{page} {field} is right now: remove it from NOT_YET")
        pytest.xfail(NOT_YET[page, field])
    assert ok, message


@pytest.mark.parametrize("page", PAGES)
def test_one_article_per_saved_page(inspected, page):
    assert len(inspected[0].get(page, [])) == len(GOLD[page]["articles"]) == 1


@pytest.mark.parametrize("page", PAGES)
def test_title(inspected, page):
    (article,) = inspected[0][page]
    gold = GOLD[page]["articles"][0]["title"]
    check(page, "title", squash(article.title) == squash(gold), f"{article.title!r} (gold {gold!r})")


@pytest.mark.parametrize("page", PAGES)
def test_date(inspected, page):
    (article,) = inspected[0][page]
    gold = GOLD[page]
    assert (article.date, article.date_precision) == (gold["date"], gold["date_precision"])


@pytest.mark.parametrize("page", PAGES)
def test_body_starts_with_the_first_paragraph(inspected, page):
    (article,) = inspected[0][page]
    gold = GOLD[page]["articles"][0]
    first = next(p for p in article.body.split("\n\n") if p.strip() and not p.startswith("## "))
    check(page, "body", squash(first).startswith(squash(gold["first"])), f"{first[:40]!r} (gold {gold['first']!r})")


@pytest.mark.parametrize("page", PAGES)
def test_districts(inspected, page):
    (article,) = inspected[0][page]
    assert list(article.districts) == GOLD[page]["articles"][0]["districts"]


@pytest.mark.parametrize("page", PAGES)
def test_every_character_of_the_page_text_is_accounted_for(page):
    """Conservation on a web page: its page text is what trafilatura extracted (written out by webpage.py)."""
    pages, issues = corpus.read_files([LAYOUTS / page])
    assert issues == [] and len(pages) == 1
    result = process_page(pages[0])
    assert result.unaccounted == 0
    assert result.characters > 100


def test_the_page_text_is_a_dump_the_segmenter_knows():
    text, issues = corpus.read_web_page(ARTICLE.format(charset="utf-8", title=TITLE).encode(), "page.html")
    assert issues == []
    assert text.split("\n\n")[:3] == ["# " + TITLE, "2022年07月02日 星期六", "程立平"]
    assert "首页" not in text and "版权所有" not in text  # site furniture left out by trafilatura


@pytest.mark.parametrize("kicker, subhead, subtitle", [
    ("秋收时节走乡村", "——600亩稻田里的生态账", "秋收时节走乡村 / ——600亩稻田里的生态账"),
    ("秋收时节走乡村", "", "秋收时节走乡村"),
    ("", "——600亩稻田里的生态账", None),  # a subhead alone is left out rather than taken for the headline
    ("", "", None),
])
def test_kicker_and_subhead_printed_around_the_headline(tmp_path, kicker, subhead, subtitle):
    html = (LAYOUTS / "A_html_01.html").read_text("utf-8")
    html = html.replace('<h3 class="yinti"></h3>', f'<h3 class="yinti">{kicker}</h3>')
    html = html.replace('<h2 class="futi"></h2>', f'<h2 class="futi">{subhead}</h2>')
    (tmp_path / "page.html").write_text(html, "utf-8")
    (article,), _ = pipeline.inspect([tmp_path / "page.html"])
    assert (article.title, article.subtitle) == ("横山镇“稻鸭共养”迎来双丰收", subtitle)


NO_DATE = """<html><head><meta charset="utf-8"><title>衢江区举办农民丰收节_衢江新闻网</title></head><body>
<div class="top">{top}</div><div class="nav"><a>首页</a><a>衢江新闻</a></div>
<h1>衢江区举办农民丰收节</h1>{date_line}
<div class="content">
<p>2019年9月23日,衢江区在杜泽镇举办中国农民丰收节庆祝活动,来自全区的500多名农民参加。</p>
<p>活动现场展示了衢江区各乡镇的特色农产品,吸引了大批市民前来选购。</p>
<p>据介绍,衢江区今年粮食总产量预计比去年增长3%。</p>
<script>var published = "2018-05-05";</script>
</div></body></html>"""


@pytest.mark.parametrize("top, date_line, date", [
    # the only full date is the event's, in a sentence: no page date (htmldate says 2019-01-01)
    ("", "", None),
    # the site's top bar shows the day the page was saved: not the publication date
    ("今天是2024年5月8日 星期三", "", None),
    ("今天是2024年5月8日 星期三", '<div class="time">发布时间:2019-09-24 10:02</div>', "2019-09-24"),
    ("", '<div class="info">2019年09月24日 来源:衢江新闻网</div>', "2019-09-24"),
    ("", "<p>2019年09月24日</p>", "2019-09-24"),
    ('<span class="date">2024-05-08</span>', "", None),  # a top bar htmldate reads as markup
    ('<span id="time">2024-05-08 10:00</span>', '<div class="info">2019年09月24日 来源:衢江新闻网</div>', "2019-09-24"),
])
def test_the_page_date_is_printed_below_the_headline_outside_the_sentences(top, date_line, date):
    text, _ = webpage.page_text(NO_DATE.format(top=top, date_line=date_line), "page.html")
    page_dates = [line for line in text.split("\n\n") if re.fullmatch(r"\d{4}年\d\d月\d\d日 星期.", line)]
    assert page_dates == ([] if date is None else [f"{date[:4]}年{date[5:7]}月{date[8:]}日 星期二"])


def test_same_file_same_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE.format(charset="utf-8", title=TITLE), "utf-8")
    texts = {corpus.read_page(path, "page.html")[0] for _ in range(3)}
    assert len(texts) == 1


def test_the_memo_keeps_a_web_page_text_between_builds(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text(ARTICLE.format(charset="utf-8", title=TITLE), "utf-8")
    first = corpus.EncodingMemo({}, {})
    plain = corpus.read_corpus(tmp_path, first)
    assert len(first.current) == 1
    monkeypatch.setattr(webpage, "page_text", lambda *args: pytest.fail("read again"))
    assert corpus.read_corpus(tmp_path, corpus.EncodingMemo(first.current, {})) == plain


@pytest.mark.parametrize("charset, codec", [("gbk", "gbk"), ("gb2312", "gb18030"), ("utf-8", "utf-8")])
def test_the_declared_charset_is_used(charset, codec):
    data = ARTICLE.format(charset=charset, title=TITLE).encode(codec)
    text, issues = corpus.read_web_page(data, "page.html")
    assert issues == [] and TITLE in text


def test_a_page_without_article_text_is_reported_by_name(tmp_path):
    (tmp_path / "login.html").write_text(NO_ARTICLE, "utf-8")
    (tmp_path / "good.htm").write_text(ARTICLE.format(charset="utf-8", title=TITLE), "utf-8")
    articles, report = pipeline.inspect([tmp_path / "login.html", tmp_path / "good.htm"])
    assert [a.title for a in articles] == [TITLE]
    (issue,) = [i for i in report.issues if i.kind == "no-main-text"]
    assert issue.source.endswith("login.html")
    assert "login.html" in str(issue) and "skipped" in str(issue)


def test_read_corpus_reads_web_pages_but_not_what_the_browser_saved_beside_them(tmp_path):
    page = ARTICLE.format(charset="utf-8", title=TITLE)
    (tmp_path / "a.txt").write_text("今日开化\n\n" + TITLE + "\n\n7月1日晚,开化县华埠镇老街夜市正式开市。\n", "utf-8")
    (tmp_path / "b.html").write_text(page, "utf-8")
    (tmp_path / "c.HTM").write_text(page, "utf-8")
    (tmp_path / "b_files").mkdir()
    (tmp_path / "b_files" / "frame.html").write_text(page, "utf-8")  # an iframe of b.html
    (tmp_path / "b_files" / "style.css").write_text("body{}", "utf-8")
    (tmp_path / "notes.md").write_text("not a page", "utf-8")
    (tmp_path / "sources.yml").write_text("files:\n  b.html:\n    paper: 开化新闻网\n", "utf-8")
    pages, issues = corpus.read_corpus(tmp_path)
    assert issues == []
    assert [p.source for p in pages] == ["a.txt", "b.html", "c.HTM"]
    assert pages[1].facts["paper"] == "开化新闻网"  # sources.yml applies by file name
    assert pages[1].text == pages[2].text and pages[1].path == tmp_path / "b.html"


def test_a_web_page_not_in_html_is_still_read_as_its_text():
    """An `.html` file holding plain text (a page dump misnamed) is not lost."""
    text, issues = corpus.read_web_page(
        ("7月1日晚,开化县华埠镇老街夜市正式开市,吸引了大批市民游客。" * 3).encode(), "dump.html")
    assert text is None or "华埠镇" in text
    assert text is not None or [i.kind for i in issues] == ["no-main-text"]


def test_a_big_saved_page_is_read_and_a_huge_one_is_not(tmp_path, monkeypatch):
    page = ARTICLE.format(charset="utf-8", title=TITLE)
    script = "<script>var data = '" + "x" * 3_000_000 + "';</script>"  # WeChat pages carry MBs of script
    (tmp_path / "big.html").write_text(page.replace("</body>", script + "</body>"), "utf-8")
    text, issues = corpus.read_page(tmp_path / "big.html", "big.html")
    assert issues == [] and TITLE in text
    monkeypatch.setattr(corpus, "MAX_WEB_PAGE_BYTES", 1_000_000)
    text, issues = corpus.read_page(tmp_path / "big.html", "big.html")
    assert text is None and [i.kind for i in issues] == ["too-large"] and "web page" in issues[0].message


def test_web_page_suffixes():
    assert webpage.is_web_page("a.html") and webpage.is_web_page("B.HTM") and not webpage.is_web_page("a.txt")


def test_a_post_template_s_banner_goes_above_the_headline_with_the_furniture():
    """`遇见` / `江山里` at the top of a WeChat post's text (a column picture's caption and the
    account's name): not the headline, not a byline, not the body."""
    from build_archive.extract import webpage

    text, _ = webpage.page_text((LAYOUTS / "N_html_01.html").read_text("utf-8"), "N_html_01.html")
    lines = [line for line in text.splitlines() if line]
    assert lines[:3] == ["遇见", "江山里", "# 贺村镇:一颗鸡蛋的“共富路”"]
    assert webpage._banner(["短句", "第一段正文,有标点。"]) == ([], ["短句", "第一段正文,有标点。"])  # one line: no banner
    assert webpage._banner(["遇见", "江山里"]) == ([], ["遇见", "江山里"])  # never the whole text

