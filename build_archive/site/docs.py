"""The generated files of docs/: article pages, index pages, data files (pure, but for the pool)."""
from __future__ import annotations

import os
from typing import Iterator

from build_archive.models import Article
from build_archive.search import bigrams
from build_archive.scale import parallel
from build_archive.site import datafiles, indexes, issues, render, syndication


# Rendering an article takes ~2 ms: a pool pays for itself from a few hundred.
POOL_MIN_RENDERS = 200

def _no_setup() -> None:
    pass

def docs_items(articles: list[Article], unchanged=None) -> Iterator[tuple[str, str | None]]:
    """Every generated file of docs/ as (path, text), text None where `unchanged(path,
    article)` says docs/ already holds that article's page (cache.RenderedPages).

    A generator, so that the build writes each page as it comes and never holds
    the whole archive's Markdown (site.write_docs)."""
    paths = [f"{a.slug}.md" for a in articles]
    keep = [bool(unchanged and unchanged(path, a)) for path, a in zip(paths, articles)]
    todo = [a for a, kept in zip(articles, keep) if not kept]
    rendered = parallel.map_ordered(render.article_markdown, todo, initializer=_no_setup, min_items=POOL_MIN_RENDERS)
    for path, kept in zip(paths, keep):
        yield path, None if kept else next(rendered)
    yield from indexes.build_indexes(articles).items()
    yield from datafiles.data_files(articles).items()  # docs/data/articles.json, .csv
    yield from issues.issue_files(articles).items()  # papers/: the issue view
    yield bigrams.FOLD_SCRIPT, bigrams.fold_script()  # the search page's traditional → simplified table
    yield from syndication.syndication_files(articles, os.environ.get("SITE_URL", "")).items()  # feeds, OpenSearch

def docs_files(articles: list[Article], unchanged=None) -> dict[str, str | None]:
    """`docs_items` as one dict (tests, and small archives)."""
    return dict(docs_items(articles, unchanged))
