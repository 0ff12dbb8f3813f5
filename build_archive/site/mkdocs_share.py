"""MkDocs hook: render one share of the site's pages (site.mkdocs_full_build).

MkDocs renders pages one after another on one core, and holds every page's
HTML in memory until the end. A full build therefore runs several MkDocs
processes over the same docs/ folder, each rendering every n-th page
(`ARCHIVE_MKDOCS_SHARE="k/n"`), two at a time, each into an empty folder.

Each process runs `mkdocs build --dirty` (MkDocs' own "render only what
changed") and this hook says that the other shares' pages, and for shares
other than 0 the static files, have not changed: MkDocs then neither reads nor
writes them. Every process still knows every page, so links between pages
resolve and the sitemap lists all pages, exactly as in a single build.
(Marking them *excluded* instead would drop them from share 0's sitemap.)

Without the variable the hook does nothing.
"""
from __future__ import annotations

import os

VARIABLE = "ARCHIVE_MKDOCS_SHARE"


def share_of(index: int, shares: int) -> int:
    """The share the index-th documentation page (sorted by path) belongs to: round robin,
    so index pages and articles of every year spread evenly."""
    return index % shares


def on_files(files, config):
    value = os.environ.get(VARIABLE)
    if not value:
        return files
    mine, shares = (int(n) for n in value.split("/"))
    pages = sorted(files.documentation_pages(), key=lambda f: f.src_uri)
    others = {f.src_uri for i, f in enumerate(pages) if share_of(i, shares) != mine}
    for file in files:
        if file.src_uri in others or (mine != 0 and not file.is_documentation_page()):
            file.is_modified = _unchanged
    return files


def _unchanged() -> bool:
    return False
