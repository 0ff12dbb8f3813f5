"""Article → Markdown with YAML front matter (pure).

Article text is text: it is escaped so that nothing in a page dump is read as
Markdown or HTML, and the front matter is written by the YAML library.
"""
from __future__ import annotations

import hashlib
import re

import yaml

from . import dates, searchgrams
from .models import Article

# ASCII names for paths; the reader sees the Chinese names.
DISTRICT_SLUGS = {
    "衢州市": "quzhou", "柯城区": "kecheng", "衢江区": "qujiang", "龙游县": "longyou",
    "江山市": "jiangshan", "常山县": "changshan", "开化县": "kaihua",
}

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|~{}$!])")
_BLOCK_START = re.compile(r"^(\s*)([#>+=\-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Text shown literally by Python-Markdown: specials backslash-escaped, `&` as an entity."""
    text = text.replace("&", "&amp;")
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)), text)


def article_id(article: Article) -> str:
    """Short id that survives a rebuild: the source file and the article's first words."""
    first_words = re.sub(r"\s+", "", article.body)[:24] or article.title
    key = f"{article.source.rsplit('/', 1)[-1]}|{first_words}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def article_slug(article: Article) -> str:
    """`articles/2022/2022-07-19-qujiang-3f3caa64`: date + district + stable id."""
    date = article.date or "undated"
    year = date[:4] if article.date else "undated"
    district = DISTRICT_SLUGS.get(article.districts[0], "other") if article.districts else "other"
    return f"articles/{year}/{date}-{district}-{article_id(article)}"


def front_matter(article: Article) -> dict:
    return {
        "title": article.title,
        "subtitle": article.subtitle,
        "date": article.date,
        "date_precision": article.date_precision,
        "date_display": dates.display(article.date, article.date_precision),
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
        "id": article_id(article),
    }


def body_markdown(body: str) -> str:
    blocks = []
    for block in body.split("\n\n"):
        if block.startswith("## "):
            blocks.append("## " + escape_markdown(block[3:]))
        elif block:
            blocks.append(escape_markdown(block))
    return "\n\n".join(blocks)


def search_text(article: Article) -> str:
    """Everything a reader may search for, one piece per line."""
    pieces = [article.title, article.subtitle or "", *article.authors, *article.body.split("\n\n"),
              *(caption.display() for caption in article.captions)]
    return "\n".join(p.removeprefix("## ") for p in pieces if p)


def article_markdown(article: Article) -> str:
    meta = yaml.safe_dump(front_matter(article), allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{meta}---\n\n{body_markdown(article.body)}\n\n{searchgrams.grams_block(search_text(article))}\n"
