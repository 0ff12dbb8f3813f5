"""Article → Markdown with YAML front matter (pure).

Article text is text: it is escaped so that nothing in a page dump is read as
Markdown or HTML, and the front matter is written by the YAML library.
"""
from __future__ import annotations

import re

import yaml

from build_archive.extract import dates
from build_archive.addresses import article_id, issue_link, page_range
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


# What BibTeX reads as markup in a field.
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#$_^~])")


_BIBTEX_WORDS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_WORDS.get(m.group(1), "\\" + m.group(1)), text)


def citation_formats(article: Article, article_id_: str) -> dict[str, str]:
    """RIS and BibTeX records of the article, all but the URL and the terminator: the page
    template adds those, as only it knows the page's address (site_url)."""
    first, last = page_range(article.page)
    date = article.date or ""
    ris = ["TY  - NEWS", f"TI  - {article.title}", *[f"AU  - {a}" for a in article.authors]]
    if date:
        ris += [f"PY  - {date[:4]}", f"DA  - {date.replace('-', '/')}"]
    if article.paper:
        ris.append(f"T2  - {article.paper}")
    if first:
        ris += [f"SP  - {first}"] + ([f"EP  - {last}"] if last != first else [])
    ris += ["LA  - zh", "DB  - 衢州新闻档案", f"ID  - {article_id_}"]
    fields = [("title", article.title), ("author", " and ".join(article.authors)), ("journal", article.paper or ""),
              ("year", date[:4]), ("month", str(int(date[5:7])) if len(date) >= 7 else ""), ("date", date),
              ("pages", (first + ("--" + last if last != first else "")) if first else ""),
              ("language", "chinese"), ("note", "衢州新闻档案")]
    bibtex = "".join(f"  {name} = {{{_bibtex(value)}}},\n" for name, value in fields if value)
    return {"ris": "\n".join(ris) + "\n", "bibtex": bibtex}


LEAD_CHARS = 60


def lead(article: Article) -> str:
    """The start of the article's first paragraph (the issue view's "first line")."""
    text = next((b for b in article.body.split("\n\n") if b and not b.startswith("## ")), "")
    return text[:LEAD_CHARS] + ("…" if len(text) > LEAD_CHARS else "")


def front_matter(article: Article) -> dict:
    first_page, last_page = page_range(article.page)
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
        "first_page": first_page,
        "last_page": last_page,
        "issue": issue_link(article),  # the issue view at this article's page (site/issues.py)
        "page_order": article.ordinal,  # position on its printed page
        "lead": lead(article),
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
        # for the 引用本文 box's RIS and BibTeX downloads (not in the data files)
        "citation": citation_formats(article, article.extra.get("id") or article_id(article)),
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
