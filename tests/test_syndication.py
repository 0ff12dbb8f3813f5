"""Issue 23: feeds, OpenSearch and one-click citations, checked on the real sample build.

Feeds are parsed by feedparser (a maintained parser: a malformed feed sets `bozo`), every
entry's link must open a page of the site; every article page carries Highwire tags
(Zotero, Google Scholar) and RIS/BibTeX downloads made at build time.
"""
from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml

from build_archive.models import Article
from build_archive.site import render, syndication

OPENSEARCH_NS = "{http://a9.com/-/spec/opensearch/1.1/}"


def front_matter(md: Path) -> dict:
    return yaml.safe_load(md.read_text("utf-8").split("---\n")[1])


def article_pages(built: Path) -> list[tuple[dict, str]]:
    docs, site = built / "docs", built / "site"
    return [(front_matter(md), (site / md.relative_to(docs).with_suffix(".html")).read_text("utf-8"))
            for md in sorted((docs / "articles").rglob("*.md"))]


def meta(page_html: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)"', page_html)]


def feeds(site: Path) -> list[Path]:
    return [site / syndication.FEED_PATH, *sorted((site / "feeds").rglob("*.xml"))]


def test_every_feed_is_valid_atom_newest_first_and_its_links_open_pages_of_the_site(built):
    site = built / "site"
    found = feeds(site)
    assert len(found) > 10  # the archive, 7 districts, the themes
    for path in found:
        parsed = feedparser.parse(path.read_bytes(), response_headers={
            "content-location": f"http://archive.test/{path.relative_to(site).as_posix()}",  # as a server sends it
            "content-type": "application/atom+xml"})
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10" and parsed.feed.title.startswith("衢州新闻档案")
        entries = parsed.entries
        assert 0 < len(entries) <= syndication.FEED_SIZE
        stamps = [e.updated_parsed for e in entries]
        assert stamps == sorted(stamps, reverse=True)
        assert len({e.id for e in entries}) == len(entries)
        for entry in entries:
            url = urllib.parse.urlparse(entry.link)
            assert url.netloc == "archive.test", entry.link  # resolved inside the site
            target = site / urllib.parse.unquote(url.path).lstrip("/")
            assert target.is_file() and target.suffix == ".html", (path, entry.link)


def test_the_archive_feed_holds_the_newest_dated_articles(built):
    rows = [front_matter(md) for md in (built / "docs" / "articles").rglob("*.md")]
    dated = sorted((r["date"] for r in rows if r["date"]), reverse=True)
    parsed = feedparser.parse((built / "site" / syndication.FEED_PATH).read_bytes())
    assert len(parsed.entries) == min(len(dated), syndication.FEED_SIZE)
    assert parsed.entries[0].updated.startswith(dated[0][:7])


def test_home_and_index_pages_link_their_feed_and_every_page_links_opensearch(built):
    site = built / "site"
    home = (site / "index.html").read_text("utf-8")
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="feed\.xml"', home)
    for kind in ("districts", "themes"):
        landing = [p for p in (site / kind).glob("*.html") if p.name != "index.html"]
        assert landing
        for page in landing:
            href = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"',
                             page.read_text("utf-8"))
            assert href, page
            assert (page.parent / urllib.parse.unquote(href.group(1))).resolve().is_file(), (page, href.group(1))
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts or page.name == "404.html":  # 404 links from the site root (MkDocs)
            continue
        href = re.search(r'<link rel="search" type="application/opensearchdescription\+xml"[^>]*href="([^"]+)"',
                         page.read_text("utf-8"))
        assert href and (page.parent / href.group(1)).resolve() == site / syndication.OPENSEARCH_PATH, page


def test_the_opensearch_description_is_valid_and_opens_the_search_page(built):
    root = ET.parse(built / "site" / syndication.OPENSEARCH_PATH).getroot()
    assert root.tag == f"{OPENSEARCH_NS}OpenSearchDescription"
    url = root.find(f"{OPENSEARCH_NS}Url")
    assert url.get("type") == "text/html" and url.get("template") == "search.html?q={searchTerms}"
    assert root.find(f"{OPENSEARCH_NS}ShortName").text == "衢州新闻档案"
    assert (built / "site" / "search.html").is_file()


