"""Article text is text: Markdown escaping, front matter round trip, safe paths.

Each property is checked the way the site reads the file: front matter with
MkDocs' own parser (after reading the bytes as MkDocs does), the body with
Python-Markdown and the extensions listed in mkdocs.yml.
"""
from __future__ import annotations

import datetime
import io
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from build_archive import addresses
from build_archive.extract import dates
from build_archive.site import render
from build_archive.models import Article, Caption

REPO = Path(__file__).resolve().parents[1]
EXTENSIONS = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))["markdown_extensions"]

# Pieces that mean something to Markdown, HTML, Jinja or YAML, to mix into generated text.
FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>x</a>",
    "javascript:alert(1)", "<!--", "-->", "&amp;", "&lt;", "&#60;", "&", "<", ">", "\\", "`", "```", "*", "**",
    "_", "__", "[x](y)", "![i](x.png)", "[x]: http://e.com", "[TOC]", "<http://e.com>", "|", "| a | b |",
    "| --- | --- |", "{: .c onclick=x }", "{#id}", "{{ 7*7 }}", "{% if 1 %}", "{# c #}", "---", "...", "===",
    "title: x", "- ", "+ ", "* ", "> ", "# ", "## ", "###### ", "1. ", "2) ", "    ", "\t", "  ", "\n", "\n\n",
    "~~", "$x$", "^", "=", ":", "\u3000", "中文", "衢州", "。", "，", "“", "”", "a", "1", " ",
]
# Control characters never reach rendering: corpus.decode removes them.
plain_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")))
hostile_text = st.one_of(plain_text, st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    return parser


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def squash(text: str) -> str:
    """White space removed: Markdown and HTML may reflow it, nothing else."""
    return "".join(text.split())


def article(**fields) -> Article:
    base = dict(source="p.txt", line=1, ordinal=1, title="标题", body="正文。")
    return Article(**{**base, **fields})


# --- escaping ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    '<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "[点我](javascript:alert(1))",
    "<javascript:alert(1)>", "# 不是标题", "* 不是列表", "1. 不是列表", "> 不是引用", "| a | b |\n| - | - |",
    "`不是代码`", "    不是代码块", "{{ config.site_name }}", "{% if true %}x{% endif %}", "---\ntitle: x\n---",
    "第一行\n===", "第一行\n---", "&lt;b&gt;", "[TOC]", "{: onclick=alert(1) }", "a ~b~ $c$ !d",
])
def test_hostile_examples_render_as_their_own_text(text):
    html = parse_html(to_html(render.escape_markdown(text)))
    assert {tag for tag, _ in html.tags} <= {"p", "br"}
    assert squash("".join(html.text)) == squash(text)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_escaped_text_renders_as_exactly_that_text(text):
    html = parse_html(to_html(render.escape_markdown(text)))
    assert {tag for tag, _ in html.tags} <= {"p", "br"}
    assert squash("".join(html.text)) == squash(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(hostile_text, max_size=6))
def test_body_renders_as_paragraphs_and_section_heads_only(blocks):
    body = "\n\n".join(blocks)
    html = parse_html(to_html(render.body_markdown(body)))
    assert {tag for tag, _ in html.tags} <= {"p", "br", "h2"}
    assert all(not name.startswith("on") for _, attrs in html.tags for name in attrs)
    expected = "".join(block.removeprefix("## ") for block in body.split("\n\n"))
    assert squash("".join(html.text)) == squash(expected)


# --- front matter --------------------------------------------------------------------

valid_dates = st.dates(datetime.date(dates.MIN_YEAR, 1, 1), datetime.date(dates.MAX_YEAR, 12, 31))
day_dates = valid_dates.map(lambda d: (f"{d.year:04d}-{d.month:02d}-{d.day:02d}", "day"))
month_dates = valid_dates.map(lambda d: (f"{d.year:04d}-{d.month:02d}", "month"))
year_dates = valid_dates.map(lambda d: (f"{d.year:04d}", "year"))
some_dates = st.one_of(st.just((None, None)), day_dates, month_dates, year_dates)
texts = st.lists(hostile_text, max_size=3).map(tuple)


@st.composite
def articles(draw) -> Article:
    date, precision = draw(some_dates)
    return Article(
        source=draw(hostile_text), line=draw(st.integers(0, 10**6)), ordinal=draw(st.integers(1, 99)),
        title=draw(hostile_text), subtitle=draw(st.none() | hostile_text), body=draw(hostile_text),
        authors=draw(texts), bylines=draw(texts), type=draw(hostile_text), continued=draw(st.booleans()),
        captions=tuple(draw(st.lists(st.builds(Caption, text=hostile_text, photographer=st.none() | hostile_text,
                                                 raw=hostile_text), max_size=2))),
        gaps=draw(texts), paper=draw(st.none() | hostile_text), page=draw(st.none() | hostile_text),
        date=date, date_precision=precision, districts=draw(texts), themes=draw(texts), keywords=draw(texts),
    )


