"""The article page: header, chips, notes, related, previous/next, citation, report-an-error.

Browser checks run on the real sample build (tests/conftest.py), over http
under a sub-path and from file://; the template itself is also rendered
directly with hostile values.
"""
from __future__ import annotations

import html
import re
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import pytest
import yaml

from build_archive import addresses
from build_archive.site import indexes, builder

PROJECT = Path(__file__).resolve().parent.parent


def front_matters(built: Path) -> list[dict]:
    out = []
    for path in sorted((built / "docs" / "articles").rglob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        out.append({**meta, "body": body, "url": path.relative_to(built / "docs").with_suffix(".html").as_posix()})
    return out


def one(built: Path, test) -> dict:
    return next(m for m in front_matters(built) if test(m))


@pytest.fixture(params=["http", "file"])
def base(request, built):
    """The site's root URL, served under /repo/ or opened from disk."""
    return request.getfixturevalue("served") if request.param == "http" else (built / "site").as_uri() + "/"


def open_article(page, base: str, meta: dict) -> None:
    page.goto(base + meta["url"])
    page.locator("h1").wait_for()
    assert page.locator("h1").inner_text() == meta["title"]


# --- header ------------------------------------------------------------------------------


def test_header_shows_date_precision_paper_page_and_authors(built, base, page):
    meta = one(built, lambda m: m["paper"] and m["page"] and m["date_precision"] == "month" and m["authors"])
    open_article(page, base, meta)
    assert page.locator(".qz-date").inner_text() == meta["date_display"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月", meta["date_display"])  # month only: no day invented
    assert page.locator(".qz-date").get_attribute("title") == "原版面只能确定到月份"
    assert page.locator(".qz-paper").inner_text() == meta["paper"]
    assert page.locator(".qz-page").inner_text() == meta["page"]
    assert page.locator(".qz-authors a").all_inner_texts() == meta["authors"]


def test_day_precision_has_no_precision_note(built, base, page):
    meta = one(built, lambda m: m["date_precision"] == "day")
    open_article(page, base, meta)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", page.locator(".qz-date").inner_text())
    assert page.locator(".qz-date").get_attribute("title") is None


def test_a_date_inferred_from_the_text_says_so(built, base, page):
    meta = one(built, lambda m: m["date"] and m.get("date_source") == "text")
    open_article(page, base, meta)
    guess = page.locator(".qz-date-guess")
    assert guess.inner_text() == "推断"
    assert "推断" in guess.get_attribute("title") and "正文" in guess.get_attribute("title")
    printed = one(built, lambda m: m["date"] and m.get("date_source") in ("masthead", "page", "sources.yml"))
    open_article(page, base, printed)
    assert page.locator(".qz-date-guess").count() == 0


def test_chips_and_author_links_open_their_index_pages(built, base, page):
    meta = one(built, lambda m: len(m["themes"]) >= 2 and m["authors"])
    open_article(page, base, meta)
    chips = page.locator(".qz-authors a, .qz-chip--district, .qz-chip--theme")  # in page order
    expected = meta["authors"] + meta["districts"] + meta["themes"]
    assert chips.all_inner_texts() == expected
    targets = [(chips.nth(i).inner_text(), chips.nth(i).evaluate("a => a.href")) for i in range(chips.count())]
    for name, href in targets:
        assert href.startswith(base) and href.endswith(".html")
        page.goto(href)
        assert page.locator("article h1").first.inner_text() == name


def test_every_chip_of_every_article_names_an_existing_page(built):
    for meta in front_matters(built):
        text = (built / "site" / meta["url"]).read_text("utf-8")
        hrefs = re.findall(r'class="qz-chip[^"]*" href="([^"]+)"', text)
        assert len(hrefs) == len(meta["districts"]) + len(meta["themes"])
        for href in hrefs:
            target = (built / "site" / meta["url"]).parent / unquote(href)
            assert target.resolve().is_file(), (meta["url"], href)


def test_continued_and_gap_notes(built, base, page):
    continued = one(built, lambda m: m["continued"])
    open_article(page, base, continued)
    assert "没有登完" in page.locator(".qz-note--continued").inner_text()
    assert page.locator(".qz-cut").is_visible()
    gapped = one(built, lambda m: m["gaps"] and not m["continued"])
    open_article(page, base, gapped)
    assert page.locator(".qz-note--gap q").all_inner_texts() == gapped["gaps"]
    assert page.locator(".qz-note--continued").count() == 0


def test_sections_and_captions_are_styled_as_such(built, base, page):
    meta = one(built, lambda m: len(m["captions"]) >= 2 and "\n## " in m["body"])
    open_article(page, base, meta)
    assert page.locator(".qz-body h2").count() == meta["body"].count("\n## ")
    captions = page.locator(".qz-caption figcaption")
    assert captions.all_inner_texts() == meta["captions"]
    size = lambda locator: float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    colour = lambda locator: locator.evaluate("e => getComputedStyle(e).color")
    paragraph = page.locator(".qz-body p").first
    assert size(captions.first) < size(paragraph)
    assert colour(captions.first) != colour(paragraph)  # the lighter caption colour


# --- links to other articles ----------------------------------------------------------------


def test_related_links_open_the_articles_they_name(built, base, page):
    meta = one(built, lambda m: len(m.get("related", [])) == 5)
    open_article(page, base, meta)
    links = page.locator(".qz-related li a")
    assert links.all_inner_texts() == [r["title"] for r in meta["related"]]
    assert meta["title"] not in links.all_inner_texts()
    targets = [(links.nth(i).inner_text(), links.nth(i).evaluate("a => a.href")) for i in range(links.count())]
    for title, href in targets:
        page.goto(href)
        assert page.locator("h1").inner_text() == title


def test_previous_and_next_walk_the_index_order(built, base, page):
    metas = front_matters(built)
    middle = one(built, lambda m: m.get("previous") and m.get("next"))
    open_article(page, base, middle)
    page.locator("a.qz-prevnext__link--next").click()
    assert page.locator("h1").inner_text() == middle["next"]["title"]
    page.locator("a.qz-prevnext__link--prev").click()
    assert page.locator("h1").inner_text() == middle["title"]
    page.locator("a.qz-prevnext__link--prev").click()
    assert page.locator("h1").inner_text() == middle["previous"]["title"]
    # the chain is the index pages' order: previous = the next one down a newest-first list
    by_url = {m["url"]: m for m in metas}
    dated = [m for m in metas if m["date"]]
    newest = max(dated, key=lambda m: (m["date"], m["source"], m["source_line"]))
    walk, current = [], newest
    while current:
        walk.append(current["title"])
        current = by_url[current["previous"]["path"]] if current.get("previous") else None
    assert len(walk) == len(dated)
    assert newest.get("next") is None


def test_previous_next_follow_indexes_newest_first():
    """The same order as the index pages (indexes.newest_first), checked on records."""
    from build_archive.site import links
    from build_archive.models import Article

    articles = [Article(source=f"p{i % 3}.txt", line=i, ordinal=i, title=f"t{i}", slug=f"s{i}",
                        date=["2022-07-19", "2022-07", "2023", None][i % 4]) for i in range(24)]
    linked = {a.slug: a for a in links.link_articles(articles)}
    listed = [a.slug for a in indexes.newest_first(articles) if a.date]
    assert [linked[s].previous.slug for s in listed[:-1]] == listed[1:]


# --- citation ----------------------------------------------------------------------------


def test_citation_names_paper_date_page_title_and_permalink(built, base, page):
    meta = one(built, lambda m: m["paper"] and m["page"])
    open_article(page, base, meta)
    text = page.locator("#qz-cite-text").inner_text()
    for part in (meta["paper"], meta["date_display"], meta["page"], meta["title"]):
        assert part in text
    assert text.startswith("、".join(meta["authors"]) + "：《" if meta["authors"] else "《")
    # no site_url in this build: over http the address of the page, from disk its path in the archive
    expected = base + meta["url"] if base.startswith("http") else meta["url"]
    assert text.endswith("，" + expected)
    fields = dict(zip(page.locator(".qz-cite__fields dt").all_inner_texts(),
                      page.locator(".qz-cite__fields dd").all_inner_texts()))
    assert fields == {"报纸": meta["paper"], "日期": meta["date_display"], "版面": meta["page"], "题名": meta["title"]}


def test_citation_without_a_known_paper_says_so(built, base, page):
    meta = one(built, lambda m: not m["paper"])
    open_article(page, base, meta)
    assert "（报名不详）" in page.locator("#qz-cite-text").inner_text()


def test_copy_button_copies_the_citation_and_says_so(built, served, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.split("/repo/")[0])
    page = context.new_page()
    try:
        meta = one(built, lambda m: m["paper"] and m["page"])
        open_article(page, served, meta)
        status = page.locator(".qz-cite .qz-copy__status")
        assert status.inner_text() == ""
        page.locator(".qz-cite button.qz-copy").click()
        page.locator(".qz-cite .qz-copy__status", has_text="已复制").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator("#qz-cite-text").inner_text().strip()
        assert meta["title"] in copied
    finally:
        context.close()


def test_copy_button_works_from_disk(built, page):
    meta = one(built, lambda m: m["paper"])
    page.goto((built / "site" / meta["url"]).as_uri())
    page.locator(".qz-cite button.qz-copy").click()
    page.locator(".qz-cite .qz-copy__status", has_text="已复制").wait_for()
    assert not page.errors
    assert all(url.startswith("file://") for url in page.requests)


# --- report an error ---------------------------------------------------------------------


def test_report_box_names_the_source_and_a_corrections_entry(built, base, page):
    meta = one(built, lambda m: m["paper"])
    open_article(page, base, meta)
    assert page.locator(".qz-report a.qz-report__link").count() == 0  # no GitHub repository configured
    text_box = page.locator("#qz-report-text")
    assert not text_box.is_visible()
    page.locator(".qz-report summary", has_text="报告错误 / 建议更正").click()
    assert text_box.is_visible()
    text = text_box.inner_text()
    assert f"{meta['source']} 第 {meta['source_line']} 行" in text and meta["id"] in text
    entry = yaml.safe_load(text[text.index("- source:"):])
    assert entry == [{"source": meta["source"], "article": meta["title"][:40], "set": {"title": None}}]
    page.locator(".qz-report button.qz-copy").click()
    page.locator(".qz-report .qz-copy__status", has_text="已复制").wait_for()


@pytest.fixture(scope="module")
def github_site(built, tmp_path_factory):
    """The sample docs built again by MkDocs as the Pages workflow builds them (no Pagefind needed here)."""
    out = tmp_path_factory.mktemp("github") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITE_URL", "https://example.github.io/archive/")
        mp.setenv("CORRECTIONS_GITHUB", "example/archive")
        builder.mkdocs_build(built / "docs", out, 1700000000)
    return out


def test_report_link_opens_a_prefilled_github_issue(built, github_site, page):
    meta = one(built, lambda m: m["paper"] and m["page"])
    page.goto((github_site / meta["url"]).as_uri())
    link = page.locator(".qz-report a.qz-report__link")
    assert link.inner_text() == "报告错误 / 建议更正"
    assert page.locator(".qz-report details").count() == 0
    url = urlsplit(link.get_attribute("href"))
    assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/example/archive/issues/new")
    query = parse_qs(url.query)
    assert meta["title"] in query["title"][0] and meta["source"] in query["title"][0]
    body = query["body"][0]
    permalink = "https://example.github.io/archive/" + meta["url"]
    assert f"网址：{permalink}" in body and f"{meta['source']} 第 {meta['source_line']} 行" in body
    entry = yaml.safe_load(body.split("```yaml\n", 1)[1].split("```", 1)[0])
    assert entry[0]["source"] == meta["source"] and entry[0]["article"] == meta["title"][:40]
    # the permalink in the citation is the hosted address; loading the page asked nothing of github.com
    assert page.locator("#qz-cite-text").inner_text().endswith("，" + permalink)
    assert all(url.startswith("file://") for url in page.requests), page.requests


# --- the template on its own, with hostile values ------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render_article(meta: dict, extra: dict | None = None, site_url: str = "", content: str = "<p>正文</p>") -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PROJECT / "overrides"))
    page = types.SimpleNamespace(meta=meta, content=content, url="articles/2022/x.html")
    config = {"site_url": site_url, "site_name": "衢州新闻档案", "extra": extra or {"corrections": {"github": "", "email": ""}}}
    return env.get_template("partials/article.html").render(page=page, config=config, base_url="../..")


HOSTILE = "<script>alert(1)</script>\"'&{{ x }}"


def hostile_meta() -> dict:
    link = {"title": HOSTILE, "path": "articles/2022/y.html", "date_display": HOSTILE}
    return {"title": HOSTILE, "subtitle": HOSTILE, "date": "2022-08", "date_precision": "month",
            "date_display": "2022年8月", "districts": [HOSTILE], "themes": [HOSTILE], "authors": [HOSTILE],
            "type": HOSTILE, "paper": HOSTILE, "page": HOSTILE, "source": HOSTILE, "source_line": 3,
            "captions": [HOSTILE], "continued": True, "gaps": [HOSTILE], "id": "abcd1234",
            "related": [link] * 5, "previous": link, "next": link}


@pytest.mark.parametrize("extra", [None, {"corrections": {"github": "o/r", "email": "a@b.c"}}])
def test_hostile_values_stay_text(extra):
    out = render_article(hostile_meta(), extra)
    parser = _Tags()
    parser.feed(out)
    assert "script" not in {tag for tag, _ in parser.tags}
    assert "<script>" not in out
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)


def test_report_entry_stays_valid_yaml_with_quotes_in_the_title():
    meta = {**hostile_meta(), "title": "常山:“链式”招商 'x' # y: z", "source": "a'b.txt"}
    out = render_article(meta)
    text = html.unescape(re.search(r'<pre class="qz-report__text" id="qz-report-text">(.*?)</pre>', out, re.S).group(1))
    entry = yaml.safe_load(text[text.index("- source:"):])
    assert entry[0]["source"] == "a'b.txt" and entry[0]["article"] == meta["title"]


def test_a_retitled_article_is_keyed_by_the_start_of_its_body():
    """corrections.yml finds an article by its title as extracted or by its body's start;
    a corrected page shows no trace of the old title, so the body it is."""
    meta = {**hostile_meta(), "title": "新标题", "corrected": {"title": "原来抽取的标题"}}
    out = html.unescape(render_article(meta, content="<h2>小标题</h2><p>正文 &amp; 第一段很长很长很长很长很长很长的内容</p>"))
    assert "article: '小标题正文 & 第一段很长很长很长很长很'" in out
    assert "原来抽取的标题" not in out


@pytest.mark.parametrize("name", ["柯城区", "营商环境", "汪宇鑫", "伊丽莎白·泰勒", "共享联盟衢江站", "Tom 王",
                                  "a/b", "x" * 5, "很" * 31, "衢州市 ", "﨑"])
def test_chip_paths_agree_with_the_index_pages(name):
    """The template's name rule is addresses.name_slug's; a name it cannot hash links to the overview."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PROJECT / "overrides"))
    macro = env.get_template("partials/qz-names.html").module.name_path
    slug = addresses.name_slug(name)
    assert str(macro("authors", name)) == (f"authors/{name}.html" if slug == name else "authors/index.html")
