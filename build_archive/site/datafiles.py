"""The archive as data for researchers: docs/data/articles.json and articles.csv (pure).

One record per article: every front-matter field as `render.front_matter`
writes it, plus `url`, the article's site-relative page. Rows are in date
order (the same order as the index pages), so two builds give the same bytes.
"""
from __future__ import annotations

import csv
import io
import json

from build_archive.site import render
from build_archive.models import Article

JSON_PATH = "data/articles.json"
CSV_PATH = "data/articles.csv"
LIST_SEPARATOR = "；"  # Chinese semicolon: list items in one CSV cell
# A cell starting with one of these is a formula to Excel (CSV injection): prefix a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chronological(articles: list[Article]) -> list[Article]:
    """Oldest first; undated first of all. Ties by source file, position, slug."""
    return sorted(articles, key=lambda a: (a.date or "", a.source, a.line, a.ordinal, a.slug))


# Front-matter fields that are page furniture, not data: the citation downloads.
NOT_DATA = ("citation",)


def record(article: Article) -> dict:
    fields = {k: v for k, v in render.front_matter(article).items() if k not in NOT_DATA}
    return {**fields, "url": f"{article.slug}.html"}


def records(articles: list[Article]) -> list[dict]:
    return [record(a) for a in chronological(articles)]


def articles_json(rows: list[dict]) -> str:
    """A JSON array, one article per line (diffs stay readable)."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f"[\n{lines}\n]\n" if rows else "[]\n"


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        text = LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, (list, tuple, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def articles_csv(rows: list[dict]) -> str:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese; a header row."""
    columns: dict[str, None] = {}
    for row in rows or [record(Article(source="", line=0, ordinal=0, title=""))]:  # the header even when empty
        columns.update(dict.fromkeys(row))  # every field of every row, in first-seen order
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return "\ufeff" + out.getvalue()


def data_files(articles: list[Article]) -> dict[str, str]:
    rows = records(articles)
    return {JSON_PATH: articles_json(rows), CSV_PATH: articles_csv(rows)}