def read_like_mkdocs(markdown_text: str) -> tuple[str, dict]:
    """Bytes on disk → (body, meta), as MkDocs reads a page (utf-8-sig, universal newlines)."""
    text = io.TextIOWrapper(io.BytesIO(markdown_text.encode("utf-8")), encoding="utf-8-sig").read()
    return get_data(text)


@settings(max_examples=300, deadline=None)
@given(articles())
def test_front_matter_round_trips_through_mkdocs(a):
    body, meta = read_like_mkdocs(render.article_markdown(a))
    assert meta == render.front_matter(a)
    assert body.startswith(render.body_markdown(a.body).lstrip("\n")[:50])


def test_front_matter_keeps_yaml_looking_values_as_text():
    a = article(title="---", subtitle="title: 伪造\n---\ndate: 1999", body="---\ntitle: x\n...",
                paper="{{ config }}", page="yes", authors=("null", "~", "1e3", "2023-04-05"))
    body, meta = read_like_mkdocs(render.article_markdown(a))
    assert meta["title"] == "---"
    assert meta["subtitle"] == "title: 伪造\n---\ndate: 1999"
    assert meta["paper"] == "{{ config }}" and meta["page"] == "yes"
    assert meta["authors"] == ["null", "~", "1e3", "2023-04-05"]
    assert "伪造" not in body  # the subtitle stayed in the front matter


@settings(max_examples=100, deadline=None)
@given(articles())
def test_whole_article_page_has_only_our_markup(a):
    body, _ = read_like_mkdocs(render.article_markdown(a))
    html = parse_html(to_html(body))
    # the text alone: no search tokens (the search stage adds them to Pagefind's copy, parts.indexed_page)
    assert {tag for tag, _ in html.tags} <= {"p", "br", "h2"}


# --- slugs and ids ---------------------------------------------------------------------

SLUG = re.compile(r"articles/(\d{4}|undated)/(\d{4}(-\d\d){0,2}|undated)-[a-z]+-[0-9a-f]{8}")


@settings(max_examples=300, deadline=None)
@given(date=st.none() | hostile_text | day_dates.map(lambda d: d[0]), districts=texts, a=articles())
def test_slug_is_built_from_our_own_characters(date, districts, a):
    slug = addresses.article_slug(Article(**{**a.__dict__, "date": date, "districts": districts}))
    assert SLUG.fullmatch(slug), slug
    assert posixpath.normpath(f"docs/{slug}.md").startswith("docs/articles/")


def test_slug_keeps_a_good_date_and_district():
    slug = addresses.article_slug(article(date="2022-07-19", districts=("衢江区",)))
    assert re.fullmatch(r"articles/2022/2022-07-19-qujiang-[0-9a-f]{8}", slug)
    assert addresses.article_slug(article(date="../../etc", districts=("../x",))).startswith("articles/undated/undated-other-")


def test_id_depends_on_the_text_not_on_the_file_name():
    one = article(source="a/page.txt", title="标题", body="第一段。\n\n第二段。")
    same = article(source="copy of page.txt", line=9, title="标题", body="第一段。\n\n第二段。")
    other = article(source="a/page.txt", title="标题", body="第一段。\n\n第三段。")
    assert addresses.article_id(one) == addresses.article_id(same)
    assert addresses.article_id(one) != addresses.article_id(other)


@pytest.mark.parametrize("source", ["masthead", "page", "sources.yml", "correction", "text", None])
def test_front_matter_says_where_the_date_came_from(source):
    article = Article(source="p.txt", line=1, ordinal=1, title="标题", body="正文。",
                      date="2023-09" if source else None, date_precision="month" if source else None,
                      date_source=source)
    meta = yaml.safe_load(render.article_markdown(article).split("---")[1])
    assert meta["date_source"] == source


def test_a_text_inferred_date_is_marked_as_a_guess_on_the_article_page():
    template = (Path(__file__).resolve().parent.parent / "overrides" / "partials" / "article.html").read_text("utf-8")
    guess = re.search(r'\{%-? if m\.date and m\.date_source == "text" %\}(.*?)\{%-? endif %\}', template, re.S)
    assert guess and "推断" in guess.group(1) and 'title="' in guess.group(1)
