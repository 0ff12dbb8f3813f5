"""Article → Markdown with YAML front matter (pure).

Article text is text: it is escaped so that nothing in a page dump is read as
Markdown or HTML, and the front matter is written by the YAML library.
"""
from __future__ import annotations

import re

import yaml

from build_archive.extract import dates
from build_archive.addresses import article_id
from build_archive.models import Article, ArticleLink

# Python-Markdown reads these anywhere in a line: backslash-escape them.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}()#!|])")
# ... and these only at the start of a line: headings, quotes, lists, setext underlines, rules.
_LINE_START = re.compile(r"^(?:([+\-])|(=)|(\d+)([.)]))", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)  # four spaces would start a code block
# HTML, entities and autolinks all start with one of these: write them as entities.
_HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """Text shown literally by Python-Markdown (with attr_list, tables and toc).

    Nothing in it is read as Markdown or HTML: `<`, `>` and `&` become entities,
    inline specials are backslash-escaped, and a line cannot start a heading,
    list, quote, code block or setext underline (leading white space, which
    HTML would not show anyway, is dropped).
    """
    text = _INDENT.sub("", text)
    text = re.sub(r"[&<>]", lambda m: _HTML_SPECIALS[m.group()], text)
    text = _INLINE_SPECIALS.sub(r"\\\1", text)

    def line_start(m: re.Match) -> str:
        sign, equals, number, dot = m.groups()
        if sign:
            return "\\" + sign
        if equals:
            return "&#61;"  # `=` has no backslash escape in Python-Markdown
        return f"{number}\\{dot}"

    return _LINE_START.sub(line_start, text)


def link_meta(link: ArticleLink) -> dict:
    """Another article as this page links it: path relative to docs/ (the template prefixes base_url)."""
    return {"title": link.title, "path": f"{link.slug}.html",
            "date_display": dates.display(link.date, link.date_precision)}


def front_matter(article: Article) -> dict:
    return {
        "title": article.title,
        "subtitle": article.subtitle,
        "date": article.date,
        "date_precision": article.date_precision,
        "date_display": dates.display(article.date, article.date_precision),
        "date_source": article.date_source,  # masthead | page | sources.yml | correction | text
        "districts": list(article.districts),
        "themes": list(article.themes),
        "keywords": list(article.keywords),
        "authors": list(article.authors),
        "type": article.type,
        "paper": article.paper,
        "page": article.page,
        "source": article.source,
        "source_line": article.line,
        "captions": [caption.display() for caption in article.captions],
        "continued": article.continued,
        "gaps": list(article.gaps),
        "id": article.extra.get("id") or article_id(article),  # a corrected article keeps its id
        **({"corrected": article.extra["corrected"]} if article.extra.get("corrected") else {}),  # field: as extracted
        # links to other articles (build_archive/site/links.py), for the page's foot
        "related": [link_meta(link) for link in article.related],
        "previous": link_meta(article.previous) if article.previous else None,
        "next": link_meta(article.next) if article.next else None,
    }


def body_markdown(body: str) -> str:
    blocks = []
    for block in body.split("\n\n"):
        if block.startswith("## "):
            blocks.append("## " + escape_markdown(block[3:]))
        elif block:
            blocks.append(escape_markdown(block))
    return "\n\n".join(blocks)


# libyaml's emitter when PyYAML has it (its wheels do): 5x faster than the pure-Python one,
# the same text for our front matter (tests/test_render.py round-trips awkward values).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def article_markdown(article: Article) -> str:
    meta = yaml.dump(front_matter(article), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    # no search tokens here: the search stage adds them to its own copy of the page (parts.indexed_page)
    return f"---\n{meta}---\n\n{body_markdown(article.body)}\n"