def test_every_article_page_carries_highwire_citation_tags(built):
    pages = article_pages(built)
    assert len(pages) == 22
    for fm, page in pages:
        assert meta(page, "citation_title") == [fm["title"]]
        assert meta(page, "citation_author") == fm["authors"]
        assert meta(page, "citation_language") == ["zh"]
        assert meta(page, "citation_publication_date") == ([fm["date"].replace("-", "/")] if fm["date"] else [])
        assert meta(page, "citation_journal_title") == ([fm["paper"]] if fm["paper"] else [])
        assert meta(page, "citation_firstpage") == ([fm["first_page"]] if fm["first_page"] else [])
        assert meta(page, "citation_public_url") == []  # no SITE_URL: no address to give


def download(page_html: str, extension: str) -> str:
    href = re.search(rf'<a href="data:[^,"]*,([^"]*)" download="qz-[0-9a-f]+\.{extension}"', page_html)
    assert href, extension
    return urllib.parse.unquote(html.unescape(href.group(1)))


def test_ris_and_bibtex_downloads_describe_the_article(built):
    for fm, page in article_pages(built):
        ris = download(page, "ris").splitlines()
        assert ris[0] == "TY  - NEWS" and ris[-1] == "ER  - "
        assert f"TI  - {fm['title']}" in ris
        assert [line[6:] for line in ris if line.startswith("AU  - ")] == fm["authors"]
        assert (f"DA  - {fm['date'].replace('-', '/')}" in ris) == bool(fm["date"])
        bib = download(page, "bib")
        assert bib.startswith(f"@article{{qz{fm['id']},\n") and bib.endswith("}\n")
        depth = 0
        for char in re.sub(r"\\[{}]", "", bib):  # escaped braces are text
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0
        assert depth == 0
        assert "journal = {" in bib if fm["paper"] else "journal" not in bib


def article(**fields) -> Article:
    base = dict(source="a.txt", line=1, ordinal=1, title="标题", body="正文第一段。\n\n## 小标题\n\n第二段。",
                date="2022-07-19", date_precision="day", districts=("柯城区",), themes=("营商环境",),
                authors=("张三",), slug="articles/2022/2022-07-19-kecheng-00000001")
    return Article(**{**base, **fields})


def test_with_a_site_url_feed_links_are_absolute_and_without_it_relative_to_the_feed():
    one = article()
    absolute = syndication.atom("t", "feeds/districts/柯城区.xml", "districts/柯城区.html", [one], "https://x.github.io/qz/")
    assert 'href="https://x.github.io/qz/articles/2022/2022-07-19-kecheng-00000001.html"' in absolute
    relative = syndication.atom("t", "feeds/districts/柯城区.xml", "districts/柯城区.html", [one])
    link = re.search(r'<entry>.*?href="([^"]+)"', relative, re.S).group(1)
    assert posixpath.normpath(posixpath.join("feeds/districts", link)) == f"{one.slug}.html"
    assert 'template="https://x.github.io/qz/search.html?q={searchTerms}"' in syndication.opensearch("https://x.github.io/qz/")


def test_a_feed_skips_undated_articles_and_takes_the_newest_fifty():
    items = [article(date=f"2020-01-{d:02d}", slug=f"articles/2020/x{d}") for d in range(1, 29)]
    items += [article(date=f"2021-{m:02d}", date_precision="month", slug=f"articles/2021/m{m}") for m in range(1, 13)]
    items += [article(date=str(y), date_precision="year", slug=f"articles/{y}/y") for y in range(2000, 2015)]
    items += [article(date=None, date_precision=None, slug="articles/undated/u")]
    chosen = syndication.newest(items)
    assert len(chosen) == 50 and all(a.date for a in chosen)
    assert chosen[0].date == "2021-12" and chosen[-1].date == "2005"


@pytest.mark.parametrize("page, first, last", [
    ("1—4版", "1", "4"), ("第3版", "3", "3"), ("A12版", "A12", "A12"), ("00002 综合新闻", "2", "2"), (None, None, None),
    ("要闻", None, None),
])
def test_a_printed_page_label_gives_the_first_and_last_page(page, first, last):
    assert render.page_range(page) == (first, last)


def test_bibtex_fields_escape_what_bibtex_would_read_as_markup():
    formats = render.citation_formats(article(title="50%的{增长}_#1 & C:\\路径"), "abcd1234")
    assert r"title = {50\%的\{增长\}\_\#1 \& C:\textbackslash{}路径}," in formats["bibtex"]
    assert "TI  - 50%的{增长}_#1 & C:\\路径" in formats["ris"]
