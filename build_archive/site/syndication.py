"""Atom feeds and the OpenSearch description (pure): how readers follow and search the archive
from outside it.

- `feed.xml`: the newest FEED_SIZE dated articles; `feeds/districts/<name>.xml` and
  `feeds/themes/<name>.xml`: the same per district and per theme (named as their index pages). Linked from the home and
  the index pages (`<link rel="alternate">`, overrides/main.html, front matter `feed`).
- `opensearch.xml`: lets a browser add the archive as a search engine (`search.html?q=…`).

Links are absolute when the site's address is known (`SITE_URL`, as MkDocs' site_url), else
relative to the feed file, which Atom allows (RFC 4287 §4.2.7, resolved against the
feed's own URL). Entry ids are stable: a UUID from the article's permanent path. Bytes
depend only on the articles: `updated` is the newest entry's date, never the build time.
"""
from __future__ import annotations

import uuid
from xml.sax.saxutils import escape, quoteattr

from build_archive.addresses import name_slug
from build_archive.models import Article

FEED_SIZE = 50
FEED_PATH = "feed.xml"
OPENSEARCH_PATH = "opensearch.xml"
SUMMARY_CHARS = 160
SITE_NAME = "衢州新闻档案"
_ID_NAMESPACE = uuid.UUID("6f1c3d52-8a0e-4f35-9d61-2b7c0e4a9a10")  # fixed: ids stay the same between builds


def feed_path(root: str, name: str) -> str:
    """The feed of a district or theme (`root`: districts, themes), named as its index page is."""
    return f"feeds/{root}/{name_slug(name)}.xml"


def _timestamp(date: str) -> str:
    """An RFC 3339 time for a date of any precision (its first day)."""
    year, month, day = (date.split("-") + ["01", "01"])[:3]
    return f"{year}-{month}-{day}T00:00:00Z"


def _href(path: str, feed_path: str, site_url: str) -> str:
    """`path` (site-relative) as the feed links it: absolute with a site URL, else relative to the feed."""
    if site_url:
        return site_url.rstrip("/") + "/" + path
    return "../" * feed_path.count("/") + path


def _summary(article: Article) -> str:
    text = " ".join(block for block in article.body.split("\n\n") if not block.startswith("## "))
    return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")


def newest(articles: list[Article], size: int = FEED_SIZE) -> list[Article]:
    """The newest dated articles, newest first (ties in a fixed order)."""
    dated = [a for a in articles if a.date]
    return sorted(dated, key=lambda a: (a.date, a.source, a.line, a.slug), reverse=True)[:size]


def atom(title: str, feed_path: str, page_path: str, articles: list[Article], site_url: str = "") -> str:
    """An Atom 1.0 feed of `articles` (newest first), for the index page `page_path`."""
    entries = newest(articles)
    updated = _timestamp(entries[0].date) if entries else "1970-01-01T00:00:00Z"
    feed_id = f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, feed_path)}"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{feed_id}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{escape(SITE_NAME)}</name></author>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(_href(feed_path, feed_path, site_url))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(_href(page_path, feed_path, site_url))}/>',
    ]
    for article in entries:
        lines += [
            "  <entry>",
            f"    <title>{escape(article.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(_href(article.slug + ".html", feed_path, site_url))}/>',
            f"    <id>urn:uuid:{uuid.uuid5(_ID_NAMESPACE, article.slug)}</id>",
            f"    <updated>{_timestamp(article.date)}</updated>",
            f"    <published>{_timestamp(article.date)}</published>",
            *[f"    <author><name>{escape(name)}</name></author>" for name in article.authors],
            *[f"    <category term={quoteattr(name)}/>" for name in (*article.districts, *article.themes)],
            f"    <summary>{escape(_summary(article))}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def opensearch(site_url: str = "") -> str:
    """The OpenSearch description; its template is absolute when the site's address is known."""
    template = (site_url.rstrip("/") + "/" if site_url else "") + "search.html?q={searchTerms}"
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">',
        f"  <ShortName>{escape(SITE_NAME)}</ShortName>",
        "  <Description>搜索衢州本地报纸的文章档案</Description>",
        "  <InputEncoding>UTF-8</InputEncoding>",
        "  <Language>zh</Language>",
        f'  <Url type="text/html" method="get" template={quoteattr(template)}/>',
        "</OpenSearchDescription>",
    ]) + "\n"


def syndication_files(articles: list[Article], site_url: str = "") -> dict[str, str]:
    """Every feed and the OpenSearch description: {docs-relative path: XML}."""
    files = {FEED_PATH: atom(SITE_NAME, FEED_PATH, "index.html", articles, site_url)}
    for root, names_of in (("districts", lambda a: a.districts), ("themes", lambda a: a.themes)):
        grouped: dict[str, list[Article]] = {}
        for article in articles:
            for name in names_of(article):
                grouped.setdefault(name, []).append(article)
        for name, items in sorted(grouped.items()):
            path = feed_path(root, name)
            files[path] = atom(f"{SITE_NAME} · {name}", path, f"{root}/{name_slug(name)}.html", items, site_url)
    files[OPENSEARCH_PATH] = opensearch(site_url)
    return files
