"""Each search part's facets: which filter values (区县, 主题, 年份) its pages have.

The search page counts and applies the filters itself, from this file, instead
of asking Pagefind. Why: Pagefind 1.5.2's wasm counts filters on every search,
over every filter it has loaded, by testing each page of each filter value
against the list of results with a linear scan, in time ~ (pages x values a
page has) x results, per index and twice per search. At 10,000 articles that
was most of a search: 衢江 (8,048 results) took 233 ms with the filters loaded,
94 ms with none loaded (benchmarks/RESULTS.md). So the search page never
loads Pagefind's filters (nor tags parts with mergeFilter, which is a filter
too), and reads a part's facets from ``facets.json`` next to its
pagefind-entry.json: the same data as the part's Pagefind filter chunks and
page list, as JSON.

    {"format": 2, "prefix": "zh_",                     # Pagefind's result ids: prefix + each of
     "pages": "222f541 25ac7f3 …",                     #   these, in page-number order
     "filters": {name: {value: gaps}},                 # the page numbers having the value
     "order": runs}                                    # page numbers, oldest first (the date sort)

packed (`pack`; `unpack` and pagefind-loader.js read them back), because the search page
loads the facets of every part it searches: `gaps` and `runs` as build_archive/search/numbers.py
writes them. Pages are numbered in path order, which starts with the
date (pagefind_service.py), so a year's or a day's pages are one run and the date order
is nearly one run too: a 2,700-page part's facets went from 37 KB gzipped to ~19 KB.

"order" serves a search by filters alone (no query): Pagefind's search with no
term loads every index chunk of every part first (59 MB at 10,000 articles),
so the search page lists those pages from the facets and loads their fragments
itself (pagefind-loader.js, `fragment`).

Written from the part's own bundle right after Pagefind (``write_facets``), so
it names the pages exactly as the part's results do.
"""
from __future__ import annotations

from pathlib import Path

from build_archive.search import parts, stable_bundle
from build_archive.search.numbers import gaps, read_gaps, read_runs, runs

FILE = "facets.json"  # in a part's bundle folder
FORMAT = 2


def pack(pages: list[str], filters: dict[str, dict[str, list[int]]], order: list[int]) -> dict:
    prefix = pages[0].split("_", 1)[0] + "_" if pages and "_" in pages[0] else ""
    if not all(page.startswith(prefix) and " " not in page for page in pages):
        raise ValueError("page ids without one common language prefix")
    return {"format": FORMAT, "prefix": prefix, "pages": " ".join(page[len(prefix):] for page in pages),
            "filters": {name: {value: gaps(numbers) for value, numbers in values.items()}
                        for name, values in filters.items()},
            "order": runs(order)}


def unpack(data: dict) -> dict:
    """facets.json as lists: {"pages": [id, ...], "filters": {name: {value: [n, ...]}}, "order": [n, ...]}."""
    if data.get("format") != FORMAT:
        raise ValueError(f"facets format {data.get('format')!r}, expected {FORMAT}")
    return {"pages": [data["prefix"] + page for page in data["pages"].split()],
            "filters": {name: {value: read_gaps(text) for value, text in values.items()}
                        for name, values in data["filters"].items()},
            "order": read_runs(data["order"])}


def facets(meta: list, filter_chunks: list[list]) -> dict:
    """A part's facets from its decoded pf_meta and filter chunks (stable_bundle.read_chunk)."""
    pages = [page[0] for page in meta[1]]
    filters = {name: {value: list(numbers) for value, numbers in values} for name, values in filter_chunks}
    order = dict(meta[4]).get("date", list(range(len(pages))))
    return pack(pages, filters, list(order))


def facets_bytes(data: dict) -> bytes:
    return parts.manifest_bytes(data)  # the same canonical JSON as parts.json


def write_facets(bundle: Path) -> Path:
    """Write BUNDLE/facets.json from the Pagefind bundle in that folder (one language: zh)."""
    metas = sorted(bundle.glob("pagefind.*.pf_meta"))
    if len(metas) != 1:
        raise ValueError(f"{bundle}: expected one pf_meta (one language), found {len(metas)}")
    meta = stable_bundle.read_chunk(metas[0])
    chunks = [stable_bundle.read_chunk(bundle / "filter" / f"{chunk_hash}.pf_filter") for _, chunk_hash in meta[3]]
    path = bundle / FILE
    path.write_bytes(facets_bytes(facets(meta, chunks)))
    return path
